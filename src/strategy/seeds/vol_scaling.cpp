// Family 9: volatility scaling: the trend's direction (close vs its EMA) held at a size that
// targets an annualized volatility: min(1, target / realized volatility).
#include <fmt/format.h>

#include <algorithm>

#include "indicators/returns.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTrend, kVolPeriod, kTarget };

class VolScaling final : public Family {
 public:
  std::string_view name() const override { return "vol_scaling"; }
  int number() const override { return 9; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("trend_period", 5, 400, 50, "direction: sign(close - EMA(n))"),
        int_param("vol_period", 5, 200, 24, "realized volatility window (log returns)"),
        real_param("target_vol", 0.05, 3, 0.5, "annualized volatility the position is sized to")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(std::max(p[kTrend] - 1, p[kVolPeriod]));
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto ema_col = column(m, fmt::format("ema_{}", static_cast<int>(p[kTrend])));
    const auto& ema = *ema_col;
    const auto vol = indicators::realized_vol(m.bars.close, static_cast<int>(p[kVolPeriod]),
                                              m.interval.bars_per_year());
    const double target = p[kTarget];
    run_positions(out, warmup(p), [&](std::size_t i, double) {
      if (!finite(ema[i]) || !finite(vol[i])) return 0.0;
      const double size = vol[i] > 0 ? std::min(1.0, target / vol[i]) : 1.0;
      return sign(m.bars.close[i] - ema[i]) * size;
    });
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Long while the close is above EMA({}), short while below, sized min(1, {:g} / annualized "
        "realized "
        "volatility of the last {} bars).",
        static_cast<int>(p[kTrend]), p[kTarget], static_cast<int>(p[kVolPeriod]));
  }
};

}  // namespace

const Family& vol_scaling() {
  static const VolScaling family;
  return family;
}

}  // namespace organism::strategy::seeds
