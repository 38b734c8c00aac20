// The closing intents of a HALTED state, shared by the live risk manager (risk_manager.hpp, which
// closes the trading loop's books) and `organism flatten` with a journal (flatten_journal.hpp,
// which closes the journal's books): one identity scheme, so a restart or a second flatten maps
// to the cloids already journaled and never places a close twice.
//
// Identity: strategy, coin, bar_time = the time of the transition into HALTED, sequence =
// kFlattenSequence + coin index + attempt x kFlattenAttemptStep. Attempt k+1 is made only once
// attempt k is final and a position is still left.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "exec/journal.hpp"
#include "exec/order.hpp"

namespace organism::exec {

inline constexpr std::uint32_t kFlattenSequence = 0x40000000;
inline constexpr std::uint32_t kFlattenAttemptStep = 0x10000;
inline constexpr int kMaxFlattenAttempts = 64;

// One strategy's position in one coin, to be closed.
struct HeldPosition {
  std::string strategy_id{};
  std::string coin{};
  std::uint32_t coin_index = 0;  // the coin's place in the session's (sorted) coins
  Units size = 0;                // signed: negative is short
};

// A reduce-only market intent per non-zero position, under the first identity not journaled
// yet; none for a position whose latest close is still open or unknown (wait for it) or filled
// in full (the books will show it).
std::vector<OrderIntent> flatten_intents(const std::vector<HeldPosition>& held,
                                         core::TimeMs halt_time, Journal& journal);

}  // namespace organism::exec
