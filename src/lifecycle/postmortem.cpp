#include "lifecycle/postmortem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "indicators/regime.hpp"

namespace organism::lifecycle {
namespace {

nlohmann::json number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}
double number_or_nan(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::numeric_limits<double>::quiet_NaN()
                                        : it->get<double>();
}

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) throw core::Error(fmt::format("post-mortem: no '{}' in the record", key));
  return *it;
}

std::string figure(double x, const char* spec = "{:.4f}") {
  return std::isfinite(x) ? fmt::format(fmt::runtime(spec), x) : std::string("n/a");
}

}  // namespace

std::vector<LiveMetrics> live_metrics(std::span<const data::StrategyMark> marks,
                                      double bars_per_year) {
  std::vector<LiveMetrics> out;
  for (const char* session : {"paper", "production"}) {
    std::vector<double> r;
    LiveMetrics m;
    m.session = session;
    for (const auto& mark : marks) {
      if (mark.session != session || !std::isfinite(mark.ret)) continue;
      if (r.empty()) m.first = mark.time;
      m.last = mark.time;
      r.push_back(mark.ret);
    }
    if (r.empty()) continue;
    m.bars = static_cast<std::int64_t>(r.size());
    double e = 1;
    for (double x : r) e *= 1 + x;
    m.total_return = e - 1;
    m.sharpe = annualized_sharpe(r, bars_per_year);
    m.max_drawdown = compounded_drawdown(r);
    out.push_back(m);
  }
  return out;
}

std::string regime_at(const data::CandleView& bars, TimeMs time) {
  const auto end = std::upper_bound(bars.time.begin(), bars.time.end(), time);
  if (end == bars.time.begin()) return "unknown";
  const auto n = static_cast<std::size_t>(end - bars.time.begin());
  const auto regimes = indicators::classify_regimes(bars.slice(0, n), {});
  return regimes.back().label();
}

nlohmann::json to_json(const Postmortem& p) {
  nlohmann::json path = nlohmann::json::array();
  for (const auto& e : p.path) {
    path.push_back({{"time", e.time},
                    {"time_utc", core::format_utc(e.time)},
                    {"from", e.from ? nlohmann::json(std::string(to_string(*e.from)))
                                    : nlohmann::json(nullptr)},
                    {"to", std::string(to_string(e.to))},
                    {"reason", e.reason},
                    {"evidence", nlohmann::json::parse(e.evidence.empty() ? "{}" : e.evidence,
                                                       nullptr, false)}});
  }
  nlohmann::json regimes = nlohmann::json::array();
  for (const auto& r : p.regimes)
    regimes.push_back({{"coin", r.coin}, {"at_birth", r.at_birth}, {"at_death", r.at_death}});
  nlohmann::json live = nlohmann::json::array();
  for (const auto& m : p.live) {
    live.push_back({{"session", m.session},
                    {"bars", m.bars},
                    {"first", m.first},
                    {"last", m.last},
                    {"total_return", number(m.total_return)},
                    {"sharpe", number(m.sharpe)},
                    {"max_drawdown", number(m.max_drawdown)}});
  }
  return {{"id", p.strategy_id},
          {"family", p.family},
          {"run", p.run_id},
          {"born", p.born},
          {"born_utc", core::format_utc(p.born)},
          {"died", p.died},
          {"died_utc", core::format_utc(p.died)},
          {"age_days", p.age_days},
          {"reason", p.reason},
          {"evidence", p.evidence},
          {"path", path},
          {"regimes", regimes},
          {"live", live},
          {"validated",
           {{"sharpe", number(p.validated.sharpe)},
            {"max_drawdown", number(p.validated.max_drawdown)},
            {"mean", number(p.validated.mean)},
            {"std", number(p.validated.stdev)}}},
          {"genome", p.genome}};
}

Postmortem postmortem_from_json(const nlohmann::json& j) {
  Postmortem p;
  p.strategy_id = field(j, "id").get<std::string>();
  p.family = field(j, "family").get<std::string>();
  p.run_id = field(j, "run").get<std::string>();
  p.born = field(j, "born").get<TimeMs>();
  p.died = field(j, "died").get<TimeMs>();
  p.age_days = field(j, "age_days").get<double>();
  p.reason = field(j, "reason").get<std::string>();
  p.evidence = field(j, "evidence");
  for (const auto& e : field(j, "path")) {
    Event ev;
    if (!e.at("from").is_null()) ev.from = parse_state(e.at("from").get<std::string>());
    const auto to = parse_state(e.at("to").get<std::string>());
    if (!to) throw core::Error("post-mortem: unknown state in its path");
    ev.to = *to;
    ev.time = e.at("time").get<TimeMs>();
    ev.reason = e.at("reason").get<std::string>();
    ev.evidence = e.at("evidence").dump();
    p.path.push_back(std::move(ev));
  }
  for (const auto& r : field(j, "regimes")) {
    p.regimes.push_back({r.at("coin").get<std::string>(), r.at("at_birth").get<std::string>(),
                         r.at("at_death").get<std::string>()});
  }
  for (const auto& m : field(j, "live")) {
    LiveMetrics l;
    l.session = m.at("session").get<std::string>();
    l.bars = m.at("bars").get<std::int64_t>();
    l.first = m.at("first").get<TimeMs>();
    l.last = m.at("last").get<TimeMs>();
    l.total_return = number_or_nan(m, "total_return");
    l.sharpe = number_or_nan(m, "sharpe");
    l.max_drawdown = number_or_nan(m, "max_drawdown");
    p.live.push_back(l);
  }
  const auto& v = field(j, "validated");
  p.validated = {number_or_nan(v, "sharpe"), number_or_nan(v, "max_drawdown"),
                 number_or_nan(v, "mean"), number_or_nan(v, "std")};
  p.genome = field(j, "genome");
  return p;
}

std::string to_text(const Postmortem& p) {
  std::string out =
      fmt::format("post-mortem of strategy {} ({}, run {})\n", p.strategy_id, p.family, p.run_id);
  out += fmt::format("  born     {}\n  retired  {} (market time), age {:.1f} days\n",
                     core::format_utc(p.born), core::format_utc(p.died), p.age_days);
  out += fmt::format("  why      {}\n", p.reason);
  for (const auto& e : p.path) {
    out += fmt::format("    {}  {} -> {}: {}\n", core::format_utc(e.time),
                       e.from ? to_string(*e.from) : "born", to_string(e.to), e.reason);
  }
  for (const auto& r : p.regimes) {
    out += fmt::format("  regime   {}: at birth {}, at death {}\n", r.coin, r.at_birth, r.at_death);
  }
  out += fmt::format("  validated  Sharpe {}, max drawdown {}, per-bar mean {} std {}\n",
                     figure(p.validated.sharpe, "{:.3f}"), figure(p.validated.max_drawdown),
                     figure(p.validated.mean, "{:.6f}"), figure(p.validated.stdev, "{:.6f}"));
  if (p.live.empty()) out += "  live       no marks\n";
  for (const auto& m : p.live) {
    out += fmt::format("  live {:<10} {} bars, return {}, Sharpe {}, max drawdown {}\n", m.session,
                       m.bars, figure(m.total_return), figure(m.sharpe, "{:.3f}"),
                       figure(m.max_drawdown));
  }
  return out;
}

void retire(data::Store& store, const std::string& id, const std::string& reason,
            const std::string& evidence, const std::string& postmortem_json, TimeMs now) {
  auto tx = store.transaction();
  transition(store, id, State::Retired, reason, evidence, now);
  store.save_postmortem({id, now, postmortem_json});
  tx.commit();
}

}  // namespace organism::lifecycle
