// `organism data fetch` through the binary: its progress lines (a total from the bars to fetch,
// counts rising page by page to it), against `organism exchange-sim` and a paging test server;
// and bad exchange input (truncated JSON, wrong types, a body over the transport's limit, a bar
// with high < low), each named on stderr, retried or refused, and never written to the store.
#include <gtest/gtest.h>

#include <functional>
#include <regex>

#include <fmt/format.h>

#include "core/json_input.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "loopback_http_server.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

using core::TimeMs;
constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr TimeMs kHour = core::kHourMs;

std::string candle(TimeMs t, const std::string& o, const std::string& h, const std::string& l, const std::string& c) {
  return fmt::format(R"({{"t":{},"T":{},"s":"BTC","i":"1h","o":"{}","c":"{}","h":"{}","l":"{}","v":"12.5","n":7}})", t,
                     t + kHour - 1, o, c, h, l);
}

// A well-formed bar of hour i: prices rise by 1 per hour from 100.
std::string good_candle(int i) {
  const std::string o = std::to_string(100 + i), c = std::to_string(101 + i);
  return candle(kT0 + i * kHour, o, std::to_string(102 + i), std::to_string(99 + i), c);
}

// Every candle from the request's startTime, at most `page` of them, of the `bars` hours from kT0.
test::ScriptedReply paged_candles(const test::HttpExchange& request, int bars, int page) {
  const auto body = core::parse_json(request.body, "request");
  const TimeMs start = body["req"]["startTime"].get<TimeMs>();
  const int first = static_cast<int>(std::max<TimeMs>(0, (start - kT0 + kHour - 1) / kHour));
  std::string out = "[";
  for (int i = first; i < std::min(bars, first + page); ++i) {
    if (i > first) out += ',';
    out += good_candle(i);
  }
  return {200, out + "]"};
}

test::RunResult fetch(const std::string& url, const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--db", db, "--progress", "off", "data", "fetch", "--url", url, "--coins", "BTC",
                                "--interval", "1h", "--since", std::to_string(kT0), "--retry-base-ms", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_organism(args);
}

// The "done/total" pairs of `--progress lines` output for `label`.
std::vector<std::pair<int, int>> progress_counts(const std::string& err, const std::string& label) {
  std::vector<std::pair<int, int>> out;
  const std::regex line(label + R"(: [0-9.]+% \(([0-9]+)/([0-9]+) bars)");
  for (std::sregex_iterator it(err.begin(), err.end(), line), end; it != end; ++it) {
    out.emplace_back(std::stoi((*it)[1]), std::stoi((*it)[2]));
  }
  return out;
}

TEST(FetchProgress, LinesRiseWithEachPageToTheTotal) {
  test::LoopbackHttpServer server([](const test::HttpExchange& r) { return paged_candles(r, 1000, 100); });
  test::TempDir dir;
  auto run = test::run_organism({"--db", (dir / "p.db").string(), "--progress", "lines", "data", "fetch", "--url",
                                 server.url(), "--coins", "BTC", "--interval", "1h", "--since", std::to_string(kT0),
                                 "--until", std::to_string(kT0 + 300 * kHour), "--progress-every-ms", "0"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Pages of 100 from 00:00: each stores the bars seen closed (a page's last waits for the next
  // page); the fourth page confirms hour 299, the last before --until; then the final line.
  const auto counts = progress_counts(run.err, "fetching BTC 1h");
  const std::vector<std::pair<int, int>> want{{99, 300}, {199, 300}, {299, 300}, {300, 300}, {300, 300}};
  EXPECT_EQ(counts, want) << run.err;
  EXPECT_NE(run.err.find("fetching BTC 1h: 100.0% (300/300 bars"), std::string::npos) << run.err;
}

TEST(FetchProgress, FromTheSimulatorEndsAtTheTotalOfEachCoin) {
  test::SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  const TimeMs first = test::kSimFirstBar;
  auto run = test::run_organism({"--db", (dir / "p.db").string(), "--progress", "lines", "data", "fetch", "--url",
                                 fmt::format("http://127.0.0.1:{}", sim.port()), "--coins", "BTC,ETH", "--interval",
                                 "1m", "--since", std::to_string(first), "--until",
                                 std::to_string(first + 400 * core::kMinuteMs), "--progress-every-ms", "0"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("hyperliquid:BTC:1m: 400 new bars"), 0u) << run.out;
  for (const char* coin : {"BTC", "ETH"}) {
    const auto counts = progress_counts(run.err, fmt::format("fetching {} 1m", coin));
    ASSERT_FALSE(counts.empty()) << coin << ": " << run.err;
    for (std::size_t i = 1; i < counts.size(); ++i) EXPECT_GE(counts[i].first, counts[i - 1].first) << coin;
    for (const auto& [done, total] : counts) EXPECT_EQ(total, 400) << coin;
    EXPECT_EQ(counts.back().first, 400) << coin;
  }
}

// A store holding hours 0..1 from a good first fetch, then `bad` as the next reply (it would add
// later hours): the run fails naming `message`, the store keeps exactly its two bars.
struct BadReplyCase {
  std::string name;
  std::function<test::ScriptedReply()> reply;
  std::string message;
  std::size_t requests = 1;  // the bad reply's, retries included
};

TEST(FetchBadInput, EachBadReplyIsNamedAndNothingIsWritten) {
  const std::string next = good_candle(2) + "," + good_candle(3) + "," + good_candle(4);
  const std::vector<BadReplyCase> cases{
      {"truncated JSON", [&] { return test::ScriptedReply{200, "[" + next + R"(,{"t":)"}; },
       "candleSnapshot BTC 1h: reply: not valid JSON"},
      {"wrong types", [&] { return test::ScriptedReply{200, "[" + next + R"(,{"t":"x","T":1,"o":"1","c":"1","h":"1","l":"1","v":"1","n":1}])"}; },
       "candleSnapshot BTC 1h: candle 3: field 't': expected an integer"},
      {"high below low", [&] { return test::ScriptedReply{200, "[" + next + "," + candle(kT0 + 5 * kHour, "105", "100", "104", "103") + "]"}; },
       "candleSnapshot BTC 1h: candle 3 (2024-01-01 05:00:00): impossible bar o=105 h=100 l=104"},
      // Past the transport's 64 MiB: the read stops at the limit, the request is retried (a reply
      // that broke off is a transport error), and every try fails the same way.
      {"huge body", [&] { return test::ScriptedReply{200, "[" + next + "," + std::string(65u << 20, ' ') + "]"}; },
       "body limit exceeded", 8},
  };
  for (const auto& c : cases) {
    int served = 0;
    test::LoopbackHttpServer server([&](const test::HttpExchange& r) {
      // The first run: hours 0..2 (hour 2 held as maybe open); then the bad reply, always.
      return served++ == 0 ? paged_candles(r, 3, 100) : c.reply();
    });
    test::TempDir dir;
    const std::string db = (dir / "f.db").string();
    auto run = fetch(server.url(), db, {"--until", std::to_string(kT0 + 2 * kHour)});
    ASSERT_EQ(run.exit_code, 0) << c.name << ": " << run.err;
    run = fetch(server.url(), db);
    EXPECT_EQ(run.exit_code, 1) << c.name;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.name << ": " << run.err;
    EXPECT_EQ(server.requests().size(), 1 + c.requests) << c.name;
    const auto bars = data::Store::open_existing(db).load_candles({"hyperliquid", "BTC", core::Interval::parse_or_throw("1h")});
    ASSERT_TRUE(bars) << c.name;
    ASSERT_EQ(bars->size(), 2u) << c.name;
    EXPECT_EQ(bars->time()[1], kT0 + kHour) << c.name;
    EXPECT_EQ(bars->close()[1], 102.0) << c.name;
  }
}

}  // namespace
}  // namespace organism::exchange::client
