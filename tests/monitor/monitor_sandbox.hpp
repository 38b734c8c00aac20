// A store, its two trading journals and STORE.daemon.json in a temp folder, written through the
// real writers (exec::Journal, exec::RiskJournal, the lifecycle's store functions), for the
// metrics and alerts tests.
#pragma once

#include <cstdint>
#include <string>

#include "backtest/circuit_breakers.hpp"
#include "exec/journal.hpp"
#include "monitor/daemon_status.hpp"
#include "monitor/store_files.hpp"
#include "support/test_support.hpp"

namespace organism::test {

inline constexpr core::TimeMs kHour = 3'600'000;
inline constexpr core::TimeMs kBar = 1'767'225'600'000;  // 2026-01-01 00:00 UTC, a bar's open

class MonitorSandbox {
 public:
  MonitorSandbox();
  const monitor::MonitorFiles& files() const { return files_; }

  // An order of `strategy` for `coin` decided at the close of the bar opened at `bar_time`,
  // journaled at `created_ms` in the production (or paper) journal; returns its cloid.
  std::string add_order(core::TimeMs bar_time, core::TimeMs created_ms, std::uint32_t sequence,
                        bool paper = false, const std::string& coin = "ETH");
  // A fill of the order `cloid` with exchange id `tid` and fee (1e-8 USD units).
  void add_fill(const std::string& cloid, std::uint64_t tid, exec::Units fee, bool paper = false);
  void add_funding(exec::Units paid, bool paper = false);
  // A risk transition with the memory after it (equity and peak set).
  void add_transition(backtest::TradingState from, backtest::TradingState to, backtest::Breaker reason,
                      double equity, double peak, core::TimeMs time, bool paper = false);
  void set_memory(double equity, double peak, bool paper = false);
  void write_daemon(const monitor::DaemonStatus& status);
  // A strategy born (testing), optionally moved on to `state`.
  void add_strategy(const std::string& id, const std::string& state, core::TimeMs time);

 private:
  TempDir dir_;
  monitor::MonitorFiles files_;
  std::uint64_t next_tid_ = 1;
};

}  // namespace organism::test
