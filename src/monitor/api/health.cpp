// The health rules (health.hpp; the table in docs/api.md).
#include "monitor/api/health.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/time.hpp"

namespace organism::monitor::api {
namespace {

using S = ComponentStatus;

std::string seconds(core::TimeMs ms) { return fmt::format("{:.0f} s", static_cast<double>(ms) / 1000.0); }

bool heartbeat_fresh(const HealthInputs& in) {
  return in.daemon && in.now - in.daemon->heartbeat_ms <= kHeartbeatFreshMs;
}

ComponentHealth store(const HealthInputs& in) {
  if (!in.store_open) return {"store", S::down, in.store_error.empty() ? "cannot be opened" : in.store_error, {}};
  return {"store", S::ok, fmt::format("opens read-only, schema {}", in.store_schema), {}};
}

// ok: the newest bar is at most 2 intervals + 1 min old; degraded: up to 5 intervals; down beyond.
ComponentHealth data_feed(const HealthInputs& in) {
  if (!in.daemon || in.interval_ms <= 0) return {"data_feed", S::unknown, "no daemon: no live feed to judge", {}};
  if (!in.newest_bar) {
    return {"data_feed", S::down, fmt::format("no stored bar of the daemon's coins at {}", in.daemon->interval), {}};
  }
  const core::TimeMs age = in.now - *in.newest_bar;
  const std::string detail = fmt::format("newest bar {} ({}) is {} old", core::format_utc(*in.newest_bar),
                                         in.newest_bar_series, seconds(age));
  if (age <= 2 * in.interval_ms + kFeedSlackMs) return {"data_feed", S::ok, detail, age};
  if (age <= 5 * in.interval_ms) return {"data_feed", S::degraded, detail, age};
  return {"data_feed", S::down, detail, age};
}

// down: the daemon's heartbeat is older than 10 s, or the exchange is disconnected for more than
// 30 s; degraded: disconnected for less; ok: connected.
ComponentHealth exchange(const HealthInputs& in) {
  if (!in.daemon) return {"exchange", S::unknown, "no daemon status (STORE.daemon.json has no \"daemon\" object)", {}};
  const auto& d = *in.daemon;
  const core::TimeMs heartbeat_age = in.now - d.heartbeat_ms;
  if (heartbeat_age > kHeartbeatFreshMs) {
    return {"exchange", S::down, fmt::format("daemon heartbeat {} old (pid {})", seconds(heartbeat_age), d.pid),
            heartbeat_age};
  }
  if (d.exchange_connected) {
    return {"exchange", S::ok, fmt::format("connected to {} ({} reconnects)", d.url, d.ws_reconnects), heartbeat_age};
  }
  const core::TimeMs down_for = in.now - d.exchange_since_ms;
  return {"exchange", down_for > kDisconnectedDownMs ? S::down : S::degraded,
          fmt::format("disconnected from {} for {}", d.url, seconds(down_for)), down_for};
}

// ok ACTIVE, degraded REDUCING, down HALTED (the production journal's state).
ComponentHealth risk(const HealthInputs& in) {
  if (!in.risk_state) return {"risk", S::unknown, "no production journal", {}};
  const std::string detail = in.risk_reason.empty() ? *in.risk_state : fmt::format("{}: {}", *in.risk_state, in.risk_reason);
  if (*in.risk_state == "ACTIVE") return {"risk", S::ok, detail, {}};
  if (*in.risk_state == "REDUCING") return {"risk", S::degraded, detail, {}};
  return {"risk", S::down, detail, {}};
}

// ok idle or running; degraded when a resume of its run failed; down when it gave up (3 failures);
// unknown without a live daemon.
ComponentHealth evolution_worker(const HealthInputs& in) {
  if (!heartbeat_fresh(in)) return {"evolution_worker", S::unknown, "no live daemon", {}};
  const auto e = in.evolution.value_or(EvolutionHealthInputs{});
  const bool running = e.child_pid > 0 || e.cycle_started_wall > 0;
  const std::optional<core::TimeMs> age =
      e.cycle_started_wall > 0 ? std::optional<core::TimeMs>(in.now - e.cycle_started_wall) : std::nullopt;
  const std::string what = running ? fmt::format("running {}", e.run_id.empty() ? "a cycle" : e.run_id) : "idle";
  if (e.resume_attempts >= kGaveUpResumeAttempts) {
    return {"evolution_worker", S::down, fmt::format("{}; gave up resuming {} after {} attempts", what, e.run_id,
                                                     e.resume_attempts), age};
  }
  if (e.resume_attempts > 0) {
    return {"evolution_worker", S::degraded, fmt::format("{}; {} failed resume attempts", what, e.resume_attempts), age};
  }
  return {"evolution_worker", S::ok, what, age};
}

// ok when the scheduler evaluated within 2 intervals of the newest bar, degraded within 5 (or not
// yet at all), down beyond; unknown without a live daemon.
ComponentHealth lifecycle_scheduler(const HealthInputs& in) {
  if (!heartbeat_fresh(in) || in.interval_ms <= 0) return {"lifecycle_scheduler", S::unknown, "no live daemon", {}};
  const auto& d = *in.daemon;
  const std::optional<core::TimeMs> age =
      d.scheduler_last_wall_ms > 0 ? std::optional<core::TimeMs>(in.now - d.scheduler_last_wall_ms) : std::nullopt;
  const core::TimeMs newest = std::max(d.last_bar, in.newest_bar.value_or(0));
  if (d.scheduler_last_bar <= 0) return {"lifecycle_scheduler", S::degraded, "no evaluation yet", age};
  const core::TimeMs behind = std::max<core::TimeMs>(0, newest - d.scheduler_last_bar);
  const std::string detail = fmt::format("last evaluated bar {}, {} bars behind the newest",
                                         core::format_utc(d.scheduler_last_bar), behind / in.interval_ms);
  if (behind <= 2 * in.interval_ms) return {"lifecycle_scheduler", S::ok, detail, age};
  if (behind <= 5 * in.interval_ms) return {"lifecycle_scheduler", S::degraded, detail, age};
  return {"lifecycle_scheduler", S::down, detail, age};
}

}  // namespace

std::string_view name_of(ComponentStatus status) {
  switch (status) {
    case S::ok: return "ok";
    case S::degraded: return "degraded";
    case S::down: return "down";
    case S::unknown: break;
  }
  return "unknown";
}

HealthReport compute_health(const HealthInputs& in) {
  HealthReport r;
  r.time = in.now;
  r.components = {store(in), data_feed(in), exchange(in), risk(in), evolution_worker(in), lifecycle_scheduler(in)};
  constexpr double kWeights[] = {HealthWeights::kStore,    HealthWeights::kDataFeed,        HealthWeights::kExchange,
                                 HealthWeights::kRisk,     HealthWeights::kEvolutionWorker, HealthWeights::kLifecycleScheduler};
  // Unknown counts as down while a daemon is alive (it should know); without one it is left out.
  const bool fresh = heartbeat_fresh(in);
  double sum = 0, weights = 0;
  for (std::size_t i = 0; i < r.components.size(); ++i) {
    const auto status = r.components[i].status;
    if (status == S::ok) ++r.connected;
    if (status == S::unknown && !fresh) continue;
    const double value = status == S::ok ? 1.0 : status == S::degraded ? 0.5 : 0.0;
    sum += kWeights[i] * value;
    weights += kWeights[i];
  }
  r.total = static_cast<int>(r.components.size());
  r.score = weights > 0 ? std::round(1000.0 * sum / weights) / 10.0 : 0.0;
  r.status = r.score >= 90 ? "ok" : r.score >= 50 ? "degraded" : "down";
  return r;
}

nlohmann::ordered_json to_json(const HealthReport& report) {
  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  for (const auto& c : report.components) {
    components.push_back({{"name", c.name},
                          {"status", name_of(c.status)},
                          {"detail", c.detail},
                          {"age_ms", c.age_ms ? nlohmann::ordered_json(*c.age_ms) : nlohmann::ordered_json(nullptr)}});
  }
  return {{"time", report.time},
          {"score", report.score},
          {"status", report.status},
          {"connected", report.connected},
          {"total", report.total},
          {"components", components}};
}

}  // namespace organism::monitor::api
