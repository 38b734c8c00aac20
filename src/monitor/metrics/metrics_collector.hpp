// The Prometheus metrics of `GET /metrics` (docs/monitoring.md lists every one): a prometheus-cpp
// registry refreshed from the monitor's files at each scrape and serialized in the text format
// 0.0.4. Nothing is pushed by the daemon: the collector reads the same journals, store and
// STORE.daemon.json as the API, so `organism serve` exposes the same figures as the daemon.
// Counters follow the journals' totals by their increase since the previous scrape (never down:
// a replaced journal or a restarted daemon starts counting again from its new total).
#pragma once

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "monitor/http/route.hpp"
#include "monitor/store_files.hpp"

namespace organism::monitor {

class MetricsCollector {
 public:
  // `clock` (wall time) must outlive the collector; nullptr: the system clock.
  explicit MetricsCollector(MonitorFiles files, const core::Clock* clock = nullptr);
  ~MetricsCollector();
  MetricsCollector(const MetricsCollector&) = delete;
  MetricsCollector& operator=(const MetricsCollector&) = delete;

  // Refreshes every metric from the files and returns the exposition. Thread-safe: concurrent
  // scrapes run one after the other (a counter's delta must be taken once).
  std::string scrape();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET /metrics, content type "text/plain; version=0.0.4; charset=utf-8". A failed scrape is a 500
// with the reason (Prometheus then records the target as down).
http::Route metrics_route(MetricsCollector& collector);

}  // namespace organism::monitor
