// Family 7: Ichimoku cloud: long while the close is above the cloud and tenkan above kijun, short
// while below the cloud and tenkan below kijun, flat otherwise (inside the cloud or crossed back).
#include <fmt/format.h>

#include <algorithm>

#include "indicators/ichimoku.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTenkan, kKijun, kSenkou };

class IchimokuCloud final : public Family {
 public:
  std::string_view name() const override { return "ichimoku_cloud"; }
  int number() const override { return 7; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        int_param("tenkan", 3, 30, 9, "conversion line period"),
        int_param("kijun", 5, 60, 26, "base line period, also the cloud's displacement"),
        int_param("senkou", 10, 120, 52, "senkou B period")};
    return specs;
  }
  static indicators::IchimokuParams ip(const ParamValues& p) {
    const int k = static_cast<int>(p[kKijun]);
    return {static_cast<int>(p[kTenkan]), k, static_cast<int>(p[kSenkou]), k};
  }
  // Senkou A is defined from kijun - 1 + displacement, senkou B from senkou - 1 + displacement.
  std::size_t warmup(const ParamValues& p) const override {
    const auto q = ip(p);
    return static_cast<std::size_t>(std::max({q.tenkan, q.kijun, q.senkou}) - 1 + q.displacement);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto s = indicators::ichimoku(m.bars, ip(p));
    run_positions(out, warmup(p), [&](std::size_t i, double) {
      const double a = s.senkou_a[i], b = s.senkou_b[i], c = m.bars.close[i];
      if (!finite(a) || !finite(b) || !finite(s.tenkan[i]) || !finite(s.kijun[i])) return 0.0;
      if (c > std::max(a, b) && s.tenkan[i] > s.kijun[i]) return 1.0;
      if (c < std::min(a, b) && s.tenkan[i] < s.kijun[i]) return -1.0;
      return 0.0;
    });
  }
  std::string describe(const ParamValues& p) const override {
    return fmt::format(
        "Ichimoku({}, {}, {}), cloud displaced {} bars: long while the close is above the cloud "
        "and tenkan > kijun, "
        "short while it is below the cloud and tenkan < kijun, flat otherwise.",
        static_cast<int>(p[kTenkan]), static_cast<int>(p[kKijun]), static_cast<int>(p[kSenkou]),
        static_cast<int>(p[kKijun]));
  }
};

}  // namespace

const Family& ichimoku_cloud() {
  static const IchimokuCloud family;
  return family;
}

}  // namespace organism::strategy::seeds
