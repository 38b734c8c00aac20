// The market-side panels: equity with its sparkline and drawdown, positions, allocation, regimes;
// and the JSON helpers every panel uses.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/text.hpp"
#include "monitor/dashboard/dashboard_panels.hpp"

namespace organism::monitor::dashboard {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "-";
  const auto& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return core::format_number(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return "-";
}

std::optional<double> number_of(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return std::nullopt;
  const auto& v = j[key];
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return core::parse_double(v.get<std::string>());
  return std::nullopt;
}

const json& array_of(const json* j, const char* key) {
  static const json kEmpty = json::array();
  if (!j) return kEmpty;
  if (j->is_array()) return *j;  // a route answering a bare array
  if (j->is_object() && j->contains(key) && (*j)[key].is_array()) return (*j)[key];
  return kEmpty;
}

std::string fixed2(double v) { return fmt::format("{:.2f}", v); }

std::optional<ScreenLine> missing_line(const DashboardState& s, Route route) {
  const auto& slot = s.slot(route);
  if (slot.json) return std::nullopt;
  ScreenLine line;
  if (slot.status == 401) return line.add("unauthorized: pass --token-file", Style::bad);
  if (!slot.error.empty()) return line.add("no data: " + slot.error, Style::warn);
  return line.add("waiting for " + std::string(route_path(route)), Style::dim);
}

std::vector<ScreenLine> wrap_words(const std::vector<ScreenLine>& words, int width) {
  std::vector<ScreenLine> out;
  ScreenLine current;
  for (const auto& w : words) {
    const int needed = current.text.empty() ? w.width() : current.width() + 2 + w.width();
    if (!current.text.empty() && needed > width) {
      out.push_back(std::move(current));
      current = ScreenLine{};
    }
    if (!current.text.empty()) current.add("  ");
    current.append(w);
  }
  if (!current.text.empty()) out.push_back(std::move(current));
  return out;
}

namespace {

// Account drawdown as a fraction: the point's own figure (its sign does not matter), else from
// the running peak of the series.
double drawdown_at(const json& points, std::size_t i) {
  if (auto d = number_of(points[i], "drawdown")) return std::fabs(*d);
  double peak = 0;
  for (std::size_t k = 0; k <= i; ++k) peak = std::max(peak, number_of(points[k], "equity").value_or(0));
  const double e = number_of(points[i], "equity").value_or(0);
  return peak > 0 ? (peak - e) / peak : 0.0;
}

Style drawdown_style(double d) { return d >= 0.10 ? Style::bad : d >= 0.03 ? Style::warn : Style::good; }

std::string pct(double fraction) { return fmt::format("{:.2f}%", fraction * 100); }

}  // namespace

std::vector<ScreenLine> equity_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::equity)) return {*m};
  const json& points = array_of(s.json(Route::equity), "points");
  if (points.empty()) return {ScreenLine{}.add("no equity marks yet", Style::dim)};
  std::vector<double> equity;
  double max_dd = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    equity.push_back(number_of(points[i], "equity").value_or(0));
    max_dd = std::max(max_dd, drawdown_at(points, i));
  }
  const double dd = drawdown_at(points, points.size() - 1);
  std::vector<ScreenLine> words;
  words.push_back(ScreenLine{}.add("equity ").add(fixed2(equity.back()), Style::title));
  words.push_back(ScreenLine{}.add("drawdown ").add(pct(dd), drawdown_style(dd)));
  words.push_back(ScreenLine{}.add("max " + pct(max_dd)));
  words.push_back(ScreenLine{}.add(fmt::format("({})", text_of(*s.json(Route::equity), "journal")), Style::dim));
  auto out = wrap_words(words, a.width);
  out.push_back(ScreenLine{}.add(sparkline(equity, a.width, a.utf8), Style::good));
  if (a.full) {
    out.push_back(ScreenLine{}.add(fmt::format("{} points, peak {}", points.size(),
                                               fixed2(*std::max_element(equity.begin(), equity.end())))));
    out.push_back(ScreenLine{}.add(fmt::format("{:<20} {:>14} {:>9}", "time (UTC)", "equity", "drawdown"), Style::dim));
    for (std::size_t k = 0; k < points.size(); ++k) {
      const std::size_t i = points.size() - 1 - k;  // newest first
      const auto t = number_of(points[i], "time");
      out.push_back(ScreenLine{}.add(fmt::format("{:<20} {:>14} {:>9}", t ? core::format_utc(static_cast<long long>(*t)) : "-",
                                                 fixed2(equity[i]), pct(drawdown_at(points, i)))));
    }
  }
  return out;
}

std::vector<ScreenLine> positions_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::positions)) return {*m};
  const json& rows = array_of(s.json(Route::positions), "positions");
  if (rows.empty()) return {ScreenLine{}.add("no open positions", Style::dim)};
  const bool wide = a.width >= 80;
  std::vector<ScreenLine> out;
  out.push_back(ScreenLine{}.add(wide ? fmt::format("{:<6} {:>12} {:>11} {:>11} {:>10} {:>9} {:<10} {}", "COIN", "SIZE",
                                                    "ENTRY", "MARK", "NOTIONAL", "PNL", "JOURNAL", "STRATEGY")
                                      : fmt::format("{:<6} {:>10} {:>10} {:>8}", "COIN", "SIZE", "ENTRY", "PNL"),
                                 Style::dim));
  for (const auto& p : rows) {
    const auto pnl = number_of(p, "realized_pnl");
    const Style pnl_style = !pnl ? Style::normal : *pnl < 0 ? Style::bad : Style::good;
    ScreenLine line;
    if (wide) {
      const auto mark = number_of(p, "mark");
      const auto notional = number_of(p, "notional");
      line.add(fmt::format("{:<6} {:>12} {:>11} {:>11} {:>10} ", text_of(p, "coin"), text_of(p, "size"),
                           text_of(p, "entry_price"), mark ? fixed2(*mark) : "-", notional ? fixed2(*notional) : "-"));
      line.add(fmt::format("{:>9}", pnl ? fixed2(*pnl) : "-"), pnl_style);
      line.add(fmt::format(" {:<10} {}", text_of(p, "journal"), text_of(p, "strategy")));
    } else {
      line.add(fmt::format("{:<6} {:>10} {:>10} ", text_of(p, "coin"), text_of(p, "size"), text_of(p, "entry_price")));
      line.add(fmt::format("{:>8}", pnl ? fixed2(*pnl) : "-"), pnl_style);
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<ScreenLine> allocation_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::allocations)) return {*m};
  const json* root = s.json(Route::allocations);
  const json& rows = array_of(root, "allocations");
  if (rows.empty()) return {ScreenLine{}.add("no rebalance yet", Style::dim)};
  std::vector<ScreenLine> out;
  if (const auto t = number_of(*root, "time"))
    out.push_back(ScreenLine{}.add("rebalanced " + clock_text(static_cast<long long>(*t)) + " UTC", Style::dim));
  const int id_width = std::max(8, a.width - 28);
  for (const auto& r : rows) {
    const auto w = number_of(r, "weight");
    const auto e = number_of(r, "exposure");
    std::string id = text_of(r, "strategy");
    if (static_cast<int>(id.size()) > id_width) id.resize(static_cast<std::size_t>(id_width));
    out.push_back(ScreenLine{}.add(fmt::format("{:<{}} {:<5} {:>7} {:>10}", id, id_width, text_of(r, "coin"),
                                               w ? fmt::format("{:.1f}%", *w * 100) : "-", e ? fixed2(*e) : "-")));
  }
  return out;
}

std::vector<ScreenLine> regimes_panel(const DashboardState& s, const PanelArea& a) {
  if (auto m = missing_line(s, Route::regimes)) return {*m};
  const json& rows = array_of(s.json(Route::regimes), "regimes");
  if (rows.empty()) return {ScreenLine{}.add("no regimes stored", Style::dim)};
  std::vector<ScreenLine> out;
  for (const auto& r : rows) {
    ScreenLine line;
    line.add(fmt::format("{:<6} {:<4} ", text_of(r, "coin"), text_of(r, "interval")));
    const std::string trend = text_of(r, "trend");
    line.add(fmt::format("{:<10}", trend), trend == "up" || trend == "bull" ? Style::good
                                           : trend == "down" || trend == "bear" ? Style::bad
                                                                                 : Style::normal);
    line.add(" vol " + text_of(r, "volatility"));
    if (a.full) {
      if (const auto t = number_of(r, "time")) line.add("  " + core::format_utc(static_cast<long long>(*t)), Style::dim);
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace organism::monitor::dashboard
