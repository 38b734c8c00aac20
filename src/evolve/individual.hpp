// A member of an evolving population (genome, id, parents, fitness) and its JSON form, shared by
// the engine's checkpoint and the island channels' wire format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evolve/nsga2.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

struct Individual {
  strategy::Genome genome;
  std::string id;                    // genome_id (family_generation_hash8)
  std::vector<std::string> parents;  // parents' ids; empty for generation 0
  Fitness fitness;
};

// {"genome": canonical genome JSON, "parents", "fitness": {"objectives", "violation"}}; doubles
// round-trip to the same bits (the id is recomputed from the genome).
nlohmann::json individual_json(const Individual& ind);
Individual individual_from(const nlohmann::json& j);

}  // namespace organism::evolve
