// Importer: every accepted format, and every bad-input rule of DESIGN.md on a tiny file.
#include "data/import.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;
using test::write_file;

constexpr const char* kHeader = "time,open,high,low,close,volume\n";
// 2024-01-01 00:00, 01:00, 02:00 UTC
constexpr const char* kRows =
    "1704067200000,100,110,95,105,12.5\n"
    "1704070800000,105,106,101,102,0\n"
    "1704074400000,102,103,99,100.25,3\n";

ParsedFile parse(const test::fs::path& p, ImportOptions o = {}) { return parse_file(p.string(), o); }

// The error message of parsing `body` as an hyperliquid BTC 1h file.
std::string error_of(const std::string& body, ImportOptions o = {}) {
  TempDir dir;
  const auto p = dir / "BTC-1h.csv";
  write_file(p, body);
  o.venue = "hyperliquid";
  try {
    parse(p, o);
  } catch (const core::InputError& e) {
    return e.what();
  } catch (const core::Error& e) {
    return std::string("Error: ") + e.what();
  }
  return "no error";
}

TEST(Import, OrganismCsvFromTheSharedLayoutPath) {
  TempDir dir;
  test::fs::create_directories(dir / "ohlcv" / "hyperliquid");
  const auto p = dir / "ohlcv" / "hyperliquid" / "BTC-1h.csv.gz";
  write_file(p, std::string(kHeader) + kRows);
  const auto f = parse(p);
  ASSERT_TRUE(f.candles);
  EXPECT_EQ(f.candles->key.label(), "hyperliquid:BTC:1h");
  EXPECT_EQ(f.format, "organism csv");
  EXPECT_EQ(f.rows, 3u);
  const auto& b = f.candles->bars;
  EXPECT_EQ(b.time()[2], 1704074400000);
  EXPECT_EQ(b.open()[0], 100.0);
  EXPECT_EQ(b.high()[0], 110.0);
  EXPECT_EQ(b.low()[0], 95.0);
  EXPECT_EQ(b.close()[2], 100.25);
  EXPECT_EQ(b.volume()[0], 12.5);
  EXPECT_EQ(b.trades()[0], kUnknownTrades);
}

TEST(Import, BinanceKlinesWithAndWithoutHeader) {
  const std::string row1 = "1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.97,47134,682.57581,28971050.96,0\n";
  const std::string row2 = "1704070800000,42475.23,42775,42431.65,42613.56,1196.37856,1704074399999,50984893.5,44567,630.10934,26858331.56,0\n";
  TempDir dir;
  const auto a = dir / "BTCUSDT-1h-2024-01.csv";
  write_file(a, row1 + row2);
  auto f = parse(a);
  EXPECT_EQ(f.candles->key.label(), "binance:BTC:1h");
  EXPECT_EQ(f.format, "binance klines");
  EXPECT_EQ(f.candles->bars.trades()[0], 47134);
  EXPECT_EQ(f.candles->bars.close()[1], 42613.56);

  const auto b = dir / "ETHUSDT-1h-2024-01.csv";
  write_file(b, "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n" + row1);
  f = parse(b);
  EXPECT_EQ(f.candles->key.label(), "binance:ETH:1h");
  EXPECT_EQ(f.rows, 1u);

  // Binance's newer dumps stamp times in microseconds.
  const auto c = dir / "SOLUSDT-1h-2025-01.csv";
  write_file(c, "1704067200000000,1,2,0.5,1.5,10,1704070799999999,15,3,5,7,0\n");
  f = parse(c);
  EXPECT_EQ(f.candles->bars.time()[0], 1704067200000);
}

TEST(Import, FundingAndSentimentByHeader) {
  TempDir dir;
  test::fs::create_directories(dir / "funding" / "binance");
  const auto p = dir / "funding" / "binance" / "BTC.csv.gz";
  write_file(p, "time,rate\n1640995200000,0.0001\n1641024000000,-0.0000125\n");
  auto f = parse(p);
  ASSERT_TRUE(f.funding);
  EXPECT_EQ(f.funding->venue, "binance");
  EXPECT_EQ(f.funding->coin, "BTC");
  EXPECT_EQ(f.funding->interval_ms, 8 * 3'600'000);
  EXPECT_EQ(f.funding->rate[1], -0.0000125);

  // Unknown venue: the interval comes from the rows' spacing.
  const auto q = dir / "XYZ.csv";
  write_file(q, "time,rate\n1640995200000,0.0001\n1641002400000,0.0002\n1641006000000,0.0001\n");
  ImportOptions o;
  o.venue = "otherdex";
  f = parse(q, o);
  EXPECT_EQ(f.funding->interval_ms, 3'600'000);
  EXPECT_EQ(f.funding->coin, "XYZ");

  const auto s = dir / "fear_greed.csv";
  write_file(s, "time,value,classification\n1517443200000,30,Fear\n1517529600000,15,Extreme Fear\n");
  f = parse(s);
  ASSERT_TRUE(f.sentiment);
  EXPECT_EQ(f.sentiment->source, "fear_greed");
  EXPECT_EQ(f.sentiment->value[1], 15);
  EXPECT_EQ(f.sentiment->classification[1], "Extreme Fear");
}

TEST(Import, CloseOnlyFileMakesFlatBars) {
  TempDir dir;
  const auto p = dir / "BTC-1h.csv";
  write_file(p, "time,close\n1704067200000,100.5\n1704070800000,101\n");
  ImportOptions o;
  o.venue = "x";
  const auto f = parse(p, o);
  EXPECT_EQ(f.format, "close-only csv");
  const auto b = f.candles->bars.bar(1);
  EXPECT_EQ(b.open, 101);
  EXPECT_EQ(b.high, 101);
  EXPECT_EQ(b.low, 101);
  EXPECT_EQ(b.volume, 0);
}

TEST(Import, KindMustMatchHeader) {
  TempDir dir;
  const auto p = dir / "fear_greed.csv";
  write_file(p, "time,value,classification\n1517443200000,30,Fear\n");
  ImportOptions o;
  o.kind = DataKind::Funding;
  EXPECT_THROW(parse(p, o), core::InputError);
}

TEST(Import, EachBadInputRuleNamesFileAndLine) {
  const std::string h = kHeader;
  const std::string good = "1704067200000,100,110,95,105,1\n";
  struct Case {
    std::string body;
    std::string expect;  // substring of the message
  } cases[] = {
      {h + good + "1704070800000,nan,110,95,105,1\n", ":3: open 'nan' is not finite"},
      {h + good + "1704070800000,inf,110,95,105,1\n", ":3: open 'inf' is not finite"},
      {h + good + "1704070800000,100,110,95,0,1\n", ":3: close 0 is not positive"},
      {h + good + "1704070800000,-5,110,95,105,1\n", ":3: open -5 is not positive"},
      {h + good + "1704070800000,100,104,95,105,1\n", ":3: high 104 is below max(open, close) = 105"},
      {h + good + "1704070800000,100,110,101,105,1\n", ":3: low 101 is above min(open, close) = 100"},
      {h + good + "1704070800000,100,110,95,105,-1\n", ":3: volume -1 is negative"},
      {h + good + good, ":3: duplicate time 1704067200000 (also at line 2)"},
      {h + "1704070800000,100,110,95,105,1\n" + good, ":3: time 1704067200000 is before the previous row's time"},
      {h + good + "1704070800000,abc,110,95,105,1\n", ":3: open 'abc' is not a number"},
      {h + good + "1704070800000,100,110,95\n", ":3: expected 6 columns, found 4"},
      {h + good + "1704070800000,100,110,95,105,1,9,9\n", ":3: expected 6 columns, found 8"},
      {h + good + "1704069000000,100,110,95,105,1\n", ":3: time 1704069000000 (2024-01-01 00:30:00 UTC) is not on the 1h grid"},
      {h + "1704067200,100,110,95,105,1\n", ":2: time 1704067200 looks like seconds"},
      {h + "-1704067200000,100,110,95,105,1\n", ":2: time -1704067200000 is negative"},
      {h + "2024-01-01,100,110,95,105,1\n", ":2: time '2024-01-01' is not a whole number"},
      {h + good + "\n" + "1704070800000,100,110,95,105,1\n", ":3: empty line"},
      {h + good + "1704070800000,1e400,1e400,95,105,1\n", ":3: open '1e400' is not a number"},
      {"date,price\n1,2\n", ":1: unrecognised header 'date,price'"},
      {h, "no valid data rows"},
      {"", "empty file"},
      {h + good + std::string("1704070800000,100,110,95,105,1\0junk\n", 36), ":3: binary data (NUL byte)"},
  };
  for (const auto& c : cases) {
    const auto msg = error_of(c.body);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << msg;
    EXPECT_NE(msg.find("BTC-1h.csv"), std::string::npos) << msg;
  }
}

TEST(Import, HugeLineIsRejectedNotBuffered) {
  const std::string body = std::string(kHeader) + std::string(3 << 20, '7') + "\n";
  const auto msg = error_of(body);
  EXPECT_NE(msg.find(":2: line longer than 1 MiB"), std::string::npos) << msg;
}

TEST(Import, CorruptAndTruncatedGzip) {
  TempDir dir;
  const auto p = dir / "BTC-1h.csv.gz";
  std::string rows = kHeader;
  for (int i = 0; i < 5000; ++i) rows += std::to_string(1704067200000 + i * 3'600'000LL) + ",100,110,95,105,1\n";
  write_file(p, rows);
  std::ifstream in(p, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(raw.size(), 100u);
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << raw.substr(0, raw.size() / 2);  // truncated
  }
  ImportOptions o;
  o.venue = "x";
  EXPECT_THROW(parse(p, o), core::InputError);
  raw[raw.size() / 2] = static_cast<char>(raw[raw.size() / 2] ^ 0x55);
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << raw;  // corrupted in the middle
  }
  EXPECT_THROW(parse(p, o), core::InputError);
}

TEST(Import, SkipBadCountsAndKeepsGoodRows) {
  TempDir dir;
  const auto p = dir / "BTC-1h.csv";
  write_file(p, std::string(kHeader) + "1704067200000,100,110,95,105,1\n" + "1704070800000,100,90,95,105,1\n" +
                    "1704067200000,100,110,95,105,1\n" + "1704074400000,100,110,95,105,1\n");
  ImportOptions o;
  o.venue = "hyperliquid";
  o.skip_bad = true;
  const auto f = parse(p, o);
  EXPECT_EQ(f.rows, 2u);
  ASSERT_EQ(f.bad_total, 2u);
  EXPECT_EQ(f.bad[0].line, 3u);
  EXPECT_EQ(f.bad[1].line, 4u);
  EXPECT_NE(f.bad[1].what.find("duplicate"), std::string::npos);
}

TEST(Import, NeedsVenueCoinFromPathOrFlagsAndInfersTheInterval) {
  TempDir dir;
  const auto p = dir / "prices.csv";
  write_file(p, std::string(kHeader) + kRows);
  EXPECT_THROW(parse(p), core::UsageError);  // no venue
  ImportOptions o;
  o.venue = "v";
  o.coin = "BTC";
  EXPECT_EQ(parse(p, o).candles->key.label(), "v:BTC:1h");  // interval from the rows' spacing
  o.interval = "1h";
  EXPECT_EQ(parse(p, o).candles->key.label(), "v:BTC:1h");
  o.coin = "BTC;DROP TABLE";
  EXPECT_THROW(parse(p, o), core::UsageError);

  // An inferred interval still holds every row to its grid, naming the line.
  o.coin = "BTC";
  o.interval.reset();
  write_file(p, std::string(kHeader) + kRows + "1704078420000,100,110,95,105,1\n");  // 03:07
  try {
    parse(p, o);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("prices.csv:5: time 1704078420000"), std::string::npos) << e.what();
  }
  write_file(p, std::string(kHeader) + "1704067200000,100,110,95,105,1\n");  // one row: no spacing
  EXPECT_THROW(parse(p, o), core::UsageError);
}

TEST(Import, FundingAndSentimentRules) {
  TempDir dir;
  const auto f = dir / "BTC.csv";
  ImportOptions o;
  o.venue = "hyperliquid";
  write_file(f, "time,rate\n1686182400000,0.0001\n1686182460000,0.0001\n");
  EXPECT_THROW(parse(f, o), core::InputError);  // not on the hourly grid
  write_file(f, "time,rate\n1686182400000,3\n");
  EXPECT_THROW(parse(f, o), core::InputError);  // 300% per hour: a percent, not a fraction
  const auto s = dir / "fear_greed.csv";
  write_file(s, "time,value,classification\n1517443200000,130,Fear\n");
  EXPECT_THROW(parse(s), core::InputError);
  write_file(s, "time,value,classification\n1517443200000,30,\n");
  EXPECT_THROW(parse(s), core::InputError);
}

TEST(Import, PathHints) {
  auto h = hints_from_path("/x/ohlcv/hyperliquid/HYPE-5m.csv.gz");
  EXPECT_EQ(h.venue, "hyperliquid");
  EXPECT_EQ(h.coin, "HYPE");
  EXPECT_EQ(h.interval, "5m");
  h = hints_from_path("/x/funding/binance/ETH.csv.gz");
  EXPECT_EQ(h.venue, "binance");
  EXPECT_EQ(h.coin, "ETH");
  h = hints_from_path("downloads/BTCUSDT-1m-2024-03-01.csv");
  EXPECT_FALSE(h.venue);
  EXPECT_EQ(h.coin, "BTCUSDT");
  EXPECT_EQ(h.interval, "1m");
  EXPECT_EQ(strip_quote_currency("BTCUSDT"), "BTC");
  EXPECT_EQ(strip_quote_currency("USDT"), "USDT");
}

}  // namespace
}  // namespace organism::data
