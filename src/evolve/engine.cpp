#include "evolve/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "strategy/genome_fields.hpp"

namespace organism::evolve {
namespace {

// Purposes of the random streams, so no two uses share one.
constexpr std::uint64_t kInitStream = 1;
constexpr std::uint64_t kBreakerStream = 0xb4ea;  // the initial breaker genes (evolve.breaker_genes)

// dd_stop on in half the genomes, uniform in [kMinDdStop, 0.5], its cooldown uniform in [1, 720].
void draw_breaker_genes(strategy::Genome& genome, core::Rng rng) {
  if (rng.uniform() < 0.5) return;
  const auto& specs = strategy::breaker_specs();
  genome.risk.dd_stop = strategy::kMinDdStop + rng.uniform() * (specs[strategy::kDdStop].hi - strategy::kMinDdStop);
  genome.risk.dd_cooldown = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(specs[strategy::kDdCooldown].hi)));
}
constexpr std::uint64_t kBreedStream = 2;

std::vector<Fitness> fitness_of(const std::vector<Individual>& people) {
  std::vector<Fitness> out;
  out.reserve(people.size());
  for (const auto& p : people) out.push_back(p.fitness);
  return out;
}

// Indices of the population from best to worst by (rank, crowding), ties by index.
std::vector<std::size_t> crowded_order(const std::vector<Individual>& people) {
  const auto fit = fitness_of(people);
  const auto ranking = rank_population(fit);
  std::vector<std::size_t> order(people.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return crowded_less(ranking, a, b); });
  return order;
}

}  // namespace

void TrialStats::add(double sharpe) {
  ++count;
  const double delta = sharpe - mean;
  mean += delta / static_cast<double>(count);
  m2 += delta * (sharpe - mean);
}

std::uint64_t genome_key(const strategy::Genome& genome) {
  strategy::Genome g = strategy::normalized(genome);
  g.generation = 0;
  return strategy::fnv1a64(strategy::canonical_json(g));
}

std::vector<std::string> default_search_families() {
  std::vector<std::string> out;
  for (const auto& name : strategy::genome_families()) {
    if (name == strategy::kTreeFamily || strategy::find_family(name).number() <= 10) out.push_back(name);
  }
  return out;
}

namespace {

std::vector<std::string> searched_families(const std::vector<std::string>& chosen) {
  if (chosen.empty()) return default_search_families();
  if (chosen.size() == 1 && chosen.front() == "all") return strategy::genome_families();
  return chosen;
}

}  // namespace

void check_options(const EvolveOptions& o) {
  if (o.islands < 1) throw core::UsageError("--islands must be at least 1");
  if (o.population % o.islands != 0 || (o.population / o.islands) % 2 != 0 || o.population / o.islands < 4) {
    throw core::UsageError(fmt::format(
        "--population {} must split into {} island(s) of an even size of at least 4", o.population, o.islands));
  }
  if (o.generations < 0) throw core::UsageError("--generations must be 0 or more");
  if (o.migration_interval < 1) throw core::UsageError("evolve.migration_interval must be at least 1");
  if (o.migrants < 0 || o.migrants > o.population / o.islands / 2) {
    throw core::UsageError("evolve.migrants must be between 0 and half an island's population");
  }
  if (o.objectives.empty()) throw core::UsageError("at least one objective is needed");
  if (!(o.target_volatility > 0 && o.target_volatility <= 5)) {
    throw core::UsageError(
        fmt::format("evolve.target_volatility must be in (0, 5] (an annualized volatility, 0.20 = 20%), got {}",
                    o.target_volatility));
  }
  if (o.warm_start.size() > static_cast<std::size_t>(o.population / 2)) {
    throw core::UsageError(fmt::format("{} warm-start genomes are more than half the population of {}",
                                       o.warm_start.size(), o.population));
  }
  if (!(o.graveyard_weight >= 0 && o.graveyard_weight <= kMaxGraveyardWeight)) {
    throw core::UsageError(
        fmt::format("evolve.graveyard_weight must be in [0, {}], got {}", kMaxGraveyardWeight, o.graveyard_weight));
  }
  const auto all = strategy::genome_families();
  for (const auto& f : o.families) {
    if (f == "all" && o.families.size() == 1) continue;
    if (std::find(all.begin(), all.end(), f) == all.end()) {
      throw core::UsageError(fmt::format("unknown family '{}'; families: {}", f, fmt::join(all, ", ")));
    }
  }
}

Engine::Engine(EvolveOptions options, const BatchEvaluator& evaluator)
    : options_(std::move(options)), evaluator_(evaluator) {
  check_options(options_);
  families_ = searched_families(options_.families);
  options_.variation.families = families_;
  for (std::size_t i = 0; i < options_.warm_start.size(); ++i) {
    try {
      warm_start_.push_back(strategy::from_json(options_.warm_start[i]));
    } catch (const core::Error& e) {
      throw core::Error(fmt::format("warm-start genome {}: {}", i + 1, e.what()));
    }
  }
  if (options_.graveyard_weight > 0) graveyard_ = Graveyard::from_json(options_.graveyard);
}

Engine::Engine(EvolveOptions options, const BatchEvaluator& evaluator, IslandPlacement placement,
               IslandChannel& channel)
    : Engine(std::move(options), evaluator) {
  if (placement.ranks < 1 || placement.rank < 0 || placement.rank >= placement.ranks) {
    throw core::Error(fmt::format("bad island placement: rank {} of {}", placement.rank, placement.ranks));
  }
  if (options_.islands < placement.ranks) {
    throw core::UsageError(fmt::format("--islands {} is fewer than the {} processes: each needs an island at least",
                                       options_.islands, placement.ranks));
  }
  placement_ = placement;
  channel_ = &channel;
}

void Engine::initialize() {
  const auto per_island = static_cast<std::size_t>(options_.population / options_.islands);
  IslandMap initial;
  for (std::size_t k = 0; k < static_cast<std::size_t>(options_.islands); ++k) {
    if (!placement_.owns(k)) continue;
    auto& pop = initial[k];
    // Warm-start genome j opens island j mod K (at most half the population in all, so at most
    // half of each island): they take the first places, the rest keep the places and random
    // streams a cold start gives them.
    std::vector<const strategy::Genome*> warm;
    for (std::size_t j = k; j < warm_start_.size(); j += static_cast<std::size_t>(options_.islands)) {
      warm.push_back(&warm_start_[j]);
    }
    for (std::size_t i = 0; i < per_island; ++i) {
      Individual ind;
      // Each island starts from the families' defaults (rotated so islands differ), then random
      // genomes cycling through the families.
      const std::size_t f = (i + k) % families_.size();
      if (i < warm.size()) {
        ind.genome = *warm[i];
      } else if (i < families_.size()) {
        ind.genome = strategy::default_genome(families_[f]);
      } else {
        core::Rng rng(options_.seed, {kInitStream, k, i});
        ind.genome = strategy::random_genome(families_[f], rng);
        if (options_.breaker_genes) draw_breaker_genes(ind.genome, core::Rng(options_.seed, {kBreakerStream, k, i}));
      }
      ind.genome.generation = 0;
      ind.id = strategy::genome_id(ind.genome);
      pop.push_back(std::move(ind));
    }
  }
  GenerationRecord record;
  evaluate_owned(initial, record);
  islands_.assign(static_cast<std::size_t>(options_.islands), {});
  for (const auto& [k, pop] : initial) islands_[k] = pop;
  generation_ = 0;
  if (channel_) record.islands = initial;
  record.offspring = std::move(initial);
  absorb(std::move(record));
}

std::map<std::uint64_t, double> Engine::evaluate(std::vector<Individual>& batch) {
  // New genomes once each (the first of equal ones), in batch order.
  std::vector<strategy::Genome> todo;
  std::vector<std::uint64_t> todo_keys;
  std::vector<std::uint64_t> keys(batch.size());
  std::set<std::uint64_t> queued;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    keys[i] = genome_key(batch[i].genome);
    if (memo_.count(keys[i]) || !queued.insert(keys[i]).second) continue;
    todo.push_back(batch[i].genome);
    todo_keys.push_back(keys[i]);
  }
  const auto metrics = evaluator_.evaluate(todo, Stage::InSample, cancel_);
  if (cancel_ && cancel_->load()) throw core::Interrupted("interrupted during evaluation");
  backtested_ += static_cast<std::int64_t>(todo.size());
  std::map<std::uint64_t, Fitness> fresh;
  std::map<std::uint64_t, double> sharpe;
  for (std::size_t j = 0; j < todo.size(); ++j) {
    auto fitness = evolve::fitness_of(metrics[j], options_.objectives, options_.aggregate, options_.constraints);
    // A function of the genome and the run's fixed graveyard, so the memo stays exact.
    if (!graveyard_.empty()) fitness = penalized(std::move(fitness), options_.graveyard_weight, graveyard_.similarity(todo[j]));
    fresh[todo_keys[j]] = std::move(fitness);
    sharpe[todo_keys[j]] = value_of(mean_metrics(metrics[j]), "sharpe");
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto it = memo_.find(keys[i]);
    batch[i].fitness = it != memo_.end() ? it->second : fresh.at(keys[i]);
  }
  return sharpe;
}

void Engine::evaluate_owned(IslandMap& offspring, GenerationRecord& record) {
  // One batch over the owned islands, so threads are shared among them.
  std::vector<Individual> batch;
  for (auto& [k, people] : offspring) std::move(people.begin(), people.end(), std::back_inserter(batch));
  record.fresh_sharpe = evaluate(batch);  // may throw core::Interrupted: nothing has changed yet
  auto it = batch.begin();
  for (auto& [k, people] : offspring) {
    std::move(it, it + static_cast<std::ptrdiff_t>(people.size()), people.begin());
    it += static_cast<std::ptrdiff_t>(people.size());
  }
}

void Engine::absorb(GenerationRecord record) {
  if (channel_) record = channel_->gather(std::move(record));
  if (placement_.leader()) {
    for (auto& [k, pop] : record.islands) {
      if (!placement_.owns(k)) islands_[k] = std::move(pop);
    }
  }
  // A genome is new to the run where it first appears in island, then breeding order: the
  // process owning that island backtested it (its memo holds only genomes seen before), so its
  // Sharpe is in the record whichever process also met it.
  std::int64_t evaluated = 0, total = 0;
  for (const auto& [k, people] : record.offspring) {
    for (const auto& ind : people) {
      ++total;
      const auto key = genome_key(ind.genome);
      if (memo_.count(key)) continue;
      memo_[key] = ind.fitness;
      trials_.add(record.fresh_sharpe.at(key));
      if (placement_.leader()) trial_sample_.add(key, ind.genome);
      ++evaluated;
    }
  }
  evaluations_ += evaluated;
  if (generation_ == 0) {
    for (const auto& [k, people] : record.offspring) update_archive(people);
  } else {
    std::vector<Individual> all;
    for (auto& [k, people] : record.offspring) std::move(people.begin(), people.end(), std::back_inserter(all));
    update_archive(all);
  }
  compute_stats(evaluated, total - evaluated);
}

void Engine::step() {
  if (generation_ < 0) throw core::Error("evolution engine stepped before initialize()");
  const int gen = generation_ + 1;
  IslandMap offspring;
  for (std::size_t k = 0; k < islands_.size(); ++k) {
    if (!placement_.owns(k)) continue;
    const auto& pop = islands_[k];
    const auto ranking = rank_population(fitness_of(pop));
    auto& children = offspring[k];
    for (std::size_t pair = 0; pair < pop.size() / 2; ++pair) {
      core::Rng rng(options_.seed, {kBreedStream, static_cast<std::uint64_t>(gen), k, pair});
      const auto& a = pop[tournament(ranking, rng)];
      const auto& b = pop[tournament(ranking, rng)];
      auto [c1, c2] = crossover(a.genome, b.genome, options_.variation, rng);
      mutate(c1, options_.variation, rng);
      mutate(c2, options_.variation, rng);
      for (auto* child : {&c1, &c2}) {
        Individual ind;
        ind.genome = std::move(*child);
        ind.genome.generation = gen;
        ind.id = strategy::genome_id(ind.genome);
        ind.parents = {a.id, b.id};
        children.push_back(std::move(ind));
      }
    }
  }
  GenerationRecord record;
  evaluate_owned(offspring, record);  // may throw core::Interrupted: nothing below has changed yet

  for (const auto& [k, children] : offspring) {
    auto& pop = islands_[k];
    const std::size_t n = pop.size();
    std::vector<Individual> combined = std::move(pop);
    combined.insert(combined.end(), children.begin(), children.end());
    // A genome present twice keeps one place, so copies cannot crowd out diversity; copies come
    // back only when there are not enough distinct genomes to fill the population.
    std::vector<Individual> distinct, copies;
    std::set<std::uint64_t> seen;
    for (auto& ind : combined) (seen.insert(genome_key(ind.genome)).second ? distinct : copies).push_back(std::move(ind));
    std::vector<Individual> survivors;
    if (distinct.size() >= n) {
      for (std::size_t i : select_survivors(fitness_of(distinct), n)) survivors.push_back(distinct[i]);
    } else {
      survivors = std::move(distinct);
      for (std::size_t i = 0; survivors.size() < n; ++i) survivors.push_back(copies[i]);
    }
    pop = std::move(survivors);
  }
  generation_ = gen;
  if (options_.islands > 1 && options_.migrants > 0 && gen % options_.migration_interval == 0) migrate();
  if (channel_) {
    for (const auto& [k, children] : offspring) record.islands[k] = islands_[k];
  }
  record.offspring = std::move(offspring);
  absorb(std::move(record));
}

void Engine::migrate() {
  // Every island's emigrants are chosen before any island changes, so the ring's order of
  // updates cannot matter; each island's worst members make room for its neighbour's best.
  const auto m = static_cast<std::size_t>(options_.migrants);
  IslandMap emigrants;
  for (std::size_t k = 0; k < islands_.size(); ++k) {
    if (!placement_.owns(k)) continue;
    const auto order = crowded_order(islands_[k]);
    for (std::size_t i = 0; i < m; ++i) emigrants[k].push_back(islands_[k][order[i]]);
  }
  const auto immigrants = channel_ ? channel_->migrate(emigrants) : emigrants;
  for (const auto& [from, people] : immigrants) {
    auto& target = islands_[(from + 1) % islands_.size()];
    const auto order = crowded_order(target);
    for (std::size_t i = 0; i < m; ++i) target[order[order.size() - 1 - i]] = people[i];
  }
}

void Engine::update_archive(const std::vector<Individual>& candidates) {
  std::vector<Individual> pool = archive_;
  std::set<std::uint64_t> seen;
  for (const auto& a : archive_) seen.insert(genome_key(a.genome));
  for (const auto& c : candidates) {
    if (c.fitness.violation > 0) continue;
    if (seen.insert(genome_key(c.genome)).second) pool.push_back(c);
  }
  if (pool.empty()) return;
  const auto fronts = non_dominated_sort(fitness_of(pool));
  std::vector<Individual> next;
  for (std::size_t i : fronts.front()) next.push_back(pool[i]);
  archive_ = std::move(next);
}

std::vector<Individual> Engine::front() const {
  std::vector<Individual> out = archive_;
  if (out.empty()) {
    std::vector<Individual> all;
    std::set<std::uint64_t> seen;
    for (const auto& island : islands_) {
      for (const auto& ind : island) {
        if (seen.insert(genome_key(ind.genome)).second) all.push_back(ind);
      }
    }
    if (!all.empty()) {
      // Held in a local: a range-for over `non_dominated_sort(...).front()` would iterate a
      // reference into a temporary destroyed before the loop body (the crash when no genome met
      // the constraints).
      const auto fronts = non_dominated_sort(fitness_of(all));
      for (std::size_t i : fronts.front()) out.push_back(all[i]);
    }
  }
  std::sort(out.begin(), out.end(), [](const Individual& a, const Individual& b) { return a.id < b.id; });
  return out;
}

void Engine::compute_stats(std::int64_t evaluated, std::int64_t reused) {
  stats_ = {};
  stats_.generation = generation_;
  stats_.front_size = archive_.size();
  stats_.evaluated = evaluated;
  stats_.reused = reused;
  for (const auto& [key, fitness] : memo_) stats_.failed += fitness.violation >= kFailedEvaluationViolation ? 1 : 0;
  const std::size_t n_obj = options_.objectives.size();
  std::vector<double> best(n_obj, std::numeric_limits<double>::infinity());
  for (const auto& island : islands_) {
    for (const auto& ind : island) {
      if (ind.fitness.violation > 0) continue;
      ++stats_.feasible;
      for (std::size_t o = 0; o < n_obj; ++o) best[o] = std::min(best[o], ind.fitness.objectives[o]);
    }
  }
  for (std::size_t o = 0; o < n_obj; ++o) {
    const bool maximize = options_.objectives[o].direction == Direction::Maximize;
    stats_.best.push_back(std::isinf(best[o]) ? std::nan("") : (maximize ? -best[o] : best[o]));
  }
}

}  // namespace organism::evolve
