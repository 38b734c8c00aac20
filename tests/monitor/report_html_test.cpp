// The report page built from run records (report_fixture.cpp): with and without validation, escaping, the
// scatter's axes, the default member, the size of a long run's page.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "monitor/echarts_js.hpp"
#include "monitor/report.hpp"
#include "monitor/report_fixture.hpp"

namespace organism::monitor {
namespace {

using test::hand_report;
using test::hand_run;

// Sets a member's metric on the stages of these indices (runs::kStages).
void set_metric(runs::FrontMember& member, std::initializer_list<std::size_t> stages, const std::string& metric,
                double value) {
  for (const std::size_t s : stages) {
    for (auto& [name, v] : member.metrics[s]) {
      if (name == metric) v = value;
    }
  }
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportHtml, ValidatedRunShowsGatesReadingsAndSurvivorBadge) {
  const std::string html = build_report_html(hand_report(true));
  EXPECT_NE(html.find("<title>organism report: run_20261202_s7 · m1</title>"), std::string::npos);
  EXPECT_NE(html.find("survivor: passed every gate"), std::string::npos);
  EXPECT_NE(html.find("Held-out DSR 0.97: 97% confidence that the Sharpe ratio on the bars selection never saw beats "
                      "the best that luck gives among 3 independent front members. In-sample DSR 0.20: 20% "
                      "confidence that the in-sample Sharpe ratio beats the best of 41 independent clusters of the "
                      "8,233 trials."),
            std::string::npos);
  EXPECT_NE(html.find("PBO 0.12: 12% probability"), std::string::npos);
  EXPECT_NE(html.find(R"(id="gate-table")"), std::string::npos);
  EXPECT_NE(
      html.find(
          "<td>Deflated Sharpe ratio</td><td class=\"pass\">✓ pass</td><td class=\"num\">0.97</td>"
          "<td class=\"num\">&gt; 0.95</td>"),
      std::string::npos);
  EXPECT_EQ(html.find("badge muted\">not validated"), std::string::npos);
  EXPECT_EQ(html.find("Gates: not validated"), std::string::npos);
  EXPECT_NE(html.find("Long when EMA(12) crosses above EMA(26)."), std::string::npos);
  EXPECT_NE(html.find("means over the run's 1 coin(s); the charts below show synth:BTC:1h."), std::string::npos);
  EXPECT_NE(html.find("Walk-forward of the run: efficiency 0.8, evaluations 0, folds 0, in_sample_annualized 0, "
                      "stitched_annualized 0, stitched_equity 0."), std::string::npos);
  EXPECT_NE(html.find("Cost stress: multiplier 2, sharpe 0.7, total_return 0.03."), std::string::npos);
  EXPECT_NE(html.find("Robustness: coin_dispersion 0.2, neighbour_sharpe_median 1.08, neighbours 8, own_sharpe 1.2, "
                      "perturbation_ratio 0.9."), std::string::npos);
  for (const char* id : {"chart-equity", "chart-price", "chart-monthly", "chart-front"}) {
    EXPECT_EQ(count(html, std::string("id=\"") + id + "\""), 1u) << id;
  }
  EXPECT_NE(html.find(std::string(echarts_version())), std::string::npos);
}

TEST(ReportHtml, RunWithoutValidationSaysNotValidated) {
  const std::string html = build_report_html(hand_report(false));
  EXPECT_NE(html.find("DSR: not validated."), std::string::npos);
  EXPECT_NE(html.find("PBO: not validated."), std::string::npos);
  EXPECT_NE(html.find("Gates: not validated"), std::string::npos);
  EXPECT_NE(html.find(R"(<span class="badge muted">not validated</span>)"), std::string::npos);
  EXPECT_EQ(html.find(R"(id="gate-table")"), std::string::npos);
}

TEST(ReportHtml, EverythingFromTheRunIsEscaped) {
  auto d = hand_report(true);
  d.run.front[1].rule = "</script><script>alert('x')</script>";
  d.run.front[1].id = "m1";
  d.run.front[1].family = "<img src=x onerror=alert(1)>";
  d.run.run = "run</title>";
  d.coin = "<coin>";
  const std::string html = build_report_html(d);
  EXPECT_EQ(html.find("alert('x')</script>"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("run</title>"), std::string::npos);
  EXPECT_EQ(html.find("<coin>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)"), std::string::npos);
  // Only our own elements open and close scripts: capture, data, library, charts.
  EXPECT_EQ(count(html, "</script>"), 4u);
}

TEST(ReportHtml, UnknownStrategyIsAnError) {
  auto d = hand_report(false);
  d.strategy_id = "nope";
  EXPECT_THROW(build_report_html(d), core::Error);
}

TEST(ReportHtml, HundredThousandBarsGiveASmallPage) {
  const auto d = hand_report(true, 100'000);
  const std::string html = build_report_html(d);
  const std::size_t library = echarts_js().size();
  // Two series of 5,000 points for equity and drawdown, one for price, thinned trade marks.
  EXPECT_LT(html.size() - library, 700'000u)
      << "page without the library: " << html.size() - library;
}

TEST(ReportFront, AxesResolveToStageAndMetricOrThrowWithTheList) {
  const auto run = hand_run(false);
  EXPECT_EQ(resolve_axis(run, "sharpe"), "in_sample.sharpe");
  EXPECT_EQ(resolve_axis(run, "out_of_sample.total_return"), "out_of_sample.total_return");
  EXPECT_EQ(default_axes(run),
            (std::pair<std::string, std::string>{"in_sample.sharpe", "in_sample.max_drawdown"}));
  try {
    resolve_axis(run, "luck");
    FAIL() << "no throw";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'luck'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("max_drawdown, sharpe"), std::string::npos) << e.what();
  }
  EXPECT_THROW(resolve_axis(run, "future.sharpe"), core::Error);
}

TEST(ReportFront, DefaultMemberIsTheBestHeldOutSharpeAmongSurvivorsElseAll) {
  // Sharpe grows with the index: m5 is best overall, m3 the best survivor.
  EXPECT_EQ(default_member(hand_run(false)), "m5");
  EXPECT_EQ(default_member(hand_run(true)), "m3");
  EXPECT_EQ(default_member(hand_run(false, 0)), "");
}

TEST(ReportFront, DefaultMemberTradesOnHeldOutDataAndPrefersTheValidatedHeldOutSharpe) {
  auto run = hand_run(false);
  set_metric(run.front[5], {1, 2}, "trades", 0);  // out-of-sample and walk-forward
  EXPECT_EQ(default_member(run), "m4");  // m5's better Sharpe comes from no held-out trade
  auto validated = hand_run(true);
  for (auto& m : validated.front) m.validation->passed = false;
  validated.front[2].validation->held_out_sharpe = 9.0;  // the held-out measure wins
  EXPECT_EQ(default_member(validated), "m2");
}

}  // namespace
}  // namespace organism::monitor
