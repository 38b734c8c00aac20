// Family 4: stochastic oscillator: long when %K crosses above %D in the oversold zone, short when
// it crosses below in the overbought zone; a position exits on the opposite cross.
#include <fmt/format.h>

#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kK, kKSlow, kD, kLow, kHigh };

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
    const auto suffix = fmt::format("{}_{}_{}", static_cast<int>(p[kK]),
                                    static_cast<int>(p[kKSlow]), static_cast<int>(p[kD]));
    const auto k_col = column(m, "stoch_k_" + suffix);
    const auto d_col = column(m, "stoch_d_" + suffix);
    const struct { const std::vector<double>&k, &d; } s{*k_col, *d_col};
    run_positions(out, warmup(p), [&](std::size_t i, double pos) {
      if (!finite(s.k[i]) || !finite(s.d[i]) || !finite(s.k[i - 1]) || !finite(s.d[i - 1]))
        return 0.0;
      const bool up = s.k[i - 1] <= s.d[i - 1] && s.k[i] > s.d[i];
      const bool down = s.k[i - 1] >= s.d[i - 1] && s.k[i] < s.d[i];
      if ((pos > 0 && down) || (pos < 0 && up)) pos = 0;
      if (up && s.d[i] < p[kLow]) return 1.0;
      if (down && s.d[i] > p[kHigh]) return -1.0;
      return pos;
    });
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
