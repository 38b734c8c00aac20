// `organism risk status | resume | halt`: the risk manager's record in the trading journal
// (exec/risk_journal.hpp). status reads only (safe while a session trades); resume and halt write a
// command that the trading process applies at its next poll, or a stopped one at its next start.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "backtest/circuit_breakers.hpp"
#include "cli/context.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/journal.hpp"
#include "exec/journal_reader.hpp"
#include "exec/risk_journal.hpp"
#include "exec/risk_status.hpp"
#include "monitor/api/records_json.hpp"

namespace organism::cli {
namespace {

struct RiskArgs {
  std::string journal;
  bool json = false;
  std::size_t transitions = 10;
  std::string var_interval;
  std::size_t var_bars = 720;
};

std::string journal_path(const RiskArgs& a, const Context& ctx) {
  return a.journal.empty() ? exec::Journal::path_for_store(ctx.db()) : a.journal;
}

void print_status(const exec::RiskStatus& s) {
  const auto& m = s.memory;
  fmt::print("state: {}{}\n", backtest::name_of(m.state),
             s.cause ? fmt::format(" since {} ({})", core::format_utc(s.cause->time), s.cause->description) : "");
  fmt::print("memory: equity {:.2f}, peak {:.2f}, day start {:.2f}, losing streak {}\n", m.equity, m.peak,
             m.day_start, m.losing_streak);
  fmt::print("transitions (newest first):\n");
  if (s.transitions.empty()) fmt::print("  none\n");
  for (const auto& t : s.transitions) fmt::print("  {}  {}\n", core::format_utc(t.time), t.description);
  fmt::print("pre-trade checks:\n");
  if (s.checks.empty()) fmt::print("  none\n");
  for (const auto& [reason, c] : s.checks) fmt::print("  {:<22} {} rejected, {} shrunk\n", reason, c.rejected, c.shrunk);
  fmt::print("exposure (at the store's last closes):\n");
  if (s.positions.empty()) fmt::print("  no positions\n");
  for (const auto& [strategy, by] : s.positions) {
    for (const auto& [coin, units] : by) {
      const auto mark = s.marks.find(coin);
      fmt::print("  {:<16} {:<6} {:>14}{}\n", strategy.substr(0, 16), coin, exchange::hl::format_units(units),
                 mark == s.marks.end() ? std::string()
                                       : fmt::format("  ${:.2f} at {:.2f}",
                                                     exchange::hl::units_to_double(units) * mark->second,
                                                     mark->second));
    }
  }
  for (const auto& c : s.exposure.by_coin) {
    fmt::print("  net {:<6} ${:.2f} ({:.1f}% of equity)\n", c.coin, c.net_notional, 100 * c.of_equity);
  }
  if (!s.exposure.by_coin.empty())
    fmt::print("  gross ${:.2f} ({:.2f}x equity)\n", s.exposure.gross, s.exposure.gross_of_equity);
  if (!s.exposure.unpriced.empty()) fmt::print("  unpriced: {}\n", fmt::join(s.exposure.unpriced, ", "));
  if (s.exposure.by_coin.empty() || s.exposure.gross == 0) {
    fmt::print("VaR/CVaR: 0 (no positions)\n");
  } else if (!s.var.enough_history) {
    fmt::print("VaR/CVaR: {}\n", s.var.note);
  } else {
    fmt::print("VaR/CVaR (historical, one {} bar, {} scenarios):\n", s.var_interval, s.var.scenarios);
    for (const auto& l : s.var.levels) {
      fmt::print("  {:.0f}%  VaR ${:.2f} ({:.2f}% of equity)  CVaR ${:.2f} ({:.2f}%)\n", 100 * l.level, l.var,
                 100 * l.var_of_equity, l.cvar, 100 * l.cvar_of_equity);
    }
  }
  for (const auto& c : s.commands) {
    if (!c.applied_at) fmt::print("pending command: {} (#{} by {})\n", c.command, c.id, c.by);
  }
}

void run_status(const RiskArgs& a, Context& ctx) {
  exec::RiskStatusOptions o;
  o.journal_path = journal_path(a, ctx);
  o.store_path = ctx.db();
  o.transitions = a.transitions;
  o.var_interval = a.var_interval;
  o.var_bars = a.var_bars;
  const auto status = exec::read_risk_status(o);
  if (a.json) {
    fmt::print("{}\n", monitor::api::risk_status_json(status).dump(2));
  } else {
    print_status(status);
  }
}

std::string who() {
  const char* user = std::getenv("USER");
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return fmt::format("cli ({}@{})", user ? user : "?", host);
}

void run_command(const RiskArgs& a, Context& ctx, const std::string& command) {
  const std::string path = journal_path(a, ctx);
  exec::RiskJournalReader::open(path);  // a clear error for a missing file or another database
  auto journal = exec::RiskJournal::open(path);
  const auto id = journal.add_command(core::WallClock().now(), command, who());
  fmt::print(
      "risk {} #{} written to {}: a running paper/trade session applies it at its next poll, a "
      "stopped one at "
      "its next start\n",
      command, id, path);
}

}  // namespace

void add_risk_commands(CLI::App& app, Registry& registry) {
  CLI::App* risk = app.add_subcommand(
      "risk", "the risk manager: state, breakers, checks; resume or halt trading");
  risk->require_subcommand(1);
  risk->footer(R"(
The trading state is ACTIVE (every order allowed by the pre-trade checks), REDUCING (only orders
that reduce a position) or HALTED (every order canceled, every position closed; only `organism
risk resume` leaves it). paper and trade journal every transition and check (docs/risk.md).)");

  auto s = std::make_shared<RiskArgs>();
  CLI::App* status = risk->add_subcommand(
      "status", "the trading state, its cause, transitions, check counts, exposure");
  status->add_option("--journal", s->journal,
                     "journal file (default: STORE.journal.db beside the store)");
  status->add_flag("--json", s->json, "print one JSON object");
  status->add_option("--var-interval", s->var_interval,
                     "bars the VaR scenarios are taken over (default: the stored interval with the most bars)");
  status->add_option("--var-bars", s->var_bars, "how many of the newest bars make the VaR scenarios")
      ->capture_default_str();
  status->add_option("--transitions", s->transitions, "how many of the newest transitions")
      ->capture_default_str();
  status->footer(R"(
Reads the journal only (safe while a session trades). Exposure marks are the store's last close per
coin. VaR and CVaR (95%, 99%) are historical: each of the newest --var-bars bars is a scenario in
which every coin held moves as it did then; VaR is the k-th worst scenario's loss and CVaR the mean
of the k worst, k = max(1, floor((1 - level) x scenarios)). Exit 1 when the journal does not exist.)");
  registry.on(status, [s](Context& ctx) { run_status(*s, ctx); });

  auto r = std::make_shared<RiskArgs>();
  CLI::App* resume = risk->add_subcommand("resume", "leave HALTED: the operator has looked");
  resume->add_option("--journal", r->journal,
                     "journal file (default: STORE.journal.db beside the store)");
  resume->footer(R"(
Writes a resume command into the journal. A running paper/trade session applies it at its next poll
(and prints "risk: command resume ... applied"); a stopped one at its next start. The drawdown peak
and the day's start are reset to the equity then; the strategies re-enter at their next signal.)");
  registry.on(resume, [r](Context& ctx) { run_command(*r, ctx, "resume"); });

  auto h = std::make_shared<RiskArgs>();
  CLI::App* halt = risk->add_subcommand(
      "halt", "halt trading by hand: cancel every order, close every position");
  halt->add_option("--journal", h->journal,
                   "journal file (default: STORE.journal.db beside the store)");
  halt->footer(R"(
Writes a halt command into the journal, applied like resume (next poll, or next start). The session
then cancels every open order and closes every position with reduce-only market orders, and stays
HALTED until `organism risk resume`.)");
  registry.on(halt, [h](Context& ctx) { run_command(*h, ctx, "halt"); });
}

}  // namespace organism::cli
