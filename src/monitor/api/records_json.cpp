// The records' JSON (records_json.hpp), moved out of the CLI's commands so that the CLI and the API
// print the same objects.
#include "monitor/api/records_json.hpp"

#include <string>

#include "backtest/circuit_breakers.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::monitor::api {
namespace {

std::string units(exec::Units v) { return exchange::hl::format_units(v); }

Json figures_object(const std::vector<std::pair<std::string, double>>& figures) {
  Json j = Json::object();
  for (const auto& [name, value] : figures) j[name] = value;
  return j;
}

Json transition_json(const exec::RiskTransitionRecord& t) {
  return {{"time", t.time},
          {"from", t.from},
          {"to", t.to},
          {"reason", t.reason},
          {"figures", figures_object(t.figures)},
          {"description", t.description}};
}

Json var_json(const exec::RiskStatus& s) {
  Json j{{"interval", s.var_interval.empty() ? Json(nullptr) : Json(s.var_interval)},
         {"scenarios", s.var.scenarios},
         {"enough_history", s.var.enough_history},
         {"note", s.var.note}};
  Json levels = Json::array();
  for (const auto& l : s.var.levels) {
    levels.push_back({{"level", l.level},
                      {"tail", l.tail_count},
                      {"var", l.var},
                      {"cvar", l.cvar},
                      {"var_of_equity", l.var_of_equity},
                      {"cvar_of_equity", l.cvar_of_equity}});
  }
  j["levels"] = levels;
  return j;
}

Json exposure_json(const exec::RiskStatus& s) {
  Json by_coin = Json::object(), by_strategy = Json::object();
  for (const auto& c : s.exposure.by_coin) {
    by_coin[c.coin] = {{"notional", c.net_notional}, {"of_equity", c.of_equity}, {"mark", s.marks.at(c.coin)}};
  }
  for (const auto& [strategy, by] : s.positions) {
    Json rows = Json::object();
    for (const auto& [coin, size] : by) {
      const auto notional = s.exposure.by_strategy.find(strategy);
      Json row{{"units", units(size)}};
      row["notional"] = nullptr;
      if (notional != s.exposure.by_strategy.end() && notional->second.contains(coin))
        row["notional"] = notional->second.at(coin);
      rows[coin] = row;
    }
    by_strategy[strategy] = rows;
  }
  return {{"by_coin", by_coin},
          {"by_strategy", by_strategy},
          {"gross", s.exposure.gross},
          {"gross_of_equity", s.exposure.gross_of_equity},
          {"unpriced", s.exposure.unpriced}};
}

}  // namespace

Json order_json(const exec::Order& o) {
  Json j;
  j["cloid"] = o.cloid;
  j["oid"] = o.oid ? Json(*o.oid) : Json(nullptr);
  j["strategy"] = o.intent.strategy_id;
  j["coin"] = o.intent.coin;
  j["bar_time"] = o.intent.bar_time;
  j["side"] = exec::name_of(o.intent.side);
  j["size"] = units(o.intent.size);
  j["price"] = units(o.intent.price);
  j["style"] = exec::name_of(o.intent.style);
  j["leg"] = exec::name_of(o.leg);
  j["state"] = exec::name_of(o.state);
  j["filled_size"] = units(o.filled_size);
  j["average_price"] = units(o.average_price);
  j["fees"] = units(o.fees);
  j["created"] = o.created_ms;
  j["updated"] = o.updated_ms;
  return j;
}

Json position_json(const exec::PositionChange& p) {
  return {{"strategy", p.strategy_id}, {"coin", p.coin},          {"size", units(p.size)},
          {"entry_price", units(p.entry_price)}, {"realized_pnl", units(p.realized_pnl)},
          {"fees", units(p.fees)},     {"funding", units(p.funding)}, {"time", p.time},
          {"cause", p.cause}};
}

Json fill_json(const exec::AttributedFill& f) {
  return {{"tid", f.fill.tid},
          {"time", f.fill.time},
          {"strategy", f.strategy_id},
          {"coin", f.fill.coin},
          {"side", f.fill.buy ? "buy" : "sell"},
          {"size", units(f.fill.sz)},
          {"price", units(f.fill.px)},
          {"fee", units(f.fill.fee)},
          {"closed_pnl", units(f.fill.closed_pnl)},
          {"crossed", f.fill.crossed},
          {"oid", f.fill.oid},
          {"cloid", f.fill.cloid ? Json(*f.fill.cloid) : Json(nullptr)}};
}

Json risk_status_json(const exec::RiskStatus& s) {
  const auto& m = s.memory;
  Json j;
  j["journal"] = s.journal;
  j["state"] = std::string(backtest::name_of(m.state));
  j["reason"] = s.cause ? Json(s.cause->reason) : Json(nullptr);
  j["since"] = s.cause ? Json(s.cause->time) : Json(nullptr);
  j["figures"] = s.cause ? figures_object(s.cause->figures) : Json::object();
  j["description"] = s.cause ? Json(s.cause->description) : Json(nullptr);
  j["memory"] = {{"equity", m.equity},
                 {"peak", m.peak},
                 {"day_start", m.day_start},
                 {"losing_streak", m.losing_streak},
                 {"latched", m.latched ? Json(std::string(backtest::name_of(*m.latched))) : Json(nullptr)}};
  Json tr = Json::array();
  for (const auto& t : s.transitions) tr.push_back(transition_json(t));
  j["transitions"] = tr;
  Json checks = Json::object();
  for (const auto& [reason, c] : s.checks) checks[reason] = {{"rejected", c.rejected}, {"shrunk", c.shrunk}};
  j["checks"] = checks;
  j["exposure"] = exposure_json(s);
  j["var"] = var_json(s);
  Json cmds = Json::array();
  for (const auto& c : s.commands) {
    cmds.push_back({{"id", c.id},
                    {"time", c.time},
                    {"command", c.command},
                    {"by", c.by},
                    {"applied_at", c.applied_at ? Json(*c.applied_at) : Json(nullptr)}});
  }
  j["commands"] = cmds;
  return j;
}

Json strategy_row_json(const data::StrategyRecord& r) {
  return {{"id", r.id},           {"state", r.state},     {"family", r.family},
          {"run", r.run_id},      {"created", r.created}, {"updated", r.updated}};
}

Json lifecycle_event_json(const lifecycle::Event& e) {
  return {{"time", e.time},
          {"from", e.from ? Json(lifecycle::to_string(*e.from)) : Json()},
          {"to", lifecycle::to_string(e.to)},
          {"reason", e.reason},
          {"evidence", Json::parse(e.evidence, nullptr, false)}};
}

}  // namespace organism::monitor::api
