// The organism's health: six components (store, data_feed, exchange, risk, evolution_worker,
// lifecycle_scheduler), each ok / degraded / down / unknown, and a score 0-100 from documented rules
// (docs/api.md "Health rules"). compute_health is pure over inputs gathered from the files
// (gather_health_inputs), so every rule is tested on hand-made inputs. GET /health serves it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "monitor/api/api_sources.hpp"
#include "monitor/daemon_status.hpp"

namespace organism::monitor::api {

enum class ComponentStatus { ok, degraded, down, unknown };
std::string_view name_of(ComponentStatus status);

struct ComponentHealth {
  std::string name{};
  ComponentStatus status = ComponentStatus::unknown;
  std::string detail{};
  std::optional<core::TimeMs> age_ms{};  // how old the evidence is (null when there is none)
};

struct HealthReport {
  core::TimeMs time = 0;
  double score = 0;  // 0-100
  std::string status{};  // "ok" (score >= 90), "degraded" (>= 50), "down"
  int connected = 0;     // components ok
  int total = 6;
  std::vector<ComponentHealth> components{};
};

// The weights of the score, in component order: risk and exchange count most.
struct HealthWeights {
  static constexpr double kStore = 2, kDataFeed = 2, kExchange = 3, kRisk = 3, kEvolutionWorker = 1,
                          kLifecycleScheduler = 1;
};

using EvolutionHealthInputs = EvolutionStatus;  // monitor/daemon_status.hpp

struct HealthInputs {
  core::TimeMs now = 0;  // wall clock
  // The store: whether it opened read-only with this build's schema, else why not.
  bool store_open = false;
  int store_schema = 0;
  std::string store_error{};
  // The newest stored bar of the daemon's coins at its interval (the stalest coin's), or nullopt.
  std::optional<core::TimeMs> newest_bar{};
  std::string newest_bar_series{};  // "hyperliquid:BTC:1h", for the detail
  core::TimeMs interval_ms = 0;     // the daemon's interval (0: unknown)
  std::optional<DaemonStatus> daemon{};
  // The production journal's trading state ("ACTIVE", "REDUCING", "HALTED"), nullopt without one.
  std::optional<std::string> risk_state{};
  std::string risk_reason{};
  std::optional<EvolutionHealthInputs> evolution{};
};

// Thresholds of the rules (docs/api.md).
inline constexpr core::TimeMs kHeartbeatFreshMs = 10'000;       // a daemon older than this is gone
inline constexpr core::TimeMs kDisconnectedDownMs = 30'000;     // exchange disconnected longer: down
inline constexpr core::TimeMs kFeedSlackMs = 60'000;            // data feed ok: <= 2 intervals + this
inline constexpr int kGaveUpResumeAttempts = 3;                 // the worker's kMaxResumeAttempts

HealthReport compute_health(const HealthInputs& inputs);
nlohmann::ordered_json to_json(const HealthReport& report);

// Reads the files of `sources` (never throws: what cannot be read is what the report says).
HealthInputs gather_health_inputs(const ApiSources& sources);

}  // namespace organism::monitor::api
