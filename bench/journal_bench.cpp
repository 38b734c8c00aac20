// The trading journal's durable write rate: one order event per fsynced commit, and the events of
// one decision (an intent and its "sent" event per order) in one fsynced transaction. The issue
// asks for at least 20,000 events per second with durability at every order event. Rates are
// per wall-clock second (UseRealTime): an fsync waits off the CPU.
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "exec/journal.hpp"

namespace {

using namespace organism;
using exec::OrderEvent;

// A fresh journal in the temp folder (the same disk as the store on a typical install).
exec::Journal fresh_journal(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("organism-bench-" + name + ".journal.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return exec::Journal::open(path.string());
}

exec::OrderIntent bench_intent(std::int64_t n) {
  exec::OrderIntent intent;
  intent.strategy_id = "bench_0_00000000";
  intent.coin = n % 2 == 0 ? "ETH" : "BTC";
  intent.bar_time = 1704067200000 + (n / 500) * 3'600'000;
  intent.sequence = static_cast<std::uint32_t>(n % 500);
  intent.size = 1'000'000;
  intent.price = 230'000'000'000;
  return intent;
}

// Every write its own transaction: the intent, then sent, acked_resting, cancel_acked, each
// fsynced before the call returns. Items are journal writes.
void BM_journal_event_fsync_each(benchmark::State& state) {
  exec::Journal journal = fresh_journal("each");
  std::int64_t n = 0, writes = 0;
  for (auto _ : state) {
    exec::Order order = exec::make_order(bench_intent(n++), exec::OrderLeg::primary, 0);
    journal.record_intent(order);
    order = journal.record_event(order, {OrderEvent::sent, 1, std::nullopt, 0, 0, 0, ""});
    order = journal.record_event(order, {OrderEvent::acked_resting, 2, 7, 0, 0, 0, ""});
    order = journal.record_event(order, {OrderEvent::cancel_acked, 3, std::nullopt, 0, 0, 0, ""});
    writes += 4;
  }
  state.SetItemsProcessed(writes);
}
BENCHMARK(BM_journal_event_fsync_each)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

// One decision of range(0) orders: each order's intent and its "sent" event, all in one batch
// (one fsync), durable before any order would go out. Items are journal writes.
void BM_journal_decision_batch(benchmark::State& state) {
  exec::Journal journal = fresh_journal("batch" + std::to_string(state.range(0)));
  const std::int64_t orders = state.range(0);
  std::int64_t n = 0, writes = 0;
  for (auto _ : state) {
    journal.batch([&] {
      for (std::int64_t k = 0; k < orders; ++k) {
        const exec::Order order = exec::make_order(bench_intent(n++), exec::OrderLeg::primary, 0);
        journal.record_intent(order);
        journal.record_event(order, {OrderEvent::sent, 1, std::nullopt, 0, 0, 0, ""});
      }
    });
    writes += 2 * orders;
  }
  state.SetItemsProcessed(writes);
}
BENCHMARK(BM_journal_decision_batch)->Arg(1)->Arg(10)->Arg(50)->Arg(500)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

}  // namespace
