// The order model: the transition table pair by pair, deterministic cloids checked against an
// independent Keccak-256, and the fill arithmetic of apply().
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "exec/order.hpp"

namespace organism::exec {
namespace {

using S = OrderState;
using E = OrderEvent;

// The documented table (docs/trading.md), written out here on its own.
const std::map<std::pair<S, E>, S>& documented_transitions() {
  static const std::map<std::pair<S, E>, S> table = {
      {{S::created, E::sent}, S::sent},
      {{S::created, E::rejected}, S::rejected},
      {{S::sent, E::acked_resting}, S::resting},
      {{S::sent, E::acked_filled}, S::filled},
      {{S::sent, E::partial_fill}, S::partially_filled},
      {{S::sent, E::fill}, S::filled},
      {{S::sent, E::cancel_acked}, S::canceled},
      {{S::sent, E::rejected}, S::rejected},
      {{S::sent, E::expired}, S::expired},
      {{S::sent, E::unknown_outcome}, S::sent},
      {{S::resting, E::partial_fill}, S::partially_filled},
      {{S::resting, E::fill}, S::filled},
      {{S::resting, E::cancel_acked}, S::canceled},
      {{S::resting, E::unknown_outcome}, S::resting},
      {{S::partially_filled, E::acked_resting}, S::partially_filled},
      {{S::partially_filled, E::acked_filled}, S::filled},
      {{S::partially_filled, E::partial_fill}, S::partially_filled},
      {{S::partially_filled, E::fill}, S::filled},
      {{S::partially_filled, E::cancel_acked}, S::canceled},
      {{S::partially_filled, E::unknown_outcome}, S::partially_filled},
  };
  return table;
}

TEST(OrderStateMachine, EveryStateAndEventFollowsTheDocumentedTable) {
  int allowed = 0, refused = 0;
  for (int s = 0; s < kOrderStateCount; ++s) {
    for (int e = 0; e < kOrderEventCount; ++e) {
      const auto state = static_cast<S>(s);
      const auto event = static_cast<E>(e);
      const auto it = documented_transitions().find({state, event});
      if (it != documented_transitions().end()) {
        ++allowed;
        EXPECT_EQ(transition(state, event), it->second) << name_of(state) << " + " << name_of(event);
        EXPECT_EQ(next_state(state, event), it->second);
        continue;
      }
      ++refused;
      EXPECT_EQ(transition(state, event), std::nullopt) << name_of(state) << " + " << name_of(event);
      try {
        next_state(state, event);
        ADD_FAILURE() << name_of(state) << " + " << name_of(event) << " did not throw";
      } catch (const core::Error& error) {
        const std::string text = error.what();
        EXPECT_NE(text.find("'" + std::string(name_of(event)) + "'"), std::string::npos) << text;
        EXPECT_NE(text.find("'" + std::string(name_of(state)) + "'"), std::string::npos) << text;
      }
    }
  }
  EXPECT_EQ(allowed, 20);
  EXPECT_EQ(refused, 8 * 9 - 20);
}

TEST(OrderStateMachine, FinalStatesAcceptNothing) {
  for (const S state : {S::filled, S::canceled, S::rejected, S::expired}) {
    EXPECT_TRUE(is_terminal(state));
    for (int e = 0; e < kOrderEventCount; ++e) EXPECT_EQ(transition(state, static_cast<E>(e)), std::nullopt);
  }
  for (const S state : {S::created, S::sent, S::resting, S::partially_filled}) EXPECT_FALSE(is_terminal(state));
  EXPECT_THROW(next_state(S::canceled, E::fill), core::Error);
}

TEST(OrderStateMachine, NamesRoundTrip) {
  for (int s = 0; s < kOrderStateCount; ++s) EXPECT_EQ(order_state_from(name_of(static_cast<S>(s))), static_cast<S>(s));
  for (int e = 0; e < kOrderEventCount; ++e) EXPECT_EQ(order_event_from(name_of(static_cast<E>(e))), static_cast<E>(e));
  EXPECT_EQ(name_of(S::created), "new");
  EXPECT_THROW(order_state_from("open"), core::Error);
}

OrderIntent eth_intent() {
  OrderIntent intent;
  intent.strategy_id = "ema_cross_0_1a2b3c4d";
  intent.coin = "ETH";
  intent.bar_time = 1704067200000;
  intent.sequence = 0;
  intent.size = 150'000'000;          // 1.5 ETH
  intent.price = 230'000'000'000;     // 2300
  return intent;
}

// Expected values from an independent pure-Python Keccak-256 (checked against the "" and "abc"
// vectors) over "organism-cloid-v1|LEN:STRATEGY|LEN:COIN|BAR_TIME|SEQUENCE|LEG".
TEST(Cloid, MatchesAnIndependentKeccakOfTheIdentity) {
  EXPECT_EQ(cloid_of(eth_intent()), "0xf81b8b5f54175a872c67e5871eb0febb");
  EXPECT_EQ(cloid_of(eth_intent(), OrderLeg::taker_fallback), "0x7ea6a32a001c95a26eca5258ea1e4933");
  OrderIntent btc;
  btc.strategy_id = "donchian_12_deadbeef";
  btc.coin = "BTC";
  btc.bar_time = 1704070800000;
  btc.sequence = 3;
  EXPECT_EQ(cloid_of(btc), "0x01e4b0e95ecb8632fa6a81d071b06d29");
}

TEST(Cloid, SizePriceSideAndStyleAreNotPartOfTheIdentity) {
  OrderIntent redecided = eth_intent();
  redecided.size = 149'000'000;
  redecided.price = 231'000'000'000;
  redecided.side = Side::sell;
  redecided.style = ExecStyle::post_only;
  redecided.reduce_only = true;
  EXPECT_EQ(cloid_of(redecided), cloid_of(eth_intent()));
  OrderIntent next = eth_intent();
  next.sequence = 1;
  EXPECT_NE(cloid_of(next), cloid_of(eth_intent()));
}

TEST(Cloid, AMillionDistinctIdentitiesGiveDistinctCloids) {
  std::unordered_set<std::string> seen;
  seen.reserve(1'000'000);
  OrderIntent intent;
  const char* coins[] = {"BTC", "ETH", "SOL", "kPEPE"};
  for (int i = 0; i < 1'000'000; ++i) {
    intent.strategy_id = fmt::format("s{}", i % 50);
    intent.coin = coins[(i / 50) % 4];
    intent.bar_time = 1704067200000 + std::int64_t{3'600'000} * (i / 200 % 1250);
    intent.sequence = static_cast<std::uint32_t>(i / 250'000);
    const std::string cloid = cloid_of(intent);
    ASSERT_EQ(cloid.size(), 34u);
    ASSERT_EQ(cloid.substr(0, 2), "0x");
    seen.insert(cloid);
  }
  EXPECT_EQ(seen.size(), 1'000'000u);
}

TEST(OrderApply, FillsAccumulateSizeExactAveragePriceAndFees) {
  Order order = make_order(eth_intent(), OrderLeg::primary, 1000);
  EXPECT_EQ(order.cloid, "0xf81b8b5f54175a872c67e5871eb0febb");
  EXPECT_EQ(order.state, S::created);
  order = apply(order, {E::sent, 1001, std::nullopt, 0, 0, 0, ""});
  order = apply(order, {E::acked_resting, 1002, 77, 0, 0, 0, ""});
  EXPECT_EQ(order.oid, 77u);
  // 0.5 at 2300 and 1.0 at 2301.5: average (1150 + 2301.5) / 1.5 = 2301.0 exactly.
  order = apply(order, {E::partial_fill, 1003, std::nullopt, 50'000'000, 230'000'000'000, 57'500'000, ""});
  EXPECT_EQ(order.state, S::partially_filled);
  order = apply(order, {E::fill, 1004, std::nullopt, 100'000'000, 230'150'000'000, 115'075'000, ""});
  EXPECT_EQ(order.state, S::filled);
  EXPECT_EQ(order.filled_size, 150'000'000);
  EXPECT_EQ(order.average_price, 230'100'000'000);
  EXPECT_EQ(order.fees, 172'575'000);
  EXPECT_EQ(order.updated_ms, 1004);
  EXPECT_EQ(order.oid, 77u);
}

TEST(OrderApply, AverageRoundsToTheNearestUnitAndAckTotalsReplaceFills) {
  Order order = make_order(eth_intent(), OrderLeg::primary, 0);
  order = apply(order, {E::sent, 1, std::nullopt, 0, 0, 0, ""});
  // 1 unit at 10 and 2 units at 11: 32 / 3 = 10.67 -> 11.
  order = apply(order, {E::partial_fill, 2, std::nullopt, 1, 10, 0, ""});
  order = apply(order, {E::partial_fill, 3, std::nullopt, 2, 11, 0, ""});
  EXPECT_EQ(order.average_price, 11);
  order = apply(order, {E::acked_filled, 4, 9, 3, 10, 0, ""});
  EXPECT_EQ(order.filled_size, 3);
  EXPECT_EQ(order.average_price, 10);
  EXPECT_EQ(order.state, S::filled);
}

TEST(OrderApply, AnIllegalEventNamesTheOrder) {
  Order order = make_order(eth_intent(), OrderLeg::primary, 0);
  try {
    apply(order, {E::fill, 1, std::nullopt, 1, 1, 0, ""});
    FAIL() << "a fill of a new order was accepted";
  } catch (const core::Error& error) {
    EXPECT_STREQ(error.what(),
                 "order 0xf81b8b5f54175a872c67e5871eb0febb: order event 'fill' is not allowed in state 'new'");
  }
}

}  // namespace
}  // namespace organism::exec
