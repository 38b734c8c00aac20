// Family 1: EMA crossover, long while the fast EMA is above the slow one and short while below,
// with an optional momentum or volume confirmation required to enter.
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kFast, kSlow, kConfirm, kConfirmPeriod };
constexpr int kNone = 0, kMomentum = 1, kVolume = 2;  // confirm choices

// The periods are sorted so every value pair is a valid rule (equal periods never cross).
std::pair<int, int> periods(const ParamValues& p) {
  const int a = static_cast<int>(p[kFast]), b = static_cast<int>(p[kSlow]);
  return {std::min(a, b), std::max(a, b)};
}

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : periods_(periods(p)), confirm_(static_cast<int>(p[kConfirm])), n_(static_cast<std::size_t>(p[kConfirmPeriod])) {}
  std::vector<RuleInput> inputs() const {
    std::vector<RuleInput> in = {column_input(fmt::format("ema_{}", periods_.first)),
                                 column_input(fmt::format("ema_{}", periods_.second))};
    if (confirm_ == kVolume) in.push_back(volume_sma_input(static_cast<int>(n_)));
    return in;
  }
  double step(const RuleView& v, std::size_t i, double pos) const {
    const auto& fast = v.in[0];
    const auto& slow = v.in[1];
    if (!finite(fast[i]) || !finite(slow[i])) return 0.0;
    const double trend = sign(fast[i] - slow[i]);
    if (trend == 0) return 0.0;
    if (pos == trend) return pos;  // hold while the cross stands
    return confirmed(v, i, trend) ? trend : 0.0;
  }

 private:
  bool confirmed(const RuleView& v, std::size_t i, double side) const {
    const auto close = v.bars.close;
    if (confirm_ == kMomentum) return i >= n_ && sign(close[i] - close[i - n_]) == side;
    if (confirm_ == kVolume) return finite(v.in[2][i]) && v.bars.volume[i] > v.in[2][i];
    return true;
  }

  std::pair<int, int> periods_;
  int confirm_;
  std::size_t n_;
};

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
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
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
