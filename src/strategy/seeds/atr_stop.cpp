// Family 6: ATR volatility stop (chandelier): enter with the trend (close vs its EMA), exit when
// the close falls a multiple of ATR below the highest close since entry (above the lowest, short).
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTrend, kAtr, kMult };

class AtrStop final : public Family {
 public:
  std::string_view name() const override { return "atr_stop"; }
  int number() const override { return 6; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("trend_period", 5, 200, 50,
                  "trend: close above (below) EMA(n) enters long (short)"),
        int_param("atr_period", 2, 50, 14, "ATR period (Wilder)"),
        real_param("atr_mult", 0.5, 8, 3, "stop distance in ATRs from the best close since entry")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(std::max(p[kTrend] - 1, p[kAtr]));
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto close = m.bars.close;
    const auto ema_col = column(m, fmt::format("ema_{}", static_cast<int>(p[kTrend])));
    const auto atr_col = column(m, fmt::format("atr_{}", static_cast<int>(p[kAtr])));
    const auto& ema = *ema_col;
    const auto& atr = *atr_col;
    const double mult = p[kMult];
    double best = 0;
    double blocked = 0;  // side stopped out: no re-entry that way until the trend flips
    run_positions(out, warmup(p), [&](std::size_t i, double pos) {
      if (!finite(ema[i]) || !finite(atr[i])) return 0.0;
      const double c = close[i];
      const double trend = sign(c - ema[i]);
      if (trend != blocked) blocked = 0;
      if (pos != 0) {
        best = pos > 0 ? std::max(best, c) : std::min(best, c);
        const bool stopped = pos > 0 ? c < best - mult * atr[i] : c > best + mult * atr[i];
        if (!stopped) return pos;
        blocked = pos;
        pos = 0;
      }
      if (trend != 0 && trend != blocked) {
        best = c;
        return trend;
      }
      return 0.0;
    });
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Enter long when the close is above EMA({}), short when below; exit a long when the close "
        "falls more than "
        "{:g} x ATR({}) below the highest close since entry (a short: above the lowest); after a "
        "stop, re-enter the "
        "same way only once the close has crossed the EMA.",
        static_cast<int>(p[kTrend]), p[kMult], static_cast<int>(p[kAtr]));
  }
};

}  // namespace

const Family& atr_stop() {
  static const AtrStop family;
  return family;
}

}  // namespace organism::strategy::seeds
