// The cost model as a run stores it: JSON round trip, defaults for keys a stored run lacks, a
// clear error for a corrupt stored value, and the one-line form evolve's header prints.
#include "backtest/models.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace organism::backtest {
namespace {

TEST(CostModel, JsonRoundTrip) {
  BacktestConfig c;
  c.fees.taker = 0.002;
  c.fees.maker = 0.0001;
  c.slippage.fraction = 0.001;
  c.fill = FillModel::Close;
  c.funding = false;
  const auto j = costs_to_json(c);
  EXPECT_EQ(
      j,
      nlohmann::json::parse(
          R"({"taker_fee":0.002,"maker_fee":0.0001,"slippage":0.001,"fill":"close","funding":false})"));
  const auto back = costs_from_json(j);
  EXPECT_EQ(back.fees.taker, 0.002);
  EXPECT_EQ(back.fees.maker, 0.0001);
  EXPECT_EQ(back.slippage.fraction, 0.001);
  EXPECT_EQ(back.fill, FillModel::Close);
  EXPECT_FALSE(back.funding);
}

TEST(CostModel, MissingKeysKeepTheDefaults) {
  const auto c = costs_from_json(nlohmann::json::object());
  EXPECT_EQ(c.fees.taker, 0.0005);
  EXPECT_EQ(c.fees.maker, 0.0002);
  EXPECT_EQ(c.slippage.fraction, 0.0005);
  EXPECT_EQ(c.fill, FillModel::NextOpen);
  EXPECT_TRUE(c.funding);
  EXPECT_EQ(costs_from_json(nlohmann::json{{"slippage", 0.01}}).fees.taker, 0.0005);
}

TEST(CostModel, CorruptStoredValuesAreRuntimeErrors) {
  EXPECT_THROW(costs_from_json(nlohmann::json{{"taker_fee", -1}}), core::Error);
  EXPECT_THROW(costs_from_json(nlohmann::json{{"fill", "sideways"}}), core::Error);
  EXPECT_THROW(costs_from_json(nlohmann::json{{"funding", "maybe"}}), core::Error);
  EXPECT_THROW(costs_from_json(nlohmann::json::array()), core::Error);
}

TEST(CostModel, OneLineDescription) {
  EXPECT_EQ(describe_costs(BacktestConfig{}),
            "taker 0.05% maker 0.02% slippage 0.05% fill next_open funding on");
  BacktestConfig c;
  c.fees.taker = 0.001;
  c.fill = FillModel::Close;
  c.funding = false;
  EXPECT_EQ(describe_costs(c), "taker 0.1% maker 0.02% slippage 0.05% fill close funding off");
}

}  // namespace
}  // namespace organism::backtest
