// Counting the items of a JSON array reply without building its tree: the REST weight of list
// replies (userFills, candleSnapshot, ...) grows with it (PROTOCOL §10). Used by SimApiHandler.
#pragma once

#include <cstddef>
#include <string_view>

namespace organism::exchange::sim_server {

// The number of top-level elements of a JSON array (0 for anything else, an empty array included).
std::size_t top_level_items(std::string_view json);

}  // namespace organism::exchange::sim_server
