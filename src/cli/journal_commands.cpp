// `organism orders | positions | fills`: what the trading journal holds, read-only (safe while a
// paper or trade session writes it). The reading is exec::JournalReader.
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/journal.hpp"
#include "exec/journal_reader.hpp"
#include "monitor/api/records_json.hpp"

namespace organism::cli {
namespace {

struct JournalArgs {
  std::string journal, since;
  bool json = false, all = false;
  std::size_t limit = 100;
};

std::string units(exec::Units v) { return exchange::hl::format_units(v); }

exec::JournalReader open_reader(const JournalArgs& a, const Context& ctx) {
  return exec::JournalReader::open(a.journal.empty() ? exec::Journal::path_for_store(ctx.db()) : a.journal);
}

void run_orders(const JournalArgs& a, Context& ctx) {
  auto reader = open_reader(a, ctx);
  const auto orders = reader.orders(a.all, a.limit);
  if (a.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& o : orders) out.push_back(monitor::api::order_json(o));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  if (orders.empty()) {
    fmt::print("{}\n", a.all ? "no orders in the journal" : "no open orders (--all lists every order)");
    return;
  }
  fmt::print("{:<19}  {:<16}  {:<6} {:<4}  {:>12} {:>12}  {:<9} {:<16} {:>12} {:>12}  {}\n", "updated", "strategy", "coin",
             "side", "size", "price", "style", "state", "filled", "avg_price", "cloid");
  for (const auto& o : orders) {
    fmt::print("{:<19}  {:<16}  {:<6} {:<4}  {:>12} {:>12}  {:<9} {:<16} {:>12} {:>12}  {}\n", core::format_utc(o.updated_ms),
               o.intent.strategy_id.substr(0, 16), o.intent.coin, exec::name_of(o.intent.side), units(o.intent.size),
               units(o.intent.price), exec::name_of(o.intent.style), exec::name_of(o.state), units(o.filled_size),
               units(o.average_price), o.cloid);
  }
}

void run_positions(const JournalArgs& a, Context& ctx) {
  auto reader = open_reader(a, ctx);
  const auto positions = reader.positions();
  if (a.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& p : positions) out.push_back(monitor::api::position_json(p));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  if (positions.empty()) {
    fmt::print("no positions in the journal\n");
    return;
  }
  fmt::print("{:<16}  {:<6} {:>14} {:>12} {:>14} {:>10} {:>10}  {:<19}  {}\n", "strategy", "coin", "size", "entry", "realized",
             "fees", "funding", "time", "cause");
  for (const auto& p : positions) {
    fmt::print("{:<16}  {:<6} {:>14} {:>12} {:>14} {:>10} {:>10}  {:<19}  {}\n",
               p.strategy_id.empty() ? "(account)" : p.strategy_id.substr(0, 16), p.coin, units(p.size),
               units(p.entry_price), units(p.realized_pnl), units(p.fees), units(p.funding), core::format_utc(p.time),
               p.cause);
  }
}

void run_fills(const JournalArgs& a, Context& ctx) {
  core::TimeMs since = 0;
  if (!a.since.empty()) {
    const auto t = core::parse_time(a.since);
    if (!t) throw core::UsageError(fmt::format("--since '{}': expected a UTC date/time or epoch ms", a.since));
    since = *t;
  }
  auto reader = open_reader(a, ctx);
  const auto fills = reader.fills(since, a.limit);
  if (a.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& f : fills) out.push_back(monitor::api::fill_json(f));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  if (fills.empty()) {
    fmt::print("no fills in the journal{}\n", a.since.empty() ? "" : " since " + a.since);
    return;
  }
  fmt::print("{:<19}  {:<16}  {:<6} {:<4} {:>12} {:>12} {:>10} {:>12}  {:<5}  {}\n", "time", "strategy", "coin", "side",
             "size", "price", "fee", "closed_pnl", "taker", "tid");
  for (const auto& f : fills) {
    fmt::print("{:<19}  {:<16}  {:<6} {:<4} {:>12} {:>12} {:>10} {:>12}  {:<5}  {}\n", core::format_utc(f.fill.time),
               f.strategy_id.empty() ? "(not ours)" : f.strategy_id.substr(0, 16), f.fill.coin,
               f.fill.buy ? "buy" : "sell", units(f.fill.sz), units(f.fill.px), units(f.fill.fee),
               units(f.fill.closed_pnl), f.fill.crossed ? "yes" : "no", f.fill.tid);
  }
}

void add_common(CLI::App* cmd, JournalArgs& a) {
  cmd->add_option("--journal", a.journal, "journal file (default: STORE.journal.db beside the store)");
  cmd->add_flag("--json", a.json, "print a JSON array (sizes, prices and money as exact decimal strings)");
}

}  // namespace

void add_journal_commands(CLI::App& app, Registry& registry) {
  auto o = std::make_shared<JournalArgs>();
  CLI::App* orders = app.add_subcommand("orders", "the trading journal's orders: open ones, or --all");
  add_common(orders, *o);
  orders->add_flag("--all", o->all, "every order, final ones included (newest first)");
  orders->add_option("--limit", o->limit, "at most this many (newest first)")->capture_default_str();
  orders->footer("\nStates: new, sent, resting, partially_filled, filled, canceled, rejected, expired (docs/trading.md).");
  registry.on(orders, [o](Context& ctx) { run_orders(*o, ctx); });

  auto p = std::make_shared<JournalArgs>();
  CLI::App* positions = app.add_subcommand("positions", "the trading journal's positions per strategy and coin");
  add_common(positions, *p);
  registry.on(positions, [p](Context& ctx) { run_positions(*p, ctx); });

  auto f = std::make_shared<JournalArgs>();
  CLI::App* fills = app.add_subcommand("fills", "the trading journal's fills, with the strategy of each");
  add_common(fills, *f);
  fills->add_option("--since", f->since, "only fills at or after this time");
  fills->add_option("--limit", f->limit, "at most this many (newest first)")->capture_default_str();
  registry.on(fills, [f](Context& ctx) { run_fills(*f, ctx); });
}

}  // namespace organism::cli
