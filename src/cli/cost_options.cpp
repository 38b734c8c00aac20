// The cost model from backtest.* and the costs stored with a run (cost_options.hpp).
#include "cli/cost_options.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::cli {
namespace {

// One cost key of the run against the current config, as text a user would type.
struct CostKey {
  const char* key;
  std::string stored, current;
};

}  // namespace

void add_cost_options(CLI::App* cmd, Registry& registry, bool fill_model) {
  registry.bind(
      cmd->add_option("--fees", "taker fee per fill, fraction of its value (default 0.0005)"),
      "backtest.taker_fee");
  registry.bind(cmd->add_option("--maker-fee",
                                "maker fee (default 0.0002; reported, market fills pay taker)"),
                "backtest.maker_fee");
  registry.bind(cmd->add_option("--slippage", "slippage fraction per market fill (default 0.0005)"),
                "backtest.slippage");
  if (fill_model) registry.bind(cmd->add_option("--fill", "next_open (default) or close"), "backtest.fill");
  registry.bind(
      cmd->add_flag("--no-funding")->description("ignore funding (backtest.funding = off)"),
      "backtest.funding", "off");
}

void check_resume_costs(const core::Config& cfg, const backtest::BacktestConfig& stored,
                        const std::string& run_id) {
  const auto current = backtest::costs_from_config(cfg);
  const auto num = [](double v) { return core::format_number(v); };
  const CostKey keys[] = {
      {"backtest.taker_fee", num(stored.fees.taker), num(current.fees.taker)},
      {"backtest.maker_fee", num(stored.fees.maker), num(current.fees.maker)},
      {"backtest.slippage", num(stored.slippage.fraction), num(current.slippage.fraction)},
      {"backtest.fill", std::string(backtest::fill_model_name(stored.fill)),
       std::string(backtest::fill_model_name(current.fill))},
      {"backtest.funding", stored.funding ? "on" : "off", current.funding ? "on" : "off"},
  };
  for (const auto& k : keys) {
    if (k.stored == k.current) continue;
    const auto& source = cfg.source(k.key);
    // A flag on --resume is an explicit wish the run cannot honour without changing its fitness
    // half-way; a file or environment value is more likely a default set for new runs.
    if (source.rfind("flag ", 0) == 0) {
      throw core::UsageError(
          fmt::format("{} {} differs from run {}'s {} = {}: a resumed run keeps the costs it was "
                      "evolved with (drop the flag, or start a new run)",
                      source.substr(5), k.current, run_id, k.key, k.stored));
    }
    spdlog::warn("{} = {} (from {}) is ignored: run {} keeps its stored {} = {}", k.key, k.current,
                 source, run_id, k.key, k.stored);
  }
}

}  // namespace organism::cli
