// The portfolio page: the static parts (header, policy table, last allocation) written here as
// escaped HTML, the charts drawn in the browser from the embedded, downsampled data
// (portfolio_report_script.cpp), with the report's style sheet, error capture and ECharts.
#include "monitor/portfolio_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "data/file_writer.hpp"
#include "indicators/regime.hpp"
#include "monitor/echarts_js.hpp"
#include "monitor/portfolio_report_script.hpp"
#include "monitor/report_page.hpp"
#include "monitor/report_series.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {

using json = nlohmann::json;
using portfolio::Policy;
using portfolio::PolicyResult;
using portfolio::PortfolioBacktestResult;

std::vector<RegimeSegment> regime_segments(std::span<const std::uint8_t> codes, std::size_t max_segments) {
  const std::size_t n = codes.size();
  std::vector<RegimeSegment> runs;
  for (std::size_t i = 0; i < n; ++i) {
    if (runs.empty() || runs.back().code != codes[i]) runs.push_back({i, i, codes[i]});
    runs.back().end = i + 1;
  }
  if (runs.size() <= max_segments || max_segments == 0) return runs;
  // Too many runs to draw: each of max_segments equal buckets takes its most frequent code.
  runs.clear();
  for (std::size_t b = 0; b < max_segments; ++b) {
    const std::size_t begin = b * n / max_segments, end = (b + 1) * n / max_segments;
    if (begin == end) continue;
    std::array<std::size_t, 256> count{};
    for (std::size_t i = begin; i < end; ++i) ++count[codes[i]];
    const auto code = static_cast<std::uint8_t>(std::max_element(count.begin(), count.end()) - count.begin());
    if (!runs.empty() && runs.back().code == code) {
      runs.back().end = end;
    } else {
      runs.push_back({begin, end, code});
    }
  }
  return runs;
}

namespace {

std::string policy_label(Policy p) {
  switch (p) {
    case Policy::Allocator: return "allocator";
    case Policy::EqualWeight: return "equal weights";
    case Policy::BestSingle: return "best single strategy";
    case Policy::Hrp: return "hierarchical risk parity";
  }
  return std::string(portfolio::policy_name(p));
}

// The policies in page order: the allocator first, then the others as the backtest ran them.
std::vector<const PolicyResult*> page_order(const PortfolioBacktestResult& r) {
  std::vector<const PolicyResult*> out;
  for (const auto& p : r.policies) {
    if (p.policy == Policy::Allocator) out.push_back(&p);
  }
  for (const auto& p : r.policies) {
    if (p.policy != Policy::Allocator) out.push_back(&p);
  }
  return out;
}

const PolicyResult* allocator_policy(const PortfolioBacktestResult& r) {
  for (const auto& p : r.policies) {
    if (p.policy == Policy::Allocator) return &p;
  }
  return nullptr;
}

// The time of each of the allocator's rebalances: its weight rows' distinct times, in order (one
// row per rebalance, strategy and leg). core::Error when they do not pair up with the rebalances.
std::vector<core::TimeMs> rebalance_times(const PolicyResult& p) {
  std::vector<core::TimeMs> times;
  for (const auto& row : p.weights) {
    if (times.empty() || times.back() != row.time) times.push_back(row.time);
  }
  if (times.size() != p.rebalances.size()) {
    throw core::Error(fmt::format("portfolio report: the allocator has {} rebalances but its weight rows have {} "
                                  "distinct times; they must pair up",
                                  p.rebalances.size(), times.size()));
  }
  return times;
}

double strategy_weight(const portfolio::Allocation& a, const std::string& id) {
  for (const auto& s : a.strategies) {
    if (s.id == id) return s.weight;
  }
  return 0;
}

// --- page data (what the chart script draws) ---

json metrics_json(const PolicyResult& p) {
  return {{"sharpe", p.metrics.sharpe},          {"cagr", p.metrics.cagr},
          {"max_drawdown", p.metrics.max_drawdown}, {"turnover", p.turnover},
          {"fees", p.fees},                       {"final_equity", p.metrics.final_equity}};
}

json policies_json(const std::vector<const PolicyResult*>& policies, std::size_t max_points) {
  // Curves of equal length share their downsampled bars, so a tooltip compares the same bars.
  const std::size_t n = policies.front()->equity.size();
  bool same_length = true;
  std::vector<std::span<const double>> all;
  for (const auto* p : policies) {
    same_length = same_length && p->equity.size() == n && p->times.size() == n;
    all.emplace_back(p->equity);
  }
  const auto shared = same_length ? downsample_indices(all, n, max_points) : std::vector<std::size_t>{};
  json out = json::array();
  for (const auto* p : policies) {
    const std::size_t m = std::min(p->times.size(), p->equity.size());
    const std::array<std::span<const double>, 1> own = {std::span(p->equity).first(m)};
    const auto indices = same_length ? shared : downsample_indices(own, m, max_points);
    json time = json::array(), equity = json::array();
    for (const std::size_t i : indices) {
      time.push_back(p->times[i]);
      equity.push_back(p->equity[i]);
    }
    out.push_back({{"name", portfolio::policy_name(p->policy)},
                   {"label", policy_label(p->policy)},
                   {"time", time},
                   {"equity", equity},
                   {"metrics", metrics_json(*p)}});
  }
  return out;
}

json regimes_json(const PortfolioBacktestResult& r, std::span<const core::TimeMs> times, std::size_t max_points) {
  json labels = json::object(), bands = json::array();
  const std::size_t n = times.size();
  for (const auto& codes : r.regimes) {
    json band = json::array();
    const std::size_t m = std::min(codes.size(), n);
    for (const auto& s : regime_segments(std::span(codes).first(m), max_points)) {
      // A segment ends where the next bar begins; the last one a bar after the last bar.
      const core::TimeMs step = n > 1 ? times[n - 1] - times[n - 2] : 0;
      const core::TimeMs end = s.end < n ? times[s.end] : times[n - 1] + step;
      band.push_back({times[s.begin], end, s.code});
      const auto regime = indicators::Regime::from_code(s.code);
      labels[std::to_string(s.code)] = {{"label", regime.label()},
                                        {"vol", indicators::name(regime.vol)},
                                        {"trend", indicators::name(regime.trend)}};
    }
    bands.push_back(band);
  }
  return {{"coins", r.coins}, {"bands", bands}, {"labels", labels}};
}

json weights_json(const PortfolioBacktestResult& r, const PolicyResult* allocator) {
  if (!allocator || allocator->rebalances.empty()) return {{"time", json::array()}};
  const auto times = rebalance_times(*allocator);
  json series = json::array(), totals = json::array();
  for (const auto& id : r.strategies) {
    json w = json::array();
    for (const auto& a : allocator->rebalances) w.push_back(strategy_weight(a, id));
    series.push_back({{"id", id}, {"weights", w}});
  }
  for (const auto& a : allocator->rebalances) totals.push_back(a.total_weight());
  // The last weights are held to the end of the traded bars.
  const core::TimeMs end = allocator->times.empty() ? times.back() : allocator->times.back();
  return {{"time", times}, {"end", std::max(end, times.back())}, {"series", series}, {"totals", totals}};
}

// --- static HTML ---

std::string percent1(double v) { return fmt::format("{:.1f}%", 100 * v); }

struct Column {
  const char* title;
  bool higher_is_better;
  double (*value)(const PolicyResult&);
  std::string (*format)(double);
};

const std::array<Column, 6> kColumns = {{
    {"Sharpe", true, [](const PolicyResult& p) { return p.metrics.sharpe; },
     [](double v) { return fmt::format("{:.2f}", v); }},
    {"CAGR", true, [](const PolicyResult& p) { return p.metrics.cagr; }, percent1},
    {"max drawdown", false, [](const PolicyResult& p) { return p.metrics.max_drawdown; }, percent1},
    {"turnover (per year)", false, [](const PolicyResult& p) { return p.turnover; },
     [](double v) { return fmt::format("{:.2f}", v); }},
    {"fees", false, [](const PolicyResult& p) { return p.fees; }, [](double v) { return fmt::format("{:.2f}", v); }},
    {"final equity", true, [](const PolicyResult& p) { return p.metrics.final_equity; },
     [](double v) { return fmt::format("{:.2f}", v); }},
}};

std::string policy_table_html(const std::vector<const PolicyResult*>& policies) {
  std::string out =
      R"(<section id="policies"><h2>Policies side by side</h2><p class="note">The same strategies, bars and )"
      R"(costs under each policy; the best value of each column is marked ★ (ties: all of them).</p>)"
      R"(<table id="policy-table"><thead><tr><th>policy</th>)";
  for (const auto& c : kColumns) out += fmt::format("<th>{}</th>", html_escape(c.title));
  out += "</tr></thead><tbody>";
  std::array<std::optional<double>, kColumns.size()> best{};
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    for (const auto* p : policies) {
      const double v = kColumns[c].value(*p);
      if (!std::isfinite(v)) continue;
      if (!best[c] || (kColumns[c].higher_is_better ? v > *best[c] : v < *best[c])) best[c] = v;
    }
  }
  for (const auto* p : policies) {
    out += fmt::format(R"(<tr data-policy="{}"><td>{}</td>)", portfolio::policy_name(p->policy),
                       html_escape(policy_label(p->policy)));
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      const double v = kColumns[c].value(*p);
      const bool is_best = best[c] && v == *best[c];
      out += fmt::format(R"(<td class="num{}">{}{}</td>)", is_best ? " best" : "",
                         std::isfinite(v) ? html_escape(kColumns[c].format(v)) : "–", is_best ? " ★" : "");
    }
    out += "</tr>";
  }
  return out + "</tbody></table></section>\n";
}

std::string last_allocation_html(const PolicyResult* allocator, std::optional<core::TimeMs> time) {
  std::string out = R"(<section id="last-allocation"><h2>Last allocation</h2>)";
  if (!allocator || allocator->rebalances.empty()) {
    return out + R"(<p class="missing">The allocator made no rebalance.</p></section>)" "\n";
  }
  const auto& a = allocator->rebalances.back();
  out += fmt::format(
      R"(<p class="note">The allocator's last rebalance (bar {}{}): weight = capital share (sum of its legs), )"
      R"(score = the multi-factor score, kelly = the fractional Kelly share before legs and caps; total weight )"
      R"({:.4f}.</p>)",
      a.bar, time ? ", " + core::format_utc(*time) : "", a.total_weight());
  out += R"(<table id="allocation-table"><thead><tr><th>strategy</th><th>weight</th><th>score</th>)"
         R"(<th>kelly</th><th>legs (coin weight, regime scale)</th><th>dropped</th></tr></thead><tbody>)";
  for (const auto& s : a.strategies) {
    std::vector<std::string> legs;
    for (const auto& l : s.legs) {
      legs.push_back(l.regime_scale == 1 ? fmt::format("{} {:.4f}", l.coin, l.weight)
                                         : fmt::format("{} {:.4f} (×{:g})", l.coin, l.weight, l.regime_scale));
    }
    out += fmt::format(
        R"(<tr><td>{}</td><td class="num">{:.4f}</td><td class="num">{:.3f}</td><td class="num">{:.4f}</td>)"
        R"(<td>{}</td><td class="{}">{}</td></tr>)",
        html_escape(s.id), s.weight, s.score, s.kelly, html_escape(fmt::format("{}", fmt::join(legs, ", "))),
        s.dropped.empty() ? "pass" : "fail", s.dropped.empty() ? "weighted" : html_escape(s.dropped));
  }
  return out + "</tbody></table></section>\n";
}

// The note is HTML written here (constant text, colour swatches), not escaped; `under` is more of
// the section's HTML after the chart.
std::string chart_section(std::string_view id, std::string_view title, std::string_view note,
                          std::string_view under = "") {
  return fmt::format(R"(<section><h2>{}</h2><p class="note">{}</p><div class="chart" id="{}"></div>{}</section>)"
                     "\n",
                     html_escape(title), note, id, under);
}

}  // namespace

std::string build_portfolio_report_html(const PortfolioBacktestResult& r, const PortfolioReportInfo& info) {
  if (r.policies.empty()) throw core::Error("portfolio report: the backtest has no policy to show");
  const auto policies = page_order(r);
  const PolicyResult* allocator = allocator_policy(r);
  const json weights = weights_json(r, allocator);
  const auto& traded = policies.front()->times;
  const json page = {{"policies", policies_json(policies, info.max_points)},
                     {"regimes", regimes_json(r, traded, info.max_points)},
                     {"weights", weights},
                     {"correlation", {{"strategies", r.strategies}, {"matrix", r.correlation}}}};
  std::optional<core::TimeMs> last_time;
  if (!weights.at("time").empty()) last_time = weights.at("time").back().get<core::TimeMs>();

  std::string html = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>organism portfolio: {title}</title>
<style>{style}
td.best {{ font-weight: 700; color: var(--good); }}
.chart.band {{ height: auto; }}
.swatch {{ display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; border-radius: 2px; }}
</style>
<script>{capture}</script>
</head><body><main>
<div id="report-errors"></div>
<header><h1>Portfolio backtest: {title}</h1>
<p class="sub">{strategies} strategies · {coins} coin(s) · {interval} bars · capital {capital:.2f}{costs}</p></header>
)",
                                 fmt::arg("title", html_escape(info.title)), fmt::arg("style", report_style()),
                                 fmt::arg("capture", error_capture_script()),
                                 fmt::arg("strategies", r.strategies.size()), fmt::arg("coins", r.coins.size()),
                                 fmt::arg("interval", html_escape(info.interval)), fmt::arg("capital", info.capital),
                                 fmt::arg("costs", info.costs.empty() ? "" : " · costs: " + html_escape(info.costs)));
  html += policy_table_html(policies);
  html += chart_section(
      "chart-pf-equity", "Equity of every policy, over the coins' regimes",
      "Equity at each traded close. Under it, one strip per coin: its volatility regime "
      R"(<span class="swatch" style="background:#1e8449"></span>low <span class="swatch" style="background:#95a5a6">)"
      R"(</span>normal <span class="swatch" style="background:#c0392b"></span>high <span class="swatch" )"
      R"(style="background:#e3e7ec"></span>unknown (warming up); hover a strip for its trend and full label.)",
      R"(<div class="chart band" id="chart-pf-regimes"></div>)");
  html += chart_section("chart-pf-weights", "The allocator's weights over time",
                        "Each strategy's capital share set at a rebalance, held until the next; the stack's "
                        "height is the total weight (the rest is cash).");
  html += chart_section("chart-pf-correlation", "Correlation of the strategies",
                        "Pearson correlation of the strategies' returns (mean of their legs) over the traded bars; "
                        "above the max_correlation cap, the lower-scored one of a pair is dropped.");
  html += last_allocation_html(allocator, last_time);
  html += fmt::format(R"(<footer>organism {} · generated {} · charts: ECharts {} (embedded)</footer>
</main>
<script type="application/json" id="portfolio-data">{}</script>
<script>)",
                      "0.1.0", html_escape(info.generated_at), echarts_version(), script_json(page));
  html += echarts_js();
  html += "</script>\n<script>";
  html += portfolio_chart_script();
  html += "</script>\n</body></html>\n";
  return html;
}

void write_portfolio_report(const std::string& path, const PortfolioBacktestResult& result,
                            const PortfolioReportInfo& info) {
  // Built first, so an inconsistent result leaves no file either.
  const std::string html = build_portfolio_report_html(result, info);
  data::AtomicFileWriter file(path);
  file.write(html);
  file.commit();
}

}  // namespace organism::monitor
