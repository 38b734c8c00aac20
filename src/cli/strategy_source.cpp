#include "cli/strategy_source.hpp"

#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "cli/backtest_support.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "data/store.hpp"
#include "runs/run_service.hpp"
#include "runs/validation_record.hpp"

namespace organism::cli {

namespace {

// The largest finite max_drawdown over the stages and coins of a stored validation; NaN when it
// has none.
double validated_max_drawdown(const runs::MemberValidation& v) {
  double worst = std::numeric_limits<double>::quiet_NaN();
  for (const auto& stage : v.per_coin) {
    for (const auto& [label, coin] : stage) {
      if (std::isfinite(coin.max_drawdown) && !(coin.max_drawdown <= worst)) worst = coin.max_drawdown;
    }
  }
  return worst;
}

}  // namespace

StrategySource strategy_source(const std::string& id_or_file, Context& ctx, const char* flag) {
  StrategySource source;
  if (std::filesystem::exists(id_or_file)) {
    source.genome = load_genome(id_or_file);
    source.id = strategy::genome_id(source.genome);
    return source;
  }
  if (!std::filesystem::exists(ctx.db())) {
    throw core::UsageError(fmt::format("{} '{}': no such genome file, and no store at {} to look the id up in", flag,
                                       id_or_file, ctx.db()));
  }
  auto store = data::Store::open_existing(ctx.db());
  const core::WallClock clock;
  const runs::RunService service(store, clock);
  const auto record = service.strategy(id_or_file);
  if (!record) {
    throw core::UsageError(fmt::format("{} '{}': neither a genome file nor a strategy stored in {}", flag, id_or_file,
                                       ctx.db()));
  }
  source.id = record->id;
  source.genome = strategy::from_json(record->genome);
  source.created = record->created;
  if (record->validation) source.validated_max_drawdown = validated_max_drawdown(*record->validation);
  if (const auto run = service.load(record->run_id)) {
    source.coins = run->universe.market.coins;
    source.interval = run->universe.market.interval;
    source.costs = run->options.costs;
  }
  return source;
}

}  // namespace organism::cli
