// Family 5: SMA trend filter: with the trend while the price is on one side of the SMA (or the
// fast SMA on one side of the slow one) and the SMA slopes the same way; flat otherwise.
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kPeriod, kTwo, kSlowPeriod, kSlope };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp). The slope reads bar
// i - slope_bars: the warm-up keeps it in range.
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : n_(static_cast<int>(p[kPeriod])),
        two_(p[kTwo] != 0),
        slow_n_(static_cast<int>(two_ ? p[kSlowPeriod] : p[kPeriod])),
        back_(static_cast<std::size_t>(p[kSlope])) {}
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("sma_{}", n_)), column_input(fmt::format("sma_{}", slow_n_))};
  }
  double step(const RuleView& v, std::size_t i, double /*pos*/) const {
    const auto& sma = v.in[0];
    const double ref = two_ ? v.in[1][i] : v.bars.close[i];
    const double slope = sma[i] - sma[i - back_];
    if (!finite(ref) || !finite(slope)) return 0.0;
    // Two SMAs: fast above slow; one SMA: close above the SMA.
    const double side = two_ ? sign(sma[i] - ref) : sign(ref - sma[i]);
    return side == sign(slope) ? side : 0.0;
  }

 private:
  int n_;
  bool two_;
  int slow_n_;
  std::size_t back_;
};

class SmaTrend final : public Family {
 public:
  std::string_view name() const override { return "sma_trend"; }
  int number() const override { return 5; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("period", 2, 200, 20, "SMA period (the fast one with two SMAs)"),
        bool_param("two_sma", false, "compare the SMA with a slower one instead of with the close"),
        int_param("slow_period", 5, 400, 50, "period of the slow SMA"),
        int_param("slope_bars", 1, 50, 5, "the SMA's slope is SMA[t] - SMA[t - slope_bars]")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    auto w = static_cast<std::size_t>(p[kPeriod] - 1 + p[kSlope]);
    if (p[kTwo] != 0) w = std::max(w, static_cast<std::size_t>(p[kSlowPeriod] - 1));
    return w;
  }
  // One SMA against the close: no slow SMA.
  std::vector<bool> inactive(const ParamValues& p) const override {
    std::vector<bool> off(p.size(), false);
    off[kTwo] = off[kSlowPeriod] = p[kTwo] == 0;
    return off;
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    const int n = static_cast<int>(p[kPeriod]), b = static_cast<int>(p[kSlope]);
    if (p[kTwo] != 0) {
      return fmt::format(
          "Long while SMA({}) > SMA({}) and SMA({}) is above its value {} bars earlier; short in "
          "the "
          "mirror case; flat otherwise.",
          n, static_cast<int>(p[kSlowPeriod]), n, b);
    }
    return fmt::format(
        "Long while the close is above SMA({}) and the SMA is above its value {} bars earlier; "
        "short in "
        "the mirror case; flat otherwise.",
        n, b);
  }
};

}  // namespace

const Family& sma_trend() {
  static const SmaTrend family;
  return family;
}

}  // namespace organism::strategy::seeds
