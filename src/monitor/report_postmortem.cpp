// The report's post-mortem sections: the shown strategy's (why, when, age, regimes, live against
// validated) and the list of the run's retired strategies (report.hpp).
#include <fmt/format.h>

#include <cmath>

#include "monitor/report.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {
namespace {

std::string cell(double x, const char* spec) {
  return std::isfinite(x) ? fmt::format(fmt::runtime(spec), x) : std::string("n/a");
}

std::string strategy_section(const lifecycle::Postmortem& p) {
  std::string out = R"(<section id="postmortem"><h2>Post-mortem</h2>)";
  out += fmt::format(
      R"(<p class="reading" id="postmortem-why">Retired {} (market time) after {:.1f} days: {}</p>)",
      core::format_utc(p.died), p.age_days, html_escape(p.reason));
  out +=
      R"(<table id="postmortem-path"><thead><tr><th>time (UTC)</th><th>move</th><th>reason</th></tr></thead><tbody>)";
  for (const auto& e : p.path) {
    out += fmt::format("<tr><td>{}</td><td>{} → {}</td><td>{}</td></tr>", core::format_utc(e.time),
                       e.from ? lifecycle::to_string(*e.from) : "born", lifecycle::to_string(e.to),
                       html_escape(e.reason));
  }
  out += "</tbody></table>";
  out +=
      R"(<table id="postmortem-regimes"><thead><tr><th>coin</th><th>regime at birth</th><th>regime at death</th></tr></thead><tbody>)";
  for (const auto& r : p.regimes) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", html_escape(r.coin),
                       html_escape(r.at_birth), html_escape(r.at_death));
  }
  out += "</tbody></table>";
  out +=
      R"(<table id="postmortem-metrics"><thead><tr><th></th><th>bars</th><th>return</th><th>Sharpe</th><th>max drawdown</th></tr></thead><tbody>)";
  out += fmt::format("<tr><td>validated</td><td></td><td></td><td>{}</td><td>{}</td></tr>",
                     cell(p.validated.sharpe, "{:.3f}"), cell(p.validated.max_drawdown, "{:.4f}"));
  for (const auto& m : p.live) {
    out += fmt::format("<tr><td>live {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                       m.session, m.bars, cell(m.total_return, "{:.4f}"), cell(m.sharpe, "{:.3f}"),
                       cell(m.max_drawdown, "{:.4f}"));
  }
  return out + "</tbody></table></section>\n";
}

}  // namespace

std::string postmortem_html(const ReportData& d) {
  std::string out;
  if (d.postmortem) out += strategy_section(*d.postmortem);
  if (d.run_postmortems.empty()) return out;
  out += R"(<section id="postmortems"><h2>Retired strategies of this run</h2>)";
  out +=
      R"(<table id="postmortem-list"><thead><tr><th>strategy</th><th>family</th><th>retired (UTC)</th><th>age (days)</th><th>why</th></tr></thead><tbody>)";
  for (const auto& p : d.run_postmortems) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{}</td></tr>",
                       html_escape(p.strategy_id), html_escape(p.family), core::format_utc(p.died),
                       p.age_days, html_escape(p.reason));
  }
  return out + "</tbody></table></section>\n";
}

}  // namespace organism::monitor
