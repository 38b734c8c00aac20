// Family 6: ATR volatility stop (chandelier): enter with the trend (close vs its EMA), exit when
// the close falls a multiple of ATR below the highest close since entry (above the lowest, short).
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTrend, kAtr, kMult };

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp); it keeps the best close
// since entry and the side last stopped out.
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : trend_n_(static_cast<int>(p[kTrend])), atr_n_(static_cast<int>(p[kAtr])), mult_(p[kMult]) {}
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("ema_{}", trend_n_)), column_input(fmt::format("atr_{}", atr_n_))};
  }
  double step(const RuleView& v, std::size_t i, double pos) {
    const double ema = v.in[0][i], atr = v.in[1][i];
    if (!finite(ema) || !finite(atr)) return 0.0;
    const double c = v.bars.close[i];
    const double trend = sign(c - ema);
    if (trend != blocked_) blocked_ = 0;
    if (pos != 0) {
      best_ = pos > 0 ? std::max(best_, c) : std::min(best_, c);
      const bool stopped = pos > 0 ? c < best_ - mult_ * atr : c > best_ + mult_ * atr;
      if (!stopped) return pos;
      blocked_ = pos;
      pos = 0;
    }
    if (trend != 0 && trend != blocked_) {
      best_ = c;
      return trend;
    }
    return 0.0;
  }

 private:
  int trend_n_, atr_n_;
  double mult_;
  double best_ = 0;
  double blocked_ = 0;  // side stopped out: no re-entry that way until the trend flips
};

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
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
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
