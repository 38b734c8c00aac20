// `organism data fetch --source fear-greed` through the binary against a Fear & Greed API served
// by the test on loopback (honouring ?limit=N, counting requests): a full first fetch, a re-run
// that writes nothing, exactly the new days later, every malformed reply named and nothing
// written, 5xx retried and 404 not, and fetched rows meeting the imported fear_greed.csv.gz.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "core/time.hpp"
#include "data/store.hpp"
#include "exchange/client/fear_greed.hpp"
#include "loopback_http_server.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::client {
namespace {

struct Day {
  core::TimeMs time = 0;
  int value = 0;
  std::string classification{};
};

std::string classify(int value) {
  if (value <= 25) return "Extreme Fear";
  if (value <= 46) return "Fear";
  if (value <= 54) return "Neutral";
  if (value <= 75) return "Greed";
  return "Extreme Greed";
}

std::string row_json(const Day& d) {
  return fmt::format(R"({{"value":"{}","value_classification":"{}","timestamp":"{}","time_until_update":"-1"}})", d.value,
                     d.classification, d.time / 1000);
}

// The API: {"name":..,"data":[newest first],"metadata":{"error":null}}, the newest N for ?limit=N
// (0 = all). A test may replace the next replies with scripted ones.
class FearGreedApi {
 public:
  test::ScriptedReply answer(const test::HttpExchange& request) {
    std::lock_guard lock(mutex_);
    if (!scripted_.empty()) {
      auto reply = scripted_.front();
      scripted_.erase(scripted_.begin());
      return reply;
    }
    const auto at = request.target.find("limit=");
    const std::size_t limit = at == std::string::npos ? 1 : std::stoul(request.target.substr(at + 6));
    const std::size_t n = limit == 0 ? days_.size() : std::min(limit, days_.size());
    std::string rows;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) rows += ',';
      rows += row_json(days_[days_.size() - 1 - i]);
    }
    return {200, R"({"name":"Fear and Greed Index","data":[)" + rows + R"(],"metadata":{"error":null}})"};
  }
  void set_days(std::vector<Day> days) {
    std::lock_guard lock(mutex_);
    days_ = std::move(days);
  }
  void script(std::vector<test::ScriptedReply> replies) {
    std::lock_guard lock(mutex_);
    scripted_ = std::move(replies);
  }

 private:
  std::mutex mutex_;
  std::vector<Day> days_;
  std::vector<test::ScriptedReply> scripted_;
};

core::TimeMs today_utc() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return now - now % core::kDayMs;
}

// `count` days ending `end_days_ago` days before today, values varying.
std::vector<Day> days_ending(int count, int end_days_ago, int salt = 0) {
  std::vector<Day> out;
  for (int i = 0; i < count; ++i) {
    const int value = (i * 37 + salt) % 101;
    out.push_back({today_utc() - (end_days_ago + count - 1 - i) * core::kDayMs, value, classify(value)});
  }
  return out;
}

test::RunResult fetch(const test::LoopbackHttpServer& server, const std::string& db) {
  return test::run_organism({"--db", db, "--progress", "off", "data", "fetch", "--source", "fear-greed", "--url",
                             server.url("/fng/"), "--retry-base-ms", "1"});
}

void expect_stored(const std::string& db, const std::vector<Day>& want) {
  auto store = data::Store::open_existing(db);
  const auto got = store.load_sentiment("fear_greed");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got->time[i], want[i].time) << i;
    EXPECT_EQ(got->value[i], want[i].value) << i;
    EXPECT_EQ(got->classification[i], want[i].classification) << i;
  }
}

std::string day_name(core::TimeMs t) { return core::format_utc(t).substr(0, 10); }

TEST(FearGreedFetch, StoresEveryDayThenNothingThenExactlyTheNewDays) {
  FearGreedApi api;
  auto days = days_ending(40, 3);
  api.set_days(days);
  test::LoopbackHttpServer server([&](const test::HttpExchange& r) { return api.answer(r); });
  test::TempDir dir;
  const std::string db = (dir / "fg.db").string();

  auto run = fetch(server, db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, fmt::format("fear_greed: 40 new days ({} .. {})\n", day_name(days.front().time), day_name(days.back().time)));
  expect_stored(db, days);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].method, "GET");
  EXPECT_EQ(server.requests()[0].target, "/fng/?limit=0");  // nothing stored: ask for all

  run = fetch(server, db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "fear_greed: 0 new days\n");
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].target, "/fng/?limit=5");  // 3 days since the last, plus 2
  expect_stored(db, days);

  const auto newer = days_ending(43, 0);
  for (std::size_t i = 40; i < 43; ++i) days.push_back(newer[i]);
  api.set_days(days);
  run = fetch(server, db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, fmt::format("fear_greed: 3 new days ({} .. {})\n", day_name(days[40].time), day_name(days[42].time)));
  EXPECT_EQ(server.requests().back().target, "/fng/?limit=5");
  expect_stored(db, days);
}

TEST(FearGreedFetch, MalformedRepliesAreNamedAndWriteNothing) {
  FearGreedApi api;
  const auto days = days_ending(10, 4);
  api.set_days(days);
  test::LoopbackHttpServer server([&](const test::HttpExchange& r) { return api.answer(r); });
  test::TempDir dir;
  const std::string db = (dir / "fg.db").string();
  ASSERT_EQ(fetch(server, db).exit_code, 0);

  // Each reply holds two days newer than the store's, so writing anything would show.
  const auto fresh = days_ending(2, 2, 5);
  const std::string good0 = row_json(fresh[1]), good1 = row_json(fresh[0]);
  const auto body = [](const std::string& rows) { return R"({"data":[)" + rows + "]}"; };
  const auto ts = [](const Day& d) { return std::to_string(d.time / 1000); };
  struct Case {
    std::string name;
    test::ScriptedReply reply;
    std::string message;
  };
  const std::vector<Case> cases{
      {"truncated", test::ScriptedReply{200, R"({"data":[)" + good0 + R"(,{"value":"2)"}, "fear_greed reply: not valid JSON"},
      {"value abc", test::ScriptedReply{200, body(good0 + R"(,{"value":"abc","value_classification":"Fear","timestamp":")" + ts(fresh[0]) + "\"}")},
       "fear_greed reply: row 1: field 'value': expected a whole number from 0 to 100, got \"abc\""},
      {"value 101", test::ScriptedReply{200, body(R"({"value":"101","value_classification":"Greed","timestamp":")" + ts(fresh[1]) + "\"}," + good1)},
       "fear_greed reply: row 0: field 'value': expected a whole number from 0 to 100, got \"101\""},
      {"no timestamp", test::ScriptedReply{200, body(good0 + "," + good1 + R"(,{"value":"3","value_classification":"Fear"})")},
       "fear_greed reply: row 2: field 'timestamp': expected whole seconds since 1970, got nothing"},
      {"no data", test::ScriptedReply{200, R"({"name":"Fear and Greed Index"})"}, "fear_greed reply: field 'data': expected an array, got nothing"},
      {"404", test::ScriptedReply{404, "not found"}, "fear_greed GET " + server.url("/fng/?limit=6") + ": HTTP 404 \"not found\" (not retried)"},
  };
  for (const auto& c : cases) {
    api.script({c.reply});
    const auto before = server.requests().size();
    const auto run = fetch(server, db);
    EXPECT_EQ(run.exit_code, 1) << c.name;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.name << ": " << run.err;
    EXPECT_EQ(server.requests().size(), before + 1) << c.name << ": not retried";
    expect_stored(db, days);
  }

  // A 500 is retried; the retry's reply is stored.
  api.script({{500, "upstream down"}});
  auto all = days;
  all.insert(all.end(), fresh.begin(), fresh.end());
  api.set_days(all);
  const auto before = server.requests().size();
  const auto run = fetch(server, db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("fear_greed GET " + server.url("/fng/?limit=6") + ": HTTP 500 \"upstream down\"; retrying in"), std::string::npos) << run.err;
  EXPECT_EQ(server.requests().size(), before + 2);
  EXPECT_EQ(run.err.find("gap"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, fmt::format("fear_greed: 2 new days ({} .. {})\n", day_name(fresh[0].time), day_name(fresh[1].time)));
  expect_stored(db, all);
}

TEST(FearGreedFetch, FetchedDaysMeetTheImportedSeries) {
  const auto shared = test::shared_dir();
  if (!shared || !std::filesystem::exists(*shared / "data/sentiment/fear_greed.csv.gz")) {
    GTEST_SKIP() << "../shared/data/sentiment/fear_greed.csv.gz is absent";
  }
  test::TempDir dir;
  const std::string db = (dir / "fg.db").string();
  const auto import = test::run_organism(
      {"--db", db, "--progress", "off", "data", "import", (*shared / "data/sentiment/fear_greed.csv.gz").string()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  const auto imported = data::Store::open_existing(db).load_sentiment("fear_greed");
  ASSERT_TRUE(imported);
  ASSERT_GT(imported->size(), 30u);

  // The API's view: the imported file's last 30 days, then two more.
  std::vector<Day> served;
  for (std::size_t i = imported->size() - 30; i < imported->size(); ++i) {
    served.push_back({imported->time[i], imported->value[i], imported->classification[i]});
  }
  served.push_back({served.back().time + core::kDayMs, 44, "Fear"});
  served.push_back({served.back().time + core::kDayMs, 51, "Neutral"});
  FearGreedApi api;
  api.set_days(served);
  test::LoopbackHttpServer server([&](const test::HttpExchange& r) { return api.answer(r); });
  const auto run = fetch(server, db);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, fmt::format("fear_greed: 2 new days ({} .. {})\n", day_name(served[30].time), day_name(served[31].time)));

  const auto after = data::Store::open_existing(db).load_sentiment("fear_greed");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), imported->size() + 2);
  for (std::size_t i = 0; i < imported->size(); ++i) {
    ASSERT_EQ(after->time[i], imported->time[i]) << i;
    ASSERT_EQ(after->value[i], imported->value[i]) << i;
    ASSERT_EQ(after->classification[i], imported->classification[i]) << i;
  }
  for (std::size_t k = 0; k < 2; ++k) {
    const std::size_t i = imported->size() + k;
    EXPECT_EQ(after->time[i], served[30 + k].time);
    EXPECT_EQ(after->value[i], served[30 + k].value);
    EXPECT_EQ(after->classification[i], served[30 + k].classification);
  }
}

// The parser alone, on what the binary tests above cannot reach cheaply.
TEST(FearGreedParse, AcceptsNumbersAndRejectsDaysOutOfOrderOrOffMidnight) {
  const auto series = parse_fear_greed(
      R"({"data":[{"value":7,"value_classification":"Extreme Fear","timestamp":1700092800},)"
      R"({"value":"100","value_classification":"Extreme Greed","timestamp":"1700006400"}]})");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series.source, "fear_greed");
  EXPECT_EQ(series.time[0], 1700006400000);
  EXPECT_EQ(series.value[0], 100);
  EXPECT_EQ(series.time[1], 1700092800000);
  EXPECT_EQ(series.value[1], 7);
  const auto error = [](const std::string& body) {
    try {
      parse_fear_greed(body);
    } catch (const core::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"data":[{"value":"5","value_classification":"Fear","timestamp":"1700000000"}]})"),
            "fear_greed reply: row 0: field 'timestamp': 1700000000 is not 00:00 UTC of a day");
  EXPECT_EQ(error(R"({"data":[{"value":"5","value_classification":"Fear","timestamp":"1700006400"},)"
                  R"({"value":"6","value_classification":"Fear","timestamp":"1700092800"}]})"),
            "fear_greed reply: row 1: field 'timestamp': 2023-11-16 00:00:00 is not older than row 0's "
            "(2023-11-15 00:00:00): rows must be newest first, one per day");
  EXPECT_EQ(error(R"({"data":[{"value":"5.5","value_classification":"Fear","timestamp":"1700006400"}]})"),
            "fear_greed reply: row 0: field 'value': expected a whole number from 0 to 100, got \"5.5\"");
  EXPECT_EQ(error(R"({"data":[{"value":"5","value_classification":7,"timestamp":"1700006400"}]})"),
            "fear_greed reply: row 0: field 'value_classification': expected a non-empty string, got 7");
  EXPECT_EQ(error(R"({"data":[],"metadata":{"error":"rate limited"}})"),
            "fear_greed reply: the API reports an error: \"rate limited\"");
}

}  // namespace
}  // namespace organism::exchange::client
