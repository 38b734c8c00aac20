// The table of a run's best distinct front members (front_table.hpp).
#include "monitor/front_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <string>

#include "monitor/report.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {
namespace {

// A member's metric on the stage of index `stage` in runs::kStages; NaN when absent or not finite.
double metric_at(const runs::FrontMember& member, std::size_t stage, const char* key) {
  return stage_metric(member, evolve::stage_name(runs::kStages[stage]), key).value_or(NAN);
}

std::string cell(double v, int decimals) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "-"; }
std::string percent_cell(double v) { return std::isfinite(v) ? fmt::format("{:.1f}%", 100 * v) : "-"; }

// The held-out cluster of a validated member (members of one cluster trade alike), if any.
std::optional<std::size_t> cluster_of(const runs::FrontMember& member) {
  if (!member.validation) return std::nullopt;
  return member.validation->held_out_cluster;
}

struct Row {
  MemberRank rank;
  const runs::FrontMember* member = nullptr;
  std::size_t similar = 0;  // the best of its held-out cluster: the cluster's other members
  std::string like;         // any other member: the id of its cluster's best
};

// At most `top` members ranked by member_rank: first the best member of each held-out
// cluster (so that near-identical variants of one rule cannot fill the table and hide another
// behaviour), then, while rows are left, the next best members, each marked with the best of its
// cluster.
std::vector<Row> best_of_each_behaviour(const std::vector<runs::FrontMember>& front, std::size_t top,
                                        std::size_t& behaviours) {
  std::vector<Row> rows;
  for (const auto& m : front) rows.push_back({member_rank(m), &m, 0, ""});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return ranks_before(a.rank, b.rank); });
  std::map<std::size_t, std::size_t> size;
  for (const auto& r : rows) {
    if (const auto c = cluster_of(*r.member)) ++size[*c];
  }
  behaviours = size.size();
  std::vector<Row> shown, rest;
  std::map<std::size_t, std::string> best;  // cluster -> its best member's id
  for (auto r : rows) {
    const auto c = cluster_of(*r.member);
    if (c && !best.emplace(*c, r.member->id).second) {
      r.like = best.at(*c);
      rest.push_back(r);
      continue;
    }
    r.similar = c ? size[*c] - 1 : 0;
    if (shown.size() < top) shown.push_back(r);
  }
  for (const auto& r : rest) {
    if (shown.size() < top) shown.push_back(r);
  }
  std::stable_sort(shown.begin(), shown.end(), [](const Row& a, const Row& b) { return ranks_before(a.rank, b.rank); });
  return shown;
}

constexpr const char* kRowFormat = "{:<32} {:<17} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}  {}\n";

void put_row(std::string& out, const Row& row) {
  const runs::FrontMember& m = *row.member;
  double worst_dd = 0, trades_per_year = 0;  // the worst stage's drawdown; trades a year, mean over stages
  for (std::size_t s = 0; s < runs::kStages.size(); ++s) {
    worst_dd = std::max(worst_dd, metric_at(m, s, "max_drawdown"));
    trades_per_year += metric_at(m, s, "trades_per_year") / static_cast<double>(runs::kStages.size());
  }
  const double dsr = m.validation ? if_finite(m.validation->dsr).value_or(NAN) : NAN;
  fmt::format_to(std::back_inserter(out), fmt::runtime(kRowFormat), m.id, m.family, cell(metric_at(m, 0, "sharpe"), 2),
             cell(metric_at(m, 1, "sharpe"), 2), cell(metric_at(m, 2, "sharpe"), 2),
             percent_cell(metric_at(m, 0, "total_return")), percent_cell(metric_at(m, 1, "total_return")),
             percent_cell(metric_at(m, 2, "total_return")), percent_cell(metric_at(m, 0, "cagr")),
             percent_cell(metric_at(m, 1, "cagr")), percent_cell(metric_at(m, 2, "cagr")), percent_cell(worst_dd),
             cell(trades_per_year, 0), cell(dsr, 3), m.validation ? (row.rank.survives ? "yes" : "no") : "-");
  std::string rule = m.rule;
  if (rule.size() > 140) rule = rule.substr(0, 137) + "...";
  const auto aliases = m.aliases.size();
  std::string notes;
  if (aliases) notes += fmt::format("  (+{} alias{})", aliases, aliases > 1 ? "es" : "");
  if (row.similar) notes += fmt::format("  (+{} similar member{})", row.similar, row.similar > 1 ? "s" : "");
  if (!row.like.empty()) notes += fmt::format("  (behaves like {})", row.like);
  fmt::format_to(std::back_inserter(out), "    {}{}\n", rule, notes);
}

}  // namespace

std::string front_table(const runs::RunResult& run, std::size_t top, double target_volatility) {
  const auto& front = run.front;
  std::size_t behaviours = 0, aliases = 0;
  const auto rows = best_of_each_behaviour(front, top, behaviours);
  for (const auto& m : front) aliases += m.aliases.size();
  std::string out;
  const auto put = std::back_inserter(out);
  fmt::format_to(put, "front: {} distinct members, {} aliases (members trading exactly like one of them){}\n", front.size(),
             aliases, behaviours ? fmt::format(", {} behaviours (clusters of held-out returns)", behaviours) : "");
  fmt::format_to(put, "best distinct front members at {:.0f}% annualized volatility: the best of each behaviour, then the "
             "next best (survivors first, then by held-out Sharpe):\n",
             100 * target_volatility);
  fmt::format_to(put, "{:<32} {:<17} {:>20} {:>23} {:>23} {:>8} {:>6} {:>6}\n", "", "", "Sharpe", "total return", "CAGR", "max",
             "trades", "");
  fmt::format_to(put, fmt::runtime(kRowFormat), "id", "family", "IS", "OOS", "WF", "IS", "OOS", "WF", "IS", "OOS", "WF",
             "drawdown", "/year", "DSR", "passed");
  for (const auto& row : rows) put_row(out, row);
  if (front.size() > rows.size()) {
    fmt::format_to(put, "... {} more distinct front members in --json-out and the store ('strategies' table)\n",
                   front.size() - rows.size());
  }
  return out;
}

}  // namespace organism::monitor
