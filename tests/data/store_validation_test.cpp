// Schema 3: a strategy's validation evidence, and the state moves validation may make.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/store.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

// Aggregate-initialized: GCC 12 reports a false -Wrestrict on assigning short literals here.
StrategyRecord strategy(const std::string& id, const std::string& state) {
  return StrategyRecord{id, std::string("r"), std::string("ema_cross"), std::string("{}"), std::string("[]"),
                        std::string("{}"), state, std::string(), 0, 0, 0, {}};
}

class StoreValidationOnBoth : public testing::TestWithParam<test::Backend> {};

TEST_P(StoreValidationOnBoth, StateMovesBetweenTestingAndValidatedAndEvidenceIsKept) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  EXPECT_GE(store.schema_version(), 3);  // schema 3 added the evidence; later ones keep it
  RunRecord run;
  run.id = "r";
  run.options = "{}";
  run.universe = "{}";
  run.status = "finished";
  store.save_run(run);
  store.save_strategy(strategy("a", "testing"));
  store.save_strategy(strategy("b", "production"));
  EXPECT_EQ(store.list_strategies()[0].validation, "");

  store.set_strategy_validation("a", "validated", R"({"passed":true})", 5);
  store.set_strategy_validation("b", "testing", R"({"passed":false})", 6);
  auto all = store.list_strategies();
  EXPECT_EQ(all[0].state, "validated");
  EXPECT_EQ(all[0].validation, R"({"passed":true})");
  EXPECT_EQ(all[0].updated, 5);
  EXPECT_EQ(all[1].state, "production");  // further on in its lifecycle: only the evidence changes
  EXPECT_EQ(all[1].validation, R"({"passed":false})");

  store.set_strategy_validation("a", "testing", R"({"passed":false})", 7);  // a stricter gate demotes
  EXPECT_EQ(store.list_strategies()[0].state, "testing");
  EXPECT_THROW(store.set_strategy_validation("zz", "validated", "{}", 8), core::Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreValidationOnBoth, test::kBothBackends, test::BackendName{});

}  // namespace
}  // namespace organism::data
