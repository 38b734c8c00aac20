#include "exec/risk_manager.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exec {

RiskManager::RiskManager(const backtest::RiskLimits& limits, std::vector<std::string> coins,
                         core::TimeMs interval_ms, RiskJournal& journal, OrderManager& orders,
                         TradingLoop& loop, Note note)
    : limits_(limits),
      coins_(std::move(coins)),
      interval_ms_(interval_ms),
      journal_(journal),
      orders_(orders),
      loop_(loop),
      note_(std::move(note)),
      breakers_(limits, coins_.size()) {}

core::TimeMs RiskManager::market_time(core::TimeMs wall_now) const {
  if (bar_close_ < 0) return wall_now;
  return bar_close_ + std::max<core::TimeMs>(0, wall_now - bar_seen_wall_);
}

void RiskManager::start(core::TimeMs wall_now, core::TimeMs last_bar_close,
                        const std::map<std::string, double>& closes) {
  bar_close_ = last_bar_close;
  bar_seen_wall_ = wall_now;
  last_close_ = closes;
  // Trades restored from the ledger were counted by the process that made them (the memory's
  // losing streak): only newer ones go to the breakers.
  trades_seen_.clear();
  for (const auto& account : loop_.accounts()) {
    std::vector<std::size_t> legs;
    for (std::size_t j = 0; j < account.legs(); ++j)
      legs.push_back(account.closed_trades(j).size());
    trades_seen_.push_back(std::move(legs));
  }
  const core::TimeMs time = market_time(wall_now);
  if (const auto memory = journal_.memory()) {
    breakers_.restore(*memory);
    if (memory->state != backtest::TradingState::active) {
      note_(fmt::format(
          "risk: state {} restored from the journal{}", backtest::name_of(memory->state),
          memory->latched ? fmt::format(" (latched by {})", backtest::name_of(*memory->latched))
                          : ""));
    }
  }
  apply_commands(time);
  if (breakers_.state() == backtest::TradingState::halted) enforce_halt(time, true);
}

PreTradeVerdict RiskManager::check(std::vector<OrderIntent> intents) {
  PreTradeContext context;
  for (const auto& s : loop_.status()) context.equity += s.equity;
  for (const auto& coin : coins_) {
    const double mark = orders_.broker().reference_price(coin);
    if (std::isfinite(mark) && mark > 0) context.mark[coin] = mark;
    context.position[coin] = orders_.position(coin);
  }
  for (const auto& intent : intents) {  // a coin outside the session's: asked too
    if (context.mark.contains(intent.coin) || context.position.contains(intent.coin)) continue;
    const double mark = orders_.broker().reference_price(intent.coin);
    if (std::isfinite(mark) && mark > 0) context.mark[intent.coin] = mark;
    context.position[intent.coin] = orders_.position(intent.coin);
  }
  context.open_orders = orders_.open_orders();
  context.state = breakers_.state();
  auto result = check_intents(intents, context, limits_);

  PreTradeVerdict verdict;
  std::vector<RiskCheckRecord> records;
  const core::TimeMs now = orders_.broker().now();
  for (const auto& action : result.actions) {
    records.push_back({now, action.intent.strategy_id, action.intent.coin, cloid_of(action.intent),
                       std::string(name_of(action.reason)), action.rejected, action.intent.size,
                       action.size_after, action.detail});
    verdict.reasons.push_back(fmt::format("{} by {}: {}", action.rejected ? "rejected" : "shrunk",
                                          name_of(action.reason), action.detail));
  }
  // On record before the decision goes on: a rejected intent is journaled, never sent.
  journal_.record_checks(records);
  for (const auto& action : result.actions) ++counts_[static_cast<std::size_t>(action.reason)];
  verdict.allowed = std::move(result.allowed);
  return verdict;
}

void RiskManager::on_bar(const BarReport& report, const std::map<std::string, double>& closes,
                         core::TimeMs wall_now) {
  const core::TimeMs time = report.time + interval_ms_;  // the bar's close
  bar_close_ = time;
  bar_seen_wall_ = wall_now;
  std::vector<backtest::Transition> made;
  auto add = [&](std::vector<backtest::Transition> t) {
    made.insert(made.end(), t.begin(), t.end());
  };
  on_submit(report.submitted, time);
  auto& accounts = loop_.accounts();
  for (std::size_t i = 0; i < accounts.size() && i < trades_seen_.size(); ++i) {
    for (std::size_t j = 0; j < accounts[i].legs() && j < trades_seen_[i].size(); ++j) {
      const auto& trades = accounts[i].closed_trades(j);
      for (std::size_t k = trades_seen_[i][j]; k < trades.size(); ++k)
        add(breakers_.on_trade(time, trades[k].pnl));
      trades_seen_[i][j] = trades.size();
    }
  }
  for (std::size_t c = 0; c < coins_.size(); ++c) {
    const auto now = closes.find(coins_[c]);
    if (now == closes.end()) continue;
    const auto before = last_close_.find(coins_[c]);
    if (before != last_close_.end() && before->second > 0) {
      add(breakers_.on_bar_return(time, c, now->second / before->second - 1));
    }
    last_close_[coins_[c]] = now->second;
  }
  add(breakers_.on_equity(time, report.equity));
  if (made.empty()) {
    journal_.record_memory(breakers_.memory(), time);
  } else {
    handle(made, time);
  }
  if (breakers_.state() == backtest::TradingState::halted) enforce_halt(time, false);
}

void RiskManager::on_poll(core::TimeMs wall_now, core::TimeMs book_age_ms) {
  const core::TimeMs time = market_time(wall_now);
  apply_commands(time);
  std::vector<backtest::Transition> made;
  // Intrabar: a crash within a bar trips within that bar.
  if (const auto equity = marked_equity()) made = breakers_.on_equity(time, *equity);
  if (bar_close_ >= 0) {
    auto stale = breakers_.on_data_age(time, time - bar_close_, interval_ms_, book_age_ms);
    made.insert(made.end(), stale.begin(), stale.end());
  }
  if (!made.empty()) handle(made, time);
  if (breakers_.state() == backtest::TradingState::halted) enforce_halt(time, false);
}

void RiskManager::on_request_failed(core::TimeMs wall_now) {
  const core::TimeMs time = market_time(wall_now);
  const auto made = breakers_.on_request(time, true);
  if (!made.empty()) handle(made, time);
}

void RiskManager::on_submit(const SubmitReport& report, core::TimeMs time) {
  std::vector<backtest::Transition> made;
  for (const auto& order : report.placed) {
    auto t = breakers_.on_request(time, order.state == OrderState::rejected);
    made.insert(made.end(), t.begin(), t.end());
  }
  if (!made.empty()) handle(made, time);
}

std::optional<double> RiskManager::marked_equity() {
  double equity = 0;
  const auto& slots = loop_.slots();
  auto& accounts = loop_.accounts();
  std::map<std::string, double> price;
  for (const auto& coin : coins_) {
    const double ref = orders_.broker().reference_price(coin);
    if (std::isfinite(ref) && ref > 0) {
      price[coin] = ref;
    } else if (const auto it = last_close_.find(coin); it != last_close_.end()) {
      price[coin] = it->second;
    } else {
      return std::nullopt;
    }
  }
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].liquidated()) continue;
    std::vector<double> prices;
    for (const auto& coin : slots[i].coins) prices.push_back(price.at(coin));
    equity += accounts[i].equity(prices);
  }
  return equity;
}

void RiskManager::apply_commands(core::TimeMs time) {
  for (const auto& command : journal_.pending_commands()) {
    std::vector<backtest::Transition> made;
    if (command.command == "resume") {
      const auto equity = marked_equity();
      double value = equity.value_or(0);
      if (!equity) {
        for (const auto& s : loop_.status()) value += s.equity;
      }
      made = breakers_.resume(time, value);
    } else {
      made = breakers_.halt(time, fmt::format("risk halt by {}", command.by));
    }
    note_(fmt::format(
        "risk: command {} (#{} by {}) applied{}", command.command, command.id, command.by,
        made.empty() ? fmt::format(" (nothing to do: {})", backtest::name_of(breakers_.state()))
                     : ""));
    if (!made.empty()) handle(made, time);
    journal_.mark_applied(command.id, time);
  }
}

void RiskManager::handle(const std::vector<backtest::Transition>& transitions, core::TimeMs time) {
  // Durable first: the transition and the memory after it, then the reaction.
  journal_.record_transitions(transitions, breakers_.memory(), time);
  bool halted = false;
  for (const auto& t : transitions) {
    note_("risk: " + t.describe());
    halted = halted ||
             (t.to == backtest::TradingState::halted && t.from != backtest::TradingState::halted);
  }
  if (halted) enforce_halt(time, true);
}

void RiskManager::enforce_halt(core::TimeMs time, bool cancel) {
  if (cancel) {
    const int canceled = orders_.cancel_all();
    if (canceled > 0) note_(fmt::format("risk: HALTED: {} open orders canceled", canceled));
  }
  loop_.book_fills();
  const auto intents = flatten_intents(journal_.last_halt_time().value_or(time));
  if (intents.empty()) return;
  const auto report = orders_.submit(intents);
  for (const auto& o : report.placed) {
    note_(fmt::format("risk: HALTED: flatten {} {} {} ({}) {}", o.intent.strategy_id.substr(0, 12),
                      o.intent.coin, name_of(o.intent.side),
                      exchange::hl::format_units(o.intent.size), name_of(o.state)));
  }
  for (const auto& refused : report.refused) note_("risk: HALTED: flatten refused: " + refused);
  on_submit(report, time);
  loop_.book_fills();
}

std::vector<OrderIntent> RiskManager::flatten_intents(core::TimeMs halt_time) {
  std::vector<HeldPosition> held;
  const auto& slots = loop_.slots();
  const auto& accounts = loop_.accounts();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    for (std::size_t j = 0; j < slots[i].coins.size(); ++j) {
      const auto c = static_cast<std::uint32_t>(
          std::find(coins_.begin(), coins_.end(), slots[i].coins[j]) - coins_.begin());
      held.push_back({slots[i].id, slots[i].coins[j], c, units_of(accounts[i].position(j).units())});
    }
  }
  return exec::flatten_intents(held, halt_time, orders_.journal());
}

}  // namespace organism::exec
