// `organism portfolio regimes` on a small synthetic store: every bar labelled and stored, the JSON
// and text summaries, the --from window, and bad input refused before anything is written.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/store.hpp"
#include "indicators/regime.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

struct Fixture {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--progress", "off"});
    return run_organism(args);
  }
};

const core::Interval k1h = *core::Interval::parse("1h");

TEST(PortfolioRegimes, EveryBarIsLabelledAndStored) {
  Fixture f;
  auto r = f.run({"data", "synth", "--coins", "BTC,ETH", "--bars", "1000", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = f.run({"portfolio", "regimes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out)["coins"];
  ASSERT_EQ(doc.size(), 2u);
  auto store = data::Store::open_existing(f.db);
  for (const auto& coin : doc) {
    const std::string name = coin["coin"];
    EXPECT_EQ(coin["series"], "synth:" + name + ":1h");
    EXPECT_EQ(coin["bars"], 1000);
    EXPECT_EQ(coin["stored"], 1000);
    const auto labels = store.load_regimes({"synth", name, k1h});
    ASSERT_EQ(labels.size(), 1000u) << name;
    const auto bars = store.load_candles({"synth", name, k1h});
    EXPECT_EQ(labels.time, std::vector<core::TimeMs>(bars->time().begin(), bars->time().end()));
    // The current label is the last bar's, and it parses back to the stored code.
    const auto current = indicators::Regime::parse(coin["current"]["label"].get<std::string>());
    ASSERT_TRUE(current) << coin["current"];
    EXPECT_EQ(current->code(), labels.code.back());
    EXPECT_EQ(coin["current"]["time"], labels.time.back());
    // Past the warm-up (24 + 720 - 1 bars of volatility) the vol part is known.
    EXPECT_NE(current->vol, indicators::VolRegime::Unknown);
    EXPECT_EQ(coin["shares"]["volatility"]["unknown"]["bars"], 743);
    for (const char* part : {"volatility", "trend", "sentiment"}) {
      double sum = 0;
      std::int64_t bars_sum = 0;
      for (const auto& [regime, s] : coin["shares"][part].items()) {
        sum += s["share"].get<double>();
        bars_sum += s["bars"].get<std::int64_t>();
      }
      EXPECT_NEAR(sum, 1.0, 1e-12) << part;
      EXPECT_EQ(bars_sum, 1000) << part;
    }
  }
  // Text output, on a window: the labels of [--from, end) only are written again.
  const auto btc = store.load_candles({"synth", "BTC", k1h});
  r = f.run({"portfolio", "regimes", "--coins", "BTC", "--from", std::to_string(btc->time()[900])});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("BTC (synth:BTC:1h): 100 bars, 100 labels stored"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("current ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("volatility:  unknown 0.0%"), std::string::npos) << r.out;  // warm from the earlier bars
}

TEST(PortfolioRegimes, BadInputIsRefusedAndWritesNothing) {
  Fixture f;
  ASSERT_EQ(f.run({"data", "synth", "--coins", "BTC", "--bars", "300", "--seed", "3"}).exit_code, 0);
  auto r = f.run({"portfolio", "regimes", "--vol-window", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("vol_window"), std::string::npos) << r.err;
  r = f.run({"portfolio", "regimes", "--coins", "DOGE"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DOGE"), std::string::npos) << r.err;
  r = f.run({"portfolio", "regimes", "--from", "yesterday-ish"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--from"), std::string::npos) << r.err;
  auto store = data::Store::open_existing(f.db);
  EXPECT_EQ(store.load_regimes({"synth", "BTC", k1h}).size(), 0u);
}

}  // namespace
}  // namespace organism::test
