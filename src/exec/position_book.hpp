// A position's books in exact units: a fill moves its size, average entry, realized PnL and fees.
// Used by the order manager (per strategy and for the account) and its tests.
#pragma once

#include <string>

#include "exec/journal.hpp"

namespace organism::exec {

// Books a fill of `signed_size` (positive bought) at `price` paying `fee` on `position`:
// adding to it (or opening) moves the entry to the size-weighted average (rounded to the nearest
// unit); reducing realizes (price - entry) x closed size x the position's sign; crossing zero
// closes all and opens the rest at `price`. Cumulative fees grow by `fee`.
void apply_fill_to_position(PositionChange& position, Units signed_size, Units price, Units fee,
                            core::TimeMs time, const std::string& cause);

// (price - entry) x size in units of money (both in 1e-8), rounded half away from zero.
Units pnl_units(Units price_move, Units size);

}  // namespace organism::exec
