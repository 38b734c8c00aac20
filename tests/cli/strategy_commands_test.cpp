// `organism strategy families|new|show` and `organism backtest --strategy` as a user runs them.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/text.hpp"
#include "data/series.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(StrategyCommands, FamiliesListsTheSeedsAndTreeOnePerLine) {
  const auto r = run_organism({"strategy", "families"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ema_cross\ndonchian_breakout\nrsi_reversion\nstochastic_cross\nsma_trend\natr_"
            "stop\nichimoku_cloud\n"
            "vwap_reversion\nvol_scaling\nfunding_carry\nsvm_classifier\npca_tree_quantile\ntree\n");
}

TEST(StrategyCommands, NewPrintsDefaultsOrSeededRandomGenomes) {
  const auto d = run_organism({"strategy", "new", "--family", "donchian_breakout"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const auto j = nlohmann::json::parse(d.out);
  EXPECT_EQ(j["params"]["period"], 20);
  EXPECT_EQ(j["params"]["exit"], "opposite");
  EXPECT_TRUE(
      std::regex_match(j["id"].get<std::string>(), std::regex("donchian_breakout_0_[0-9a-f]{8}")));

  const auto a = run_organism({"strategy", "new", "--family", "rsi_reversion", "--random", "--seed",
                               "9", "--generation", "4"});
  const auto b = run_organism({"strategy", "new", "--family", "rsi_reversion", "--random", "--seed",
                               "9", "--generation", "4"});
  const auto c = run_organism({"strategy", "new", "--family", "rsi_reversion", "--random", "--seed",
                               "10", "--generation", "4"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  EXPECT_EQ(nlohmann::json::parse(a.out)["generation"], 4);

  const auto bad = run_organism({"strategy", "new", "--family", "nope"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("funding_carry"), std::string::npos) << bad.err;
}

TEST(StrategyCommands, ShowPrintsTheRuleInWords) {
  TempDir dir;
  write_file(dir / "g.json",
             R"({"family":"ema_cross","params":{"fast":5,"slow":40},"risk":{"stop_loss":0.05},)"
             R"("regime":{"fg_on":true,"fg_low":25,"fg_high":75}})");
  const auto r = run_organism({"strategy", "show", (dir / "g.json").string(), "--params"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("EMA(5) > EMA(40)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stop-loss 5%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Fear & Greed index is within [25, 75]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("confirm_period"), std::string::npos) << r.out;

  write_file(dir / "bad.json", R"({"family":"ema_cross","params":{"fats":3}})");
  const auto bad = run_organism({"strategy", "show", (dir / "bad.json").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.json"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("params.fats"), std::string::npos) << bad.err;
}

// A sine with drift, 1h bars, written as a candle file; the same bars in memory.
data::Candles write_bars(const fs::path& path) {
  data::Candles bars;
  std::string text = "time,open,high,low,close,volume\n";
  double prev = 100;
  for (int i = 0; i < 1500; ++i) {
    const double c = 100 + 15 * std::sin(i / 60.0) + 0.01 * i, o = prev;
    const data::Bar bar{1'704'067'200'000 + std::int64_t{i} * 3'600'000,
                        o,
                        std::max(o, c) + 0.2,
                        std::min(o, c) - 0.2,
                        c,
                        1000,
                        0};
    bars.push_back(bar);
    text += core::format_number(static_cast<double>(bar.time)) + "," +
            core::format_number(bar.open) + "," + core::format_number(bar.high) + "," +
            core::format_number(bar.low) + "," + core::format_number(bar.close) + ",1000\n";
    prev = c;
  }
  write_file(path, text);
  return bars;
}

TEST(StrategyCommands, BacktestStrategyEqualsItsExposuresAsSignals) {
  TempDir dir;
  const auto data_bars = write_bars(dir / "bars.csv");
  const auto genome_path = dir / "g.json";
  ASSERT_EQ(run_organism({"strategy", "new", "--family", "sma_trend"}).exit_code, 0);
  write_file(genome_path, run_organism({"strategy", "new", "--family", "sma_trend"}).out);
  const auto genome = strategy::from_json(read_file(genome_path));

  strategy::MarketView view;
  view.bars = data_bars.view();
  const auto target = strategy::exposures(genome, view);
  std::string signals = "time,target\n";
  for (std::size_t i = 0; i < target.size(); ++i) {
    signals += std::to_string(data_bars.time()[i]) + "," + core::format_number(target[i]) + "\n";
  }
  write_file(dir / "sig.csv", signals);

  const std::vector<std::string> common = {"backtest",   "--data", (dir / "bars.csv").string(),
                                           "--interval", "1h",     "--json"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_organism(args);
  };
  const auto s = with({"--strategy", genome_path.string()});
  const auto g = with({"--signals", (dir / "sig.csv").string()});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto js = nlohmann::json::parse(s.out);
  const auto jg = nlohmann::json::parse(g.out);
  EXPECT_EQ(js["strategy"], strategy::genome_id(genome));
  EXPECT_GT(js["trades"].get<int>(), 2);
  js.erase("strategy");
  EXPECT_EQ(js, jg);

  // The genome's risk block replaces the stop and leverage flags.
  auto risky = genome;
  risky.risk.stop_loss = 0.02;
  risky.risk.leverage = 2;
  write_file(dir / "risky.json", strategy::to_json(risky));
  const auto r = with({"--strategy", (dir / "risky.json").string(), "--sl", "0.3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto jr = nlohmann::json::parse(r.out);
  EXPECT_NE(jr["stop_model"].get<std::string>().find("0.02"), std::string::npos)
      << jr["stop_model"];
  EXPECT_NE(jr["sizing_model"].get<std::string>().find("leverage=2"), std::string::npos)
      << jr["sizing_model"];

  EXPECT_EQ(
      with({"--strategy", genome_path.string(), "--signals", (dir / "sig.csv").string()}).exit_code,
      2);
  EXPECT_EQ(with({}).exit_code, 2);
}

TEST(StrategyCommands, BacktestSentimentFeedsTheFearAndGreedFilter) {
  TempDir dir;
  write_bars(dir / "bars.csv");  // 1500 1h bars from 2024-01-01
  fs::create_directories(dir / "sentiment");
  // Fear & Greed 50 (inside the band) for the first 30 days, 95 (outside) afterwards.
  std::string fg = "time,value,classification\n";
  for (int d = 0; d < 70; ++d) {
    fg += std::to_string(1704067200000 + d * 86'400'000LL) +
          (d < 30 ? ",50,Neutral\n" : ",95,Extreme Greed\n");
  }
  write_file(dir / "sentiment/fear_greed.csv", fg);
  auto genome = strategy::default_genome(strategy::find_family("sma_trend"));
  write_file(dir / "plain.json", strategy::to_json(genome));
  genome.regime.fg_on = true;
  write_file(dir / "fg.json", strategy::to_json(genome));
  auto run = [&](const std::string& g, std::vector<std::string> extra) {
    std::vector<std::string> args = {"backtest",
                                     "--data",
                                     (dir / "bars.csv").string(),
                                     "--interval",
                                     "1h",
                                     "--strategy",
                                     (dir / g).string(),
                                     "--json",
                                     "--equity-out",
                                     (dir / "eq.csv").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_organism(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  // Without sentiment the filter is closed: no trade.
  EXPECT_EQ(run("fg.json", {})["fills"], 0);
  // With it, the filtered run trades in the first 30 days (720 bars) only.
  const auto filtered =
      run("fg.json", {"--sentiment", (dir / "sentiment/fear_greed.csv").string()});
  EXPECT_GT(filtered["fills"].get<int>(), 0);
  const auto eq = read_file(dir / "eq.csv");
  std::istringstream in(eq);
  std::string line;
  std::getline(in, line);  // header
  for (int i = 0; std::getline(in, line); ++i) {
    // Exposure is recorded after each bar's fills: the decision at bar 719 fills at 720's open.
    if (i > 721) {
      ASSERT_EQ(core::split_list(line)[2], "0") << "bar " << i;
    }
  }
  EXPECT_LT(filtered["fills"].get<int>(), run("plain.json", {})["fills"].get<int>());
  // --sentiment needs --strategy.
  EXPECT_EQ(run_organism({"backtest", "--data", (dir / "bars.csv").string(), "--sentiment", "x",
                          "--signals", (dir / "eq.csv").string()})
                .exit_code,
            2);
}

TEST(StrategyCommands, BacktestStrategyOnAStoreSeriesReadsItsFunding) {
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  fs::create_directories(dir / "ohlcv" / "hyperliquid");
  fs::create_directories(dir / "funding" / "hyperliquid");
  std::string bars = "time,open,high,low,close,volume\n", funding = "time,rate\n";
  for (int i = 0; i < 100; ++i) {
    bars += std::to_string(1704067200000 + i * 3'600'000LL) + ",100,101,99,100,1\n";
    funding += std::to_string(1704067200000 + (i + 1) * 3'600'000LL) + ",0.0002\n";
  }
  write_file(dir / "ohlcv/hyperliquid/BTC-1h.csv", bars);
  write_file(dir / "funding/hyperliquid/BTC.csv", funding);
  ASSERT_EQ(
      run_organism({"--db", db, "data", "import", (dir / "ohlcv/hyperliquid/BTC-1h.csv").string(),
                    (dir / "funding/hyperliquid/BTC.csv").string()})
          .exit_code,
      0);
  write_file(dir / "carry.json",
             run_organism({"strategy", "new", "--family", "funding_carry"}).out);
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--db",   db,           "backtest",
                                     "--coin", "BTC",        "--interval",
                                     "1h",     "--strategy", (dir / "carry.json").string(),
                                     "--fees", "0",          "--slippage",
                                     "0",      "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_organism(args);
  };
  const auto r = run({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // Funding 0.0002/h > the 0.0001 entry: short from bar 23 (the first 24-bar mean), filled at bar
  // 24's open; 100 units short receive 100 x 100 x 0.0002 = 2 at each of bars 24..99.
  EXPECT_NEAR(j["funding_paid"].get<double>(), -152, 1e-9);
  EXPECT_EQ(j["series"], "hyperliquid:BTC:1h");
  // Without funding the carry rule has nothing to read: flat.
  const auto off = run({"--no-funding"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(nlohmann::json::parse(off.out)["fills"], 0);
}

TEST(StrategyCommands, TreeGenomesPrintShowAndBacktest) {
  TempDir dir;
  auto r = run_organism({"strategy", "new", "--family", "tree"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["family"], "tree");
  EXPECT_FALSE(j.contains("params"));
  EXPECT_EQ(j["rule"]["long_entry"]["op"], "crosses_above");
  const auto file = dir / "tree.json";
  write_file(file, r.out);
  r = run_organism({"strategy", "show", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(long_entry (crosses_above ema_12 ema_26))"), std::string::npos) << r.out;

  // The default tree is the EMA(12/26) crossover: it trades exactly like the ema_cross family
  // with defaults (long above, short below) once both have crossed once.
  std::string bars = "time,open,high,low,close,volume\n";
  for (int i = 0; i < 400; ++i) {
    const double c = 100 + 20 * std::sin(i / 25.0);
    const auto p = core::format_number(c);
    bars += std::to_string(1704067200000 + i * 3'600'000LL) + "," + p + "," + p + "," + p + "," + p + ",1\n";
  }
  write_file(dir / "BTC-1h.csv", bars);
  r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string(), "--strategy", file.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto bt = nlohmann::json::parse(r.out);
  EXPECT_GT(bt["trades"].get<int>(), 3);
  EXPECT_EQ(bt["strategy"], j["id"]);

  write_file(file, R"({"family":"tree","params":{}})");
  r = run_organism({"strategy", "show", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the tree family has a 'rule', not 'params'"), std::string::npos) << r.err;
  write_file(file, R"({"family":"tree","rule":{"long_entry":{"op":"+","args":[]}}})");
  EXPECT_EQ(run_organism({"strategy", "show", file.string()}).exit_code, 1);
}

TEST(StrategyCommands, BacktestRejectsATreeMixingUnitsNamingTheNode) {
  // A rule as the untyped generator could have written it: close against RSI.
  TempDir dir;
  std::string bars = "time,open,high,low,close,volume\n";
  for (int i = 0; i < 50; ++i) {
    const auto p = core::format_number(100 + i % 7);
    bars += std::to_string(1704067200000 + i * 3'600'000LL) + "," + p + "," + p + "," + p + "," +
            p + ",1\n";
  }
  write_file(dir / "BTC-1h.csv", bars);
  const auto file = dir / "mixed.json";
  write_file(
      file,
      R"({"family":"tree","rule":{"long_entry":{"op":">","args":[{"op":"field","field":"close"},)"
      R"({"op":"indicator","name":"rsi","period":14}]}}})");
  const auto r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string(),
                               "--strategy", file.string(), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(
      r.err.find("long_entry: (> close rsi_14) at depth 1: mixes price with oscillator_0_100"),
      std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace organism::test
