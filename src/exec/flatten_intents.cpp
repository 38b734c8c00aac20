#include "exec/flatten_intents.hpp"

namespace organism::exec {

std::vector<OrderIntent> flatten_intents(const std::vector<HeldPosition>& held,
                                         core::TimeMs halt_time, Journal& journal) {
  std::vector<OrderIntent> intents;
  for (const auto& position : held) {
    if (position.size == 0) continue;
    for (int k = 0; k < kMaxFlattenAttempts; ++k) {
      OrderIntent intent;
      intent.strategy_id = position.strategy_id;
      intent.coin = position.coin;
      intent.bar_time = halt_time;
      intent.sequence =
          kFlattenSequence + position.coin_index + static_cast<std::uint32_t>(k) * kFlattenAttemptStep;
      intent.side = position.size > 0 ? Side::sell : Side::buy;
      intent.size = position.size > 0 ? position.size : -position.size;
      intent.style = ExecStyle::market;
      intent.reduce_only = true;
      const auto journaled = journal.find_order(cloid_of(intent));
      if (!journaled) {
        intents.push_back(std::move(intent));
        break;
      }
      if (!is_terminal(journaled->state)) break;  // still open or unknown: wait for it
      // Filled in full: the books will show it (never a second order on a position not yet
      // booked).
      if (journaled->filled_size >= journaled->intent.size) break;
    }
  }
  return intents;
}

}  // namespace organism::exec
