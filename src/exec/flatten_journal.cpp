#include "exec/flatten_journal.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "backtest/circuit_breakers.hpp"
#include "backtest/risk_limits.hpp"
#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/flatten_intents.hpp"
#include "exec/risk_journal.hpp"

namespace organism::exec {
namespace {

// The strategies' non-zero positions, each with its coin's place among every coin a strategy
// ever held (sorted, like a session's coins); of `only` when it is not empty.
std::vector<HeldPosition> strategy_positions(Journal& journal, const std::vector<std::string>& only,
                                             std::vector<PositionChange>* open) {
  const auto positions = journal.load().positions;
  std::set<std::string> coins;
  for (const auto& p : positions)
    if (!p.strategy_id.empty()) coins.insert(p.coin);
  std::vector<HeldPosition> held;
  for (const auto& p : positions) {
    if (p.strategy_id.empty() || p.size == 0) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), p.coin) == only.end()) continue;
    const auto index = static_cast<std::uint32_t>(std::distance(coins.begin(), coins.find(p.coin)));
    held.push_back({p.strategy_id, p.coin, index, p.size});
    if (open) open->push_back(p);
  }
  return held;
}

bool is_lock_error(const core::Error& e) {
  const std::string what = e.what();
  return what.find("database is locked") != std::string::npos ||
         what.find("database table is locked") != std::string::npos;
}

}  // namespace

FlattenHalt write_flatten_halt(const std::string& journal_path, core::TimeMs now,
                               const std::string& by) {
  auto risk = RiskJournal::open(journal_path);
  FlattenHalt halt;
  // The breakers only carry the memory here: halt() needs no limit and no coin.
  backtest::CircuitBreakers breakers(backtest::RiskLimits{}, 0);
  if (const auto memory = risk.memory()) breakers.restore(*memory);
  const auto made = breakers.halt(now, by);
  if (!made.empty()) {
    risk.record_transitions(made, breakers.memory(), now);
    halt.recorded = true;
  }
  halt.time = risk.last_halt_time().value_or(now);
  // For a trader running now: its in-memory state knows nothing of the transition above.
  halt.command_id = risk.add_command(now, "halt", by);
  return halt;
}

JournalFlattenReport flatten_journal(const JournalFlattenOptions& o, Broker& broker,
                                     const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  JournalFlattenReport report;
  report.journal = o.journal_path;
  try {
    const auto halt = write_flatten_halt(o.journal_path, broker.now(), o.by);
    report.halt_recorded = halt.recorded;
    report.halt_time = halt.time;
    report.command_id = halt.command_id;
    say(fmt::format("journal {}: {} (halt command #{}); only `organism risk resume` trades again",
                    o.journal_path, halt.recorded ? "HALTED by manual" : "already HALTED",
                    halt.command_id));

    auto journal = Journal::open(o.journal_path);
    OrderManager orders(journal, broker, o.orders);
    report.reconciled = orders.reconcile();
    report.canceled = orders.cancel_all();
    if (report.canceled > 0) say(fmt::format("canceled {} open orders of the journal", report.canceled));

    for (int round = 0; round < o.max_attempts; ++round) {
      const auto held = strategy_positions(journal, o.coins, nullptr);
      if (held.empty()) break;
      report.rounds = round + 1;
      const auto intents = flatten_intents(held, report.halt_time, journal);
      if (!intents.empty()) {
        const auto submitted = orders.submit(intents);
        for (const auto& order : submitted.placed) {
          report.closes.push_back(order);
          say(fmt::format("close {} {} {} {} for strategy {}: {}", order.intent.coin,
                          name_of(order.intent.side), exchange::hl::format_units(order.intent.size),
                          order.cloid, order.intent.strategy_id.substr(0, 12), name_of(order.state)));
        }
        for (const auto& order : submitted.looked_up) report.closes.push_back(order);
        for (const auto& why : submitted.refused) report.notes.push_back("close refused: " + why);
        for (const auto& intent : submitted.too_small) {
          report.notes.push_back(fmt::format("round {}: {} {} of strategy {} is under $10: not sent", round + 1,
                                             intent.coin, exchange::hl::format_units(intent.size),
                                             intent.strategy_id.substr(0, 12)));
        }
      }
      // IOC closes are final at once on Hyperliquid; an unknown outcome is looked up by poll().
      for (int p = 0; p < o.polls_per_round; ++p) {
        orders.poll();
        if (orders.open_orders().empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
      }
    }
    strategy_positions(journal, o.coins, &report.left);
  } catch (const core::Error& e) {
    if (!is_lock_error(e)) throw;
    throw core::Error(fmt::format(
        "the trading journal {} is locked by another process beyond the 10 s busy timeout (a running "
        "`organism trade` on it?); flatten stopped without forcing it: stop that process, or run "
        "`organism risk halt --journal {}`, then run flatten again ({})",
        o.journal_path, o.journal_path, e.what()));
  }
  return report;
}

}  // namespace organism::exec
