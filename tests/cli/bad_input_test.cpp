// Every bad-input rule through the real command: exit 1, "FILE:LINE: what", store unchanged.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

constexpr const char* kHeader = "time,open,high,low,close,volume\n";
constexpr const char* kGood = "1704067200000,100,110,95,105,1\n";
// The same hour with other values: were a bad file half-written, this row would show.
constexpr const char* kFresh = "1704067200000,100,120,90,105,7\n";

struct Store {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--progress", "off"});
    return run_organism(args);
  }
  // Everything the store holds, as the export of its one series.
  std::string snapshot() {
    const auto out = dir / "snapshot.csv";
    const auto r = run({"data", "export", "--venue", "hyperliquid", "--coin", "BTC", "--interval", "1h", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_file(out) + run({"data", "list", "--json"}).out;
  }
};

TEST(BadInput, EveryRuleRejectsTheImportAndLeavesTheStoreUnchanged) {
  Store s;
  fs::create_directories(s.dir / "ohlcv" / "hyperliquid");
  const auto seed = s.dir / "ohlcv" / "hyperliquid" / "BTC-1h.csv";
  write_file(seed, std::string(kHeader) + kGood);
  ASSERT_EQ(s.run({"data", "import", seed.string()}).exit_code, 0);
  const auto before = s.snapshot();

  const std::string h = kHeader;
  const std::string next = "1704070800000,";  // the second hour
  const std::vector<std::pair<std::string, std::string>> cases = {
      {h + kFresh + next + "nan,110,95,105,1\n", ":3: open 'nan' is not finite"},
      {h + kFresh + next + "100,110,95,-105,1\n", ":3: close -105 is not positive"},
      {h + kFresh + next + "100,104,95,105,1\n", ":3: high 104 is below max(open, close)"},
      {h + kFresh + next + "100,110,101,105,1\n", ":3: low 101 is above min(open, close)"},
      {h + kFresh + next + "100,110,95,105,-2\n", ":3: volume -2 is negative"},
      {h + kFresh + kFresh, ":3: duplicate time"},
      {h + next + "100,110,95,105,1\n" + kFresh, ":3: time 1704067200000 is before the previous row's time"},
      {h + kFresh + "1704069000000,100,110,95,105,1\n", "is not on the 1h grid"},
      {h + kFresh + next + "100,110\n", ":3: expected 6 columns, found 3"},
      {"garbage header\n" + std::string(kFresh), ":1: unrecognised header"},
      {"", "empty file"},
  };
  for (const auto& [body, expect] : cases) {
    const auto file = s.dir / "ohlcv" / "hyperliquid" / "BTC-1h.csv.gz";
    write_file(file, body);
    const auto r = s.run({"data", "import", file.string()});
    EXPECT_EQ(r.exit_code, 1) << expect << "\n" << r.err;
    EXPECT_NE(r.err.find(file.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in: " << r.err;
    EXPECT_EQ(s.snapshot(), before) << expect;
  }
}

TEST(BadInput, NotAStoreAndUnreadableFiles) {
  Store s;
  write_file(s.db, std::string(4096, 'x'));
  auto r = s.run({"data", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(s.db), std::string::npos) << r.err;
  r = s.run({"data", "import", "--venue", "v", s.dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
}

TEST(BadInput, LargeFileImportsWhole) {
  Store s;
  const auto file = s.dir / "BTC-1m.csv.gz";
  std::string body = kHeader;
  constexpr int kRows = 300'000;
  body.reserve(kRows * 40);
  for (int i = 0; i < kRows; ++i) {
    body += std::to_string(1704067200000 + i * 60'000LL);
    body += ",100,100.5,99.5,100.25,";
    body += std::to_string(i % 97);
    body += '\n';
  }
  write_file(file, body);
  auto r = s.run({"data", "import", "--venue", "hyperliquid", "--json", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report[0]["inserted"], kRows);
  EXPECT_EQ(report[0]["gaps"], 0);
}

}  // namespace
}  // namespace organism::test
