#include "monitor/daemon_status.hpp"

#include <fstream>

namespace organism::monitor {

nlohmann::json to_json(const DaemonStatus& s) {
  nlohmann::json sessions = nlohmann::json::object();
  for (const auto& [name, session] : s.sessions)
    sessions[name] = {{"running", session.running}, {"strategies", session.strategies}};
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : s.errors) errors.push_back({{"time_ms", e.time_ms}, {"message", e.message}});
  return {{"pid", s.pid},
          {"started_ms", s.started_ms},
          {"heartbeat_ms", s.heartbeat_ms},
          {"mode", s.mode},
          {"url", s.url},
          {"last_bar", s.last_bar},
          {"interval", s.interval},
          {"coins", s.coins},
          {"exchange", {{"connected", s.exchange_connected}, {"since_ms", s.exchange_since_ms}, {"reconnects", s.ws_reconnects}}},
          {"sessions", sessions},
          {"scheduler", {{"last_evaluated_bar", s.scheduler_last_bar}, {"last_evaluated_wall_ms", s.scheduler_last_wall_ms}}},
          {"errors", errors}};
}

DaemonStatus daemon_status_from_json(const nlohmann::json& j) {
  DaemonStatus s;
  if (!j.is_object()) return s;
  s.pid = j.value("pid", std::int64_t{0});
  s.started_ms = j.value("started_ms", core::TimeMs{0});
  s.heartbeat_ms = j.value("heartbeat_ms", core::TimeMs{0});
  s.mode = j.value("mode", std::string());
  s.url = j.value("url", std::string());
  s.last_bar = j.value("last_bar", core::TimeMs{0});
  s.interval = j.value("interval", std::string());
  if (j.contains("coins") && j["coins"].is_array())
    for (const auto& c : j["coins"])
      if (c.is_string()) s.coins.push_back(c.get<std::string>());
  if (j.contains("exchange") && j["exchange"].is_object()) {
    const auto& e = j["exchange"];
    s.exchange_connected = e.value("connected", false);
    s.exchange_since_ms = e.value("since_ms", core::TimeMs{0});
    s.ws_reconnects = e.value("reconnects", std::int64_t{0});
  }
  if (j.contains("sessions") && j["sessions"].is_object())
    for (const auto& [name, session] : j["sessions"].items())
      if (session.is_object())
        s.sessions[name] = DaemonSessionStatus{session.value("running", false), session.value("strategies", 0)};
  if (j.contains("scheduler") && j["scheduler"].is_object()) {
    s.scheduler_last_bar = j["scheduler"].value("last_evaluated_bar", core::TimeMs{0});
    s.scheduler_last_wall_ms = j["scheduler"].value("last_evaluated_wall_ms", core::TimeMs{0});
  }
  if (j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_object()) s.errors.push_back(DaemonError{e.value("time_ms", core::TimeMs{0}), e.value("message", std::string())});
  return s;
}

DaemonFile read_daemon_file(const std::string& state_path) {
  DaemonFile out;
  std::ifstream in(state_path);
  if (!in) return out;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  if (j.contains("daemon")) out.daemon = daemon_status_from_json(j["daemon"]);
  if (j.contains("evolution") && j["evolution"].is_object()) {
    const auto& e = j["evolution"];
    out.evolution = EvolutionStatus{e.value("cycle_started_wall", core::TimeMs{0}), e.value("child_pid", std::int64_t{0}),
                                    e.value("resume_attempts", 0), e.value("run_id", std::string())};
  }
  return out;
}

std::optional<DaemonStatus> read_daemon_status(const std::string& state_path) {
  return read_daemon_file(state_path).daemon;
}

}  // namespace organism::monitor
