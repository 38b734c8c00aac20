// The organism binary as a user runs it: exit codes, messages, store effects of the data commands.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

constexpr const char* kCandles = kFourHourlyCandles;

struct Fixture {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  fs::path candle_file() {
    fs::create_directories(dir / "ohlcv" / "hyperliquid");
    const auto p = dir / "ohlcv" / "hyperliquid" / "BTC-1h.csv.gz";
    write_file(p, kCandles);
    return p;
  }
  RunResult run(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--db", db, "--progress", "off"});
    return run_organism(args, env);
  }
};

nlohmann::json list_json(Fixture& f) {
  auto r = f.run({"data", "list", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Cli, HelpAndUsageErrors) {
  auto r = run_organism({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("data"), std::string::npos);
  r = run_organism({"data", "import", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--skip-bad"), std::string::npos);
  EXPECT_EQ(run_organism({}).exit_code, 2);
  EXPECT_EQ(run_organism({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_organism({"data", "import"}).exit_code, 2);  // no files
  r = run_organism({"data", "import", "/nonexistent/file.csv"});
  EXPECT_EQ(r.exit_code, 1) << "a missing input file is an I/O error";
  Fixture f;
  r = f.run({"data", "export", "--coin", "BTC", "--interval", "7h", "--out", (f.dir / "x.csv").string()});
  EXPECT_EQ(r.exit_code, 1) << "store missing is a runtime error";
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(Cli, ImportListExportReimport) {
  Fixture f;
  const auto file = f.candle_file();
  auto r = f.run({"data", "import", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hyperliquid:BTC:1h"), std::string::npos);
  EXPECT_NE(r.out.find("4 new, 0 updated, 0 unchanged"), std::string::npos) << r.out;

  auto list = list_json(f);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["venue"], "hyperliquid");
  EXPECT_EQ(list[0]["coin"], "BTC");
  EXPECT_EQ(list[0]["interval"], "1h");
  EXPECT_EQ(list[0]["bars"], 4);
  EXPECT_EQ(list[0]["first"], 1704067200000);
  EXPECT_EQ(list[0]["last"], 1704078000000);
  EXPECT_EQ(list[0]["gaps"], 0);

  r = f.run({"data", "import", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 new, 0 updated, 4 unchanged"), std::string::npos) << r.out;

  const auto out = f.dir / "export.csv";
  r = f.run({"data", "export", "--coin", "BTC", "--interval", "1h", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(out), kCandles);
  r = f.run({"data", "import", "--venue", "hyperliquid", "--coin", "BTC", "--interval", "1h", out.string()});
  EXPECT_NE(r.out.find("4 unchanged"), std::string::npos) << r.out;
}

TEST(Cli, ListPrintsEveryKindOrTheOneAsked) {
  Fixture f;
  ASSERT_EQ(f.run({"data", "import", f.candle_file().string()}).exit_code, 0);
  auto r = f.run({"data", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string candles =
      "candles (1 series)\n"
      "venue        coin     interval      bars first              last               gaps  missing\n"
      "hyperliquid  BTC      1h               4 2024-01-01 00:00   2024-01-01 03:00      0        0\n";
  EXPECT_EQ(r.out, candles +
                       "\nfunding (0 series)\n"
                       "venue        coin     every         rows first              last               gaps  missing\n"
                       "\nsentiment (0 series)\n");
  r = f.run({"data", "list", "--kind", "candles"});
  EXPECT_EQ(r.out, candles);
  r = f.run({"data", "list", "--kind", "funding", "--json"});
  EXPECT_EQ(r.out, "[]\n");
  r = f.run({"data", "list", "--kind", "bars"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "organism: error: unknown kind 'bars' (candles, funding, sentiment)\n");
}

TEST(Cli, BadRowRejectsWholeImportAndLeavesStoreUnchanged) {
  Fixture f;
  const auto good = f.candle_file();
  ASSERT_EQ(f.run({"data", "import", good.string()}).exit_code, 0);
  const auto before = list_json(f);

  const auto bad = f.dir / "ohlcv" / "hyperliquid" / "ETH-1h.csv";
  write_file(bad, "time,open,high,low,close,volume\n1704067200000,100,110,95,105,1\n1704070800000,100,90,95,105,1\n");
  auto r = f.run({"data", "import", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bad.string() + ":3: high 90 is below max(open, close) = 105"), std::string::npos) << r.err;
  EXPECT_EQ(list_json(f), before);

  // A good file listed before a bad one is not written either: one transaction for the command.
  const auto eth_good = f.dir / "ohlcv" / "hyperliquid" / "SOL-1h.csv";
  write_file(eth_good, kCandles);
  r = f.run({"data", "import", eth_good.string(), bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(list_json(f), before);

  // --skip-bad imports the good rows and reports the bad one.
  r = f.run({"data", "import", "--skip-bad", "--json", bad.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report[0]["bad_rows"], 1);
  EXPECT_EQ(report[0]["bad"][0]["line"], 3);
  EXPECT_EQ(report[0]["inserted"], 1);
}

TEST(Cli, FailedImportIntoNewStoreCreatesNoFile) {
  Fixture f;
  const auto bad = f.dir / "BTC-1h.csv";
  write_file(bad, "time,open,high,low,close,volume\n1704067200000,100,110,95,105,-1\n");
  auto r = f.run({"data", "import", "--venue", "x", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(f.db));
}

TEST(Cli, ResampleThroughTheStore) {
  Fixture f;
  ASSERT_EQ(f.run({"data", "import", f.candle_file().string()}).exit_code, 0);
  auto r = f.run({"data", "resample", "--to", "2h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = f.dir / "2h.csv";
  ASSERT_EQ(f.run({"data", "export", "--coin", "BTC", "--interval", "2h", "--out", out.string()}).exit_code, 0);
  // 00:00+01:00 -> open 100, high 110, low 95, close 102, volume 12.5; 02:00+03:00 -> 102,104,99,103,10
  EXPECT_EQ(read_file(out),
            "time,open,high,low,close,volume\n1704067200000,100,110,95,102,12.5\n1704074400000,102,104,99,103,10\n");
  EXPECT_EQ(f.run({"data", "resample", "--to", "banana"}).exit_code, 2);

  // A venue's own 2h bar that disagrees is not replaced quietly.
  const auto own = f.dir / "own.csv";
  write_file(own, "time,open,high,low,close,volume\n1704067200000,100,111,95,102,12.5\n");
  ASSERT_EQ(f.run({"data", "import", "--venue", "hyperliquid", "--coin", "BTC", "--interval", "2h", own.string()}).exit_code, 0);
  r = f.run({"data", "resample", "--to", "2h"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 resampled bars differ"), std::string::npos) << r.err;
  r = f.run({"data", "resample", "--to", "2h", "--overwrite"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 updated, 1 unchanged"), std::string::npos) << r.out;

  // Nothing to resample from: the error names what was looked for, and nothing is written.
  r = f.run({"data", "resample", "--to", "4h", "--from", "30m"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: nothing could be resampled to 4h: no stored interval makes 4h bars from 30m for "
                   "hyperliquid:BTC\n");
  EXPECT_EQ(list_json(f).size(), 2u);
}

TEST(Cli, QualityReportsAndStrictFails) {
  Fixture f;
  const auto file = f.dir / "BTC-1h.csv";
  write_file(file, std::string(kCandles) + "1704088800000,103,104,102,103,0\n");  // 3 bars missing
  ASSERT_EQ(f.run({"data", "import", "--venue", "x", file.string()}).exit_code, 0);
  auto r = f.run({"data", "quality", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto q = nlohmann::json::parse(r.out);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]["gaps"].size(), 1u);
  EXPECT_EQ(f.run({"data", "quality", "--strict"}).exit_code, 1);
}

TEST(Cli, SynthIsDeterministicAndStored) {
  Fixture f;
  const std::vector<std::string> args{"data", "synth", "--coins", "BTC,ETH", "--bars", "500", "--seed", "7"};
  auto a = args, b = args;
  a.insert(a.end(), {"--out", (f.dir / "a").string()});
  b.insert(b.end(), {"--out", (f.dir / "b").string()});
  auto r = f.run(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(f.run(b).exit_code, 0);
  for (const char* rel : {"ohlcv/synth/BTC-1h.csv.gz", "ohlcv/synth/ETH-1h.csv.gz", "funding/synth/BTC.csv.gz"}) {
    const auto x = read_file(f.dir / "a" / rel), y = read_file(f.dir / "b" / rel);
    EXPECT_FALSE(x.empty()) << rel;
    EXPECT_TRUE(x == y) << rel;
  }
  auto list = list_json(f);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["venue"], "synth");
  EXPECT_EQ(list[0]["bars"], 500);
  // The files it wrote import back unchanged.
  r = f.run({"data", "import", (f.dir / "a" / "ohlcv/synth/BTC-1h.csv.gz").string()});
  EXPECT_NE(r.out.find("0 new, 0 updated, 500 unchanged"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(f.run({"data", "synth", "--bars", "0"}).exit_code, 2);
}

TEST(Cli, ConfigPrecedenceFileEnvFlag) {
  Fixture f;
  const auto cfg = f.dir / "organism.toml";
  write_file(cfg, "db = \"from-file.db\"\n[synth]\nseed = 5\nbars = 100\n");
  auto r = run_organism({"--config", cfg.string(), "config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("db = \"from-file.db\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("synth.seed = \"5\""), std::string::npos);
  r = run_organism({"--config", cfg.string(), "config", "show"}, {"ORGANISM_SYNTH_SEED=6"});
  EXPECT_NE(r.out.find("synth.seed = \"6\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("env ORGANISM_SYNTH_SEED"), std::string::npos);
  r = run_organism({"--config", cfg.string(), "--db", "flag.db", "config", "show"}, {"ORGANISM_DB=env.db"});
  EXPECT_NE(r.out.find("db = \"flag.db\""), std::string::npos) << r.out;

  write_file(cfg, "[synth]\nseeed = 5\n");
  r = run_organism({"--config", cfg.string(), "config", "show"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key 'synth.seeed'"), std::string::npos) << r.err;
  write_file(cfg, "[synth\n");
  EXPECT_EQ(run_organism({"--config", cfg.string(), "config", "show"}).exit_code, 2);
}

}  // namespace
}  // namespace organism::test
