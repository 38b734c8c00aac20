// The metrics and alerts tests' files (monitor_sandbox.hpp).
#include "monitor/monitor_sandbox.hpp"

#include <nlohmann/json.hpp>

#include "data/store.hpp"
#include "exec/risk_journal.hpp"
#include "lifecycle/lifecycle.hpp"

namespace organism::test {

MonitorSandbox::MonitorSandbox() {
  files_ = monitor::MonitorFiles::for_store((dir_ / "organism.db").string());
  data::Store::open(files_.store_path);
  exec::Journal::open(files_.production_journal);
  exec::Journal::open(files_.paper_journal);
}

std::string MonitorSandbox::add_order(core::TimeMs bar_time, core::TimeMs created_ms, std::uint32_t sequence, bool paper,
                                      const std::string& coin) {
  exec::OrderIntent intent;
  intent.strategy_id = "ema_cross_0_5c085782";
  intent.coin = coin;
  intent.bar_time = bar_time;
  intent.sequence = sequence;
  intent.size = 50'000'000;
  intent.price = 230'000'000'000;
  auto journal = exec::Journal::open(paper ? files_.paper_journal : files_.production_journal);
  const auto order = exec::make_order(intent, exec::OrderLeg::primary, created_ms);
  journal.record_intent(order);
  return order.cloid;
}

void MonitorSandbox::add_fill(const std::string& cloid, std::uint64_t tid, exec::Units fee, bool paper) {
  exchange::client::Fill f;
  f.coin = "ETH";
  f.px = 230'000'000'000;
  f.sz = 50'000'000;
  f.buy = true;
  f.time = kBar + kHour;
  f.tid = tid;
  f.fee = fee;
  f.cloid = cloid;
  exec::Journal::open(paper ? files_.paper_journal : files_.production_journal).record_fill(f);
}

void MonitorSandbox::add_funding(exec::Units paid, bool paper) {
  exec::Journal::open(paper ? files_.paper_journal : files_.production_journal)
      .record_funding("ema_cross_0_5c085782", "ETH", paid, kBar + kHour);
}

void MonitorSandbox::add_transition(backtest::TradingState from, backtest::TradingState to, backtest::Breaker reason,
                                    double equity, double peak, core::TimeMs time, bool paper) {
  backtest::Transition t;
  t.time = time;
  t.from = from;
  t.to = to;
  t.reason = reason;
  t.figures = {{"drawdown", 1 - equity / peak}, {"limit", 0.1}, {"peak", peak}, {"equity", equity}};
  backtest::BreakerMemory m;
  m.state = to;
  m.peak = peak;
  m.equity = equity;
  exec::RiskJournal::open(paper ? files_.paper_journal : files_.production_journal).record_transitions({t}, m, time);
}

void MonitorSandbox::set_memory(double equity, double peak, bool paper) {
  backtest::BreakerMemory m;
  m.peak = peak;
  m.equity = equity;
  exec::RiskJournal::open(paper ? files_.paper_journal : files_.production_journal).record_memory(m, kBar);
}

void MonitorSandbox::write_daemon(const monitor::DaemonStatus& status) {
  // Replaced atomically, as the daemon writes it: a reader never sees half a file.
  const std::string tmp = files_.daemon_status_path + ".tmp";
  write_file(tmp, nlohmann::json{{"daemon", monitor::to_json(status)}}.dump());
  std::filesystem::rename(tmp, files_.daemon_status_path);
}

void MonitorSandbox::add_strategy(const std::string& id, const std::string& state, core::TimeMs time) {
  auto store = data::Store::open(files_.store_path);
  if (!store.load_run("r1")) {
    // Aggregate-initialized: GCC 12 reports a false -Wmaybe-uninitialized on assigning short literals.
    store.save_run(data::RunRecord{std::string("r1"), 0, std::string("{}"), std::string("{}"), std::string("finished"),
                                   0, 0, 0, std::string()});
  }
  lifecycle::birth(store,
                   data::StrategyRecord{id, std::string("r1"), std::string("ema_cross"),
                                        std::string(R"({"family":"ema_cross"})"), std::string("[]"),
                                        std::string(R"({"in_sample":{}})"), std::string("testing"), std::string(), 0,
                                        0, 0, {}},
                   time, "found by run r1");
  using lifecycle::State;
  const auto target = lifecycle::parse_state(state);
  if (!target || *target == State::Testing) return;
  // Along the legal path: testing -> validated -> paper -> production -> decaying; retired from anywhere.
  for (const State s : {State::Validated, State::Paper, State::Production, State::Decaying}) {
    if (*target == State::Retired) break;
    lifecycle::transition(store, id, s, "test", "{}", time);
    if (s == *target) return;
  }
  lifecycle::transition(store, id, State::Retired, "test", "{}", time);
}

}  // namespace organism::test
