// The exchange's REST weights (PROTOCOL §10): what each /info request and /exchange batch costs
// against the 1200 a minute per IP. One table for both sides: the simulator charges by it
// (src/exchange/sim_api/) and the client budgets by it (src/exchange/client/).
#pragma once

#include <cstddef>
#include <string_view>

namespace organism::exchange::hl {

inline constexpr int kRestWeightPerMinute = 1200;

// The weight of an /info request type before its items: 2, 20 or 60.
int info_weight(std::string_view type);
// The extra weight for the items a reply returned: per 60 candles, per 20 items of the listed
// history requests, else 0.
int info_extra_weight(std::string_view type, std::size_t items);
// An /exchange request: 1 + floor(batch / 40), whatever the batch holds.
inline int exchange_weight(std::size_t batch) { return 1 + static_cast<int>(batch / 40); }

}  // namespace organism::exchange::hl
