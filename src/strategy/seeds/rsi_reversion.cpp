// Family 3: RSI mean reversion: long when RSI is oversold, short when overbought, each exiting
// when RSI returns to the exit level.
#include <fmt/format.h>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kPeriod, kOversold, kOverbought, kExitLevel };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/) : p_(p) {}
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("rsi_{}", static_cast<int>(p_[kPeriod])))};
  }
  double step(const RuleView& v, std::size_t i, double pos) const {
    const double r = v.in[0][i];
    if (!finite(r)) return 0.0;
    if (pos > 0 && r > p_[kExitLevel]) pos = 0;
    if (pos < 0 && r < p_[kExitLevel]) pos = 0;
    if (r < p_[kOversold]) return 1.0;
    if (r > p_[kOverbought]) return -1.0;
    return pos;
  }

 private:
  ParamValues p_;
};

class RsiReversion final : public Family {
 public:
  std::string_view name() const override { return "rsi_reversion"; }
  int number() const override { return 3; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("period", 2, 50, 14, "RSI period (Wilder)"),
        real_param("oversold", 5, 45, 30, "enter long below this RSI"),
        real_param("overbought", 55, 95, 70, "enter short above this RSI"),
        real_param("exit_level", 40, 60, 50, "a long exits above it, a short below it")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(p[kPeriod]);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Long when RSI({}) < {:g} (oversold), short when RSI > {:g} (overbought); a long exits "
        "when RSI rises above "
        "{:g}, a short when it falls below {:g}.",
        static_cast<int>(p[kPeriod]), p[kOversold], p[kOverbought], p[kExitLevel], p[kExitLevel]);
  }
};

}  // namespace

const Family& rsi_reversion() {
  static const RsiReversion family;
  return family;
}

}  // namespace organism::strategy::seeds
