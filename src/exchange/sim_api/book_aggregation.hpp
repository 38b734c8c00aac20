// l2Book's nSigFigs/mantissa aggregation (PROTOCOL §3.4): price levels merged into buckets of
// nSigFigs significant figures, bids rounded down and asks up. Used by the info handler and the
// l2Book feed of the simulator's API.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim_api {

// Levels read from the engine before aggregating, so 20 buckets can still be filled.
inline constexpr std::size_t kAggregationDepth = 400;

struct Aggregation {
  int sig_figs = 0;  // 0 = full precision
  int mantissa = 1;
};

// nSigFigs: null/absent or 2..5; mantissa: null/absent or 1, 2, 5 and only with nSigFigs 5.
// Throws BadRequest otherwise.
Aggregation aggregation_of(const nlohmann::ordered_json& n_sig_figs,
                           const nlohmann::ordered_json& mantissa);
// The bucket of a level is mantissa x 10^(magnitude - sig_figs + 1), the magnitude taken from
// each level's own price (so a book spanning a power of ten keeps sig_figs on both sides of it).
sim::BookView aggregate_book(const sim::BookView& book, const Aggregation& spec, std::size_t depth);

}  // namespace organism::exchange::sim_api
