// Post-mortems: live metrics from marks by hand, the regime at a time, the JSON round trip and the
// text, and lifecycle::retire writing the move and the record together (or neither).
#include "lifecycle/postmortem.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "indicators/regime.hpp"
#include "support/test_support.hpp"

namespace organism::lifecycle {
namespace {

constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr TimeMs kHour = 3'600'000;

data::StrategyMark mark(const std::string& session, int bar, double ret) {
  data::StrategyMark m;
  m.strategy_id = "s";
  m.session = session;
  m.time = kT0 + bar * kHour;
  m.ret = ret;
  return m;
}

TEST(Postmortem, LiveMetricsPerSessionByHand) {
  const double nan = std::nan("");
  const std::vector<data::StrategyMark> marks{
      mark("paper", 0, nan),  mark("paper", 1, 0.1),       mark("production", 1, nan),
      mark("paper", 2, -0.2), mark("production", 2, -0.1), mark("production", 3, 0.3)};
  const auto live = live_metrics(marks, 100);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].session, "paper");
  EXPECT_EQ(live[0].bars, 2);
  EXPECT_EQ(live[0].first, kT0 + kHour);
  EXPECT_EQ(live[0].last, kT0 + 2 * kHour);
  EXPECT_NEAR(live[0].total_return, 1.1 * 0.8 - 1, 1e-12);
  EXPECT_NEAR(live[0].max_drawdown, 0.2, 1e-12);  // 1.1 -> 0.88
  // mean -0.05, std (ddof 1) 0.212132: -0.235702 x 10.
  EXPECT_NEAR(live[0].sharpe, -0.05 / std::sqrt(0.045) * 10, 1e-9);
  EXPECT_EQ(live[1].session, "production");
  EXPECT_NEAR(live[1].total_return, 0.9 * 1.3 - 1, 1e-12);
  EXPECT_NEAR(live[1].max_drawdown, 0.1, 1e-12);
  EXPECT_TRUE(live_metrics({}, 100).empty());
}

TEST(Postmortem, RegimeAtTheLastBarAtOrBeforeTheTime) {
  data::Candles c;
  for (int i = 0; i < 200; ++i) {
    const double p = 100 + i;  // a steady rise: ADX high, EMA rising
    c.push_back({kT0 + i * kHour, p, p + 1, p - 1, p + 0.5, 10, data::kUnknownTrades});
  }
  const auto all = indicators::classify_regimes(c.view(), {});
  EXPECT_EQ(regime_at(c.view(), kT0 + 150 * kHour + 1), all[150].label());
  EXPECT_EQ(regime_at(c.view(), kT0 + 10 * kHour), all[10].label());
  EXPECT_EQ(regime_at(c.view(), kT0 - 1), "unknown");
  EXPECT_EQ(regime_at(c.view(), kT0 + 1000 * kHour), all.back().label());
}

Postmortem sample() {
  Postmortem p;
  p.strategy_id = "s";
  p.family = "ema_cross";
  p.run_id = "r";
  p.born = kT0;
  p.died = kT0 + 36 * kHour;
  p.age_days = 1.5;
  p.reason = "no recovery within 3 days: cusum";
  p.evidence = {{"failed", {"cusum"}}};
  p.path = {{State::Production, State::Decaying, kT0 + 12 * kHour, "decay: cusum after 9 live bars",
             R"({"bars":9})"},
            {State::Decaying, State::Retired, p.died, p.reason, R"({"failed":["cusum"]})"}};
  p.regimes = {{"BTC", "low_vol/up/unknown", "high_vol/down/unknown"}};
  p.live = {{"production", 30, kT0 + kHour, p.died, -0.0625, -4.25, 0.08}};
  p.validated = {2.5, 0.05, 0.0003, std::nan("")};
  p.genome = {{"family", "ema_cross"}};
  return p;
}

TEST(Postmortem, JsonRoundTripAndText) {
  const auto p = sample();
  const auto j = to_json(p);
  EXPECT_EQ(j.at("died_utc"), "2024-01-02 12:00:00");
  EXPECT_TRUE(j.at("validated").at("std").is_null());  // NaN is written as null
  const auto back = postmortem_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(back.path.size(), 2u);
  EXPECT_EQ(*back.path[0].from, State::Production);
  EXPECT_TRUE(std::isnan(back.validated.stdev));
  const auto text = to_text(p);
  EXPECT_NE(text.find("retired  2024-01-02 12:00:00 (market time), age 1.5 days"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("production -> decaying: decay: cusum after 9 live bars"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("live production 30 bars, return -0.0625, Sharpe -4.250, max drawdown 0.0800"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("std n/a"), std::string::npos) << text;
  auto broken = j;
  broken.erase("reason");
  try {
    postmortem_from_json(broken);
    FAIL() << "no error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'reason'"), std::string::npos) << e.what();
  }
}

TEST(Postmortem, RetireWritesTheMoveAndTheRecordTogether) {
  test::TempDir dir;
  auto store = data::Store::open((dir / "s.db").string());
  data::RunRecord run;
  run.id = "r";
  run.options = "{}";
  run.universe = "{}";
  run.status = "finished";
  store.save_run(run);
  for (const char* id : {"s", "young"}) {
    data::StrategyRecord r{id,
                           std::string("r"),
                           std::string("ema_cross"),
                           std::string("{}"),
                           std::string("[]"),
                           std::string("{}"),
                           std::string(),
                           std::string(),
                           0,
                           0,
                           0,
                           {}};
    birth(store, r, kT0, "test");
  }
  transition(store, "s", State::Validated, "t", "{}", kT0 + 1);
  transition(store, "s", State::Retired, "t", "{}", kT0 + 2);  // already retired: retire is illegal
  EXPECT_THROW(retire(store, "s", "again", "{}", to_json(sample()).dump(), kT0 + 3), core::Error);
  EXPECT_FALSE(store.load_postmortem("s"));
  retire(store, "young", "discarded", R"({"why":"test"})", to_json(sample()).dump(), kT0 + 4);
  EXPECT_EQ(current_state(store, "young"), State::Retired);
  const auto h = history(store, "young");
  EXPECT_EQ(h.back().reason, "discarded");
  EXPECT_EQ(h.back().time, kT0 + 4);
  const auto pm = store.load_postmortem("young");
  ASSERT_TRUE(pm);
  EXPECT_EQ(pm->time, kT0 + 4);
  EXPECT_EQ(nlohmann::json::parse(pm->json).at("reason"), "no recovery within 3 days: cusum");
}

}  // namespace
}  // namespace organism::lifecycle
