// Family 9: volatility scaling: the trend's direction (close vs its EMA) held at a size that
// targets an annualized volatility: min(1, target / realized volatility).
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTrend, kVolPeriod, kTarget };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : trend_n_(static_cast<int>(p[kTrend])), vol_n_(static_cast<int>(p[kVolPeriod])), target_(p[kTarget]) {}
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("ema_{}", trend_n_)), annual_vol_input(vol_n_)};
  }
  double step(const RuleView& v, std::size_t i, double /*pos*/) const {
    const double ema = v.in[0][i], vol = v.in[1][i];
    if (!finite(ema) || !finite(vol)) return 0.0;
    const double size = vol > 0 ? std::min(1.0, target_ / vol) : 1.0;
    return sign(v.bars.close[i] - ema) * size;
  }

 private:
  int trend_n_, vol_n_;
  double target_;
};

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
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
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
