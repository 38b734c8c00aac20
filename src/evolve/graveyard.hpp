// The graveyard: the genomes of retired strategies, and how close a genome is to them, so that
// evolution can penalize rules that already died (evolve.graveyard_weight, docs/evolution.md
// "The graveyard"). Pure; used by the engine on every newly evaluated genome.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "evolve/nsga2.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

// The largest evolve.graveyard_weight: at 1 a retired rule's own objectives count as 0 (their
// best is gone); more pushes its neighbours further, and past 10 nothing changes in practice.
inline constexpr double kMaxGraveyardWeight = 10;

// Similarity of two genomes' rules in [0, 1] (1: the same rule):
// - different families: 0;
// - the same seed family: 1 - the mean over the family's evolved parameters of the normalized
//   distance |a - b| / (hi - lo) for ints and reals, 0 or 1 for choices and bools (a family
//   without evolved parameters: 1);
// - rule trees: the Jaccard index |A n B| / |A u B| of the two rules' sets of (slot, printed
//   subtree) pairs, every subtree of each of the four trees (long/short entry/exit).
// The risk block and the regime filter do not count: a stop around a dead rule is the dead rule.
double genome_similarity(const strategy::Genome& a, const strategy::Genome& b);

class Graveyard {
 public:
  Graveyard() = default;
  explicit Graveyard(std::vector<strategy::Genome> retired) : retired_(std::move(retired)) {}
  // Canonical JSON of each genome (EvolveOptions::graveyard); core::Error naming a bad one.
  static Graveyard from_json(std::span<const std::string> genomes);

  // The largest genome_similarity to a retired genome; 0 for an empty graveyard.
  double similarity(const strategy::Genome& genome) const;
  bool empty() const { return retired_.empty(); }
  std::size_t size() const { return retired_.size(); }

 private:
  std::vector<strategy::Genome> retired_;
};

// Each (minimized) objective moved toward worse by the fraction weight x similarity of its
// magnitude: f + weight * similarity * |f|. A maximized metric m (stored as -m) keeps
// m (1 - w s) when positive: at w s = 1 a retired rule's Sharpe counts as 0. The violation is
// left alone, so a penalized genome stays feasible and NSGA-II still ranks it.
Fitness penalized(Fitness fitness, double weight, double similarity);

}  // namespace organism::evolve
