#include "daemon/daemon_sessions.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "monitor/store_files.hpp"
#include "portfolio/candidates.hpp"

namespace organism::daemon {

std::vector<PlannedSlot> plan_slots(const std::vector<std::string>& wanted, const std::vector<PlannedSlot>& current,
                                    const std::map<std::string, bool>& held) {
  std::vector<PlannedSlot> plan;
  for (const auto& id : wanted) plan.push_back({id, false});
  for (const auto& slot : current) {
    if (std::find(wanted.begin(), wanted.end(), slot.id) != wanted.end()) continue;
    const auto it = held.find(slot.id);
    if (it == held.end() || it->second) plan.push_back({slot.id, true});
  }
  return plan;
}

exec::SessionOptions session_options(const std::string& session, const RunOptions& options, data::Store& store,
                                     const std::vector<PlannedSlot>& slots, const Say& say) {
  exec::SessionOptions o = options.session;
  o.store_path = options.store_path;
  o.loop.interval = options.interval;
  o.slots.clear();
  o.born.clear();
  for (const auto& planned : slots) {
    const auto stored = portfolio::stored_strategy(store, planned.id);
    if (!stored) {
      say(fmt::format("{}: strategy {} is not in the store any more: left out", session, planned.id));
      continue;
    }
    if (!stored->interval.empty() && stored->interval != options.interval.name()) {
      say(fmt::format("{}: strategy {} trades {} bars, the daemon {}: left out", session, planned.id,
                      stored->interval, options.interval.name()));
      continue;
    }
    if (stored->coins.empty()) {
      say(fmt::format("{}: strategy {} has no run universe (its run record is gone): left out", session, planned.id));
      continue;
    }
    exec::StrategySlot slot;
    slot.id = stored->id;
    slot.genome = stored->genome;
    slot.coins = stored->coins;
    slot.validated_max_drawdown = stored->validated_max_drawdown;
    slot.closing = planned.closing;
    o.slots.push_back(std::move(slot));
    o.born.push_back(stored->created);
  }
  const double n = static_cast<double>(o.slots.size());
  for (auto& slot : o.slots) slot.capital_share = 1 / n;
  if (session == kPaperSession) {
    // Paper trading tests a strategy: its own book, never sized by the allocator, so its returns
    // compare one to one with its backtest.
    o.mode = exec::SessionMode::paper;
    o.journal_path = monitor::paper_journal_path(options.store_path);
    o.loop.capital = options.paper_capital * n;
    o.allocation.reset();
    o.real_network = false;
    // The portfolio's caps and breakers (per-coin net cap, drawdown, daily loss, losing streak,
    // volatility) are the production portfolio's: on the paper session they would let one paper
    // strategy's position or loss throttle the others' tests. Each paper book is held to its own
    // limits instead: its genome's leverage and stops, the per-strategy breaker, and the lifecycle's
    // promotion tests; the order checks (collar, size, open orders, stale data, errors) stay.
    // (0 turns a breaker off: backtest/circuit_breakers.cpp.)
    o.risk.asset_cap = o.risk.max_leverage;
    o.risk.max_drawdown = 0;
    o.risk.daily_loss = 0;
    o.risk.losing_streak = 0;
    o.risk.vol_k = 0;
  } else {
    o.mode = options.live ? exec::SessionMode::live : exec::SessionMode::paper;
    o.journal_path.clear();  // exec::Journal::path_for_store
    o.loop.capital = options.capital;
    o.allocation = options.allocator;
  }
  return o;
}

void MarkBook::new_epoch(const std::string& session) { last_equity_[session].clear(); }

std::vector<data::StrategyMark> MarkBook::marks_at(const std::string& session, core::TimeMs time,
                                                   const std::vector<exec::StrategyStatus>& statuses) {
  std::vector<data::StrategyMark> marks;
  auto& last = last_equity_[session];
  for (const auto& s : statuses) {
    data::StrategyMark mark;
    mark.strategy_id = s.id;
    mark.time = time;
    mark.session = session;
    mark.equity = s.equity;
    const auto it = last.find(s.id);
    if (it != last.end() && it->second > 0) mark.ret = s.equity / it->second - 1;
    for (const double e : s.exposure) mark.gross_exposure += std::abs(e);
    last[s.id] = s.equity;
    marks.push_back(std::move(mark));
  }
  return marks;
}

std::string format_mark(const data::StrategyMark& mark) {
  return fmt::format("mark {} {} {} equity {:.4f} ret {} gross {:.4f}", mark.strategy_id, mark.session,
                     core::format_utc(mark.time), mark.equity,
                     std::isfinite(mark.ret) ? fmt::format("{:.8f}", mark.ret) : std::string("nan"),
                     mark.gross_exposure);
}

}  // namespace organism::daemon
