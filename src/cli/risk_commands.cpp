// `organism risk status | resume | halt`: the risk manager's record in the trading journal
// (exec/risk_journal.hpp). status reads only (safe while a session trades); resume and halt write a
// command that the trading process applies at its next poll, or a stopped one at its next start.
#include <fmt/format.h>
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

namespace organism::cli {
namespace {

using Json = nlohmann::ordered_json;

struct RiskArgs {
  std::string journal;
  bool json = false;
  std::size_t transitions = 10;
};

std::string journal_path(const RiskArgs& a, const Context& ctx) {
  return a.journal.empty() ? exec::Journal::path_for_store(ctx.db()) : a.journal;
}

// The newest close per coin the store holds (venue hyperliquid, the newest series of the coin):
// the marks `risk status` can give offline.
std::map<std::string, double> last_closes(const std::string& store_path,
                                          const std::set<std::string>& coins) {
  std::map<std::string, double> out;
  if (coins.empty()) return out;
  try {
    auto store = data::Store::open_existing(store_path);
    std::map<std::string, core::TimeMs> newest;
    for (const auto& info : store.list_series()) {
      if (info.key.venue != "hyperliquid" || !coins.contains(info.key.coin) || info.bars == 0)
        continue;
      if (newest.contains(info.key.coin) && newest[info.key.coin] >= info.last) continue;
      const auto candles = store.load_candles(info.key, info.last);
      if (!candles || candles->size() == 0) continue;
      newest[info.key.coin] = info.last;
      out[info.key.coin] = candles->close().back();
    }
  } catch (const core::Error&) {
    // No store (a journal given alone): exposure is shown in units only.
  }
  return out;
}

Json figures_object(const std::vector<std::pair<std::string, double>>& figures) {
  Json j = Json::object();
  for (const auto& [name, value] : figures) j[name] = value;
  return j;
}

void run_status(const RiskArgs& a, Context& ctx) {
  const std::string path = journal_path(a, ctx);
  auto reader = exec::RiskJournalReader::open(path);
  auto positions_reader = exec::JournalReader::open(path);
  const auto memory = reader.memory().value_or(backtest::BreakerMemory{});
  const auto transitions = reader.transitions(a.transitions);
  const auto counts = reader.check_counts();
  const auto commands = reader.commands(5);
  const std::string state(backtest::name_of(memory.state));
  // The condition in force: the newest transition that led into the current state.
  const exec::RiskTransitionRecord* cause = nullptr;
  if (memory.state != backtest::TradingState::active && !transitions.empty() &&
      transitions.front().to == state) {
    cause = &transitions.front();
  }

  const auto positions = positions_reader.positions();
  std::set<std::string> coins;
  for (const auto& p : positions) coins.insert(p.coin);
  const auto marks = last_closes(ctx.db(), coins);

  Json j;
  j["journal"] = path;
  j["state"] = state;
  j["reason"] = cause ? Json(cause->reason) : Json(nullptr);
  j["since"] = cause ? Json(cause->time) : Json(nullptr);
  j["figures"] = cause ? figures_object(cause->figures) : Json::object();
  j["description"] = cause ? Json(cause->description) : Json(nullptr);
  j["memory"] = {{"peak", memory.peak},
                 {"day_start", memory.day_start},
                 {"losing_streak", memory.losing_streak},
                 {"latched", memory.latched ? Json(std::string(backtest::name_of(*memory.latched)))
                                            : Json(nullptr)}};
  Json tr = Json::array();
  for (const auto& t : transitions) {
    tr.push_back({{"time", t.time},
                  {"from", t.from},
                  {"to", t.to},
                  {"reason", t.reason},
                  {"figures", figures_object(t.figures)},
                  {"description", t.description}});
  }
  j["transitions"] = tr;
  Json checks = Json::object();
  for (const auto& [reason, c] : counts)
    checks[reason] = {{"rejected", c.rejected}, {"shrunk", c.shrunk}};
  j["checks"] = checks;
  Json by_coin = Json::object(), by_strategy = Json::array();
  for (const auto& p : positions) {
    const double units = exchange::hl::units_to_double(p.size);
    const auto mark = marks.find(p.coin);
    Json row{{"coin", p.coin}, {"units", exchange::hl::format_units(p.size)}};
    row["mark"] = mark == marks.end() ? Json(nullptr) : Json(mark->second);
    row["notional"] = mark == marks.end() ? Json(nullptr) : Json(units * mark->second);
    if (p.strategy_id.empty()) {
      by_coin[p.coin] = row;
    } else {
      row["strategy"] = p.strategy_id;
      by_strategy.push_back(row);
    }
  }
  j["exposure"] = {{"by_coin", by_coin}, {"by_strategy", by_strategy}};
  // VaR / CVaR of the current positions: src/exec/risk_monitor.hpp (another part of issue 20)
  // fills this in; null until it lands.
  j["var"] = nullptr;
  Json cmds = Json::array();
  for (const auto& c : commands) {
    cmds.push_back({{"id", c.id},
                    {"time", c.time},
                    {"command", c.command},
                    {"by", c.by},
                    {"applied_at", c.applied_at ? Json(*c.applied_at) : Json(nullptr)}});
  }
  j["commands"] = cmds;
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("state: {}{}\n", state,
             cause
                 ? fmt::format(" since {} ({})", core::format_utc(cause->time), cause->description)
                 : "");
  fmt::print("memory: peak {:.2f}, day start {:.2f}, losing streak {}\n", memory.peak,
             memory.day_start, memory.losing_streak);
  fmt::print("transitions (newest first):\n");
  if (transitions.empty()) fmt::print("  none\n");
  for (const auto& t : transitions)
    fmt::print("  {}  {}\n", core::format_utc(t.time), t.description);
  fmt::print("pre-trade checks:\n");
  if (counts.empty()) fmt::print("  none\n");
  for (const auto& [reason, c] : counts)
    fmt::print("  {:<22} {} rejected, {} shrunk\n", reason, c.rejected, c.shrunk);
  fmt::print("exposure:\n");
  if (positions.empty()) fmt::print("  no positions\n");
  for (const auto& p : positions) {
    const auto mark = marks.find(p.coin);
    fmt::print(
        "  {:<16} {:<6} {:>14}{}\n",
        p.strategy_id.empty() ? "(account)" : p.strategy_id.substr(0, 16), p.coin,
        exchange::hl::format_units(p.size),
        mark == marks.end()
            ? std::string()
            : fmt::format("  ${:.2f} at {:.2f}",
                          exchange::hl::units_to_double(p.size) * mark->second, mark->second));
  }
  fmt::print("VaR/CVaR: not available in this build\n");
  for (const auto& c : commands) {
    if (!c.applied_at) fmt::print("pending command: {} (#{} by {})\n", c.command, c.id, c.by);
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
  status->add_option("--transitions", s->transitions, "how many of the newest transitions")
      ->capture_default_str();
  status->footer(R"(
Reads the journal only (safe while a session trades). Exposure marks are the store's last close per
coin. Exit 1 when the journal does not exist.)");
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
