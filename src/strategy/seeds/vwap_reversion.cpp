// Family 8: VWAP reversion: long when the close is more than k standard deviations of price below
// the (session or rolling) VWAP, short when above; exit when it comes back within exit_k of it.
#include <fmt/format.h>

#include <algorithm>

#include "strategy/seeds/seeds.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kMode, kPeriod, kBand, kExitBand };
constexpr int kRolling = 0, kSession = 1;  // mode choices

// The rule at one bar, shared by signal() and stream() (rule_inputs.hpp).
class Logic {
 public:
  Logic(const ParamValues& p, core::Interval /*interval*/)
      : session_(p[kMode] == kSession), n_(static_cast<int>(p[kPeriod])), band_(p[kBand]), exit_band_(p[kExitBand]) {}
  std::vector<RuleInput> inputs() const {
    return {column_input(session_ ? std::string("vwap_session") : fmt::format("vwap_{}", n_)),
            column_input(fmt::format("stddev_{}", n_))};
  }
  double step(const RuleView& v, std::size_t i, double pos) const {
    const double vwap = v.in[0][i], sd = v.in[1][i];
    if (!finite(vwap) || !finite(sd)) return 0.0;
    if (!(sd > 0)) return 0.0;  // a flat window has no deviation to revert
    const double z = (v.bars.close[i] - vwap) / sd;
    if (pos > 0 && z >= -exit_band_) pos = 0;
    if (pos < 0 && z <= exit_band_) pos = 0;
    if (z < -band_) return 1.0;
    if (z > band_) return -1.0;
    return pos;
  }

 private:
  bool session_;
  int n_;
  double band_, exit_band_;
};

class VwapReversion final : public Family {
 public:
  std::string_view name() const override { return "vwap_reversion"; }
  int number() const override { return 8; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = {
        choice_param("mode", {"rolling", "session"}, kRolling,
                     "VWAP over the last n bars, or since the UTC day's start"),
        int_param("period", 5, 500, 48,
                  "n of the rolling VWAP and of the price's standard deviation"),
        real_param("band", 0.5, 4, 1.2, "entry: |close - VWAP| > band x stddev(close, n)"),
        real_param("exit_band", 0, 1, 0,
                   "exit: the close is back within exit_band x stddev of the VWAP")};
    return specs;
  }
  std::size_t warmup(const ParamValues& p) const override {
    return static_cast<std::size_t>(p[kPeriod] - 1);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    run_rule(Logic(p, m.interval), m, warmup(p), out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return rule_stream<Logic>(p, warmup(p));
  }
  std::string describe(const ParamValues& p) const override {
    const int n = static_cast<int>(p[kPeriod]);
    const std::string vwap =
        p[kMode] == kSession ? "the session (UTC day) VWAP" : fmt::format("the {}-bar VWAP", n);
    return fmt::format(
        "Long when the close is more than {:g} standard deviations of price ({} bars) below {}, "
        "short when as far "
        "above; a position exits when the close is back within {:g} standard deviations of the "
        "VWAP.",
        p[kBand], n, vwap, p[kExitBand]);
  }
};

}  // namespace

const Family& vwap_reversion() {
  static const VwapReversion family;
  return family;
}

}  // namespace organism::strategy::seeds
