// The evolve.* configuration keys (config_keys.hpp).
#include "evolve/config_keys.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "evolve/engine.hpp"
#include "evolve/graveyard.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

namespace {

namespace check = core::check;

core::ConfigCheck count(double lo) { return check::whole(core::closed(lo, kMaxConfigCount)); }
core::ConfigCheck probability() { return check::number(core::closed(0, 1)); }

// A value some parser of this layer must accept: its UsageError is the reason.
core::ConfigCheck parsed_by(std::string rule, void (*parse)(const std::string&)) {
  return check::custom(std::move(rule),
                       [parse](const std::string& value) -> std::optional<std::string> {
                         try {
                           parse(value);
                           return std::nullopt;
                         } catch (const core::UsageError& e) {
                           return e.what();
                         }
                       });
}

core::ConfigCheck families() {
  return check::custom("family names, or all",
                       [](const std::string& value) -> std::optional<std::string> {
                         const auto chosen = core::split_list(value);
                         if (chosen.size() == 1 && chosen.front() == "all") return std::nullopt;
                         const auto all = strategy::genome_families();
                         for (const auto& f : chosen) {
                           if (std::find(all.begin(), all.end(), f) == all.end()) {
                             return fmt::format("unknown family '{}'; families: {}",
                                                f.substr(0, 40), fmt::join(all, ", "));
                           }
                         }
                         return std::nullopt;
                       });
}

// Empty, living, or strategy ids (whether each id exists is for the store to say at run creation).
core::ConfigCheck warm_start() {
  return check::custom("empty, living, or strategy ids", [](const std::string& value) -> std::optional<std::string> {
    const auto ids = core::split_list(value);
    if (ids.size() > 1 && std::find(ids.begin(), ids.end(), "living") != ids.end()) {
      return "living stands alone: it already holds every living strategy";
    }
    return std::nullopt;
  });
}

core::ConfigCheck embargo() {
  return check::custom(
      "auto or a whole number >= 0", [](const std::string& value) -> std::optional<std::string> {
        if (value == "auto") return std::nullopt;
        if (auto v = core::parse_int64(core::trim(value)); v && *v >= 0) return std::nullopt;
        return fmt::format("'{}' is not auto or a whole number >= 0", value.substr(0, 40));
      });
}

std::string objective_list(const std::vector<Objective>& objectives) {
  std::string out;
  for (const auto& o : objectives) out += (out.empty() ? "" : ",") + o.metric;
  return out;
}

}  // namespace

std::vector<core::ConfigKey> config_keys() {
  using core::format_number;
  const EvolveOptions d;
  const VariationOptions& v = d.variation;
  return {
      {"evolve.coins", std::string(defaults::kCoins),
       "coins of the universe (each backtested; objectives aggregated across them)",
       check::distinct_names()},
      {"evolve.interval", std::string(defaults::kInterval), "bar interval of the universe",
       check::interval()},
      {"evolve.population", std::to_string(d.population),
       "genomes in all (split evenly over the islands)", count(4)},
      {"evolve.generations", std::to_string(d.generations),
       "generations after the initial population", count(0)},
      {"evolve.islands", std::to_string(d.islands),
       "islands (ring migration of the best every evolve.migration_interval generations)",
       count(1)},
      {"evolve.migration_interval", std::to_string(d.migration_interval),
       "generations between migrations", count(1)},
      {"evolve.migrants", std::to_string(d.migrants), "best genomes each island sends to the next",
       count(0)},
      // Read as a signed 64-bit number: a negative seed would wrap to a huge one.
      {"evolve.seed", std::to_string(d.seed), "seed of every random stream of the run",
       check::whole(core::at_least(0))},
      {"evolve.threads", std::to_string(defaults::kThreads),
       "evaluation threads (0: all cores; capped at the cores)", count(0)},
      {"evolve.objectives", objective_list(d.objectives),
       "metric names, each maximized or minimized by its nature",
       parsed_by("metric names", [](const std::string& s) { parse_objectives(s); })},
      {"evolve.aggregate", std::string(aggregate_name(d.aggregate)),
       "objectives across coins: mean, or worst (the weakest coin)",
       check::one_of({"mean", "worst"})},
      {"evolve.families", fmt::format("{}", fmt::join(d.families, ",")),
       "genome families to search (empty: the seed families and rule trees; all: every family, ML "
       "included)",
       families()},
      {"evolve.min_trades", format_number(d.constraints.min_trades),
       "constraint: mean closed trades per coin in-sample", check::number(core::at_least(0))},
      {"evolve.max_drawdown", format_number(d.constraints.max_drawdown),
       "constraint: worst coin's in-sample max drawdown (at the target volatility; 1: off)",
       check::number(core::open_closed(0, 1))},
      {"evolve.breaker_genes", d.breaker_genes ? "on" : "off",
       "random genomes of the initial population carry the drawdown-stop genes dd_stop and "
       "dd_cooldown (half of them on), so evolution tunes the breaker (on/off)",
       check::boolean()},
      {"evolve.target_volatility", format_number(d.target_volatility),
       "annualized volatility every curve is rescaled to before its metrics are taken (scale-free "
       "objectives)",
       check::number(core::open_closed(0, 5))},
      {"evolve.crossover_probability", format_number(v.crossover_probability),
       "chance a pair of parents is crossed", probability()},
      {"evolve.sbx_eta", format_number(v.sbx_eta), "SBX distribution index",
       check::number(core::at_least(0))},
      {"evolve.mutation_eta", format_number(v.mutation_eta),
       "polynomial mutation distribution index", check::number(core::at_least(0))},
      {"evolve.mutation_rate", format_number(v.mutation_rate), "per-gene mutation chance",
       check::number(core::at_most(1), "negative: 1 / genes")},
      {"evolve.family_switch", format_number(v.family_switch_probability),
       "chance a mutated child becomes a random genome of another family", probability()},
      {"evolve.warm_start", std::string(defaults::kWarmStart),
       "genomes that open the initial population (at most half of it): living (the validated, paper, "
       "production and decaying strategies of the run's interval) or strategy ids; empty: none",
       warm_start()},
      {"evolve.time_budget_seconds", format_number(defaults::kTimeBudgetSeconds),
       "after a generation, when this process has stepped the run for longer, it stops evolving and "
       "finishes the run (validated, saved) with the generations reached (0: no limit)",
       check::number(core::at_least(0))},
      {"evolve.graveyard_weight", format_number(d.graveyard_weight),
       "penalty on genomes close to retired strategies: each objective moves toward worse by weight x "
       "similarity of its magnitude (0: off)",
       check::number(core::closed(0, kMaxGraveyardWeight))},
      {"evolve.cache_mb", std::to_string(defaults::kCacheMb), "indicator cache size in MiB",
       check::whole(core::closed(1, kMaxCacheMb))},
      {"evolve.embargo", std::string(defaults::kEmbargo),
       "bars between split segments (auto: the longest indicator lookback)", embargo()},
      {"evolve.mpi_timeout", format_number(defaults::kMpiTimeout),
       "under mpirun: seconds a rank may wait for the others in one exchange before it ends the "
       "job (0: no limit)",
       check::number(core::at_least(0))},
      {"evolve.distributed", std::string(defaults::kDistributed),
       "under mpirun: islands (each rank owns islands) or workers (rank 0 evolves, ranks evaluate)",
       check::one_of({"islands", "workers"})},
  };
}

}  // namespace organism::evolve
