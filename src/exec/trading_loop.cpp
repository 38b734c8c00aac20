#include "exec/trading_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <tbb/parallel_for.h>

#include "backtest/drawdown_stop.hpp"
#include "core/error.hpp"
#include "evolve/genome_config.hpp"
#include "exec/allocation_stage.hpp"

namespace organism::exec {
namespace {

// Leg j's position on the exchange's unit grid: fills are summed there, so that an order that
// closes a position built from several fills leaves exactly 0, not a double's residue that
// would keep a dust trade open.
Units held_units(const backtest::Account& account, std::size_t j) {
  return units_of(account.position(j).units());
}

}  // namespace

// One strategy's live state: a Runtime per coin, its Account, and the bars of the time it is
// waiting to complete.
struct Strategy {
  StrategySlot slot;
  std::vector<strategy::Runtime> runtimes;
  std::vector<double> last_close;
  std::vector<double> target;  // decided at the last close, per leg (allocated, with a stage)
  std::vector<double> signal;  // the runtimes' targets after the guards, before allocation
  // The clamped target each leg was last sized to: a new intent only when the target changes
  // (the backtest's on_change rebalancing), or every bar under every_bar.
  std::vector<double> sized_target;
  core::TimeMs waiting_time = -1;
  std::vector<std::optional<ClosedBar>> waiting;
  backtest::DrawdownStop drawdown_stop;  // the genome's dd_stop, fed as the backtest feeds it
  bool dd_stopped = false;               // its verdict at the last close
  double peak = 0;                       // equity peak since the loop began trading it
  bool paused = false;                   // by the per-strategy breaker, for the session
};

struct TradingLoop::State {
  TradingLoopOptions options;
  OrderManager& orders;
  std::vector<Strategy> strategies;
  std::vector<StrategySlot> slots;
  std::vector<backtest::Account> accounts;
  PreTradeCheck check;
  std::unique_ptr<AllocationStage> allocation;
  bool books_kept_by_broker = false;
  core::TimeMs last_time = -1;

  std::size_t leg_of(std::size_t s, const std::string& coin) const {
    const auto& coins = slots[s].coins;
    const auto it = std::find(coins.begin(), coins.end(), coin);
    return it == coins.end() ? coins.size() : static_cast<std::size_t>(it - coins.begin());
  }
  std::size_t slot_of(const std::string& id) const {
    for (std::size_t s = 0; s < slots.size(); ++s)
      if (slots[s].id == id) return s;
    return slots.size();
  }
  StrategyStatus status_of(std::size_t s) const {
    const auto& st = strategies[s];
    const auto& account = accounts[s];
    StrategyStatus out{slots[s].id, 0, {}, {}, slots[s].coins, st.paused, st.dd_stopped, slots[s].closing};
    std::vector<double> prices(st.last_close);
    for (auto& p : prices)
      if (!std::isfinite(p)) p = 0;
    out.equity = account.liquidated() ? 0 : account.equity(prices);
    for (std::size_t j = 0; j < account.legs(); ++j) {
      const double units = account.position(j).units();
      out.units.push_back(units);
      out.exposure.push_back(out.equity > 0 ? units * prices[j] / out.equity : 0);
    }
    return out;
  }
  // Strategy s's runtimes take the bars of one time: the targets decided at this close, set on
  // its Account; returns the funding the legs paid over the bar (books not kept by the broker:
  // under --fill bar the broker's Account::step pays it, as the backtest does). Touches strategy
  // s only, so strategies run in parallel.
  std::vector<double> advance_runtimes(std::size_t s, const std::vector<std::optional<ClosedBar>>& bars) {
    auto& st = strategies[s];
    auto& account = accounts[s];
    std::vector<double> funding(bars.size(), 0.0);
    for (std::size_t j = 0; j < bars.size(); ++j) {
      const auto& b = *bars[j];
      st.target[j] = st.runtimes[j].on_bar(b.bar, b.funding, b.sentiment);
      st.last_close[j] = b.bar.close;
      if (!books_kept_by_broker && options.costs.funding && std::isfinite(b.funding) && b.funding != 0) {
        funding[j] = account.position(j).units() * b.bar.close * b.funding;
      }
      account.set_target(j, st.target[j]);
    }
    return funding;
  }
  // Strategy s's equity at this close (books current: its fills, and the funding booked) feeds its
  // drawdown stop and its per-strategy breaker, either of which makes its targets 0. Returns the
  // note of a pause that begins at this close.
  std::optional<std::string> guard(std::size_t s) {
    auto& st = strategies[s];
    auto& account = accounts[s];
    if (account.liquidated()) return std::nullopt;
    const double eq = account.equity(st.last_close);
    std::optional<std::string> note;
    st.peak = std::max(st.peak, eq);
    const double allowed = slots[s].validated_max_drawdown * options.strategy_dd_multiple;
    if (!st.paused && std::isfinite(allowed) && allowed > 0 && st.peak > 0) {
      const double drawdown = 1 - eq / st.peak;
      if (drawdown > allowed) {
        st.paused = true;
        note = fmt::format(
            "strategy {} paused for the session: live drawdown {:.2f}% > {:g} x validated maximum {:.2f}% = {:.2f}% "
            "(equity {:.2f}, peak {:.2f}); its positions are closed",
            slots[s].id, drawdown * 100, options.strategy_dd_multiple, slots[s].validated_max_drawdown * 100,
            allowed * 100, eq, st.peak);
      }
    }
    st.dd_stopped = st.drawdown_stop.flat_after(eq);
    if (st.paused || st.dd_stopped || slots[s].closing) {
      for (std::size_t j = 0; j < st.target.size(); ++j) {
        st.target[j] = 0;
        account.set_target(j, 0);
      }
    }
    return note;
  }
  // The allocation stage's targets on every strategy's Account (a rebalance journaled first):
  // strategies that did not decide at this bar get theirs too, sized at their next decision (and
  // stepped with them under --fill bar, as the allocation of this time intends).
  void allocate(BarReport& report) {
    std::vector<std::vector<double>> signals;
    std::vector<double> equity;
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      signals.push_back(strategies[i].signal);
      std::vector<double> prices(strategies[i].last_close);
      for (auto& p : prices)
        if (!std::isfinite(p)) p = 0;
      equity.push_back(accounts[i].liquidated() ? 0 : accounts[i].equity(prices));
    }
    auto decision = allocation->decide(report.time, signals, equity);
    if (!decision.rows.empty()) orders.journal().record_allocations(decision.rows);
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      for (std::size_t j = 0; j < strategies[i].target.size(); ++j) {
        strategies[i].target[j] = decision.account_target[i][j];
        accounts[i].set_target(j, decision.account_target[i][j]);
      }
    }
    report.allocation = std::move(decision.lines);
  }
  // Strategy s's intents at the prices the decision is sized at.
  std::vector<OrderIntent> decide(std::size_t s, const std::vector<std::optional<ClosedBar>>& bars,
                                  const std::map<std::string, double>& reference) {
    auto& st = strategies[s];
    auto& account = accounts[s];
    std::vector<OrderIntent> intents;
    if (account.liquidated()) return intents;
    const std::size_t n = bars.size();
    std::vector<double> prices(n);
    for (std::size_t j = 0; j < n; ++j) {
      const double ref = reference.at(slots[s].coins[j]);
      prices[j] = std::isfinite(ref) && ref > 0 ? ref : st.last_close[j];
    }
    const bool every_bar = options.costs.rebalance == backtest::Rebalance::EveryBar;
    for (std::size_t j = 0; j < n; ++j) {
      const double want = std::clamp(st.target[j], -1.0, 1.0);
      if (want == st.sized_target[j] && !(every_bar && want != 0)) continue;
      const double desired = account.desired_units(j, want, prices);
      const Units delta =
          units_of(desired - account.position(j).units());
      st.sized_target[j] = want;
      if (delta == 0) continue;
      OrderIntent intent;
      intent.strategy_id = slots[s].id;
      intent.coin = slots[s].coins[j];
      intent.bar_time = bars[j]->bar.time;
      intent.sequence = static_cast<std::uint32_t>(j);
      intent.side = delta > 0 ? Side::buy : Side::sell;
      intent.size = delta > 0 ? delta : -delta;
      intent.style = options.style;
      intent.taker_fallback_ms = options.style == ExecStyle::post_only ? options.taker_fallback_ms : 0;
      intents.push_back(std::move(intent));
    }
    return intents;
  }
};

TradingLoop::TradingLoop(std::vector<StrategySlot> slots, TradingLoopOptions options,
                         OrderManager& orders)
    : state_(std::make_unique<State>(State{options, orders, {}, {}, {}, {}, nullptr, false, -1})) {
  if (slots.empty()) throw core::UsageError("the trading loop needs at least one strategy");
  double shares = 0;
  for (const auto& slot : slots) {
    if (slot.coins.empty())
      throw core::UsageError(fmt::format("strategy {} trades no coin", slot.id));
    if (!(slot.capital_share > 0))
      throw core::UsageError(fmt::format("strategy {}: capital share must be > 0", slot.id));
    shares += slot.capital_share;
  }
  if (shares > 1 + 1e-12)
    throw core::UsageError(fmt::format("capital shares sum to {} (at most 1)", shares));
  for (auto& slot : slots) {
    Strategy st;
    st.slot = slot;
    const std::size_t n = slot.coins.size();
    for (std::size_t j = 0; j < n; ++j) {
      try {
        st.runtimes.emplace_back(slot.genome, options.interval, options.feeds);
      } catch (const std::exception& e) {
        throw core::UsageError(fmt::format("strategy {} cannot stream: {}", slot.id, e.what()));
      }
    }
    st.last_close.assign(n, std::numeric_limits<double>::quiet_NaN());
    st.target.assign(n, 0.0);
    st.signal.assign(n, 0.0);
    st.sized_target.assign(n, 0.0);
    st.waiting.assign(n, std::nullopt);
    auto config = evolve::backtest_config(slot.genome, options.costs);
    st.drawdown_stop = backtest::DrawdownStop(config.drawdown_stop);
    config.initial_cash = options.capital * slot.capital_share;
    const std::vector<double> weights(n, 1.0 / static_cast<double>(n));
    state_->accounts.emplace_back(config, weights);
    state_->strategies.push_back(std::move(st));
  }
  state_->slots = std::move(slots);
}

TradingLoop::~TradingLoop() = default;

void TradingLoop::set_pre_trade_check(PreTradeCheck check) { state_->check = std::move(check); }

void TradingLoop::set_allocation_stage(std::unique_ptr<AllocationStage> stage) {
  const auto& slots = state_->slots;
  bool same = stage && stage->slots().size() == slots.size();
  for (std::size_t i = 0; same && i < slots.size(); ++i)
    same = stage->slots()[i].id == slots[i].id && stage->slots()[i].coins == slots[i].coins;
  if (stage && !same) throw core::UsageError("the allocation stage's strategies are not the trading loop's");
  state_->allocation = std::move(stage);
}

const AllocationStage* TradingLoop::allocation_stage() const { return state_->allocation.get(); }

void TradingLoop::warm_up(const ClosedBar& bar) {
  auto& s = *state_;
  for (std::size_t i = 0; i < s.slots.size(); ++i) {
    const std::size_t j = s.leg_of(i, bar.coin);
    if (j == s.slots[i].coins.size()) continue;
    auto& st = s.strategies[i];
    // The target a live loop would have sized to at this bar: a restart then makes no intent for
    // a position already held, and a fresh start joins at the strategy's next change of target.
    st.target[j] = st.runtimes[j].on_bar(bar.bar, bar.funding, bar.sentiment);
    st.sized_target[j] = std::clamp(st.target[j], -1.0, 1.0);
    st.last_close[j] = bar.bar.close;
    if (s.allocation) s.allocation->observe(i, j, bar.bar, bar.funding, st.target[j]);
  }
}

std::vector<BarReport> TradingLoop::on_bar(const ClosedBar& bar) {
  auto& s = *state_;
  book_fills();
  BarReport report;
  report.time = bar.bar.time;
  // The strategies this bar completes (every coin of theirs has the bar of this time).
  std::vector<std::size_t> complete;
  std::vector<std::vector<std::optional<ClosedBar>>> bars_of;
  for (std::size_t i = 0; i < s.slots.size(); ++i) {
    const std::size_t j = s.leg_of(i, bar.coin);
    if (j == s.slots[i].coins.size()) continue;
    auto& st = s.strategies[i];
    if (bar.bar.time != st.waiting_time) {
      // A newer time: bars of an older one that never completed are dropped (a coin without it).
      if (bar.bar.time < st.waiting_time) continue;
      st.waiting_time = bar.bar.time;
      std::fill(st.waiting.begin(), st.waiting.end(), std::nullopt);
    }
    st.waiting[j] = bar;
    if (std::any_of(st.waiting.begin(), st.waiting.end(), [](const auto& b) { return !b; })) continue;
    complete.push_back(i);
    bars_of.push_back(std::exchange(st.waiting, std::vector<std::optional<ClosedBar>>(st.waiting.size())));
    st.waiting_time = -1;
  }
  if (complete.empty()) return {};

  // The runtimes are the decision's work: strategies are independent, so they run side by side
  // (each writes only its own state; results do not depend on the thread count).
  std::vector<std::vector<double>> funding(complete.size());
  tbb::parallel_for(std::size_t{0}, complete.size(),
                    [&](std::size_t k) { funding[k] = s.advance_runtimes(complete[k], bars_of[k]); });
  // Funding booked and journaled in one transaction, strategies in order.
  bool any_funding = false;
  for (const auto& f : funding) any_funding = any_funding || std::any_of(f.begin(), f.end(), [](double v) { return v != 0; });
  if (any_funding) {
    s.orders.journal().batch([&] {
      for (std::size_t k = 0; k < complete.size(); ++k) {
        for (std::size_t j = 0; j < funding[k].size(); ++j) {
          if (funding[k][j] == 0) continue;
          s.orders.journal().record_funding(s.slots[complete[k]].id, s.slots[complete[k]].coins[j],
                                            units_of(funding[k][j]), bar.bar.time);
        }
      }
    });
    for (std::size_t k = 0; k < complete.size(); ++k) {
      for (std::size_t j = 0; j < funding[k].size(); ++j) {
        if (funding[k][j] != 0) s.accounts[complete[k]].book_funding(j, funding[k][j]);
      }
    }
  }
  // The shadow legs of the allocation stage step with the runtimes' own targets (a leg's
  // backtest alone knows no breaker of the loop's).
  if (s.allocation) {
    for (std::size_t k = 0; k < complete.size(); ++k) {
      for (std::size_t j = 0; j < bars_of[k].size(); ++j) {
        const auto& b = *bars_of[k][j];
        s.allocation->observe(complete[k], j, b.bar, b.funding, s.strategies[complete[k]].target[j]);
      }
    }
  }
  for (const std::size_t i : complete) {
    if (auto note = s.guard(i)) report.paused.push_back(std::move(*note));
    s.strategies[i].signal = s.strategies[i].target;
  }
  if (s.allocation) s.allocate(report);
  // One reference price per coin for the whole decision (a live broker asks the exchange).
  std::map<std::string, double> reference;
  for (const std::size_t i : complete) {
    for (const auto& coin : s.slots[i].coins) {
      if (!reference.contains(coin)) reference[coin] = s.orders.broker().reference_price(coin);
    }
  }
  std::vector<OrderIntent> intents;
  for (std::size_t k = 0; k < complete.size(); ++k) {
    auto made = s.decide(complete[k], bars_of[k], reference);
    intents.insert(intents.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
  }
  if (s.check && !intents.empty()) {
    auto verdict = s.check(std::move(intents));
    intents = std::move(verdict.allowed);
    report.check_reasons = std::move(verdict.reasons);
  }
  if (!intents.empty()) report.submitted = s.orders.submit(intents);
  book_fills();
  report.strategies = status();
  for (const auto& st : report.strategies) report.equity += st.equity;
  return {report};
}

void TradingLoop::restore(const std::vector<LedgerEntry>& ledger) {
  auto& s = *state_;
  if (s.books_kept_by_broker) return;
  for (const auto& e : ledger) {
    const std::size_t i = s.slot_of(e.strategy_id);
    if (i == s.slots.size()) continue;
    const std::size_t j = s.leg_of(i, e.coin);
    if (j == s.slots[i].coins.size()) continue;
    auto& account = s.accounts[i];
    if (e.funding != 0) {
      account.book_funding(j, exchange::hl::units_to_double(e.funding));
      continue;
    }
    const double units = exchange::hl::units_to_double(held_units(account, j) + e.size);
    const double target = s.strategies[i].sized_target[j];
    account.apply_fill(j, units, exchange::hl::units_to_double(e.price), exchange::hl::units_to_double(e.fee), target, e.time);
    s.strategies[i].last_close[j] = exchange::hl::units_to_double(e.price);
  }
}

void TradingLoop::book_fills() {
  auto& s = *state_;
  auto fills = s.orders.take_fills();
  if (s.books_kept_by_broker) return;
  for (const auto& f : fills) {
    const std::size_t i = s.slot_of(f.strategy_id);
    if (i == s.slots.size()) continue;  // not an order of this loop's strategies
    const std::size_t j = s.leg_of(i, f.fill.coin);
    if (j == s.slots[i].coins.size()) continue;
    auto& account = s.accounts[i];
    const Units signed_size = f.fill.buy ? f.fill.sz : -f.fill.sz;
    account.apply_fill(j, exchange::hl::units_to_double(held_units(account, j) + signed_size), exchange::hl::units_to_double(f.fill.px),
                       exchange::hl::units_to_double(f.fill.fee), s.strategies[i].sized_target[j], f.fill.time);
  }
}

std::vector<backtest::Account>& TradingLoop::accounts() { return state_->accounts; }
const std::vector<StrategySlot>& TradingLoop::slots() const { return state_->slots; }
void TradingLoop::set_books_kept_by_broker(bool kept) { state_->books_kept_by_broker = kept; }

std::vector<StrategyStatus> TradingLoop::status() const {
  std::vector<StrategyStatus> out;
  for (std::size_t i = 0; i < state_->slots.size(); ++i) out.push_back(state_->status_of(i));
  return out;
}

}  // namespace organism::exec
