// `organism data fetch` through the binary against `organism exchange-sim` (also the binary) on
// loopback: 2 coins x 10,500 hourly bars in the simulator's store, of which it keeps the latest
// 5000; the fetched store must equal the source exactly, a re-run must write nothing, and an
// advanced market must add exactly the new closed bars. Also the InfoClient's weight budget
// against the simulator's REST limit, and its 422.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "core/text.hpp"
#include "data/store.hpp"
#include "exchange/client/info_client.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

constexpr TimeMs kFirstBar = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr int kBars = 10'500;
constexpr TimeMs kMarketNow = 1738368000000;  // 2025-02-01 00:00 UTC: 9,528 bars of history
const core::Interval kHour = core::Interval::parse_or_throw("1h");

std::string hourly_bars(double base, double period) {
  std::string csv = "time,open,high,low,close,volume,trades\n";
  double prev = base;
  for (int i = 0; i < kBars; ++i) {
    const double close = std::round((base + base * 0.05 * std::sin(i / period) + i * base * 1e-5) * 10) / 10;
    const double high = std::round((std::max(prev, close) + base * 0.001) * 10) / 10;
    const double low = std::round((std::min(prev, close) - base * 0.0008) * 10) / 10;
    csv += fmt::format("{},{},{},{},{},{}.25,{}\n", kFirstBar + i * core::kHourMs, core::format_number(prev),
                       core::format_number(high), core::format_number(low), core::format_number(close), 5 + i % 7,
                       12 + i % 5);
    prev = close;
  }
  return csv;
}

// The simulator's store, built once per test process.
const std::string& source_store() {
  static test::TempDir dir;
  static const std::string path = [] {
    const std::string db = (dir / "source.db").string();
    test::write_file(dir / "btc.csv", hourly_bars(42000, 50));
    test::write_file(dir / "eth.csv", hourly_bars(2200, 37));
    std::string funding = "time,rate\n";
    for (int h = 0; h < kBars; ++h) funding += fmt::format("{},{}\n", kFirstBar + h * core::kHourMs, (h % 5 - 2) * 1.25e-5);
    test::write_file(dir / "btc-funding.csv", funding);
    for (const auto& [file, coin, kind] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"btc.csv", "BTC", "candles"}, {"eth.csv", "ETH", "candles"}, {"btc-funding.csv", "BTC", "funding"}}) {
      std::vector<std::string> args{"--db", db, "data", "import", "--venue", "hyperliquid", "--coin", coin, "--kind", kind};
      if (kind == "candles") args.insert(args.end(), {"--interval", "1h"});
      args.push_back((dir / file).string());
      const auto r = test::run_organism(args);
      if (r.exit_code != 0) throw std::runtime_error("source store import failed: " + r.err);
    }
    return db;
  }();
  return path;
}

test::RunResult fetch(std::uint16_t port, const std::string& db) {
  return test::run_organism({"--db", db, "--progress", "off", "data", "fetch", "--url",
                             fmt::format("http://127.0.0.1:{}", port), "--coins", "BTC,ETH", "--interval", "1h",
                             "--funding"});
}

// The fetched series equal the source's bars in [from, to) exactly: count, times, every value.
void expect_same_bars(const std::string& fetched_db, TimeMs from, TimeMs to) {
  auto source = data::Store::open_existing(source_store());
  auto fetched = data::Store::open_existing(fetched_db);
  for (const char* coin : {"BTC", "ETH"}) {
    const data::SeriesKey key{"hyperliquid", coin, kHour};
    const auto want = source.load_candles(key, from, to);
    const auto got = fetched.load_candles(key);
    ASSERT_TRUE(want && got) << coin;
    EXPECT_EQ(got->size(), static_cast<std::size_t>((to - from) / core::kHourMs)) << coin;
    EXPECT_TRUE(*got == *want) << coin << ": fetched " << got->size() << " bars, source " << want->size();
  }
}

TEST(ClientFetchBinary, FetchedStoreEqualsTheSimulatorsBarsAndAReRunWritesNothing) {
  // Four fetch processes within a minute, each with its own budget of the exchange's 1200 (its
  // limit is per IP): the simulator's limit is raised here; the budget has its own test below.
  test::SimProcess sim({"--speed", "0", "--interval", "1h", "--from", std::to_string(kMarketNow),
                        "--rest-weight-per-minute", "100000"},
                       source_store());
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  const std::string db = (dir / "fetched.db").string();

  // The simulator keeps the latest 5000 bars; the one at its now is in progress, not stored.
  const TimeMs oldest = kMarketNow - 4999 * core::kHourMs;
  auto r = fetch(sim.port(), db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hyperliquid:BTC:1h: 4999 new bars, 0 updated, 2 requests (2024-07-07 17:00:00 .. 2025-01-31 23:00:00)"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n9998 new bars\n"), std::string::npos) << r.out;
  expect_same_bars(db, oldest, kMarketNow);
  {
    // Funding: every stored hour up to the market's now (the exchange serves none after it).
    auto source = data::Store::open_existing(source_store());
    auto fetched = data::Store::open_existing(db);
    const auto want = source.load_funding("hyperliquid", "BTC");
    const auto got = fetched.load_funding("hyperliquid", "BTC");
    ASSERT_TRUE(want && got);
    const auto n = static_cast<std::size_t>((kMarketNow - kFirstBar) / core::kHourMs + 1);
    ASSERT_EQ(got->size(), n);
    EXPECT_TRUE(std::equal(got->time.begin(), got->time.end(), want->time.begin()));
    EXPECT_TRUE(std::equal(got->rate.begin(), got->rate.end(), want->rate.begin()));
    EXPECT_NE(r.out.find(fmt::format("funding: {} new", n)), std::string::npos) << r.out;
  }

  r = fetch(sim.port(), db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hyperliquid:BTC:1h: 0 new bars, 0 updated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("funding: 0 new"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n0 new bars\n"), std::string::npos) << r.out;

  // The market moves 50 hours: exactly those 50 closed bars per coin arrive, nothing else changes.
  test::HttpClient control(sim.port());
  const auto moved = control.post("/control", fmt::format(R"({{"type":"advanceTo","time":{}}})", kMarketNow + 50 * core::kHourMs));
  ASSERT_EQ(moved.status, 200) << moved.body;
  r = fetch(sim.port(), db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hyperliquid:ETH:1h: 50 new bars, 0 updated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("funding: 50 new"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n100 new bars\n"), std::string::npos) << r.out;
  expect_same_bars(db, oldest, kMarketNow + 50 * core::kHourMs);
}

TEST(ClientFetchBinary, UnknownRequestIs422AndNotRetried) {
  test::SimProcess sim({"--speed", "0", "--interval", "1h", "--from", std::to_string(kMarketNow)}, source_store());
  ASSERT_TRUE(sim.started());
  RestSession session(fmt::format("http://127.0.0.1:{}", sim.port()), WeightBudget::make());
  try {
    session.info(Json{{"type", "noSuchRequest"}}, "noSuchRequest");
    FAIL() << "no error";
  } catch (const HttpStatusError& e) {
    EXPECT_EQ(e.status(), 422) << e.what();
  }
  EXPECT_EQ(session.stats().requests, 1);
  EXPECT_EQ(session.stats().retries, 0);
}

// 2000 allMids (weight 2 each: 4000) against a simulator allowing 3000 per minute: the budget
// holds the calls past 3000 until the first leave the rolling minute (so this takes a minute),
// and no call sees a 429. Then a session without a budget does see one.
TEST(ClientFetchBinary, WeightBudgetKeepsABurstOf2000InfoCallsUnderTheLimit) {
  test::SimProcess sim({"--speed", "0", "--interval", "1h", "--from", std::to_string(kMarketNow),
                        "--rest-weight-per-minute", "3000"},
                       source_store());
  ASSERT_TRUE(sim.started());
  const std::string url = fmt::format("http://127.0.0.1:{}", sim.port());
  SessionOptions no_retries;
  no_retries.retry.max_attempts = 1;  // a 429 would throw instead of being retried away
  auto budget = WeightBudget::make(3000);
  InfoClient info(std::make_shared<RestSession>(url, budget, no_retries));
  for (int i = 0; i < 2000; ++i) {
    try {
      ASSERT_EQ(info.all_mids().size(), 2u) << "call " << i;
    } catch (const HttpStatusError& e) {
      FAIL() << "call " << i << ": " << e.what() << "; budget used " << budget->used() << ", waited "
             << budget->waited_ms() << " ms";
    }
  }
  EXPECT_EQ(info.session().stats().status_429, 0);
  EXPECT_EQ(info.session().stats().requests, 2000);
  EXPECT_GT(budget->waited_ms(), 50'000);

  InfoClient unlimited(std::make_shared<RestSession>(url, WeightBudget::make(1'000'000), no_retries));
  int calls = 0;
  try {
    for (; calls < 2000; ++calls) unlimited.all_mids();
  } catch (const HttpStatusError& e) {
    EXPECT_EQ(e.status(), 429);
  }
  EXPECT_LT(calls, 2000);
  EXPECT_EQ(unlimited.session().stats().status_429, 1);
}

}  // namespace
}  // namespace organism::exchange::client
