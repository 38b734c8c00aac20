// The report page: the static parts (header, summary, gate table, readings) written here as
// escaped HTML, the charts drawn in the browser from the embedded, downsampled data.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "monitor/echarts_js.hpp"
#include "monitor/report.hpp"
#include "monitor/report_page.hpp"
#include "monitor/report_series.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 3> kStageNames = {"in_sample", "out_of_sample",
                                                         "walk_forward"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string stage_label(std::string_view stage) {
  if (stage == "in_sample") return "in-sample";
  if (stage == "out_of_sample") return "out-of-sample";
  if (stage == "walk_forward") return "walk-forward";
  return std::string(stage);
}

bool is_survivor(const runs::FrontMember& member) { return member.validation && member.validation->passed; }

// An axis as resolve_axis names it: "stage.metric".
std::optional<double> axis_value(const runs::FrontMember& member, const std::string& axis) {
  const auto dot = axis.find('.');
  return stage_metric(member, axis.substr(0, dot), axis.substr(dot + 1));
}

// A number of a member's validation; nullopt when the member has none or it is not finite.
template <class Field>
std::optional<double> validation_number(const runs::FrontMember& member, Field field) {
  return member.validation ? if_finite(static_cast<double>((*member.validation).*field)) : std::nullopt;
}

// Part of a record as the records' serializer writes it, keys sorted as the page has always
// listed them: what numbers_line reads.
json sorted_part(const nlohmann::ordered_json& record, const char* key) {
  const auto it = record.find(key);
  return it == record.end() ? json::object() : json::parse(it->dump());
}

std::string number_or_dash(std::optional<double> v, const char* spec) {
  return v ? fmt::format(fmt::runtime(spec), *v) : "–";
}

// --- page data (what the chart script draws) ---

json stages_json(const ReportData& d) {
  json out = json::array();
  for (std::size_t k = 0; k < d.stages.size(); ++k) {
    if (d.stages[k].time.empty()) continue;
    out.push_back({{"name", d.stages[k].stage},
                   {"label", stage_label(d.stages[k].stage)},
                   {"begin", d.stages[k].time.front()},
                   {"end", d.stages[k].time.back()}});
  }
  return out;
}

json equity_json(const ChainedCurve& c, std::size_t max_points) {
  const std::array<std::span<const double>, 2> series = {c.equity, c.drawdown};
  json time = json::array(), equity = json::array(), drawdown = json::array();
  for (std::size_t i : downsample_indices(series, c.time.size(), max_points)) {
    time.push_back(c.time[i]);
    equity.push_back(c.equity[i]);
    drawdown.push_back(c.drawdown[i]);
  }
  return {{"time", time}, {"equity", equity}, {"drawdown", drawdown}};
}

// A closed trade's return net of costs, in percent of its entry notional: what a trade earned
// whatever the position's size (the run's backtests trade a fraction of it, docs/evolution.md).
double trade_return(const backtest::Trade& t) {
  const double notional = t.size * t.entry_price;
  return notional > 0 ? 100 * t.pnl / notional : 0.0;
}

json price_json(const ReportData& d) {
  const std::size_t n = std::min(d.price_time.size(), d.price_close.size());
  const std::array<std::span<const double>, 1> series = {std::span(d.price_close).first(n)};
  json time = json::array(), close = json::array();
  for (std::size_t i : downsample_indices(series, n, d.max_points)) {
    time.push_back(d.price_time[i]);
    close.push_back(d.price_close[i]);
  }
  // Entries and exits as buy/sell marks; a long run's trades are thinned evenly to max_points.
  std::vector<const backtest::Trade*> trades;
  for (const auto& s : d.stages) {
    for (const auto& t : s.trades) trades.push_back(&t);
  }
  const std::size_t keep = std::min(trades.size(), d.max_points / 2);
  json marks = json::array();
  for (std::size_t k = 0; k < keep; ++k) {
    const auto& t = *trades[k * trades.size() / keep];
    const char* side = t.side > 0 ? "long" : "short";
    marks.push_back(
        {t.entry_time, t.entry_price, t.side > 0 ? "buy" : "sell", fmt::format("{} entry", side)});
    if (t.open) continue;
    marks.push_back({t.exit_time, t.exit_price, t.side > 0 ? "sell" : "buy",
                     fmt::format("{} exit ({}), trade return {:.2f}%", side,
                                 backtest::exit_reason_name(t.reason), trade_return(t))});
  }
  return {{"time", time}, {"close", close}, {"trades", marks}, {"trade_count", trades.size()}};
}

json monthly_json(const ChainedCurve& c, double initial_equity) {
  const auto months = monthly_returns(c.time, c.equity, initial_equity);
  std::vector<int> years;
  for (const auto& m : months) {
    if (years.empty() || years.back() != m.year) years.push_back(m.year);
  }
  json cells = json::array();
  for (const auto& m : months) {
    const auto y = std::find(years.begin(), years.end(), m.year) - years.begin();
    cells.push_back({m.month - 1, y, m.value});
  }
  return {{"months", kMonths}, {"years", years}, {"cells", cells}};
}

json front_json(const ReportData& d) {
  json points = json::array();
  bool validated = false;
  for (const auto& m : d.run.front) {
    validated = validated || m.validation.has_value();
    const auto x = axis_value(m, d.x_metric);
    const auto y = axis_value(m, d.y_metric);
    if (!x || !y) continue;
    const char* kind = m.id == d.strategy_id ? "chosen" : is_survivor(m) ? "survivor" : "member";
    points.push_back({{"id", m.id}, {"x", *x}, {"y", *y}, {"kind", kind}});
  }
  return {{"x", d.x_metric}, {"y", d.y_metric}, {"validated", validated}, {"points", points}};
}

// --- static HTML ---

std::string header_html(const ReportData& d, const runs::FrontMember& member) {
  std::string badges = fmt::format(R"(<span class="badge">{}</span>)",
                                   html_escape(d.state.empty() ? "unknown" : d.state));
  if (!member.validation) {
    badges += R"(<span class="badge muted">not validated</span>)";
  } else if (is_survivor(member)) {
    badges += R"(<span class="badge good">survivor: passed every gate</span>)";
  } else {
    badges += R"(<span class="badge bad">failed validation</span>)";
  }
  // Front members that trade exactly like this one (docs/validation.md, distinct members).
  std::string aliases;
  if (!member.aliases.empty()) {
    std::vector<std::string> ids;
    for (const auto& a : member.aliases) ids.push_back(html_escape(a));
    aliases = fmt::format(R"(<p class="sub aliases">aliases (same exposures on every coin and stage): {}</p>
)",
                          fmt::join(ids, ", "));
  }
  return fmt::format(R"(<header>
<h1>{id}{badges}</h1>
<p class="sub">family <b>{family}</b> · generation {gen} · run <b>{run}</b> · coin {coin} · {chosen}{costs}</p>
{aliases}<div class="rule"><b>Rule:</b> {rule}</div>
</header>
)",
                     fmt::arg("id", html_escape(d.strategy_id)), fmt::arg("badges", badges),
                     fmt::arg("family", html_escape(member.family)), fmt::arg("gen", member.generation),
                     fmt::arg("run", html_escape(d.run.run)),
                     fmt::arg("coin", html_escape(d.coin)),
                     fmt::arg("chosen", html_escape(d.chosen_by)), fmt::arg("aliases", aliases),
                     fmt::arg("costs", d.costs.empty() ? "" : " · costs: " + html_escape(d.costs)),
                     fmt::arg("rule", html_escape(member.rule)));
}

// The run's PBO; nullopt when the run is not validated or it had none.
std::optional<double> run_pbo(const runs::RunResult& run) {
  return run.validation && run.validation->pbo ? if_finite(*run.validation->pbo) : std::nullopt;
}

std::string summary_html(const runs::RunResult& run, const runs::FrontMember& member, const std::string& coin,
                         double target_volatility) {
  const auto stage_value = [&](std::string_view stage, std::string_view metric) {
    return stage_metric(member, stage, metric);
  };
  std::vector<std::pair<std::string, std::string>> cards;
  for (const auto stage : kStageNames) {
    cards.emplace_back(fmt::format("Sharpe, {}", stage_label(stage)),
                       number_or_dash(stage_value(stage, "sharpe"), "{:.2f}"));
  }
  for (const auto stage : kStageNames) {
    const auto r = stage_value(stage, "total_return");
    cards.emplace_back(fmt::format("Return, {}", stage_label(stage)),
                       r ? fmt::format("{:.1f}%", 100 * *r) : "–");
  }
  const auto dd = stage_value("in_sample", "max_drawdown");
  cards.emplace_back("Max drawdown, in-sample", dd ? fmt::format("{:.1f}%", 100 * *dd) : "–");
  cards.emplace_back("Trades, in-sample",
                     number_or_dash(stage_value("in_sample", "trades"), "{:.0f}"));
  cards.emplace_back("DSR", number_or_dash(validation_number(member, &runs::MemberValidation::dsr), "{:.2f}"));
  cards.emplace_back("PBO (run)", number_or_dash(run_pbo(run), "{:.2f}"));
  cards.emplace_back("Walk-forward efficiency",
                     number_or_dash(validation_number(member, &runs::MemberValidation::wf_efficiency), "{:.2f}"));
  std::string out = R"(<div class="cards">)";
  for (const auto& [k, v] : cards) {
    out += fmt::format(R"(<div class="card"><div class="k">{}</div><div class="v">{}</div></div>)",
                       html_escape(k), html_escape(v));
  }
  const auto coins = run.universe.market.coins.size();
  const std::string scale =
      target_volatility > 0
          ? fmt::format(" at {:.0f}% annualized volatility (every curve rescaled to it: position size is the "
                        "allocator's, evolution ranks rules)",
                        100 * target_volatility)
          : "";
  return out + fmt::format(R"(</div><p class="note">Stage numbers are means over the run's {} coin(s){}; )"
                           R"(the charts below show {}.</p>)"
                           "\n",
                           coins, html_escape(scale), html_escape(coin));
}

// Gate names the validation layer uses, in its order, as people read them (comparison: how the
// value must stand to the threshold).
struct GateLabel {
  std::string_view name, label, comparison;
};
constexpr std::array<GateLabel, 7> kGates = {
    {{"sharpe_in_sample", "Sharpe, in-sample", ">"},
     {"sharpe_out_of_sample", "Sharpe, out-of-sample", ">"},
     {"sharpe_walk_forward", "Sharpe, walk-forward", ">"},
     {"max_drawdown", "Max drawdown (worst stage)", "<"},
     {"dsr", "Deflated Sharpe ratio", ">"},
     {"pbo", "Probability of backtest overfitting (run)", "<"},
     {"cost_stress", "Return with stressed costs (worst stage)", ">"}}};

std::string gate_row(const runs::GateRecord& gate) {
  std::string label = gate.name, comparison;
  for (const auto& g : kGates) {
    if (g.name == gate.name) {
      label = std::string(g.label);
      comparison = std::string(g.comparison) + " ";
    }
  }
  return fmt::format(
      R"(<tr><td>{}</td><td class="{}">{}</td><td class="num">{}</td><td class="num">{}{}</td></tr>)",
      html_escape(label), gate.passed ? "pass" : "fail", gate.passed ? "✓ pass" : "✗ fail",
      number_or_dash(gate.value ? if_finite(*gate.value) : std::nullopt, "{:.4g}"), html_escape(comparison),
      number_or_dash(if_finite(gate.threshold), "{:.4g}"));
}

// "Title: name 0.7, other 0.03." from the numbers of an object (arrays as their length); empty
// when there are none.
std::string numbers_line(std::string_view title, const json& object) {
  std::vector<std::string> parts;
  if (object.is_object()) {
    for (const auto& [name, v] : object.items()) {
      if (v.is_number()) parts.push_back(fmt::format("{} {:.4g}", name, v.get<double>()));
      if (v.is_array()) parts.push_back(fmt::format("{} {}", name, v.size()));
    }
  }
  if (parts.empty()) return "";
  return fmt::format(R"(<p class="reading detail">{}: {}.</p>)", html_escape(title),
                     html_escape(fmt::format("{}", fmt::join(parts, ", "))));
}

DsrFigures dsr_figures(const runs::RunResult& run, const runs::FrontMember& member) {
  const auto& v = member.validation;
  return {validation_number(member, &runs::MemberValidation::dsr),
          validation_number(member, &runs::MemberValidation::dsr_in_sample),
          v ? static_cast<long long>(v->effective_front_members) : 0LL,
          v ? static_cast<long long>(v->effective_trials) : 0LL,
          run.validation ? static_cast<long long>(run.validation->trials) : 0LL};
}

// The gates of a validation in the order the page lists them: kGates' order, then the others by
// name; one row per name, the last of a name as the run JSON keeps it.
std::vector<const runs::GateRecord*> gates_in_page_order(const std::vector<runs::GateRecord>& gates) {
  std::map<std::string, const runs::GateRecord*> by_name;
  for (const auto& g : gates) by_name[g.name] = &g;
  std::vector<const runs::GateRecord*> out;
  for (const auto& g : kGates) {
    const auto it = by_name.find(std::string(g.name));
    if (it == by_name.end()) continue;
    out.push_back(it->second);
    by_name.erase(it);
  }
  for (const auto& [name, g] : by_name) out.push_back(g);
  return out;
}

std::string validation_html(const runs::RunResult& run, const runs::FrontMember& member) {
  std::string out = R"(<section id="validation"><h2>Validation</h2>)";
  out += fmt::format(
      R"(<p class="reading" id="dsr-reading">{}</p><p class="reading" id="pbo-reading">{}</p>)",
      html_escape(dsr_reading(dsr_figures(run, member))), html_escape(pbo_reading(run_pbo(run))));
  if (run.validation) {
    nlohmann::ordered_json run_validation;
    runs::put_json(run_validation, *run.validation);
    out += numbers_line("Walk-forward of the run", sorted_part(run_validation, "walk_forward"));
  }
  if (member.validation) {
    const auto validation = runs::to_json(*member.validation);
    out += numbers_line("Cost stress", sorted_part(validation, "cost_stress"));
    out += numbers_line("Robustness", sorted_part(validation, "robustness"));
  }
  if (!member.validation || member.validation->gates.empty()) {
    return out +
           R"(<p class="missing" id="gates-missing">Gates: not validated (the run has no validation results).</p></section>)"
           "\n";
  }
  out +=
      R"(<table id="gate-table"><thead><tr><th>gate</th><th>result</th><th>value</th><th>threshold</th></tr></thead><tbody>)";
  for (const auto* gate : gates_in_page_order(member.validation->gates)) out += gate_row(*gate);
  return out + "</tbody></table></section>\n";
}

std::string chart_section(std::string_view id, std::string_view title, std::string_view note,
                          bool tall = false) {
  return fmt::format(
      R"(<section><h2>{}</h2><p class="note">{}</p><div class="chart{}" id="{}"></div></section>)"
      "\n",
      html_escape(title), html_escape(note), tall ? " tall" : "", id);
}

}  // namespace

std::string build_report_html(const ReportData& d) {
  const runs::FrontMember* member = front_member(d.run, d.strategy_id);
  if (!member)
    throw core::Error(fmt::format("strategy '{}' is not on the front of run '{}'", d.strategy_id, d.run.run));
  const auto curve = chain_stages(d.stages, d.initial_equity);
  const json page = {{"stages", stages_json(d)},
                     {"equity", equity_json(curve, d.max_points)},
                     {"price", price_json(d)},
                     {"monthly", monthly_json(curve, d.initial_equity)},
                     {"front", front_json(d)}};
  const std::size_t trade_count = page.at("price").at("trade_count").get<std::size_t>();
  const std::size_t marked = std::min(trade_count, d.max_points / 2);

  std::string html =
      fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>organism report: {run} · {id}</title>
<style>{style}</style>
<script>{capture}</script>
</head><body><main>
<div id="report-errors"></div>
)",
                  fmt::arg("run", html_escape(d.run.run)),
                  fmt::arg("id", html_escape(d.strategy_id)), fmt::arg("style", report_style()),
                  fmt::arg("capture", error_capture_script()));
  html += header_html(d, *member);
  html += summary_html(d.run, *member, d.coin, d.target_volatility);
  html += chart_section(
      "chart-equity", "Equity and drawdown by stage",
      "Stages chained (each starts where the previous ended); drawdown from each stage's own peak. "
      "Shaded: in-sample (evolution saw only this), out-of-sample, walk-forward; gaps are "
      "embargoes.",
      true);
  html += chart_section(
      "chart-price", fmt::format("Price of {} with the strategy's trades", d.coin),
      marked < trade_count
          ? fmt::format("Showing {} of {} trades, evenly thinned.", marked, trade_count)
          : fmt::format("{} trades: ▲ buy, ▼ sell (entries and exits).", trade_count));
  html += R"(<div class="grid2">)";
  html += chart_section("chart-monthly", "Monthly returns (%)",
                        "Calendar months of the chained equity curve, all stages.");
  html += chart_section(
      "chart-front", "Pareto front",
      fmt::format(
          "Every front member by {} and {}; survivors of validation in green, this strategy ◆.",
          d.x_metric, d.y_metric));
  html += "</div>\n";
  html += validation_html(d.run, *member);
  html += postmortem_html(d);
  html += fmt::format(R"(<footer>organism {} · generated {} · charts: ECharts {} (embedded)</footer>
</main>
<script type="application/json" id="report-data">{}</script>
<script>)",
                      "0.1.0", html_escape(d.generated_at), echarts_version(), script_json(page));
  html += echarts_js();
  html += "</script>\n<script>";
  html += chart_script();
  html += "</script>\n</body></html>\n";
  return html;
}

}  // namespace organism::monitor
