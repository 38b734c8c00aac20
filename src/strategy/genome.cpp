#include "strategy/genome.hpp"

#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "core/error.hpp"
#include "indicators/rolling_median.hpp"
#include "strategy/genome_fields.hpp"
#include "strategy/genome_filters.hpp"
#include "strategy/rule_inputs.hpp"

namespace organism::strategy {

namespace {

// Position size belongs to the allocator: evolution ranks rules on scale-free objectives
// (docs/evolution.md), so a size gene could only drift.
ParamSpec not_evolved(ParamSpec spec) {
  spec.evolved = false;
  return spec;
}

}  // namespace

const std::vector<ParamSpec>& risk_specs() {
  static const std::vector<ParamSpec> specs = {
      real_param("stop_loss", 0, 0.5, 0, "stop-loss fraction from entry (0: off)"),
      real_param("take_profit", 0, 2, 0, "take-profit fraction from entry (0: off)"),
      real_param("trailing", 0, 0.5, 0, "trailing stop fraction from the best price (0: off)"),
      not_evolved(real_param("leverage", 0.1, 10, 1,
                             "leverage cap: exposure 1 = leverage x equity (a live bound, not evolved)")),
      bool_param("vol_target_on", false, "scale exposure by vol_target / realized volatility"),
      real_param("vol_target", 0.05, 3, 0.5, "annualized volatility target"),
      int_param("vol_window", 5, 500, 24, "bars of realized volatility for the target")};
  return specs;
}

const std::vector<ParamSpec>& breaker_specs() {
  static const std::vector<ParamSpec> specs = {
      real_param("dd_stop", 0, 0.5, 0,
                 "go flat when the strategy's equity is this fraction below its peak (0: off; on: >= 0.02)"),
      int_param("dd_cooldown", 1, 720, 24, "bars to stay flat after the drawdown stop fires, then re-arm")};
  return specs;
}

void clamp_breakers(RiskBlock& r) {
  const auto& specs = breaker_specs();
  if (!(r.dd_stop > 0)) {
    // Off (NaN included): its cooldown has no effect and is not written, so it takes the default.
    r.dd_stop = 0;
    r.dd_cooldown = static_cast<int>(specs[kDdCooldown].def);
    return;
  }
  r.dd_stop = std::clamp(r.dd_stop, kMinDdStop, specs[kDdStop].hi);
  r.dd_cooldown = static_cast<int>(clamp_param(specs[kDdCooldown], r.dd_cooldown));
}

const std::vector<ParamSpec>& regime_specs() {
  static const std::vector<ParamSpec> specs = {
      bool_param("vol_filter_on", false,
                 "trade only while realized vol < vol_k x its rolling median"),
      real_param("vol_k", 0.5, 5, 1.5, "multiple of the median"),
      int_param("vol_window", 5, 500, 24, "bars of realized volatility"),
      int_param("median_window", 10, 2000, 240,
                "bars of the rolling median of realized volatility"),
      bool_param("fg_on", false, "trade only while Fear & Greed is in [fg_low, fg_high]"),
      real_param("fg_low", 0, 100, 20, "lowest Fear & Greed value traded"),
      real_param("fg_high", 0, 100, 80, "highest Fear & Greed value traded")};
  return specs;
}

std::vector<std::string> genome_families() {
  auto names = family_names();
  names.emplace_back(kTreeFamily);
  return names;
}

namespace {

bool is_tree(std::string_view family) { return family == kTreeFamily; }

gp::Rule default_tree_rule() {
  using gp::Op;
  gp::Rule r;
  r.long_entry = gp::binary(Op::CrossAbove, gp::indicator("ema", 12), gp::indicator("ema", 26));
  r.short_entry = gp::binary(Op::CrossBelow, gp::indicator("ema", 12), gp::indicator("ema", 26));
  return r;
}

}  // namespace

Genome default_genome(std::string_view family) {
  if (!is_tree(family)) return default_genome(find_family(family));
  Genome g;
  g.family = std::string(kTreeFamily);
  g.rule = default_tree_rule();
  return g;
}

Genome random_genome(std::string_view family, core::Rng& rng) {
  if (!is_tree(family)) return random_genome(find_family(family), rng);
  // The risk block and regime filter are drawn as for any family, then the rule.
  Genome g = random_genome(find_family("ema_cross"), rng);
  g.family = std::string(kTreeFamily);
  g.params.clear();
  g.rule = gp::random_rule(rng);
  return g;
}

Genome default_genome(const Family& family) {
  Genome g;
  g.family = std::string(family.name());
  g.params = default_params(family.params());
  return g;
}

Genome random_genome(const Family& family, core::Rng& rng) {
  Genome g;
  g.family = std::string(family.name());
  g.params = random_params(family.params(), rng);
  auto risk = random_params(risk_specs(), rng);
  for (int k : {kStopLoss, kTakeProfit, kTrailing}) {
    if (rng.bernoulli(0.5)) risk[k] = 0;
  }
  g.risk = risk_from_values(risk);
  g.regime = regime_from_values(random_params(regime_specs(), rng));
  g.generation = static_cast<int>(rng.below(1000));
  clamp(g);
  return g;
}

void clamp(Genome& g) {
  if (is_tree(g.family)) {
    g.params.clear();
  } else {
    g.params = clamp_params(find_family(g.family).params(), std::move(g.params));
  }
  g.risk = risk_from_values(clamp_params(risk_specs(), risk_values(g.risk)), g.risk);
  clamp_breakers(g.risk);
  g.regime = regime_from_values(clamp_params(regime_specs(), regime_values(g.regime)));
  if (g.regime.fg_low > g.regime.fg_high) std::swap(g.regime.fg_low, g.regime.fg_high);
  g.generation = std::max(g.generation, 0);
}

namespace {

// The regime filter's columns over the market: the volatility and its rolling median (null when
// the volatility filter is off), through the cache.
struct RegimeColumns {
  indicators::SharedColumn vol, median;
};

RegimeColumns regime_columns(const RegimeFilter& r, const MarketView& m) {
  RegimeColumns c;
  if (!r.vol_filter_on) return c;
  c.vol = annual_vol(m, r.vol_window);
  const auto& vol = *c.vol;
  const double per_year = m.interval.bars_per_year();
  // The volatility column's ranks are shared by every median window over it.
  const auto ranks = derived_column(m, {"genome_rvol_ranks", {static_cast<double>(r.vol_window), per_year}},
                                    [&] { return indicators::series_ranks(vol); });
  c.median = derived_column(
      m, {"genome_rvol_median", {static_cast<double>(r.vol_window), per_year, static_cast<double>(r.median_window)}},
      [&] { return indicators::rolling_median(vol, *ranks, static_cast<std::size_t>(r.median_window)); });
  return c;
}

}  // namespace

std::vector<double> regime_mask(const RegimeFilter& r, const MarketView& m) {
  const std::size_t n = m.bars.size();
  std::vector<double> mask(n, 1.0);
  if (!r.vol_filter_on && !r.fg_on) return mask;
  const auto c = regime_columns(r, m);
  const bool fg_known = m.sentiment.size() == n;  // unknown sentiment: no trade
  for (std::size_t i = 0; i < n; ++i) {
    mask[i] = regime_gate(r, c.vol ? (*c.vol)[i] : std::nan(""), c.median ? (*c.median)[i] : std::nan(""),
                          fg_known ? m.sentiment[i] : std::nan(""));
  }
  return mask;
}

std::vector<double> exposures(const Genome& genome, const MarketView& market) {
  std::vector<double> out(market.bars.size());
  exposures(genome, market, out);
  return out;
}

void exposures(const Genome& genome, const MarketView& market, std::span<double> out) {
  const std::size_t n = market.bars.size();
  if (out.size() != n) throw std::invalid_argument("exposures: the output must hold one value per bar");
  // A family may leave bars unwritten (its warm-up): they are 0, as in a fresh column.
  std::fill(out.begin(), out.end(), 0.0);
  if (is_tree(genome.family)) {
    gp::Interpreter evaluator;
    evaluator.exposure(genome.rule, market, out);
  } else {
    const Family& family = find_family(genome.family);
    family.signal(market, clamp_params(family.params(), genome.params), out);
  }
  // The filters are applied in place, bar by bar, with regime_mask's gate computed inline: the
  // same arithmetic on the same values, without a mask column per genome.
  const RegimeFilter& r = genome.regime;
  const bool gated = r.vol_filter_on || r.fg_on;
  const auto regime = gated ? regime_columns(r, market) : RegimeColumns{};
  const double* vol = regime.vol ? regime.vol->data() : nullptr;
  const double* median = regime.median ? regime.median->data() : nullptr;
  const bool fg_known = market.sentiment.size() == n;  // unknown sentiment: no trade
  const auto target_vol = genome.risk.vol_target_on ? annual_vol(market, genome.risk.vol_window) : nullptr;
  const double* tv = target_vol ? target_vol->data() : nullptr;
  const double nan = std::nan("");
  for (std::size_t i = 0; i < n; ++i) {
    const double gate = gated ? regime_gate(r, vol ? vol[i] : nan, median ? median[i] : nan,
                                            fg_known ? market.sentiment[i] : nan)
                              : 1.0;
    out[i] = filtered_exposure(genome, out[i], gate, tv ? tv[i] : nan);
  }
}

std::string describe(const Genome& g) {
  std::string out;
  if (is_tree(g.family)) {
    out = fmt::format("tree (typed rule tree, generation {}, id {})\n{}\n", g.generation, genome_id(g),
                      gp::print(g.rule));
  } else {
    const Family& family = find_family(g.family);
    out = fmt::format("{} (family {}, generation {}, id {})\n{}\n", family.name(), family.number(),
                      g.generation, genome_id(g), family.describe(g.params));
  }
  const auto& r = g.risk;
  auto frac = [](double v) { return v > 0 ? fmt::format("{:g}%", v * 100) : std::string("off"); };
  out += fmt::format("Risk: stop-loss {}, take-profit {}, trailing stop {}, leverage cap {:g}x",
                     frac(r.stop_loss), frac(r.take_profit), frac(r.trailing), r.leverage);
  if (r.vol_target_on) {
    out += fmt::format(", exposure scaled to {:g}% annualized volatility ({}-bar realized)",
                       r.vol_target * 100, r.vol_window);
  }
  if (r.dd_stop > 0) {
    out += fmt::format(", drawdown stop {:g}% of its own equity from the peak (then flat {} bars)", r.dd_stop * 100,
                       r.dd_cooldown);
  }
  out += ".\n";
  const auto& f = g.regime;
  if (!f.vol_filter_on && !f.fg_on) return out + "Regime filter: off.\n";
  out += "Regime filter: trade only while";
  if (f.vol_filter_on) {
    out += fmt::format(" the {}-bar realized volatility is below {:g} x its {}-bar median",
                       f.vol_window, f.vol_k, f.median_window);
  }
  if (f.vol_filter_on && f.fg_on) out += " and";
  if (f.fg_on)
    out += fmt::format(" the Fear & Greed index is within [{:g}, {:g}]", f.fg_low, f.fg_high);
  return out + ".\n";
}

}  // namespace organism::strategy
