#include "cli/strategy_source.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "cli/backtest_support.hpp"
#include "core/error.hpp"
#include "data/store.hpp"
#include "portfolio/candidates.hpp"

namespace organism::cli {

StrategySource strategy_source(const std::string& id_or_file, Context& ctx, const char* flag) {
  StrategySource source;
  if (std::filesystem::exists(id_or_file)) {
    source.genome = load_genome(id_or_file);
    source.id = strategy::genome_id(source.genome);
    return source;
  }
  if (!data::Store::may_exist(ctx.db())) {
    throw core::UsageError(fmt::format("{} '{}': no such genome file, and no store at {} to look the id up in", flag,
                                       id_or_file, data::sql::display_location(ctx.db())));
  }
  auto store = data::Store::open_existing(ctx.db());
  const auto stored = portfolio::stored_strategy(store, id_or_file);
  if (!stored) {
    throw core::UsageError(fmt::format("{} '{}': neither a genome file nor a strategy stored in {}", flag, id_or_file,
                                       store.path()));
  }
  source.id = stored->id;
  source.genome = stored->genome;
  source.created = stored->created;
  source.validated_max_drawdown = stored->validated_max_drawdown;
  source.coins = stored->coins;
  source.interval = stored->interval;
  source.costs = stored->costs;
  return source;
}

}  // namespace organism::cli
