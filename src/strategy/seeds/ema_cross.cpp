// Family 1: EMA crossover, long while the fast EMA is above the slow one and short while below,
// with an optional momentum or volume confirmation required to enter.
#include <fmt/format.h>

#include <algorithm>

#include "indicators/moving_average.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kFast, kSlow, kConfirm, kConfirmPeriod };
constexpr int kNone = 0, kMomentum = 1, kVolume = 2;  // confirm choices

class EmaCross final : public Family {
 public:
  std::string_view name() const override { return "ema_cross"; }
  int number() const override { return 1; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("fast", 2, 100, 12, "fast EMA period"),
        int_param("slow", 3, 400, 26, "slow EMA period (the two are sorted: fast is the shorter)"),
        choice_param(
            "confirm", {"none", "momentum", "volume"}, kNone,
            "entry needs close > close[t-n] (momentum) or volume > its n-bar SMA (volume)"),
        int_param("confirm_period", 2, 100, 10, "n of the confirmation")};
    return specs;
  }
  // The periods are sorted so every value pair is a valid rule (equal periods never cross).
  static std::pair<int, int> periods(const ParamValues& p) {
    const int a = static_cast<int>(p[kFast]), b = static_cast<int>(p[kSlow]);
    return {std::min(a, b), std::max(a, b)};
  }
  std::size_t warmup(const ParamValues& p) const override {
    const auto [fast, slow] = periods(p);
    (void)fast;
    std::size_t w = static_cast<std::size_t>(slow - 1);
    const auto n = static_cast<std::size_t>(p[kConfirmPeriod]);
    if (p[kConfirm] == kMomentum) w = std::max(w, n);
    if (p[kConfirm] == kVolume) w = std::max(w, n - 1);
    return w;
  }
  // No confirmation: the confirmation period has nothing to count.
  std::vector<bool> inactive(const ParamValues& p) const override {
    std::vector<bool> off(p.size(), false);
    off[kConfirm] = off[kConfirmPeriod] = p[kConfirm] == kNone;
    return off;
  }
  // fast/slow and slow/fast are one rule (periods()); the sorted pair stays within both bounds
  // (fast's range starts lower, slow's ends higher).
  void canonicalize(ParamValues& p) const override {
    const auto [fast, slow] = periods(p);
    p[kFast] = fast;
    p[kSlow] = slow;
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto [fast_n, slow_n] = periods(p);
    const auto close = m.bars.close;
    const auto fast_col = column(m, fmt::format("ema_{}", fast_n));
    const auto slow_col = column(m, fmt::format("ema_{}", slow_n));
    const auto& fast = *fast_col;
    const auto& slow = *slow_col;
    const int confirm = static_cast<int>(p[kConfirm]);
    const auto n = static_cast<std::size_t>(p[kConfirmPeriod]);
    std::vector<double> vol_avg;
    if (confirm == kVolume) vol_avg = indicators::sma(m.bars.volume, static_cast<int>(n));
    auto confirmed = [&](std::size_t i, double side) {
      if (confirm == kMomentum) return i >= n && sign(close[i] - close[i - n]) == side;
      if (confirm == kVolume) return finite(vol_avg[i]) && m.bars.volume[i] > vol_avg[i];
      return true;
    };
    run_positions(out, warmup(p), [&](std::size_t i, double pos) {
      if (!finite(fast[i]) || !finite(slow[i])) return 0.0;
      const double trend = sign(fast[i] - slow[i]);
      if (trend == 0) return 0.0;
      if (pos == trend) return pos;  // hold while the cross stands
      return confirmed(i, trend) ? trend : 0.0;
    });
  }
  std::string describe(const ParamValues& p) const override {
    const auto [fast, slow] = periods(p);
    const char* confirm[] = {
        "",
        "; a position is entered only once the close is also above (below, for a short) the "
        "close {} bars earlier",
        "; a position is entered only on a bar whose volume is above its "
        "{}-bar average"};
    return fmt::format(
        "Long while EMA({}) > EMA({}), short while below{}; a position exits when the EMAs cross "
        "back.",
        fast, slow,
        fmt::format(fmt::runtime(confirm[static_cast<int>(p[kConfirm])]),
                    static_cast<int>(p[kConfirmPeriod])));
  }
};

}  // namespace

const Family& ema_cross() {
  static const EmaCross family;
  return family;
}

}  // namespace organism::strategy::seeds
