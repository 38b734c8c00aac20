// The table of a run's best distinct front members (evolve_support.hpp: print_front), printed by
// `organism evolve` and `organism validate`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "cli/evolve_support.hpp"
#include "monitor/report.hpp"
#include "monitor/report_text.hpp"

namespace organism::cli {
namespace {

// The monitor layer's JSON type: the front is converted once, so member_rank and number_at serve
// the table as they serve the report.
using Json = nlohmann::json;

double number_at(const Json& j, const char* key) { return monitor::number_at(j, key).value_or(NAN); }

double stage_metric(const Json& member, std::size_t stage, const char* key) {
  const auto& metrics = member.value("metrics", Json::object());
  return number_at(metrics.value(std::string(evolve::stage_name(runs::kStages[stage])), Json::object()), key);
}

std::string cell(double v, int decimals) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "-"; }
std::string percent(double v) { return std::isfinite(v) ? fmt::format("{:.1f}%", 100 * v) : "-"; }

// The held-out cluster of a validated member (members of one cluster trade alike), if any.
std::optional<std::size_t> cluster_of(const Json& member) {
  const auto& v = member.value("validation", Json::object());
  if (!v.contains("held_out_cluster")) return std::nullopt;
  return v.at("held_out_cluster").get<std::size_t>();
}

struct Row {
  monitor::MemberRank rank;
  const Json* member = nullptr;
  std::size_t similar = 0;  // the best of its held-out cluster: the cluster's other members
  std::string like;         // any other member: the id of its cluster's best
};

// At most `top` members ranked by monitor::member_rank: first the best member of each held-out
// cluster (so that near-identical variants of one rule cannot fill the table and hide another
// behaviour), then, while rows are left, the next best members, each marked with the best of its
// cluster.
std::vector<Row> best_of_each_behaviour(const Json& front, std::size_t top, std::size_t& behaviours) {
  std::vector<Row> rows;
  for (const auto& m : front) rows.push_back({monitor::member_rank(m), &m, 0, ""});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return monitor::ranks_before(a.rank, b.rank); });
  std::map<std::size_t, std::size_t> size;
  for (const auto& r : rows) {
    if (const auto c = cluster_of(*r.member)) ++size[*c];
  }
  behaviours = size.size();
  std::vector<Row> shown, rest;
  std::map<std::size_t, std::string> best;  // cluster -> its best member's id
  for (auto r : rows) {
    const auto c = cluster_of(*r.member);
    if (c && !best.emplace(*c, r.member->value("id", "")).second) {
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
  std::stable_sort(shown.begin(), shown.end(),
                   [](const Row& a, const Row& b) { return monitor::ranks_before(a.rank, b.rank); });
  return shown;
}

constexpr const char* kRowFormat = "{:<32} {:<17} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}  {}\n";

void print_row(const Row& row) {
  const Json& m = *row.member;
  const auto& v = m.value("validation", Json::object());
  double worst_dd = 0, trades_per_year = 0;  // the worst stage's drawdown; trades a year, mean over stages
  for (std::size_t s = 0; s < runs::kStages.size(); ++s) {
    worst_dd = std::max(worst_dd, stage_metric(m, s, "max_drawdown"));
    trades_per_year += stage_metric(m, s, "trades_per_year") / static_cast<double>(runs::kStages.size());
  }
  fmt::print(fmt::runtime(kRowFormat), m.value("id", ""), m.value("family", ""), cell(stage_metric(m, 0, "sharpe"), 2),
             cell(stage_metric(m, 1, "sharpe"), 2), cell(stage_metric(m, 2, "sharpe"), 2),
             percent(stage_metric(m, 0, "total_return")), percent(stage_metric(m, 1, "total_return")),
             percent(stage_metric(m, 2, "total_return")), percent(stage_metric(m, 0, "cagr")),
             percent(stage_metric(m, 1, "cagr")), percent(stage_metric(m, 2, "cagr")), percent(worst_dd),
             cell(trades_per_year, 0), cell(number_at(v, "dsr"), 3),
             v.contains("passed") ? (row.rank.survives ? "yes" : "no") : "-");
  std::string rule = m.value("rule", "");
  if (rule.size() > 140) rule = rule.substr(0, 137) + "...";
  const auto aliases = m.value("aliases", Json::array()).size();
  std::string notes;
  if (aliases) notes += fmt::format("  (+{} alias{})", aliases, aliases > 1 ? "es" : "");
  if (row.similar) notes += fmt::format("  (+{} similar member{})", row.similar, row.similar > 1 ? "s" : "");
  if (!row.like.empty()) notes += fmt::format("  (behaves like {})", row.like);
  fmt::print("    {}{}\n", rule, notes);
}

}  // namespace

void print_front(const nlohmann::ordered_json& run, std::size_t top, double target_volatility) {
  const Json front = Json::parse(run.at("front").dump());
  std::size_t behaviours = 0, aliases = 0;
  const auto rows = best_of_each_behaviour(front, top, behaviours);
  for (const auto& m : front) aliases += m.value("aliases", Json::array()).size();
  fmt::print("front: {} distinct members, {} aliases (members trading exactly like one of them){}\n", front.size(),
             aliases, behaviours ? fmt::format(", {} behaviours (clusters of held-out returns)", behaviours) : "");
  fmt::print("best distinct front members at {:.0f}% annualized volatility: the best of each behaviour, then the "
             "next best (survivors first, then by held-out Sharpe):\n",
             100 * target_volatility);
  fmt::print("{:<32} {:<17} {:>20} {:>23} {:>23} {:>8} {:>6} {:>6}\n", "", "", "Sharpe", "total return", "CAGR", "max",
             "trades", "");
  fmt::print(fmt::runtime(kRowFormat), "id", "family", "IS", "OOS", "WF", "IS", "OOS", "WF", "IS", "OOS", "WF",
             "drawdown", "/year", "DSR", "passed");
  for (const auto& row : rows) print_row(row);
  if (front.size() > rows.size()) {
    fmt::print("... {} more distinct front members in --json-out and the store ('strategies' table)\n",
               front.size() - rows.size());
  }
}

}  // namespace organism::cli
