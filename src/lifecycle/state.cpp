#include "lifecycle/state.hpp"

#include <cstddef>

namespace organism::lifecycle {
namespace {

constexpr std::array<std::string_view, kAllStates.size()> kNames{"testing",    "validated", "paper",
                                                                 "production", "decaying",  "retired"};

constexpr std::size_t index(State s) { return static_cast<std::size_t>(s); }

// kLegal[from][to], rows and columns in kAllStates order. The one place the moves are decided;
// state.hpp and docs/lifecycle.md describe this table (tests/lifecycle/state_test.cpp checks both).
constexpr bool T = true, F = false;
constexpr std::array<std::array<bool, 6>, 6> kLegal{{
    //        testing validated paper production decaying retired
    /* testing    */ {F, T, F, F, F, T},
    /* validated  */ {T, F, T, F, F, T},
    /* paper      */ {F, T, F, T, F, T},
    /* production */ {F, F, F, F, T, T},
    /* decaying   */ {F, F, F, T, F, T},
    /* retired    */ {F, F, F, F, F, F},
}};

}  // namespace

std::string_view to_string(State state) { return kNames[index(state)]; }

std::optional<State> parse_state(std::string_view text) {
  for (State s : kAllStates) {
    if (kNames[index(s)] == text) return s;
  }
  return std::nullopt;
}

bool is_legal(State from, State to) { return kLegal[index(from)][index(to)]; }

std::vector<State> legal_targets(State from) {
  std::vector<State> out;
  for (State to : kAllStates) {
    if (is_legal(from, to)) out.push_back(to);
  }
  return out;
}

}  // namespace organism::lifecycle
