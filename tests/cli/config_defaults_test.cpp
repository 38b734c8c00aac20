// Every default is written once: the key table each layer declares produces, read through the
// CLI's option builders, exactly the option structs' defaults (EvolveOptions, ValidationOptions,
// BacktestConfig, EvaluationSettings, SynthOptions, QualityOptions, ImportOptions); and
// docs/configuration.md lists exactly the keys, defaults and ranges `config show` prints.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "backtest/models.hpp"
#include "backtest/risk_limits.hpp"
#include "cli/config_keys.hpp"
#include "cli/cost_options.hpp"
#include "cli/evolve_support.hpp"
#include "core/text.hpp"
#include "data/import.hpp"
#include "data/quality.hpp"
#include "data/synth.hpp"

namespace organism::cli {
namespace {

TEST(ConfigDefaults, KeyDefaultsAreTheStructDefaults) {
  const core::Config cfg(all_config_keys());
  EXPECT_EQ(evolve::to_json(runs::evolve_options(cfg)), evolve::to_json(evolve::EvolveOptions{}));

  const auto v = runs::validation_options(cfg);
  const validate::ValidationOptions vd;
  EXPECT_EQ(v.gates.sharpe, vd.gates.sharpe);
  EXPECT_EQ(v.gates.max_drawdown, vd.gates.max_drawdown);
  EXPECT_EQ(v.gates.dsr, vd.gates.dsr);
  EXPECT_EQ(v.gates.pbo, vd.gates.pbo);
  EXPECT_EQ(v.pbo_blocks, vd.pbo_blocks);
  EXPECT_EQ(v.walk_forward.folds, vd.walk_forward.folds);
  EXPECT_EQ(v.walk_forward.population, vd.walk_forward.population);
  EXPECT_EQ(v.walk_forward.generations, vd.walk_forward.generations);
  EXPECT_EQ(v.perturbation_step, vd.perturbation_step);
  EXPECT_EQ(v.cost_multiplier, vd.cost_multiplier);

  EXPECT_EQ(backtest::costs_to_json(backtest::costs_from_config(cfg)),
            backtest::costs_to_json(backtest::BacktestConfig{}));

  const auto e = runs::evaluation_settings(cfg);
  EXPECT_EQ(e.cache_bytes, runs::EvaluationSettings{}.cache_bytes);
  EXPECT_EQ(e.threads, runs::EvaluationSettings{}.threads);

  const data::SynthOptions s;
  EXPECT_EQ(cfg.get_list("synth.coins"), s.coins);
  EXPECT_EQ(cfg.get("synth.interval"), s.interval.name());
  EXPECT_EQ(static_cast<std::size_t>(cfg.get_int("synth.bars")), s.bars);
  EXPECT_EQ(static_cast<std::uint64_t>(cfg.get_int("synth.seed")), s.seed);
  EXPECT_EQ(cfg.get("synth.venue"), s.venue);
  EXPECT_EQ(cfg.get_double("synth.correlation"), s.correlation);
  EXPECT_EQ(core::parse_time(cfg.get("synth.start")), s.start);
  EXPECT_EQ(cfg.get_double("quality.outlier_sigmas"), data::QualityOptions{}.outlier_sigmas);
  EXPECT_EQ(cfg.get_bool("import.skip_bad"), data::ImportOptions{}.skip_bad);

  const auto r = backtest::risk_limits_from(cfg);
  const backtest::RiskLimits rd;
  EXPECT_EQ(r.max_drawdown, rd.max_drawdown);
  EXPECT_EQ(r.reduce_at, rd.reduce_at);
  EXPECT_EQ(r.hysteresis, rd.hysteresis);
  EXPECT_EQ(r.daily_loss, rd.daily_loss);
  EXPECT_EQ(r.losing_streak, rd.losing_streak);
  EXPECT_EQ(r.vol_k, rd.vol_k);
  EXPECT_EQ(r.vol_window, rd.vol_window);
  EXPECT_EQ(r.vol_median_window, rd.vol_median_window);
  EXPECT_EQ(r.stale_intervals, rd.stale_intervals);
  EXPECT_EQ(r.stale_book_seconds, rd.stale_book_seconds);
  EXPECT_EQ(r.error_rate, rd.error_rate);
  EXPECT_EQ(r.error_window, rd.error_window);
  EXPECT_EQ(r.asset_cap, rd.asset_cap);
  EXPECT_EQ(r.max_leverage, rd.max_leverage);
  EXPECT_EQ(r.max_order_notional, rd.max_order_notional);
  EXPECT_EQ(r.max_position_notional, rd.max_position_notional);
  EXPECT_EQ(r.max_open_orders, rd.max_open_orders);
  EXPECT_EQ(r.price_collar, rd.price_collar);
  EXPECT_EQ(r.min_order_value, rd.min_order_value);
  EXPECT_EQ(r.strategy_dd_multiple, rd.strategy_dd_multiple);
  EXPECT_EQ(r.dead_man_seconds, rd.dead_man_seconds);
  for (const char* key : backtest::live_required_risk_keys()) EXPECT_NO_THROW(cfg.get(key)) << key;
}

// The rows of docs/configuration.md's key table: key -> (default, range).
std::map<std::string, std::pair<std::string, std::string>> documented_keys() {
  std::ifstream in(std::string(ORGANISM_DOCS_DIR) + "/configuration.md");
  EXPECT_TRUE(in) << ORGANISM_DOCS_DIR;
  // | `key` | `default` or (none) | range | env | flag | meaning |
  const std::regex row(R"(^\| `([a-z_.]+)` \| (?:`([^`]*)`|\(none\)) \| ([^|]*) \|)");
  std::map<std::string, std::pair<std::string, std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) out[m[1]] = {m[2], std::string(core::trim(m[3].str()))};
  }
  return out;
}

TEST(ConfigDefaults, TheDocsListEveryKeyWithItsDefaultAndRange) {
  const auto documented = documented_keys();
  std::set<std::string> declared;
  for (const auto& key : all_config_keys()) {
    const std::string name(key.name);
    declared.insert(name);
    const auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << "docs/configuration.md has no row for " << name;
      continue;
    }
    EXPECT_EQ(it->second.first, key.default_value) << name;
    EXPECT_EQ(it->second.second, key.check.rule.empty() ? "any text" : key.check.rule) << name;
  }
  for (const auto& [name, _] : documented)
    EXPECT_TRUE(declared.contains(name)) << "documented, not declared: " << name;
}

}  // namespace
}  // namespace organism::cli
