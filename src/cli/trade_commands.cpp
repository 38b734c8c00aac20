// `organism paper` and `organism trade`: stored strategies traded on the exchange's live bars, paper
// (fills against the live book, or the backtest's next-open fills) or live (the agent key, against
// the local simulator or, with --network, Hyperliquid). The work is exec::run_trading_session.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/allocation_option.hpp"
#include "cli/context.hpp"
#include "cli/cost_options.hpp"
#include "cli/live_network.hpp"
#include "cli/strategy_source.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "core/text.hpp"
#include "backtest/risk_limits.hpp"
#include "evolve/genome_config.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/agent_key.hpp"
#include "data/store.hpp"
#include "exec/trading_session.hpp"
#include "lifecycle/lifecycle.hpp"

namespace organism::cli {
namespace {

struct TradeArgs {
  std::string strategies, coins, interval, shares, until, style = "market", on_exit = "cancel", journal;
  std::string fill = "book", key_file, account, network, allocation = "identity";
  bool yes_live = false;
  double capital = 10'000, collar = 0.01;
  double max_dd = 0;  // --max-dd: the validated maximum drawdown of genome files (0: unknown)
  std::int64_t bars = 0, latency_ms = 50, fallback_ms = 60'000, expiry_ms = 30'000, poll_ms = 1000;
};

std::vector<exec::StrategySlot> slots_of(const TradeArgs& a, Context& ctx, std::string& interval,
                                         backtest::BacktestConfig& costs,
                                         std::vector<std::optional<core::TimeMs>>& born) {
  const auto ids = core::split_list(a.strategies);
  if (ids.empty()) throw core::UsageError("--strategies: give at least one strategy id or genome file");
  std::vector<double> shares(ids.size(), 1.0 / static_cast<double>(ids.size()));
  if (!a.shares.empty()) {
    const auto parts = core::split_list(a.shares);
    if (parts.size() != ids.size()) {
      throw core::UsageError(fmt::format("--shares: {} values for {} strategies", parts.size(), ids.size()));
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto v = core::parse_double(parts[i]);
      if (!v || !(*v > 0)) throw core::UsageError(fmt::format("--shares '{}': each share must be a number > 0", parts[i]));
      shares[i] = *v;
    }
  }
  interval = a.interval;
  if (!(a.max_dd >= 0 && a.max_dd < 1)) throw core::UsageError("--max-dd must be a fraction in [0, 1)");
  std::vector<exec::StrategySlot> slots;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto source = strategy_source(ids[i], ctx, "--strategies");
    exec::StrategySlot slot;
    slot.id = source.id;
    slot.genome = source.genome;
    slot.coins = a.coins.empty() ? source.coins : core::split_list(a.coins);
    if (slot.coins.empty()) {
      throw core::UsageError(fmt::format("--coins: strategy '{}' is a genome file; say which coins it trades", ids[i]));
    }
    slot.capital_share = shares[i];
    slot.validated_max_drawdown = source.validated_max_drawdown;
    if (std::isnan(slot.validated_max_drawdown) && a.max_dd > 0) slot.validated_max_drawdown = a.max_dd;
    if (interval.empty()) {
      interval = source.interval;
    } else if (a.interval.empty() && !source.interval.empty() && source.interval != interval) {
      throw core::UsageError(fmt::format("strategies of different intervals ({} and {}): give --interval", interval,
                                         source.interval));
    }
    if (i == 0 && source.costs) costs = *source.costs;
    born.push_back(source.created);
    slots.push_back(std::move(slot));
  }
  if (interval.empty()) throw core::UsageError("--interval: no stored run says it for these strategies; give it");
  return slots;
}

// A stored strategy in production that the per-strategy breaker paused moves to decaying, with
// the pause's note as the reason (lifecycle/state.hpp: the one legal move out of production
// short of retirement). Other states, and genome files, keep theirs: the pause is only printed.
void record_pauses(const exec::BarReport& report, Context& ctx) {
  if (!data::Store::may_exist(ctx.db())) return;
  auto store = data::Store::open_existing(ctx.db());
  for (const auto& status : report.strategies) {
    if (!status.paused || !store.load_strategy(status.id)) continue;
    const auto note = std::find_if(report.paused.begin(), report.paused.end(),
                                   [&](const std::string& n) { return n.starts_with("strategy " + status.id + " paused"); });
    if (note == report.paused.end()) continue;  // paused at an earlier bar: recorded then
    if (lifecycle::current_state(store, status.id) != lifecycle::State::Production) continue;
    lifecycle::transition(store, status.id, lifecycle::State::Decaying, *note, "{}", report.time);
    fmt::print("  lifecycle: {} production -> decaying\n", status.id);
  }
}

void run_session(const TradeArgs& a, Context& ctx, exec::SessionMode mode) {
  exec::SessionOptions o;
  o.mode = mode;
  backtest::BacktestConfig costs = backtest::costs_from_config(ctx.config);
  std::string interval;
  o.slots = slots_of(a, ctx, interval, costs, o.born);
  costs.fill = backtest::FillModel::NextOpen;  // a decision at a close is sent at once
  o.loop.interval = core::Interval::parse_or_throw(interval);
  o.allocation = allocation_from(a.allocation, ctx.config, o.loop.interval);
  o.loop.capital = a.capital;
  o.loop.costs = costs;
  o.loop.style = exec::exec_style_from(a.style);
  o.loop.taker_fallback_ms = a.fallback_ms;
  if (!(a.capital > 0)) throw core::UsageError("--capital must be > 0");
  o.orders.collar = a.collar;
  o.risk = backtest::risk_limits_from(ctx.config);  // always on: paper and trade have no --no-risk
  o.loop.strategy_dd_multiple = o.risk.strategy_dd_multiple;
  o.orders.expiry_ms = a.expiry_ms;
  o.orders.taker_fallback_ms = a.fallback_ms;
  o.fill = exec::replay_fill_from(a.fill);
  o.url = ctx.config.get("exchange.url");
  o.proxy = ctx.config.get("exchange.proxy");
  o.store_path = ctx.db();
  o.journal_path = a.journal;
  o.latency_ms = a.latency_ms;
  o.key_file = a.key_file;
  o.account = a.account;
  if (!a.until.empty()) {
    const auto t = core::parse_time(a.until);
    if (!t) throw core::UsageError(fmt::format("--until '{}': expected a UTC date/time or epoch ms", a.until));
    o.until = *t;
  }
  o.max_bars = a.bars;
  if (a.on_exit != "cancel" && a.on_exit != "keep") throw core::UsageError("--on-exit: cancel or keep");
  o.cancel_on_exit = a.on_exit == "cancel";
  o.poll_every = std::chrono::milliseconds(a.poll_ms);
  if (mode == exec::SessionMode::live) {
    apply_live_network({a.network, a.key_file, a.account, "strategies " + a.strategies, a.yes_live}, ctx.config, o);
  }

  exec::SessionCallbacks cb;
  cb.note = [](const std::string& text) {
    fmt::print("{}\n", text);
    std::fflush(stdout);
  };
  cb.reconciled = [](const exec::ReconcileReport& r) {
    fmt::print("reconciled: {} open orders checked, {} closed, {} fills recovered, {} foreign orders, {} position "
               "mismatches\n",
               r.orders_checked, r.orders_closed, r.fills_recovered, r.foreign_orders.size(), r.position_mismatches.size());
    for (const auto& [coin, p] : r.position_mismatches) {
      fmt::print("  {}: exchange {} journal {}\n", coin, exchange::hl::format_units(p.first),
                 exchange::hl::format_units(p.second));
    }
    std::fflush(stdout);
  };
  cb.bar = [&ctx](const exec::BarReport& report, std::size_t open_orders) {
    fmt::print("{}\n", exec::format_status(report, open_orders));
    for (const auto& note : report.paused) fmt::print("  paused: {}\n", note);
    if (!report.paused.empty()) record_pauses(report, ctx);
    for (const auto& reason : report.check_reasons) fmt::print("  check: {}\n", reason);
    for (const auto& refused : report.submitted.refused) fmt::print("  refused: {}\n", refused);
    std::fflush(stdout);
  };
  core::StopSignals signals;
  const auto summary = exec::run_trading_session(o, cb, signals.token());
  const std::string why = signals.received().empty() ? summary.stop_reason : std::string(signals.received());
  fmt::print("stopped ({}): {} bars, {} orders placed, {} reconnects, {} orders canceled at exit, equity {:.2f}\n",
             why, summary.bars, summary.orders_placed, summary.reconnects, summary.canceled_at_exit, summary.equity);
}

void add_common(CLI::App* cmd, TradeArgs& a, Registry& registry) {
  cmd->add_option("--strategies", a.strategies, "stored strategy ids or genome files, comma separated")->required();
  cmd->add_option("--coins", a.coins, "coins to trade (default: each strategy's run universe)");
  cmd->add_option("--interval", a.interval, "bar interval (default: the strategies' run interval)");
  cmd->add_option("--capital", a.capital, "USD traded, split by --shares")->capture_default_str();
  cmd->add_option("--shares", a.shares, "capital share per strategy, comma separated (default: equal)");
  add_allocation_option(cmd, a.allocation);
  registry.bind(cmd->add_option("--url", "REST base URL (config exchange.url); the simulator's for tests"), "exchange.url");
  registry.bind(cmd->add_option("--proxy", "HTTP CONNECT or SOCKS5 proxy (config exchange.proxy)"), "exchange.proxy");
  cmd->add_option("--style", a.style, "market (IOC at a collar) or post_only (ALO, taker after --fallback-ms)")
      ->capture_default_str();
  cmd->add_option("--collar", a.collar, "a market order's worst price, as a fraction off the mid")->capture_default_str();
  cmd->add_option("--fallback-ms", a.fallback_ms, "post_only: rest this long, then go taker")->capture_default_str();
  cmd->add_option("--expiry-ms", a.expiry_ms, "an order unanswered this long and not found is expired")->capture_default_str();
  cmd->add_option("--on-exit", a.on_exit, "open orders at exit: cancel or keep")->capture_default_str();
  cmd->add_option("--journal", a.journal, "journal file (default: STORE.journal.db beside the store)");
  cmd->add_option("--until", a.until, "stop after deciding the bar that opens at this time");
  cmd->add_option("--bars", a.bars, "stop after deciding this many bars");
  cmd->add_option("--max-dd", a.max_dd,
                  "validated maximum drawdown (fraction) of strategies given as genome files: the per-strategy "
                  "breaker pauses one whose live drawdown exceeds it x risk.strategy_dd_multiple (stored "
                  "strategies use their validation's)");
  cmd->add_option("--poll-ms", a.poll_ms)->group("");
}

}  // namespace

void add_trade_commands(CLI::App& app, Registry& registry) {
  auto p = std::make_shared<TradeArgs>();
  CLI::App* paper = app.add_subcommand("paper", "paper-trade strategies on the exchange's live bars");
  paper->footer(R"(
Every closed bar goes through each strategy's runtime; the difference between the target and the
held position becomes orders, journaled before they are sent (STORE.journal.db). --fill book fills
them against the live order book (walking its levels, taker and maker fees, funding, --latency-ms);
--fill bar fills them at the next bar's open exactly as `organism backtest` does. One status line
per bar. Ctrl-C or SIGTERM stops cleanly; a restart (even after kill -9) reconciles and goes on.
The risk manager is always on (the risk.* keys, docs/risk.md): pre-trade checks on every order,
circuit breakers; "risk: ..." lines report its transitions; `organism risk status | resume`.
Walkthrough: docs/trading.md.)");
  add_common(paper, *p, registry);
  paper->add_option("--fill", p->fill, "book (the live order book) or bar (the next bar's open)")->capture_default_str();
  paper->add_option("--latency-ms", p->latency_ms, "paper book: order sent -> order meets the book")->capture_default_str();
  registry.on(paper, [p](Context& ctx) { run_session(*p, ctx, exec::SessionMode::paper); });

  auto t = std::make_shared<TradeArgs>();
  CLI::App* trade = app.add_subcommand("trade", "trade strategies live with an agent key (the local simulator, or --network testnet|mainnet)");
  trade->footer(R"(
The agent key is read from --key-file (mode 0600, refused otherwise) or ORGANISM_AGENT_KEY; it is
never printed, logged or stored. Without --network only a loopback --url (organism exchange-sim) is
accepted. --network testnet|mainnet trades on Hyperliquid itself: it refuses to start (exit 2)
unless risk.max_drawdown, risk.daily_loss, risk.max_order_notional, risk.max_position_notional and
risk.max_leverage are set explicitly (config file, ORGANISM_RISK_* or flags), prints the network,
account, strategies and limits, and asks you to type the network's name; a run without a terminal
needs --yes-live instead. A dead man's switch (risk.dead_man_seconds, default 60, 0 = off) has the
exchange cancel every open order if this process stops refreshing it. Walkthrough: docs/trading.md,
docs/risk.md.)");
  add_common(trade, *t, registry);
  trade->add_option("--key-file", t->key_file, "the agent wallet's private key (hex), mode 0600");
  trade->add_option("--account", t->account, "the account the agent trades for (default: the key's address)");
  trade->add_option("--network", t->network,
                    "testnet or mainnet: trade on Hyperliquid itself (explicit risk limits and a typed confirmation)");
  trade->add_flag("--yes-live", t->yes_live, "with --network and no terminal: confirm live trading without the prompt");
  registry.on(trade, [t](Context& ctx) { run_session(*t, ctx, exec::SessionMode::live); });
}

}  // namespace organism::cli
