// Family 10: funding-rate carry: short while funding is persistently high (longs pay shorts), long
// while persistently negative, held at least a minimum number of bars.
#include <fmt/format.h>

#include "indicators/moving_average.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kWindow, kEntry, kExit, kHold };

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
    if (m.funding_per_bar.size() != out.size()) {  // no funding known: nothing to carry
      std::fill(out.begin(), out.end(), 0.0);
      return;
    }
    const auto mean = indicators::sma(m.funding_per_bar, static_cast<int>(p[kWindow]));
    const double per_hour = 1.0 / bar_hours(m);
    std::size_t held = 0;
    run_positions(out, warmup(p), [&](std::size_t i, double pos) {
      const double rate = mean[i] * per_hour;
      if (!finite(rate)) return 0.0;
      ++held;
      if (pos != 0 && held > static_cast<std::size_t>(p[kHold])) {
        if ((pos < 0 && rate < p[kExit]) || (pos > 0 && rate > -p[kExit])) pos = 0;
      }
      if (pos == 0) {
        const double next = rate > p[kEntry] ? -1.0 : (rate < -p[kEntry] ? 1.0 : 0.0);
        if (next != 0) held = 0;
        return next;
      }
      return pos;
    });
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
