// The report's post-mortem sections: a retired strategy's why, path, regimes and live against
// validated figures, and the run's list of retired strategies; neither when none is retired.
#include <gtest/gtest.h>

#include "monitor/report.hpp"
#include "monitor/report_fixture.hpp"

namespace organism::monitor {
namespace {

using lifecycle::State;

lifecycle::Postmortem dead(const std::string& id, core::TimeMs died, double age) {
  lifecycle::Postmortem p;
  p.strategy_id = id;
  p.family = "ema_cross";
  p.run_id = "run_20261202_s7";
  p.died = died;
  p.born = died - static_cast<core::TimeMs>(age * 86'400'000);
  p.age_days = age;
  p.reason = "no recovery within 3 days: cusum & drawdown";
  p.path = {{State::Production, State::Decaying, died - 3 * 86'400'000,
             "decay: cusum after 40 live bars", "{}"},
            {State::Decaying, State::Retired, died, p.reason, "{}"}};
  p.regimes = {{"BTC", "normal_vol/up/unknown", "high_vol/down/unknown"}};
  p.live = {{"paper", 168, 0, 0, 0.031, 1.92, 0.021},
            {"production", 112, 0, 0, -0.0812, -3.417, 0.1044}};
  p.validated = {2.15, 0.066, 0.0001, 0.004};
  return p;
}

TEST(ReportPostmortem, RetiredStrategyShowsItsPostmortemAndTheRunItsList) {
  auto d = test::hand_report(true);
  d.postmortem = dead(d.strategy_id, 1735689600000, 12.5);  // 2025-01-01
  d.run_postmortems = {*d.postmortem, dead("m9", 1735776000000, 3.3)};
  const std::string html = build_report_html(d);
  EXPECT_NE(html.find(R"(<section id="postmortem"><h2>Post-mortem</h2>)"), std::string::npos);
  EXPECT_NE(html.find("Retired 2025-01-01 00:00:00 (market time) after 12.5 days: no recovery "
                      "within 3 days: cusum "
                      "&amp; drawdown"),
            std::string::npos);
  EXPECT_NE(html.find("<td>2024-12-29 00:00:00</td><td>production → decaying</td><td>decay: cusum "
                      "after 40 live "
                      "bars</td>"),
            std::string::npos);
  EXPECT_NE(
      html.find(
          "<tr><td>BTC</td><td>normal_vol/up/unknown</td><td>high_vol/down/unknown</td></tr>"),
      std::string::npos);
  EXPECT_NE(html.find("<tr><td>validated</td><td></td><td></td><td>2.150</td><td>0.0660</td></tr>"),
            std::string::npos);
  EXPECT_NE(
      html.find("<tr><td>live "
                "production</td><td>112</td><td>-0.0812</td><td>-3.417</td><td>0.1044</td></tr>"),
      std::string::npos);
  EXPECT_NE(html.find(R"(<section id="postmortems"><h2>Retired strategies of this run</h2>)"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>m9</td><td>ema_cross</td><td>2025-01-02 00:00:00</td><td>3.3</td>"),
            std::string::npos);
}

TEST(ReportPostmortem, NoSectionWithoutRetiredStrategies) {
  const std::string html = build_report_html(test::hand_report(true));
  EXPECT_EQ(html.find("id=\"postmortem"), std::string::npos);
}

}  // namespace
}  // namespace organism::monitor
