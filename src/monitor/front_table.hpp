// The table of a run's best distinct front members, as text: printed by `organism evolve` and
// `organism validate` (src/cli), ranked as the report ranks them (monitor::member_rank).
#pragma once

#include <cstddef>
#include <string>

#include "runs/records.hpp"

namespace organism::monitor {

// The best `top` distinct members of a run at the run's target volatility: Sharpe, total return
// and CAGR per stage, worst drawdown, trades per year, held-out DSR and the verdict; the best
// member of each held-out cluster first, then the next best; survivors first, then members that
// trade on held-out data, then by held-out Sharpe. Ends with a newline.
std::string front_table(const runs::RunResult& run, std::size_t top, double target_volatility);

}  // namespace organism::monitor
