// Family 4: stochastic oscillator: long when %K crosses above %D in the oversold zone, short when
// it crosses below in the overbought zone; a position exits on the opposite cross.
#include <fmt/format.h>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kK, kKSlow, kD, kLow, kHigh };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp). A cross reads bar i-1:
// the warm-up keeps i >= 1.
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/) : low_(p[kLow]), high_(p[kHigh]) {
    suffix_ = fmt::format("{}_{}_{}", static_cast<int>(p[kK]), static_cast<int>(p[kKSlow]), static_cast<int>(p[kD]));
  }
  std::vector<RuleInput> inputs() const { return {column_input("stoch_k_" + suffix_), column_input("stoch_d_" + suffix_)}; }
  double step(const RuleView& v, std::size_t i, double pos) const {
    const auto& k = v.in[0];
    const auto& d = v.in[1];
    if (!finite(k[i]) || !finite(d[i]) || !finite(k[i - 1]) || !finite(d[i - 1])) return 0.0;
    const bool up = k[i - 1] <= d[i - 1] && k[i] > d[i];
    const bool down = k[i - 1] >= d[i - 1] && k[i] < d[i];
    if ((pos > 0 && down) || (pos < 0 && up)) pos = 0;
    if (up && d[i] < low_) return 1.0;
    if (down && d[i] > high_) return -1.0;
    return pos;
  }

 private:
  std::string suffix_;
  double low_, high_;
};

class StochasticCross final : public Family {
 public:
  std::string_view name() const override { return "stochastic_cross"; }
  int number() const override { return 4; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("k", 5, 50, 14, "%K lookback (highest high / lowest low)"),
        int_param("k_slow", 1, 10, 3, "%K smoothing"),
        int_param("d", 1, 10, 3, "%D smoothing of %K"),
        real_param("low", 5, 45, 20, "a long enters on a cross up while %D is below this"),
        real_param("high", 55, 95, 80, "a short enters on a cross down while %D is above this")};
    return specs;
  }
  // %D is defined from k + k_slow + d - 3; a cross also reads the bar before.
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(p[kK] + p[kKSlow] + p[kD] - 2);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Stochastic %K({}, slowed {}) and %D({}): long when %K crosses above %D while %D < {:g}, "
        "short when %K crosses "
        "below %D while %D > {:g}; a long exits on a cross down, a short on a cross up.",
        static_cast<int>(p[kK]), static_cast<int>(p[kKSlow]), static_cast<int>(p[kD]), p[kLow],
        p[kHigh]);
  }
};

}  // namespace

const Family& stochastic_cross() {
  static const StochasticCross family;
  return family;
}

}  // namespace organism::strategy::seeds
