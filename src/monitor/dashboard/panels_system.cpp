// The organism-side panels: strategies by lifecycle state, risk state and breakers, evolution
// progress, recent alerts; and the header (health score, mode, last bar, clock, API trouble).
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "lifecycle/state.hpp"
#include "monitor/dashboard/dashboard_panels.hpp"

namespace organism::monitor::dashboard {

using nlohmann::json;

namespace {

Style status_style(const std::string& status) {
  if (status == "ok" || status == "ACTIVE" || status == "running" || status == "finished") return Style::good;
  if (status == "degraded" || status == "REDUCING" || status == "warning" || status == "warn") return Style::warn;
  if (status == "down" || status == "HALTED" || status == "critical" || status == "error") return Style::bad;
  return Style::dim;
}

std::string clock_of(const json& j, const char* key) {
  const auto t = number_of(j, key);
  return t ? clock_text(static_cast<long long>(*t)) : "-";
}

}  // namespace

std::vector<ScreenLine> health_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::health)) return {*m};
  const json& h = *s.json(Route::health);
  std::vector<ScreenLine> out;
  const std::string status = text_of(h, "status");
  out.push_back(ScreenLine{}
                    .add(fmt::format("score {}  {}/{} connected  ", text_of(h, "score"), text_of(h, "connected"),
                                     text_of(h, "total")))
                    .add(status, status_style(status))
                    .add("  at " + clock_of(h, "time") + " UTC", Style::dim));
  out.push_back(ScreenLine{}.add(fmt::format("{:<20} {:<9} {:>8}  {}", "COMPONENT", "STATUS", "AGE", "DETAIL"), Style::dim));
  for (const auto& c : array_of(&h, "components")) {
    const std::string st = text_of(c, "status");
    const auto age = number_of(c, "age_ms");
    out.push_back(ScreenLine{}
                      .add(fmt::format("{:<20} ", text_of(c, "name")))
                      .add(fmt::format("{:<9}", st), status_style(st))
                      .add(fmt::format(" {:>8}  {}", age ? age_text(static_cast<long long>(*age)) : "-",
                                       text_of(c, "detail"))));
  }
  (void)a;
  return out;
}

std::vector<ScreenLine> strategies_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::strategies)) return {*m};
  const json& rows = array_of(s.json(Route::strategies), "strategies");
  std::map<std::string, int> counts;
  for (const auto& r : rows) ++counts[text_of(r, "state")];
  std::vector<ScreenLine> words;
  for (const auto state : lifecycle::kAllStates) {
    const std::string name(lifecycle::to_string(state));
    words.push_back(ScreenLine{}.add(name + " ").add(std::to_string(counts[name]), Style::title));
  }
  auto out = wrap_words(words, a.width);
  // The live ones, best live Sharpe first (no marks yet: last).
  std::vector<const json*> live;
  for (const auto& r : rows) {
    const std::string state = text_of(r, "state");
    if (state == "paper" || state == "production" || state == "decaying") live.push_back(&r);
  }
  std::stable_sort(live.begin(), live.end(), [](const json* x, const json* y) {
    return number_of(*x, "live_sharpe").value_or(-1e300) > number_of(*y, "live_sharpe").value_or(-1e300);
  });
  const int id_width = std::max(8, std::min(24, a.width - 30));
  for (const json* r : live) {
    std::string id = text_of(*r, "id");
    if (static_cast<int>(id.size()) > id_width) id.resize(static_cast<std::size_t>(id_width));
    const auto sharpe = number_of(*r, "live_sharpe");
    ScreenLine line;
    line.add(fmt::format("{:<{}} {:<10} ", id, id_width, text_of(*r, "state")));
    line.add(sharpe ? fmt::format("sharpe {:.2f}", *sharpe) : "sharpe -",
             !sharpe ? Style::dim : *sharpe < 0 ? Style::bad : Style::good);
    if (a.full) line.add("  " + text_of(*r, "family"), Style::dim);
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<ScreenLine> risk_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::risk)) return {*m};
  const json& root = *s.json(Route::risk);
  std::vector<ScreenLine> out;
  for (const char* journal : {"production", "paper"}) {
    if (!root.is_object() || !root.contains(journal) || !root[journal].is_object()) continue;
    const json& r = root[journal];
    const std::string state = text_of(r, "state");
    const json mem = r.value("memory", json::object());
    const auto equity = number_of(mem, "equity");
    const auto peak = number_of(mem, "peak");
    const bool has_reason = r.contains("reason") && r["reason"].is_string();
    ScreenLine head;
    head.add(fmt::format("{:<10} ", journal)).add(state, status_style(state));
    if (has_reason && a.full) head.add(" since " + clock_of(r, "since") + ": " + r["reason"].get<std::string>());
    if (has_reason && !a.full) head.add(" (" + r["reason"].get<std::string>() + ")");
    std::vector<ScreenLine> words;
    if (a.full && equity) words.push_back(ScreenLine{}.add("equity " + fixed2(*equity)));
    if (a.full && peak) words.push_back(ScreenLine{}.add("peak " + fixed2(*peak)));
    if (equity && peak && *peak > 0) words.push_back(ScreenLine{}.add(fmt::format("dd {:.2f}%", (*peak - *equity) / *peak * 100)));
    words.push_back(ScreenLine{}.add("streak " + text_of(mem, "losing_streak")));
    if (a.full) {
      out.push_back(std::move(head));
      for (auto& l : wrap_words(words, a.width - 2)) out.push_back(ScreenLine{}.add("  ").append(l));
    } else {  // one line of state and figures, one of breakers: both journals fit a small panel
      for (auto& w : words) head.add("  ").append(w);
      out.push_back(std::move(head));
    }
    // Breakers: the latched state and every check that refused or shrank orders.
    std::vector<ScreenLine> breakers;
    if (mem.contains("latched") && mem["latched"].is_string())
      breakers.push_back(ScreenLine{}.add("latched " + mem["latched"].get<std::string>(), Style::bad));
    if (r.contains("checks") && r["checks"].is_object()) {
      for (const auto& [reason, c] : r["checks"].items()) {
        const auto rejected = number_of(c, "rejected").value_or(0);
        const auto shrunk = number_of(c, "shrunk").value_or(0);
        if (rejected > 0 || shrunk > 0)
          breakers.push_back(ScreenLine{}.add(fmt::format("{} {:g} rejected {:g} shrunk", reason, rejected, shrunk), Style::warn));
      }
    }
    if (breakers.empty()) breakers.push_back(ScreenLine{}.add("none tripped", Style::good));
    breakers.front() = ScreenLine{}.add("breakers: ").append(breakers.front());
    auto wrapped = wrap_words(breakers, a.full ? a.width - 2 : 1 << 20);
    for (auto& l : wrapped) out.push_back(ScreenLine{}.add("  ").append(l));
    if (a.full) {
      for (const auto& t : array_of(&r, "transitions")) {
        out.push_back(ScreenLine{}.add(fmt::format("  {} {} -> {} {}", clock_of(t, "time"), text_of(t, "from"),
                                                   text_of(t, "to"), text_of(t, "reason"))));
      }
    }
  }
  if (out.empty()) out.push_back(ScreenLine{}.add("no trading journal", Style::dim));
  return out;
}

std::vector<ScreenLine> evolution_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::runs)) return {*m};
  const json& runs = array_of(s.json(Route::runs), "runs");
  if (runs.empty()) return {ScreenLine{}.add("no evolution run yet", Style::dim)};
  // The running run, else the newest one (the API lists them oldest first or newest first:
  // pick by "created").
  const json* shown = nullptr;
  for (const auto& r : runs) {
    if (text_of(r, "status") == "running") shown = &r;
  }
  if (!shown) {
    for (const auto& r : runs) {
      if (!shown || number_of(r, "created").value_or(0) > number_of(*shown, "created").value_or(0)) shown = &r;
    }
  }
  const json& r = *shown;
  const std::string status = text_of(r, "status");
  const double generation = number_of(r, "generation").value_or(0);
  const json options = r.value("options", json::object());
  const double generations = number_of(options, "generations").value_or(number_of(r, "generations").value_or(0));
  std::vector<ScreenLine> out;
  out.push_back(ScreenLine{}.add("run " + text_of(r, "id") + " ").add(status, status_style(status)));
  ScreenLine progress;
  progress.add(fmt::format("generation {:g}/{:g} ", generation, generations));
  const int bar = std::max(0, a.width - progress.width() - 6);
  progress.add(progress_bar(generation, generations, bar, a.utf8), Style::good);
  if (generations > 0) progress.add(fmt::format(" {:.0f}%", std::min(100.0, generation / generations * 100)));
  out.push_back(std::move(progress));
  out.push_back(ScreenLine{}.add(fmt::format("evaluations {}  {}s", text_of(r, "evaluations"), text_of(r, "seconds"))));
  if (a.full) {
    out.push_back(ScreenLine{}.add(fmt::format("{} runs stored", runs.size()), Style::dim));
    for (const auto& each : runs)
      out.push_back(ScreenLine{}.add(fmt::format("  {:<24} {:<12} generation {}", text_of(each, "id"),
                                                 text_of(each, "status"), text_of(each, "generation"))));
  }
  return out;
}

std::vector<ScreenLine> alerts_panel(const DashboardState& s, const PanelArea& a) {
  (void)a;
  if (auto m = missing_line(s, Route::alerts)) return {*m};
  const json& alerts = array_of(s.json(Route::alerts), "alerts");
  if (alerts.empty()) return {ScreenLine{}.add("no alerts", Style::dim)};
  std::vector<ScreenLine> out;
  for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) {  // newest first
    const json& al = *it;
    const std::string severity = text_of(al, "severity");
    const char* time_key = al.contains("time_ms") ? "time_ms" : "time";
    std::string title = text_of(al, "title");
    if (title == "-") title = text_of(al, "text");
    out.push_back(ScreenLine{}.add(clock_of(al, time_key) + " ").add(fmt::format("{:<8}", severity), status_style(severity)).add(" " + title));
  }
  return out;
}

std::vector<ScreenLine> header_lines(const DashboardState& s) {
  ScreenLine top;
  top.add("organism ", Style::title);
  const json* health = s.json(Route::health);
  if (health) {
    const std::string status = text_of(*health, "status");
    top.add(fmt::format("{}/{} connected", text_of(*health, "connected"), text_of(*health, "total")), status_style(status));
    top.add(fmt::format("  score {} ", text_of(*health, "score"))).add(status, status_style(status));
  } else {
    top.add("health unknown", Style::dim);
  }
  // The mode: the health's own word when it has one, else the journal the equity comes from.
  std::string mode = health ? text_of(*health, "mode") : "-";
  if (mode == "-" && s.json(Route::equity)) {
    const std::string journal = text_of(*s.json(Route::equity), "journal");
    mode = journal == "production" ? "live" : journal;
  }
  top.add("  mode " + mode);
  std::optional<double> bar_age;
  for (const auto& c : array_of(health, "components"))
    if (text_of(c, "name") == "data_feed") bar_age = number_of(c, "age_ms");
  top.add("  last bar " + (bar_age ? age_text(static_cast<long long>(*bar_age)) + " ago" : std::string("-")));
  top.add("  " + clock_text(s.now_ms) + " UTC");

  ScreenLine second;
  if (s.unreachable_since) {
    second.add(fmt::format("API unreachable since {}: {} (retrying every {} s)", clock_text(*s.unreachable_since),
                           s.unreachable_why, std::max(1, (s.interval_ms + 999) / 1000)),
               Style::bad);
  } else if (s.unauthorized) {
    second.add("unauthorized: pass --token-file", Style::bad);
  } else {
    std::vector<ScreenLine> words;
    for (const auto& c : array_of(health, "components")) {
      const std::string status = text_of(c, "status");
      words.push_back(ScreenLine{}.add(text_of(c, "name") + " ").add(status, status_style(status)));
    }
    for (auto& w : words) {
      if (!second.text.empty()) second.add("  ");
      second.append(w);
    }
    if (words.empty()) second.add(s.url, Style::dim);
  }
  return {top, second};
}

}  // namespace organism::monitor::dashboard
