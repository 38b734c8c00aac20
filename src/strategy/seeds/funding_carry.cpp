// Family 10: funding-rate carry: short while funding is persistently high (longs pay shorts), long
// while persistently negative, held at least a minimum number of bars.
#include <fmt/format.h>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kWindow, kEntry, kExit, kHold };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp); it counts the bars a
// position has been held. Without funding the mean is NaN at every bar, so the rule stays flat.
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval interval)
      : p_(p), per_hour_(1.0 / (static_cast<double>(interval.nominal_ms()) / 3'600'000.0)) {}
  std::vector<RuleInput> inputs() const { return {funding_sma_input(static_cast<int>(p_[kWindow]))}; }
  double step(const RuleView& v, std::size_t i, double pos) {
    const double rate = v.in[0][i] * per_hour_;
    if (!finite(rate)) return 0.0;
    ++held_;
    if (pos != 0 && held_ > static_cast<std::size_t>(p_[kHold])) {
      if ((pos < 0 && rate < p_[kExit]) || (pos > 0 && rate > -p_[kExit])) pos = 0;
    }
    if (pos == 0) {
      const double next = rate > p_[kEntry] ? -1.0 : (rate < -p_[kEntry] ? 1.0 : 0.0);
      if (next != 0) held_ = 0;
      return next;
    }
    return pos;
  }

 private:
  ParamValues p_;
  double per_hour_;  // 1 / bar_hours(): funding thresholds are per hour whatever the interval
  std::size_t held_ = 0;
};

class FundingCarry final : public Family {
 public:
  std::string_view name() const override { return "funding_carry"; }
  int number() const override { return 10; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("window", 2, 500, 24, "bars of the mean funding rate"),
        // Defaults: 0.003%/h (0.024% per 8h, about 26%/year) is persistently high for BTC, whose
        // funding usually sits near 0.00125%/h.
        real_param("entry", 0, 0.0005, 0.00003,
                   "hourly rate: short above +entry, long below -entry"),
        real_param("exit", 0, 0.0005, 0.000005,
                   "hourly rate: a short exits below +exit, a long above -exit"),
        int_param("min_hold", 0, 500, 8, "bars a position is held before it may exit")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(p[kWindow] - 1);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Short while the mean funding rate of the last {} bars exceeds {:g} per hour, long while "
        "it is below {:g}; "
        "hold at least {} bars, then a short exits when the mean falls below {:g}, a long when it "
        "rises above {:g}. "
        "Flat without funding data.",
        static_cast<int>(p[kWindow]), p[kEntry], -p[kEntry], static_cast<int>(p[kHold]), p[kExit],
        -p[kExit]);
  }
};

}  // namespace

const Family& funding_carry() {
  static const FundingCarry family;
  return family;
}

}  // namespace organism::strategy::seeds
