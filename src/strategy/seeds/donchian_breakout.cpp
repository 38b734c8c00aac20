// Family 2: Donchian breakout: long when the close clears the channel of the N bars before it by a
// factor, short below; exit on the opposite channel or on a shorter channel.
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kPeriod, kThreshold, kExit, kExitPeriod };
constexpr int kOpposite = 0, kShorter = 1;  // exit choices

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : n_(static_cast<int>(p[kPeriod])),
        x_(p[kExit] == kShorter ? static_cast<int>(p[kExitPeriod]) : n_),
        thr_(p[kThreshold]) {}
  // The entry channel, then the exit channel (the same one when exiting on the opposite side).
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("donchian_high_{}", n_)), column_input(fmt::format("donchian_low_{}", n_)),
            column_input(fmt::format("donchian_high_{}", x_)), column_input(fmt::format("donchian_low_{}", x_))};
  }
  double step(const RuleView& v, std::size_t i, double pos) const {
    const double c = v.bars.close[i];
    if (pos > 0 && c < v.in[3][i]) pos = 0;
    if (pos < 0 && c > v.in[2][i]) pos = 0;
    if (pos <= 0 && c > v.in[0][i] * (1 + thr_)) return 1.0;
    if (pos >= 0 && c < v.in[1][i] * (1 - thr_)) return -1.0;
    return pos;
  }

 private:
  int n_, x_;
  double thr_;
};

class DonchianBreakout final : public Family {
 public:
  std::string_view name() const override { return "donchian_breakout"; }
  int number() const override { return 2; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("period", 5, 200, 20, "entry channel: the N bars before t"),
        real_param(
            "threshold", 0, 0.05, 0,
            "breakout when close > upper x (1 + threshold) (short: < lower x (1 - threshold))"),
        choice_param("exit", {"opposite", "shorter"}, kOpposite,
                     "exit on the opposite side of the entry channel or of a shorter one"),
        int_param("exit_period", 2, 100, 10, "bars of the shorter exit channel")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    auto w = static_cast<std::size_t>(p[kPeriod]);
    if (p[kExit] == kShorter) w = std::max(w, static_cast<std::size_t>(p[kExitPeriod]));
    return w;
  }
  // Exits on the entry channel's opposite side: no exit channel of its own.
  std::vector<bool> inactive(const ParamValues& p) const override {
    std::vector<bool> off(p.size(), false);
    off[kExit] = off[kExitPeriod] = p[kExit] == kOpposite;
    return off;
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    const int n = static_cast<int>(p[kPeriod]);
    const int x = p[kExit] == kShorter ? static_cast<int>(p[kExitPeriod]) : n;
    return fmt::format(
        "Long when the close exceeds the highest high of the {} bars before it by a factor {:g}, "
        "short when it falls "
        "below their lowest low by the same factor; a long exits when the close falls below the "
        "lowest low of the {} "
        "bars before it, a short when it rises above their highest high.",
        n, 1 + p[kThreshold], x);
  }
};

}  // namespace

const Family& donchian_breakout() {
  static const DonchianBreakout family;
  return family;
}

}  // namespace organism::strategy::seeds
