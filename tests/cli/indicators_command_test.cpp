// `organism indicators` as a user runs it: header, empty warm-up cells, round-trip digits,
// --only/--spec, and clear usage errors that write nothing.
#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

TEST(IndicatorsCommand, DefaultSetOnAFile) {
  TempDir dir;
  const auto input = dir / "prices.csv";
  std::string body = "time,open,high,low,close,volume\n";
  for (int i = 0; i < 60; ++i) {
    const double c = 100 + 10 * std::sin(i / 5.0);
    body += std::to_string(1704067200000 + i * 3'600'000LL) + "," + core::format_number(c) + "," +
            core::format_number(c + 1) + "," + core::format_number(c - 1) + "," + core::format_number(c) + ",5\n";
  }
  write_file(input, body);
  const auto output = dir / "out.csv";
  auto r = run_organism({"indicators", "--input", input.string(), "--output", output.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines_of(read_file(output));
  ASSERT_EQ(rows.size(), 61u);
  const auto header = split(rows[0]);
  ASSERT_EQ(header.size(), 39u);
  EXPECT_EQ(header[0], "time");
  EXPECT_EQ(header[1], "sma_5");
  EXPECT_EQ(header[13], "rsi_14");
  EXPECT_EQ(header.back(), "zscore_20");
  // sma_5 is empty for the first 4 bars and the mean of 5 closes at bar 4, to the last bit.
  const auto row3 = split(rows[4]), row4 = split(rows[5]);
  EXPECT_EQ(row3[1], "");
  double sum = 0;
  for (int i = 0; i < 5; ++i) sum += 100 + 10 * std::sin(i / 5.0);
  // Closes went through format_number and back, which is exact; the sum order matches the SMA's seed.
  EXPECT_NEAR(*core::parse_double(row4[1]), sum / 5, 1e-12);
  EXPECT_EQ(row4[0], "1704081600000");
}

TEST(IndicatorsCommand, OnlyAndSpecAndErrors) {
  TempDir dir;
  const auto input = dir / "BTC-1h.csv";
  write_file(input,
             "time,open,high,low,close,volume\n1704067200000,100,110,95,105,1\n1704070800000,105,106,101,102,2\n"
             "1704074400000,102,103,99,100.25,3\n");
  const auto output = dir / "out.csv";
  auto r = run_organism({"indicators", "--input", input.string(), "--output", output.string(), "--only", "tr,sma:2",
                         "--spec", "ema:2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // tr at bar 1 = max(106-101, |106-105|, |101-105|) = 5; sma_2 = (105+102)/2; ema_2 seeded by it,
  // then alpha = 2/3; tr at bar 2 = max(103-99, |103-102|, |99-102|) = 4.
  EXPECT_EQ(read_file(output),
            "time,tr,sma_2,ema_2\n1704067200000,,,\n1704070800000,5,103.5,103.5\n"
            "1704074400000,4,101.125,101.33333333333333\n");  // 103.5 + 2/3 x (100.25 - 103.5)
  const auto bad = dir / "bad.csv";
  r = run_organism({"indicators", "--input", input.string(), "--output", bad.string(), "--only", "nope_3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope_3"), std::string::npos);
  EXPECT_FALSE(fs::exists(bad));
  r = run_organism({"indicators", "--input", (dir / "missing.csv").string(), "--output", bad.string()});
  EXPECT_EQ(r.exit_code, 1);  // a missing input is an I/O error, as for every command (StoreInputs)
  EXPECT_EQ(run_organism({"indicators", "--list"}).exit_code, 0);
}

}  // namespace
}  // namespace organism::test
