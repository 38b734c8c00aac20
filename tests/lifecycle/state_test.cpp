// The transition table: every one of the 36 (from, to) pairs against the documented table, on
// the pure check and on a real store, where an illegal move is an error naming id, from and to.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.hpp"
#include "lifecycle/lifecycle.hpp"
#include "support/test_support.hpp"

namespace organism::lifecycle {
namespace {

// docs/lifecycle.md's table, written out independently of state.cpp so a change to either shows.
const std::map<State, std::set<State>> kDocumented{
    {State::Testing, {State::Validated, State::Retired}},
    {State::Validated, {State::Testing, State::Paper, State::Retired}},
    {State::Paper, {State::Validated, State::Production, State::Retired}},
    {State::Production, {State::Decaying, State::Retired}},
    {State::Decaying, {State::Production, State::Retired}},
    {State::Retired, {}},
};

// Legal moves from a newborn (testing) strategy to each state.
const std::map<State, std::vector<State>> kPathFromBirth{
    {State::Testing, {}},
    {State::Validated, {State::Validated}},
    {State::Paper, {State::Validated, State::Paper}},
    {State::Production, {State::Validated, State::Paper, State::Production}},
    {State::Decaying, {State::Validated, State::Paper, State::Production, State::Decaying}},
    {State::Retired, {State::Retired}},
};

TEST(LifecycleState, NamesRoundTripAndMatchTheStoredStrings) {
  const std::vector<std::string> names{"testing", "validated", "paper", "production", "decaying", "retired"};
  ASSERT_EQ(kAllStates.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(to_string(kAllStates[i]), names[i]);
    EXPECT_EQ(parse_state(names[i]), kAllStates[i]);
  }
  EXPECT_EQ(parse_state("Testing"), std::nullopt);
  EXPECT_EQ(parse_state(""), std::nullopt);
}

TEST(LifecycleState, TheTableIsTheDocumentedOne) {
  int legal = 0;
  for (State from : kAllStates) {
    for (State to : kAllStates) {
      const bool expected = kDocumented.at(from).count(to) > 0;
      EXPECT_EQ(is_legal(from, to), expected) << to_string(from) << " -> " << to_string(to);
      legal += expected ? 1 : 0;
    }
    const auto targets = legal_targets(from);
    EXPECT_EQ(std::set<State>(targets.begin(), targets.end()), kDocumented.at(from)) << to_string(from);
  }
  EXPECT_EQ(legal, 12);
}

// Aggregate-initialized: GCC 12 reports a false -Wrestrict on assigning short literals here.
data::StrategyRecord record(const std::string& id) {
  return data::StrategyRecord{id, std::string("r"), std::string("ema_cross"), std::string("{}"), std::string("[]"),
                              std::string("{}"), std::string(), std::string(), 0, 0, 0, {}};
}

TEST(LifecycleState, EveryPairOnARealStoreIsAcceptedOrRejectedByTheTable) {
  test::TempDir dir;
  auto store = data::Store::open((dir / "s.db").string());
  data::RunRecord run{std::string("r"), 0, std::string("{}"), std::string("{}"), std::string("finished"), 0, 0, 0, std::string()};
  store.save_run(run);
  int n = 0;
  for (State from : kAllStates) {
    for (State to : kAllStates) {
      const std::string id = fmt::format("s{}", n++);
      birth(store, record(id), 1000, "test");
      TimeMs t = 2000;
      for (State step : kPathFromBirth.at(from)) transition(store, id, step, "setup", "{}", t++);
      ASSERT_EQ(current_state(store, id), from);
      const auto events_before = store.list_strategy_events(id).size();
      if (kDocumented.at(from).count(to)) {
        EXPECT_NO_THROW(transition(store, id, to, "move", R"({"k":1})", 9000)) << to_string(from) << "->" << to_string(to);
        EXPECT_EQ(current_state(store, id), to);
        EXPECT_EQ(store.list_strategy_events(id).size(), events_before + 1);
        EXPECT_EQ(store.load_strategy(id)->updated, 9000);
      } else {
        try {
          transition(store, id, to, "move", "{}", 9000);
          ADD_FAILURE() << "accepted " << to_string(from) << " -> " << to_string(to);
        } catch (const core::Error& e) {
          const std::string what = e.what();
          EXPECT_NE(what.find(fmt::format("'{}'", id)), std::string::npos) << what;
          EXPECT_NE(what.find(fmt::format("{} -> {}", to_string(from), to_string(to))), std::string::npos) << what;
        }
        EXPECT_EQ(current_state(store, id), from);  // nothing half-written
        EXPECT_EQ(store.list_strategy_events(id).size(), events_before);
      }
    }
  }
  EXPECT_THROW(transition(store, "nope", State::Validated, "r", "{}", 1), core::Error);
}

}  // namespace
}  // namespace organism::lifecycle
