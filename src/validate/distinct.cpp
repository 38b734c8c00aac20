#include "validate/distinct.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>

#include "data/fnv.hpp"
#include "strategy/gp/node.hpp"

namespace organism::validate {
namespace {

constexpr std::array<evolve::Stage, 3> kAllStages = {
    evolve::Stage::InSample, evolve::Stage::OutOfSample, evolve::Stage::WalkForward};

int tree_nodes(const strategy::Genome& g) {
  int n = 0;
  for (const auto* tree :
       {&g.rule.long_entry, &g.rule.long_exit, &g.rule.short_entry, &g.rule.short_exit}) {
    if (*tree) n += strategy::gp::node_count(**tree);
  }
  return n;
}

// The doubles' bit patterns into h; -0 and 0 compare equal, so they must hash alike.
void hash_into(data::Fnv1a64& h, std::span<const double> values) {
  for (const double v : values) h.word(std::bit_cast<std::uint64_t>(v + 0.0));
}

// f(coin, stage) for each coin's non-empty segments, in exposure_signature's order. The callers
// backtest one segment at a time: a whole signature is coins x bars x 16 bytes (400 MB on 50
// coins of a year of minutes), so distinct_front never builds one.
template <class F>
void for_each_segment(const evolve::BacktestProblem& evaluator, F f) {
  for (std::size_t c = 0; c < evaluator.universe().coins.size(); ++c) {
    for (const auto stage : kAllStages) {
      if (evolve::segment_of(evaluator.universe().coins[c], stage).size() != 0) f(c, stage);
    }
  }
}

// The hash of exposure_signature(...), streamed.
std::uint64_t signature_hash(const evolve::BacktestProblem& evaluator, const strategy::Genome& genome) {
  data::Fnv1a64 h;
  for_each_segment(evaluator, [&](std::size_t c, evolve::Stage stage) {
    const auto r = evaluator.backtest(genome, c, stage);
    hash_into(h, r.exposure);
    hash_into(h, r.equity);
  });
  return h.value();
}

// exposure_signature(a) == exposure_signature(b), a segment at a time (every genome's segments have
// the same lengths, so equal concatenations are equal segments).
bool same_signature(const evolve::BacktestProblem& evaluator, const strategy::Genome& a,
                    const strategy::Genome& b) {
  bool same = true;
  for_each_segment(evaluator, [&](std::size_t c, evolve::Stage stage) {
    if (!same) return;
    const auto ra = evaluator.backtest(a, c, stage);
    const auto rb = evaluator.backtest(b, c, stage);
    same = ra.exposure == rb.exposure && ra.equity == rb.equity;
  });
  return same;
}

// f(i) for i in [0, n) on the evaluator's threads; each result in its own slot.
template <class T, class F>
std::vector<T> parallel_map(const evolve::BacktestProblem& evaluator, std::size_t n, F f) {
  std::vector<T> out(n);
  tbb::task_arena arena(evaluator.threads() > 0 ? evaluator.threads() : tbb::task_arena::automatic);
  arena.execute(
      [&] { tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) { out[i] = f(i); }); });
  return out;
}

}  // namespace

bool simpler(const evolve::Individual& a, const evolve::Individual& b) {
  const int ga = strategy::active_genes(a.genome), gb = strategy::active_genes(b.genome);
  if (ga != gb) return ga < gb;
  const int na = tree_nodes(a.genome), nb = tree_nodes(b.genome);
  if (na != nb) return na < nb;
  return a.id < b.id;
}

std::vector<double> exposure_signature(const evolve::BacktestProblem& evaluator,
                                       const strategy::Genome& genome) {
  std::vector<double> out;
  for_each_segment(evaluator, [&](std::size_t c, evolve::Stage stage) {
    const auto result = evaluator.backtest(genome, c, stage);
    out.insert(out.end(), result.exposure.begin(), result.exposure.end());
    // Exposure is sampled at closes: a position opened and stopped out within one bar leaves it
    // at 0 but pays fees and moves equity, so equity is part of the signature too.
    out.insert(out.end(), result.equity.begin(), result.equity.end());
  });
  return out;
}

std::vector<DistinctMember> distinct_front(const evolve::BacktestProblem& evaluator,
                                           std::span<const evolve::Individual> front) {
  // One member per id, in id order, so the grouping never depends on the front's order.
  std::map<std::string, const evolve::Individual*> by_id;
  for (const auto& ind : front) by_id.emplace(ind.id, &ind);
  std::vector<const evolve::Individual*> members;
  for (const auto& [id, ind] : by_id) members.push_back(ind);

  // Only hashes are kept for the whole front: a front of hundreds of members on years of bars
  // would not fit its signatures in memory; the few groups are confirmed below.
  const auto hashes = parallel_map<std::uint64_t>(evaluator, members.size(), [&](std::size_t i) {
    return signature_hash(evaluator, members[i]->genome);
  });
  std::map<std::uint64_t, std::vector<std::size_t>> by_hash;
  for (std::size_t i = 0; i < members.size(); ++i) by_hash[hashes[i]].push_back(i);

  std::vector<std::vector<std::size_t>> groups;
  for (auto& [hash, same] : by_hash) {
    if (same.size() == 1) {
      groups.push_back(same);
      continue;
    }
    // Compared a segment at a time against each group's first member, in parallel over the others:
    // two segments' results in memory per thread, never a whole signature.
    std::vector<bool> placed(same.size(), false);
    for (std::size_t k = 0; k < same.size(); ++k) {
      if (placed[k]) continue;
      const auto equal = parallel_map<char>(evaluator, same.size(), [&](std::size_t j) -> char {
        return j > k && !placed[j] &&
               same_signature(evaluator, members[same[k]]->genome, members[same[j]]->genome);
      });
      std::vector<std::size_t> group{same[k]};
      placed[k] = true;
      for (std::size_t j = k + 1; j < same.size(); ++j) {
        if (equal[j]) {
          placed[j] = true;
          group.push_back(same[j]);
        }
      }
      groups.push_back(std::move(group));
    }
  }

  std::vector<DistinctMember> out;
  for (const auto& group : groups) {
    const auto best = *std::min_element(
        group.begin(), group.end(),
        [&](std::size_t a, std::size_t b) { return simpler(*members[a], *members[b]); });
    DistinctMember d{*members[best], {}};
    for (std::size_t i : group) {
      if (i != best) d.aliases.push_back(members[i]->id);
    }
    std::sort(d.aliases.begin(), d.aliases.end());
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DistinctMember& a, const DistinctMember& b) {
    return a.representative.id < b.representative.id;
  });
  return out;
}

}  // namespace organism::validate
