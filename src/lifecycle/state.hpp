// A strategy's lifecycle state and the one table of legal moves between states.
// Used by lifecycle.cpp (which enforces it on the store), the run service, and the CLI.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace organism::lifecycle {

// Where a strategy stands (docs/lifecycle.md). A strategy is born Testing; Retired is final.
enum class State { Testing, Validated, Paper, Production, Decaying, Retired };

inline constexpr std::array<State, 6> kAllStates{State::Testing,    State::Validated, State::Paper,
                                                 State::Production, State::Decaying,  State::Retired};

// "testing", "validated", "paper", "production", "decaying", "retired": the names the store holds.
std::string_view to_string(State state);
// The inverse of to_string; nullopt for any other text.
std::optional<State> parse_state(std::string_view text);

// The legal moves, as one table (state.cpp):
//   testing    -> validated (passed validation), retired
//   validated  -> testing (a later validation failed), paper (promoted to paper trading), retired
//   paper      -> validated (demoted: paper results diverged), production (promoted), retired
//   production -> decaying (live performance fell below its bounds), retired
//   decaying   -> production (recovered), retired
//   retired    -> nothing (final)
// Staying in the same state is not a move.
bool is_legal(State from, State to);
// The states `from` may move to, in kAllStates order.
std::vector<State> legal_targets(State from);

}  // namespace organism::lifecycle
