// The dashboard's model and renderer without a terminal: the fixture replies of every route in,
// the exact lines out at several sizes, with and without colours.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "dashboard_fixtures.hpp"
#include "monitor/dashboard/dashboard_render.hpp"

namespace organism::monitor::dashboard {
namespace {

DashboardState fixture_state() {
  DashboardState s;
  s.url = "http://127.0.0.1:8080";
  s.interval_ms = 1000;
  s.now_ms = test::kFixtureNowMs;
  const auto bodies = test::dashboard_fixtures();
  for (const Route r : kAllRoutes) apply_reply(s, r, 200, bodies.at(std::string(route_path(r))), test::kFixtureNowMs);
  return s;
}

std::string screen_text(const std::vector<ScreenLine>& lines) {
  std::string all;
  for (const auto& l : lines) all += l.text + "\n";
  return all;
}

void expect_shape(const std::vector<ScreenLine>& lines, int width, int height) {
  ASSERT_EQ(static_cast<int>(lines.size()), height);
  for (const auto& l : lines) {
    EXPECT_EQ(l.width(), width) << l.text;
    for (const auto& s : l.spans) EXPECT_LE(s.end, l.text.size());
  }
}

void expect_fixture_numbers(const std::string& screen) {
  for (const char* needle : {"5/6 connected", "score 83", "equity 10152.40", "drawdown 3.42%", "BTC", "0.015",
                             "ETH", "-0.25", "SOL", "3.2", "testing 4", "validated 2", "paper 2", "production 1",
                             "decaying 1", "retired 3", "generation 12/50", "REDUCING", "ACTIVE"}) {
    EXPECT_NE(screen.find(needle), std::string::npos) << "missing '" << needle << "' in\n" << screen;
  }
}

TEST(DashboardRender, OverviewAt120x40ShowsEveryNumber) {
  const auto state = fixture_state();
  for (const bool color : {true, false}) {
    const auto lines = render(state, Panel::overview, 120, 40, color);
    expect_shape(lines, 120, 40);
    const std::string screen = screen_text(lines);
    expect_fixture_numbers(screen);
    for (const char* needle : {"last bar 42s ago", "12:34:56 UTC", "mode live", "s-7f3a9c21", "45.0%", "high_vol",
                               "breaker tripped", "lifecycle_scheduler down", "breakers: max_position 0 rejected 3 shrunk"})
      EXPECT_NE(screen.find(needle), std::string::npos) << needle << "\n" << screen;
    EXPECT_NE(screen.find("▁▂▃▂▄▆█▆▅▃"), std::string::npos) << screen;
  }
}

TEST(DashboardRender, OverviewAt80x24KeepsTheNumbers) {
  const auto lines = render(fixture_state(), Panel::overview, 80, 24, true);
  expect_shape(lines, 80, 24);
  expect_fixture_numbers(screen_text(lines));
}

TEST(DashboardRender, PlainModeHasTheSameWordsAndNoAttributes) {
  const auto state = fixture_state();
  for (const auto& [w, h] : {std::pair{120, 40}, std::pair{80, 24}}) {
    const auto colored = render(state, Panel::overview, w, h, true);
    const auto plain = render(state, Panel::overview, w, h, false);
    EXPECT_EQ(screen_text(colored), screen_text(plain));
    bool any_span = false;
    for (const auto& l : colored) any_span = any_span || !l.spans.empty();
    EXPECT_TRUE(any_span);
    for (const auto& l : plain) EXPECT_TRUE(l.spans.empty());
  }
}

TEST(DashboardRender, TooSmallSaysSo) {
  for (const bool color : {true, false}) {
    const auto lines = render(fixture_state(), Panel::overview, 59, 14, color);
    expect_shape(lines, 59, 14);
    EXPECT_EQ(lines[0].text.rfind("terminal too small (59x14, needs 60x15)", 0), 0u) << lines[0].text;
  }
  EXPECT_EQ(render(fixture_state(), Panel::overview, 60, 14, false)[0].text.rfind("terminal too small", 0), 0u);
  EXPECT_EQ(render(fixture_state(), Panel::overview, 60, 15, false)[0].text.rfind("organism", 0), 0u);
}

TEST(DashboardRender, AsciiFallbackWithoutUtf8) {
  const auto lines = render(fixture_state(), Panel::overview, 120, 40, false, false);
  const std::string screen = screen_text(lines);
  EXPECT_NE(screen.find("_.-.~+#+=-"), std::string::npos) << screen;
  for (const auto& l : lines)
    for (const char c : l.text) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << l.text;
  for (const auto& l : lines)
    for (const char c : l.text) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << l.text;
}

TEST(DashboardRender, FocusedPositionsFillTheScreen) {
  const auto lines = render(fixture_state(), Panel::positions, 120, 40, false);
  expect_shape(lines, 120, 40);
  EXPECT_EQ(lines[2].text.rfind("─ 3 Positions ─", 0), 0u) << lines[2].text;
  const std::string screen = screen_text(lines);
  for (const char* needle : {"s-7f3a9c21", "43500.00", "652.50", "-3.10", "production", "paper"})
    EXPECT_NE(screen.find(needle), std::string::npos) << needle;
  EXPECT_EQ(screen.find("Strategies"), std::string::npos);  // only the focused panel
  EXPECT_NE(lines.back().text.find("0/Esc overview"), std::string::npos);
}

TEST(DashboardRender, FocusedHealthListsEveryComponent) {
  const std::string screen = screen_text(render(fixture_state(), Panel::health, 80, 24, false));
  EXPECT_NE(screen.find("score 83  5/6 connected  degraded"), std::string::npos) << screen;
  EXPECT_NE(screen.find("lifecycle_scheduler  down         2h00m  no evaluation for 2 h"), std::string::npos) << screen;
}

TEST(DashboardRender, FocusedEquityListsThePoints) {
  const std::string screen = screen_text(render(fixture_state(), Panel::equity, 80, 24, false));
  EXPECT_NE(screen.find("10 points, peak 10512.30"), std::string::npos) << screen;
  EXPECT_NE(screen.find("2025-12-05 11:34:56        10152.40     3.42%"), std::string::npos) << screen;
}

TEST(DashboardRender, LostApiKeepsTheDataAndSaysSince) {
  auto state = fixture_state();
  apply_failure(state, Route::health, "connect: Connection refused", test::kFixtureNowMs);
  state.now_ms = test::kFixtureNowMs + 5000;
  apply_failure(state, Route::health, "connect: Connection refused", state.now_ms);
  const auto lines = render(state, Panel::overview, 120, 40, false);
  EXPECT_EQ(lines[1].text.rfind("API unreachable since 12:34:56: connect: Connection refused (retrying every 1 s)", 0),
            0u)
      << lines[1].text;
  expect_fixture_numbers(screen_text(lines));
  // Any reply ends it.
  apply_reply(state, Route::health, 200, test::dashboard_fixtures().at("/health"), state.now_ms);
  EXPECT_FALSE(state.unreachable_since);
  EXPECT_EQ(screen_text(render(state, Panel::overview, 120, 40, false)).find("unreachable"), std::string::npos);
}

TEST(DashboardRender, RefusedTokenIsNamed) {
  DashboardState state;
  state.now_ms = test::kFixtureNowMs;
  apply_reply(state, Route::health, 200, test::dashboard_fixtures().at("/health"), state.now_ms);
  apply_reply(state, Route::equity, 401, R"({"error": "missing or wrong bearer token"})", state.now_ms);
  const auto lines = render(state, Panel::overview, 100, 30, false);
  EXPECT_EQ(lines[1].text.rfind("unauthorized: pass --token-file", 0), 0u) << lines[1].text;
  EXPECT_NE(screen_text(lines).find("waiting for /positions"), std::string::npos);
  EXPECT_EQ(state.slot(Route::equity).error, "HTTP 401: missing or wrong bearer token");
}

TEST(DashboardRender, NotFoundRouteShowsItsError) {
  auto state = fixture_state();
  DashboardState fresh;
  apply_reply(fresh, Route::alerts, 404, R"({"error": "no route GET /alerts"})", 0);
  const std::string screen = screen_text(render(fresh, Panel::alerts, 80, 24, false));
  EXPECT_NE(screen.find("no data: HTTP 404: no route GET /alerts"), std::string::npos) << screen;
  // A failing refetch keeps the old data on screen.
  apply_reply(state, Route::positions, 500, "oops", test::kFixtureNowMs);
  EXPECT_NE(screen_text(render(state, Panel::positions, 80, 24, false)).find("43120.5"), std::string::npos);
}

TEST(DashboardText, SparklineOfAKnownSeries) {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(sparkline(v, 8, true), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(sparkline(v, 8, false), "_.-~=+*#");
  EXPECT_EQ(sparkline(v, 3, true), "▁▅█");  // the newest three, rescaled
  const std::vector<double> flat{5, 5, 5};
  EXPECT_EQ(sparkline(flat, 10, true), "▄▄▄");
  EXPECT_EQ(sparkline({}, 10, true), "");
}

TEST(DashboardText, BarsClocksAndAges) {
  EXPECT_EQ(progress_bar(12, 50, 10, false), "##........");
  EXPECT_EQ(progress_bar(12, 50, 4, true), "█░░░");
  EXPECT_EQ(clock_text(test::kFixtureNowMs), "12:34:56");
  EXPECT_EQ(age_text(42'000), "42s");
  EXPECT_EQ(age_text(192'000), "3m12s");
  EXPECT_EQ(age_text(7'500'000), "2h05m");
  ScreenLine l;
  l.add("ab").add("▁▂", Style::good).add("cd");
  const auto cut = l.fit(3);
  EXPECT_EQ(cut.text, "ab▁");
  ASSERT_EQ(cut.spans.size(), 1u);
  EXPECT_EQ(cut.spans[0].end, cut.text.size());
  EXPECT_EQ(l.fit(8).text, "ab▁▂cd  ");
}

TEST(DashboardKeys, TabCyclesThroughEveryPanel) {
  Panel p = Panel::overview;
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    p = next_panel(p);
    seen.emplace_back(panel_title(p));
  }
  EXPECT_EQ(seen.front(), "Health");
  EXPECT_EQ(seen[1], "Equity");
  EXPECT_EQ(seen[8], "Alerts");
  EXPECT_EQ(seen.back(), "Overview");
  EXPECT_EQ(previous_panel(Panel::overview), Panel::alerts);
  EXPECT_EQ(previous_panel(Panel::health), Panel::overview);
  EXPECT_EQ(previous_panel(Panel::equity), Panel::health);
  EXPECT_EQ(panel_by_number(3), Panel::positions);
  EXPECT_EQ(panel_by_number(9), Panel::alerts);
  EXPECT_EQ(panel_by_number(10), Panel::overview);
}

}  // namespace
}  // namespace organism::monitor::dashboard
