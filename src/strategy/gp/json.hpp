// Canonical JSON of rule trees: keys sorted, numbers in shortest round-trip form, so equal trees
// give equal bytes (the strategy id hashes this). Used by the genome, the registry and reports.
#pragma once

#include <nlohmann/json.hpp>

#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

// {"op":"+","args":[...]}, {"op":"indicator","name":"ema","period":30},
// {"op":"field","field":"close"}, {"op":"const","value":1.5}, {"op":"lag","bars":5,"args":[x]},
// {"op":"funding"}, {"op":"true"}, {"op":"false"}.
nlohmann::json to_json(const Node& n);
// {"long_entry":T,"long_exit":T,"short_entry":T,"short_exit":T}, absent trees omitted.
nlohmann::json to_json(const Rule& r);

// Throw core::UsageError naming what is wrong (unknown op, missing key, ill-typed tree, a
// parameter out of range, a tree beyond `limits`). A tree whose units disagree, as trees stored
// before units could, is rejected with the side, the offending node and the units it mixes
// ("long_entry: (> close rsi_14) at depth 1: mixes price with oscillator_0_100").
Node node_from_json(const nlohmann::json& j, Type type, const Limits& limits = {64, 4096});
Rule rule_from_json(const nlohmann::json& j, const Limits& limits = {64, 4096});

}  // namespace organism::strategy::gp
