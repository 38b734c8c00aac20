// Family 7: Ichimoku cloud: long while the close is above the cloud and tenkan above kijun, short
// while below the cloud and tenkan below kijun, flat otherwise (inside the cloud or crossed back).
#include <fmt/format.h>

#include <algorithm>

#include "indicators/ichimoku.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kTenkan, kKijun, kSenkou };

indicators::IchimokuParams cloud_params(const ParamValues& p) {
  const int k = static_cast<int>(p[kKijun]);
  return {static_cast<int>(p[kTenkan]), k, static_cast<int>(p[kSenkou]), k};
}

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/) : ip_(cloud_params(p)) {}
  // tenkan, kijun, senkou A, senkou B: the columns of indicator_set with the cloud displaced by kijun.
  std::vector<RuleInput> inputs() const {
    return {column_input(fmt::format("ichimoku_tenkan_{}", ip_.tenkan)),
            column_input(fmt::format("ichimoku_kijun_{}", ip_.kijun)),
            column_input(fmt::format("ichimoku_senkou_a_{}_{}_{}", ip_.tenkan, ip_.kijun, ip_.senkou)),
            column_input(fmt::format("ichimoku_senkou_b_{}_{}", ip_.senkou, ip_.displacement))};
  }
  // The batch path computes the four lines in one pass, as before the rule was shared: through
  // the cache each column would run the whole cloud again.
  std::array<indicators::SharedColumn, kMaxRuleInputs> batch_columns(const MarketView& m) const {
    auto s = indicators::ichimoku(m.bars, ip_);
    const auto shared = [](std::vector<double>& v) { return std::make_shared<const std::vector<double>>(std::move(v)); };
    return {shared(s.tenkan), shared(s.kijun), shared(s.senkou_a), shared(s.senkou_b)};
  }
  double step(const RuleView& v, std::size_t i, double /*pos*/) const {
    const double tenkan = v.in[0][i], kijun = v.in[1][i];
    const double a = v.in[2][i], b = v.in[3][i], c = v.bars.close[i];
    if (!finite(a) || !finite(b) || !finite(tenkan) || !finite(kijun)) return 0.0;
    if (c > std::max(a, b) && tenkan > kijun) return 1.0;
    if (c < std::min(a, b) && tenkan < kijun) return -1.0;
    return 0.0;
  }

 private:
  indicators::IchimokuParams ip_;
};

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
  // Senkou A is defined from kijun - 1 + displacement, senkou B from senkou - 1 + displacement.
  std::size_t warmup(const ParamValues& p) const override {
    const auto q = cloud_params(p);
    return static_cast<std::size_t>(std::max({q.tenkan, q.kijun, q.senkou}) - 1 + q.displacement);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
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
