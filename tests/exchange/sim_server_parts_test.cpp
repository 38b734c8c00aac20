// The simulator server's pieces that need no sockets: REST budget, fault grammar and schedule,
// the state file, counting reply items.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "exchange/sim_server/faults.hpp"
#include "exchange/sim_server/rate_limit.hpp"
#include "exchange/sim_server/reply_items.hpp"
#include "exchange/sim_server/state_file.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::sim_server {
namespace {

TEST(SimServerRateLimit, AdmitsUntilTheMinutesWeightIsSpentThenRecovers) {
  SlidingWindowLimit limit(1200, 60000);
  // 599 requests of weight 2 spend 1198; one more is admitted (budget left), then none.
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(limit.admits("1.2.3.4", 1000 + i)) << i;
    limit.charge("1.2.3.4", 2, 1000 + i);
  }
  EXPECT_EQ(limit.used("1.2.3.4", 1599), 1200);
  EXPECT_FALSE(limit.admits("1.2.3.4", 1600));
  EXPECT_TRUE(limit.admits("5.6.7.8", 1600));  // per key
  // The first charge (t = 1000) leaves the window at t = 61000: 2 units back.
  EXPECT_EQ(limit.used("1.2.3.4", 60999), 1200);
  EXPECT_EQ(limit.used("1.2.3.4", 61000), 1198);
  EXPECT_TRUE(limit.admits("1.2.3.4", 61000));
  EXPECT_EQ(limit.used("1.2.3.4", 61599), 0);
}

TEST(SimServerFaults, ParsesEveryItemOfTheGrammar) {
  const auto spec = parse_fault_spec(
      "drop_ws=30s,delay=250,http429=5@1m,http5xx=2@500ms,malformed_ws=0.25,stale_book=10@20,"
      "flash=BTC:-10@90s,reject_orders=1.5s@2m");
  ASSERT_TRUE(spec.drop_ws_every_ms);
  EXPECT_EQ(*spec.drop_ws_every_ms, 30000);
  EXPECT_EQ(spec.delay_ms, 250);
  ASSERT_TRUE(spec.http429 && spec.http5xx);
  EXPECT_EQ(spec.http429->count, 5);
  EXPECT_EQ(spec.http429->every_ms, 60000);
  EXPECT_EQ(spec.http5xx->count, 2);
  EXPECT_EQ(spec.http5xx->every_ms, 500);
  EXPECT_DOUBLE_EQ(spec.malformed_ws, 0.25);
  ASSERT_EQ(spec.scheduled.size(), 3u);  // by time
  EXPECT_EQ(spec.scheduled[0].at_ms, 20000);
  EXPECT_EQ(spec.scheduled[0].request.dump(), R"({"type":"fault","fault":"staleBook","seconds":10})");
  EXPECT_EQ(spec.scheduled[1].at_ms, 90000);
  EXPECT_EQ(spec.scheduled[1].request.dump(), R"({"type":"fault","fault":"flashMove","coin":"BTC","percent":-10.0})");
  EXPECT_EQ(spec.scheduled[2].at_ms, 120000);
  EXPECT_EQ(spec.scheduled[2].request.dump(), R"({"type":"fault","fault":"rejectOrders","seconds":1.5})");
}

TEST(SimServerFaults, BadItemsAreUsageErrorsNamingTheItem) {
  auto message = [](const char* spec) {
    try {
      parse_fault_spec(spec);
    } catch (const core::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("delay=5,bogus=1"), "--faults: bad item 'bogus=1': unknown fault (see --help)");
  EXPECT_EQ(message("http429=5"), "--faults: bad item 'http429=5': expected N@DUR (see --help)");
  EXPECT_EQ(message("http429=0@1s"), "--faults: bad item 'http429=0@1s': N must be a whole number >= 1 (see --help)");
  EXPECT_EQ(message("malformed_ws=1.5"), "--faults: bad item 'malformed_ws=1.5': expected a fraction in 0..1 (see --help)");
  EXPECT_EQ(message("drop_ws=0s"), "--faults: bad item 'drop_ws=0s': expected a positive duration (see --help)");
  EXPECT_EQ(message("flash=BTC@10"), "--faults: bad item 'flash=BTC@10': expected COIN:PCT@AT (see --help)");
  EXPECT_EQ(message("drop_ws"), "--faults: bad item 'drop_ws': expected NAME=VALUE (see --help)");
  EXPECT_EQ(message("delay=abc"), "--faults: bad item 'delay=abc': expected milliseconds in 0..600000 (see --help)");
}

TEST(SimServerFaults, BurstsAnswerTheFirstNRequestsOfEachPeriodFromTheFirstPeriodOn) {
  FaultState state(parse_fault_spec("http429=3@10s"), 1);
  EXPECT_EQ(state.http_fault(0), 0);     // period 0: no burst yet
  EXPECT_EQ(state.http_fault(9999), 0);
  EXPECT_EQ(state.http_fault(10000), 429);
  EXPECT_EQ(state.http_fault(10001), 429);
  EXPECT_EQ(state.http_fault(15000), 429);
  EXPECT_EQ(state.http_fault(15001), 0);  // 3 served in period 1
  EXPECT_EQ(state.http_fault(20000), 429);  // period 2 starts a new burst
}

TEST(SimServerFaults, FiveXxBurstsAndMalformedFramesAreSeeded) {
  auto draws = [](std::uint64_t seed) {
    FaultState state(parse_fault_spec("http5xx=50@1s,malformed_ws=0.3"), seed);
    std::string out;
    for (int i = 0; i < 50; ++i) out += std::to_string(state.http_fault(1000));
    for (int i = 0; i < 200; ++i) out += state.malform_next_frame() ? 'x' : '.';
    return out;
  };
  EXPECT_EQ(draws(7), draws(7));
  EXPECT_NE(draws(7), draws(8));
  const auto d = draws(7);
  EXPECT_NE(d.find("502"), std::string::npos);
  EXPECT_NE(d.find("503"), std::string::npos);
  const auto malformed = std::count(d.begin(), d.end(), 'x');
  EXPECT_GT(malformed, 30);  // 0.3 x 200 = 60 expected; binomial sd 6.5
  EXPECT_LT(malformed, 90);
}

TEST(SimServerFaults, MalformedFramesAreNeverValidJson) {
  FaultState state(FaultSpec{}, 3);
  const std::string frame = R"({"channel":"trades","data":[{"coin":"BTC","px":"100.5"}]})";
  for (int i = 0; i < 200; ++i) {
    const auto bad = state.malformed(frame);
    EXPECT_NE(bad, frame);
    EXPECT_FALSE(nlohmann::json::accept(bad)) << bad;
  }
}

TEST(SimServerFaults, ControlSetsAndClearsTransportFaults) {
  FaultState state(FaultSpec{}, 1);
  EXPECT_EQ(state.apply_control({{"fault", "delay"}, {"ms", 120}}, 0), "");
  EXPECT_EQ(state.spec().delay_ms, 120);
  EXPECT_EQ(state.apply_control({{"fault", "http429"}, {"count", 2}, {"everySeconds", 1}}, 5000), "");
  EXPECT_EQ(state.http_fault(5999), 0);  // periods count from when it was set
  EXPECT_EQ(state.http_fault(6000), 429);
  EXPECT_EQ(state.apply_control({{"fault", "delay"}, {"ms", -1}}, 0), "delay needs ms in 0..600000");
  EXPECT_EQ(state.apply_control({{"fault", "none"}}, 0), "");
  EXPECT_EQ(state.spec().delay_ms, 0);
  EXPECT_EQ(state.http_fault(6001), 0);
  EXPECT_TRUE(FaultState::is_transport_fault("dropWs"));
  EXPECT_FALSE(FaultState::is_transport_fault("flashMove"));
}

TEST(SimServerStateFile, SavesAndLoadsAndRefusesAnotherOrigin) {
  test::TempDir tmp;
  const StateOrigin origin{{"BTC", "ETH"}, "1m", 7, 1000, 2000};
  StateFile file((tmp.path() / "state").string(), origin);
  EXPECT_FALSE(file.load().has_value());
  file.save({{"engine", {{"users", 3}}}});
  const auto loaded = file.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->dump(), R"({"engine":{"users":3}})");

  StateOrigin other = origin;
  other.seed = 8;
  StateFile other_file((tmp.path() / "state").string(), other);
  try {
    other_file.load();
    FAIL() << "loaded a state of another seed";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() + ": saved with seed 7, but this server has seed 8 (use another --state-dir)");
  }
  test::write_file(file.path(), "{\"format\":");
  EXPECT_THROW(file.load(), core::Error);
  test::write_file(file.path(), "{\"format\":\"x\"}");
  try {
    file.load();
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()), file.path() + ": not an exchange-sim state file (format organism-exchange-sim-state/1)");
  }
}

TEST(SimServerReplyItems, CountsTopLevelElementsOnly) {
  EXPECT_EQ(top_level_items("[]"), 0u);
  EXPECT_EQ(top_level_items(" [ ] "), 0u);
  EXPECT_EQ(top_level_items("[1]"), 1u);
  EXPECT_EQ(top_level_items(R"([{"a":[1,2,3]},"x,y",[4,5]])"), 3u);
  EXPECT_EQ(top_level_items(R"(["a\"],b", 2])"), 2u);
  EXPECT_EQ(top_level_items(R"({"a":[1,2]})"), 0u);
}

}  // namespace
}  // namespace organism::exchange::sim_server
