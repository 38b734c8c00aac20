// The portfolio page from a hand-made backtest result (3 strategies, 2 coins, 4 policies, 3
// rebalances): the data it embeds (parsed back with nlohmann), the policy table and its best marks,
// the last allocation, the regime band's segments, self-containment and the atomic write.
#include "monitor/portfolio_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "indicators/regime.hpp"
#include "support/test_support.hpp"

namespace organism::monitor {
namespace {

using indicators::Regime;
using indicators::SentimentBand;
using indicators::TrendRegime;
using indicators::VolRegime;
using json = nlohmann::json;
using portfolio::Policy;

constexpr core::TimeMs kT0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs kHour = 3'600'000;
constexpr std::size_t kBars = 10;

std::uint8_t code(VolRegime v, TrendRegime t, SentimentBand s = SentimentBand::Unknown) {
  return Regime{v, t, s}.code();
}

portfolio::StrategyWeight strategy(std::string id, double weight, double score, double kelly,
                                   std::vector<portfolio::LegWeight> legs, std::string dropped = "") {
  return {std::move(id), weight, score, kelly, std::move(dropped), std::move(legs)};
}

// Allocation k at bar 4k: s_trend on BTC and ETH, s_revert on BTC, s_carry on ETH.
portfolio::Allocation allocation(std::size_t k) {
  portfolio::Allocation a;
  a.bar = 400 + 4 * k;
  const double t = 0.10 + 0.05 * static_cast<double>(k);  // 0.10, 0.15, 0.20
  const double r = 0.25 - 0.05 * static_cast<double>(k);  // 0.25, 0.20, 0.15
  a.strategies = {strategy("s_trend", t, 0.8, 0.3, {{"BTC", t / 2, 1}, {"ETH", t / 2, 0.25}}),
                  strategy("s_revert", r, 0.5, 0.2, {{"BTC", r, 1}}),
                  k == 2 ? strategy("s_carry", 0, 0.4, 0, {{"ETH", 0, 1}}, "correlated 0.93 > 0.7 with s_trend")
                         : strategy("s_carry", 0.125, 0.4, 0.1, {{"ETH", 0.125, 1}})};
  return a;
}

portfolio::PolicyResult policy(Policy p, double drift, double sharpe, double cagr, double dd, double turnover,
                               double fees) {
  portfolio::PolicyResult out;
  out.policy = p;
  for (std::size_t i = 0; i < kBars; ++i) {
    out.times.push_back(kT0 + static_cast<core::TimeMs>(i) * kHour);
    out.equity.push_back(10'000 + drift * static_cast<double>(i));
  }
  out.metrics.sharpe = sharpe;
  out.metrics.cagr = cagr;
  out.metrics.max_drawdown = dd;
  out.metrics.final_equity = out.equity.back();
  out.turnover = turnover;
  out.fees = fees;
  if (p == Policy::Allocator) {
    for (std::size_t k = 0; k < 3; ++k) {
      out.rebalances.push_back(allocation(k));
      for (const auto& s : out.rebalances.back().strategies) {
        for (const auto& leg : s.legs) {
          out.weights.push_back({kT0 + static_cast<core::TimeMs>(4 * k) * kHour, s.id, leg.coin, s.weight, 0.01});
        }
      }
    }
  }
  return out;
}

portfolio::PortfolioBacktestResult hand_result() {
  portfolio::PortfolioBacktestResult r;
  r.strategies = {"s_trend", "s_revert", "s_carry"};
  r.coins = {"BTC", "ETH"};
  // The allocator is not first in the backtest's order: the page puts it first.
  r.policies = {policy(Policy::EqualWeight, 5, 0.9, 0.12, 0.08, 3.0, 41.5),
                policy(Policy::Allocator, 8, 1.4, 0.20, 0.06, 2.5, 37.25),
                policy(Policy::BestSingle, 11, 1.1, 0.31, 0.15, 1.5, 20.0),
                policy(Policy::Hrp, 3, 1.4, 0.09, 0.05, 4.0, 55.0)};
  r.correlation = {{1, 0.12, 0.93}, {0.12, 1, -0.35}, {0.93, -0.35, 1}};
  const auto low_up = code(VolRegime::Low, TrendRegime::Up, SentimentBand::Greed);
  const auto high_down = code(VolRegime::High, TrendRegime::Down, SentimentBand::ExtremeFear);
  const auto unknown = Regime{}.code();
  const auto normal_range = code(VolRegime::Normal, TrendRegime::Range);
  r.regimes = {{unknown, unknown, low_up, low_up, low_up, high_down, high_down, high_down, low_up, low_up},
               std::vector<std::uint8_t>(kBars, normal_range)};
  return r;
}

PortfolioReportInfo info() {
  return {"hand-made set", "1h", 10'000, "taker 4.5 bp, slippage 1 bp", "2026-12-05 06:00", 5000};
}

json embedded_data(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="portfolio-data">)";
  const auto begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  const auto end = html.find("</script>", begin);
  return json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

TEST(PortfolioReport, EmbedsEveryPolicysEquityAllocatorFirst) {
  const json d = embedded_data(build_portfolio_report_html(hand_result(), info()));
  ASSERT_EQ(d["policies"].size(), 4u);
  const std::vector<std::string> names = {"allocator", "equal_weight", "best_single", "hrp"};
  const std::vector<double> drift = {8, 5, 11, 3};
  for (std::size_t k = 0; k < 4; ++k) {
    const auto& p = d["policies"][k];
    EXPECT_EQ(p["name"], names[k]);
    ASSERT_EQ(p["time"].size(), kBars);
    ASSERT_EQ(p["equity"].size(), kBars);
    EXPECT_EQ(p["time"][9].get<core::TimeMs>(), kT0 + 9 * kHour);
    EXPECT_DOUBLE_EQ(p["equity"][9].get<double>(), 10'000 + 9 * drift[k]);
  }
  EXPECT_DOUBLE_EQ(d["policies"][0]["metrics"]["fees"].get<double>(), 37.25);
}

TEST(PortfolioReport, StackedWeightsSumToEachRebalancesTotal) {
  const auto r = hand_result();
  const json w = embedded_data(build_portfolio_report_html(r, info()))["weights"];
  ASSERT_EQ(w["time"].size(), 3u);
  ASSERT_EQ(w["series"].size(), 3u);
  EXPECT_EQ(w["series"][0]["id"], "s_trend");
  EXPECT_EQ(w["end"].get<core::TimeMs>(), kT0 + 9 * kHour);
  // By hand: 0.10 + 0.25 + 0.125, 0.15 + 0.20 + 0.125, 0.20 + 0.15 + 0 (s_carry dropped).
  const std::vector<double> by_hand = {0.475, 0.475, 0.35};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(w["time"][k].get<core::TimeMs>(), kT0 + static_cast<core::TimeMs>(4 * k) * kHour);
    double sum = 0;
    for (const auto& s : w["series"]) sum += s["weights"][k].get<double>();
    EXPECT_NEAR(sum, by_hand[k], 1e-12) << k;
    EXPECT_NEAR(sum, r.policies[1].rebalances[k].total_weight(), 1e-12) << k;
    EXPECT_NEAR(w["totals"][k].get<double>(), by_hand[k], 1e-12) << k;
  }
  EXPECT_DOUBLE_EQ(w["series"][2]["weights"][2].get<double>(), 0.0);
}

TEST(PortfolioReport, EmbedsTheCorrelationMatrix) {
  const json c = embedded_data(build_portfolio_report_html(hand_result(), info()))["correlation"];
  EXPECT_EQ(c["strategies"], json({"s_trend", "s_revert", "s_carry"}));
  ASSERT_EQ(c["matrix"].size(), 3u);
  EXPECT_DOUBLE_EQ(c["matrix"][0][2].get<double>(), 0.93);
  EXPECT_DOUBLE_EQ(c["matrix"][2][1].get<double>(), -0.35);
  EXPECT_DOUBLE_EQ(c["matrix"][1][1].get<double>(), 1.0);
}

TEST(PortfolioReport, RegimeBandHasOneSegmentPerRunWithItsLabels) {
  const json g = embedded_data(build_portfolio_report_html(hand_result(), info()))["regimes"];
  EXPECT_EQ(g["coins"], json({"BTC", "ETH"}));
  const auto& btc = g["bands"][0];
  ASSERT_EQ(btc.size(), 4u);  // unknown 0-1, low/up 2-4, high/down 5-7, low/up 8-9
  const std::vector<std::pair<int, int>> bars = {{0, 2}, {2, 5}, {5, 8}, {8, 10}};
  const std::vector<std::string> labels = {"unknown/unknown/unknown", "low_vol/up/greed", "high_vol/down/extreme_fear",
                                           "low_vol/up/greed"};
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(btc[k][0].get<core::TimeMs>(), kT0 + bars[k].first * kHour) << k;
    EXPECT_EQ(btc[k][1].get<core::TimeMs>(), kT0 + bars[k].second * kHour) << k;  // the last: a bar after bar 9
    EXPECT_EQ(g["labels"][std::to_string(btc[k][2].get<int>())]["label"], labels[k]) << k;
  }
  const auto& high = g["labels"][std::to_string(btc[2][2].get<int>())];
  EXPECT_EQ(high["vol"], "high_vol");
  EXPECT_EQ(high["trend"], "down");
  ASSERT_EQ(g["bands"][1].size(), 1u);
  EXPECT_EQ(g["labels"][std::to_string(g["bands"][1][0][2].get<int>())]["label"], "normal_vol/range/unknown");
}

TEST(PortfolioReport, PolicyTableListsTheAllocatorFirstAndMarksTheBestOfEachColumn) {
  const std::string html = build_portfolio_report_html(hand_result(), info());
  const auto row = [&](const std::string& name) {
    const auto at = html.find("<tr data-policy=\"" + name + "\">");
    return at == std::string::npos ? std::string() : html.substr(at, html.find("</tr>", at) - at);
  };
  EXPECT_LT(html.find("data-policy=\"allocator\""), html.find("data-policy=\"equal_weight\""));
  // Sharpe 1.40 ties between the allocator and HRP: both marked; the allocator's fees are not best.
  EXPECT_NE(row("allocator").find(R"(<td class="num best">1.40 ★</td>)"), std::string::npos);
  EXPECT_NE(row("hrp").find(R"(<td class="num best">1.40 ★</td>)"), std::string::npos);
  EXPECT_NE(row("allocator").find(R"(<td class="num">37.25</td>)"), std::string::npos);
  EXPECT_NE(row("best_single").find(R"(<td class="num best">31.0% ★</td>)"), std::string::npos);   // CAGR
  EXPECT_NE(row("hrp").find(R"(<td class="num best">5.0% ★</td>)"), std::string::npos);            // max DD
  EXPECT_NE(row("best_single").find(R"(<td class="num best">1.50 ★</td>)"), std::string::npos);    // turnover
  EXPECT_NE(row("best_single").find(R"(<td class="num best">20.00 ★</td>)"), std::string::npos);   // fees
  EXPECT_NE(row("best_single").find(R"(<td class="num best">10099.00 ★</td>)"), std::string::npos);  // final
  EXPECT_EQ(row("equal_weight").find("best"), std::string::npos);
}

TEST(PortfolioReport, LastAllocationShowsWeightsScoresKellyAndWhyDropped) {
  const std::string html = build_portfolio_report_html(hand_result(), info());
  const auto at = html.find(R"(id="allocation-table")");
  ASSERT_NE(at, std::string::npos);
  const std::string table = html.substr(at, html.find("</table>", at) - at);
  EXPECT_NE(html.find("bar 408, 2024-01-01 08:00:00"), std::string::npos);
  EXPECT_NE(html.find("total weight 0.3500"), std::string::npos);
  EXPECT_NE(table.find("<td>s_trend</td><td class=\"num\">0.2000</td><td class=\"num\">0.800</td><td "
                       "class=\"num\">0.3000</td><td>BTC 0.1000, ETH 0.1000 (×0.25)</td><td class=\"pass\">weighted"),
            std::string::npos);
  EXPECT_NE(table.find("<td class=\"fail\">correlated 0.93 &gt; 0.7 with s_trend</td>"), std::string::npos);
}

TEST(PortfolioReport, PageIsSelfContained) {
  const std::string html = build_portfolio_report_html(hand_result(), info());
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase)));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script[^>]*\ssrc=)", std::regex::icase)));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(@import|url\(\s*["']?https?:)", std::regex::icase)));
  for (const char* id : {"chart-pf-equity", "chart-pf-regimes", "chart-pf-weights", "chart-pf-correlation"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
}

TEST(PortfolioReport, LongCurvesAreDownsampledKeepingEndsAndExtremes) {
  auto r = hand_result();
  const std::size_t n = 1000;
  for (auto& p : r.policies) {
    p.times.resize(n);
    p.equity.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      p.times[i] = kT0 + static_cast<core::TimeMs>(i) * kHour;
      p.equity[i] = 10'000 + std::sin(static_cast<double>(i) / 10);
    }
  }
  r.policies[3].equity[617] = 20'000;  // HRP's spike
  auto small = info();
  small.max_points = 40;
  const json d = embedded_data(build_portfolio_report_html(r, small));
  for (const auto& p : d["policies"]) {
    ASSERT_LE(p["time"].size(), 40u);
    EXPECT_EQ(p["time"].front().get<core::TimeMs>(), kT0);
    EXPECT_EQ(p["time"].back().get<core::TimeMs>(), kT0 + 999 * kHour);
  }
  bool spike = false;
  for (const auto& v : d["policies"][3]["equity"]) spike = spike || v.get<double>() == 20'000;
  EXPECT_TRUE(spike);
}

TEST(RegimeSegments, ManyRunsBecomeAtMostMaxSegmentsOfEachBucketsMostFrequentCode) {
  // 100 bars: 0 1 0 1 ... for 60 bars (60 runs), then 40 bars of 2.
  std::vector<std::uint8_t> codes(100, 2);
  for (std::size_t i = 0; i < 60; ++i) codes[i] = i % 3 == 2 ? 1 : 0;  // 0 0 1: each bucket of 10 mostly 0
  const auto s = regime_segments(codes, 10);
  // Buckets of 10 bars: six with 0 the most frequent, four of 2: two segments.
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].begin, 0u);
  EXPECT_EQ(s[0].end, 60u);
  EXPECT_EQ(s[0].code, 0);
  EXPECT_EQ(s[1].begin, 60u);
  EXPECT_EQ(s[1].end, 100u);
  EXPECT_EQ(s[1].code, 2);
  // Few runs stay as they are.
  const std::vector<std::uint8_t> few = {5, 5, 7, 5};
  const auto f = regime_segments(few, 10);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].begin, 2u);
  EXPECT_EQ(f[1].end, 3u);
  EXPECT_EQ(f[1].code, 7);
}

TEST(PortfolioReport, WriteIntoAMissingFolderFailsNamingThePathAndWritesNothing) {
  const test::TempDir dir;
  const auto path = dir / "no_such_folder" / "portfolio.html";
  try {
    write_portfolio_report(path.string(), hand_result(), info());
    FAIL() << "no error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(PortfolioReport, WritesThePageWholeAndRefusesAnInconsistentResult) {
  const test::TempDir dir;
  const auto path = dir / "portfolio.html";
  write_portfolio_report(path.string(), hand_result(), info());
  EXPECT_EQ(test::read_file(path), build_portfolio_report_html(hand_result(), info()));
  auto bad = hand_result();
  // The last rebalance's 4 rows (s_trend on 2 coins, s_revert, s_carry) gone: 2 times for 3 rebalances.
  bad.policies[1].weights.resize(bad.policies[1].weights.size() - 4);
  const auto other = dir / "bad.html";
  EXPECT_THROW(write_portfolio_report(other.string(), bad, info()), core::Error);
  EXPECT_FALSE(std::filesystem::exists(other));
}

}  // namespace
}  // namespace organism::monitor
