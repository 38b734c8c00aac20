// Family 3: RSI mean reversion: long when RSI is oversold, short when overbought, each exiting
// when RSI returns to the exit level.
#include <fmt/format.h>

#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kPeriod, kOversold, kOverbought, kExitLevel };

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
    const auto rsi_col = column(m, fmt::format("rsi_{}", static_cast<int>(p[kPeriod])));
    const auto& rsi = *rsi_col;
    run_positions(out, warmup(p), [&](std::size_t i, double pos) {
      const double r = rsi[i];
      if (!finite(r)) return 0.0;
      if (pos > 0 && r > p[kExitLevel]) pos = 0;
      if (pos < 0 && r < p[kExitLevel]) pos = 0;
      if (r < p[kOversold]) return 1.0;
      if (r > p[kOverbought]) return -1.0;
      return pos;
    });
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
