// The report in a real browser: headless Chromium (Debian `chromium`) opens the file, runs it
// with no console errors, every chart container holds a rendered SVG, and a screenshot shows
// ink in every chart's rectangle (a page whose charts are not drawn must fail that check).
// Skips when Chromium is absent. About 10 s per page.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "monitor/png_decode.hpp"
#include "monitor/report.hpp"
#include "monitor/report_fixture.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

constexpr const char* kCharts[] = {"chart-equity", "chart-price", "chart-monthly", "chart-front"};

std::optional<std::string> chromium() {
  if (const char* env = std::getenv("ORGANISM_CHROMIUM")) return std::string(env);
  for (const char* p :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(p)) return std::string(p);
  }
  return std::nullopt;
}

struct Rendered {
  std::string dom;
  Image screenshot;
};

// One Chromium run: the DOM after the page's scripts ran (5 s of virtual time) and a screenshot
// of a window tall enough for the whole page.
Rendered render(const TempDir& dir, const std::string& html, const std::string& name) {
  const auto page = dir / (name + ".html");
  write_file(page, html);
  const auto png = dir / (name + ".png");
  const std::string cmd = fmt::format(
      "timeout 60 '{}' --headless=new --disable-gpu --no-sandbox --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars "
      "--user-data-dir='{}' --window-size=1280,2600 --virtual-time-budget=5000 --dump-dom "
      "--screenshot='{}' 'file://{}' > '{}' 2> '{}'",
      *chromium(), (dir / (name + "-profile")).string(), png.string(), page.string(),
      (dir / (name + ".dom")).string(), (dir / (name + ".log")).string());
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd << "\n" << read_file(dir / (name + ".log"));
  // ORGANISM_REPORT_FIGURES=DIR keeps the page and its screenshot there, for people to look at.
  if (const char* keep = std::getenv("ORGANISM_REPORT_FIGURES")) {
    for (const auto& f : {page, png}) {
      if (fs::exists(f))
        fs::copy_file(f, fs::path(keep) / f.filename(), fs::copy_options::overwrite_existing);
    }
  }
  Rendered r;
  r.dom = read_file(dir / (name + ".dom"));
  if (fs::exists(png)) r.screenshot = read_png(png);
  return r;
}

// The opening tag of the element with this id, and what follows it up to its section's end.
std::pair<std::string, std::string> element(const std::string& dom, const std::string& id) {
  const auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  const auto open = dom.rfind('<', at);
  const auto close = dom.find('>', at);
  const auto end = dom.find("</section>", close);
  return {dom.substr(open, close - open + 1), dom.substr(close, end - close)};
}

std::vector<int> rect_of(const std::string& tag) {
  std::smatch m;
  std::vector<int> out;
  if (!std::regex_search(tag, m, std::regex(R"re(data-rect="(-?\d+),(-?\d+),(\d+),(\d+)")re")))
    return out;
  for (int i = 1; i <= 4; ++i) out.push_back(std::stoi(m[i]));
  return out;
}

void expect_every_chart_drawn(const Rendered& r) {
  EXPECT_NE(r.dom.find(R"(<div id="report-errors"></div>)"), std::string::npos)
      << "errors on the page:\n"
      << r.dom.substr(0, 2000);
  EXPECT_NE(r.dom.find(R"(data-charts="4")"), std::string::npos);
  for (const char* id : kCharts) {
    const auto [tag, inside] = element(r.dom, id);
    EXPECT_NE(tag.find(R"(data-rendered="true")"), std::string::npos) << id << ": " << tag;
    EXPECT_NE(inside.find("<svg"), std::string::npos) << id;
    EXPECT_NE(inside.find("<path"), std::string::npos) << id << " has no drawn path";
    const auto rect = rect_of(tag);
    ASSERT_EQ(rect.size(), 4u) << id << ": " << tag;
    const double ink = ink_share(r.screenshot, rect[0], rect[1], rect[2], rect[3]);
    EXPECT_GT(ink, 0.02) << id << " looks blank in the screenshot (ink " << ink << ")";
  }
}

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!chromium())
      GTEST_SKIP() << "chromium not found (apt-get install chromium, or set ORGANISM_CHROMIUM)";
  }
  TempDir dir_;
};

TEST_F(ReportBrowser, ValidatedRunDrawsEveryChartWithoutErrors) {
  expect_every_chart_drawn(
      render(dir_, monitor::build_report_html(hand_report(true)), "validated"));
}

TEST_F(ReportBrowser, RunWithoutValidationDrawsEveryChartWithoutErrors) {
  expect_every_chart_drawn(
      render(dir_, monitor::build_report_html(hand_report(false)), "unvalidated"));
}

TEST_F(ReportBrowser, BlankChartsAndConsoleErrorsAreCaught) {
  // The same page with every draw(...) call turned into void(...): no error, nothing drawn.
  std::string html = monitor::build_report_html(hand_report(true));
  for (auto at = html.find("draw('chart-"); at != std::string::npos;
       at = html.find("draw('chart-", at)) {
    html.replace(at, 4, "void");
  }
  // And one planted console.error, which the page must record where the other tests look.
  // (Before the chart script, which measures where the charts sit once the error banner shows.)
  html.replace(html.find("<script type=\"application/json\""), 0,
               "<script>console.error('planted <failure>');</script>");
  const auto r = render(dir_, html, "blank");
  EXPECT_NE(r.dom.find("console.error: planted &lt;failure&gt;"), std::string::npos)
      << r.dom.substr(0, 2000);
  for (const char* id : kCharts) {
    const auto rect = rect_of(element(r.dom, id).first);
    ASSERT_EQ(rect.size(), 4u) << id;
    EXPECT_LT(ink_share(r.screenshot, rect[0], rect[1], rect[2], rect[3]), 0.001) << id;
  }
}

}  // namespace
}  // namespace organism::test
