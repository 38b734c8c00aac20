// `organism flatten`: the emergency exit. With a trading journal (--journal, or the one beside the
// store) it halts trading in it and closes the strategies' books through it; then it cancels every
// open order and closes every position of the account (or of --coins) with reduce-only IOC orders,
// through the exchange client, whether or not a trading process runs. The work is
// exec::flatten_account.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/context.hpp"
#include "cli/live_network.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/agent_key.hpp"
#include "exec/journal.hpp"
#include "exec/flatten.hpp"

namespace organism::cli {
namespace {

struct FlattenArgs {
  std::string coins, key_file, account, network, journal;
  double collar = 0.05;
  int attempts = 5;
  bool yes = false;
};

// --journal (which must exist), else the journal beside the store when there is one, else none.
std::string journal_of(const FlattenArgs& a, const Context& ctx) {
  if (!a.journal.empty()) {
    if (!std::filesystem::exists(a.journal))
      throw core::Error(fmt::format("--journal {}: no such file", a.journal));
    return a.journal;
  }
  const std::string beside = exec::Journal::path_for_store(ctx.db());
  return std::filesystem::exists(beside) ? beside : std::string();
}

void run_flatten(const FlattenArgs& a, Context& ctx) {
  const NetworkTarget target = network_target(a.network, ctx.config);
  exec::FlattenOptions o;
  o.url = target.url;
  o.mainnet = target.mainnet;
  o.real_network = target.real();
  o.journal_path = journal_of(a, ctx);
  o.coins = core::split_list(a.coins);
  o.collar = a.collar;
  o.max_attempts = a.attempts;
  if (!(a.collar > 0 && a.collar < 1)) throw core::UsageError("--collar must be in (0, 1)");
  if (a.attempts < 1) throw core::UsageError("--attempts must be at least 1");
  if (!a.account.empty()) {
    o.account = exchange::hl::Address::parse(a.account);
    if (!o.account)
      throw core::UsageError(fmt::format("--account '{}': not an address (0x + 40 hex digits)", a.account));
  }
  auto key = exec::load_agent_key(a.key_file);
  if (target.real()) {
    const std::string account = o.account ? o.account->hex() : key.address().hex();
    confirm_network(target,
                    fmt::format("FLATTEN on {} ({})\n  account {}\n  coins   {}\n  cancels every open order and "
                                "closes every position at market (reduce-only IOC, collar {:g}%)\n",
                                target.name, target.url, account, a.coins.empty() ? "all" : a.coins,
                                a.collar * 100) +
                        (o.journal_path.empty() ? std::string()
                                                : fmt::format("  halts trading in the journal {}\n", o.journal_path)),
                    a.yes, "--yes");
  }
  const core::WallClock wall;
  const auto report = exec::flatten_account(std::move(key), o, wall, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  if (report.journal) {
    const auto& j = *report.journal;
    for (const auto& n : j.notes) fmt::print("{}\n", n);
    fmt::print("journal {}: {} orders canceled, {} closing orders in {} rounds; strategies' books {}\n", j.journal,
               j.canceled, j.closes.size(), j.rounds, j.flat() ? "flat" : "NOT flat");
    for (const auto& p : j.left)
      fmt::print("  strategy {} still holds {} {}\n", p.strategy_id, p.coin, exchange::hl::format_units(p.size));
  } else {
    fmt::print("no trading journal (none at {}): exchange sweep only\n", exec::Journal::path_for_store(ctx.db()));
  }
  for (const auto& e : report.cancel_errors) fmt::print("cancel refused: {}\n", e);
  for (const auto& n : report.notes) fmt::print("{}\n", n);
  fmt::print("account {}: {} orders canceled, {} closing orders in {} rounds\n", report.account,
             report.canceled.size(), report.closes.size(), report.attempts);
  for (const auto& p : report.positions)
    fmt::print("  still open: {} {}\n", p.coin, exchange::hl::format_units(p.szi));
  for (const auto& order : report.open_orders)
    fmt::print("  order still open: {} oid {}\n", order.coin, order.oid);
  if (!report.flat() || (report.journal && !report.journal->flat())) {
    throw core::Error(fmt::format("not flat after {} rounds: {} positions and {} orders left", report.attempts,
                                  report.positions.size(), report.open_orders.size()));
  }
  fmt::print("flat: no position, no open order\n");
}

}  // namespace

void add_flatten_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<FlattenArgs>();
  CLI::App* cmd = app.add_subcommand("flatten", "emergency: cancel every open order and close every position");
  cmd->footer(R"(
Works with no trading process needed (it may be dead or hung). With a trading journal (--journal,
or STORE.journal.db beside the store when it exists) it first writes a manual HALT into it (a
running trader applies it at its next poll; one started later starts HALTED; only `organism risk
resume` trades again), then closes every strategy's position in the journal's books with
reduce-only market orders journaled against that strategy, so a restarted trader's books are flat.
A journal locked by another process for over 10 s stops it with an error (nothing forced).
--coins limits the closes, not the HALT (which is the whole trader's). Then, straight through the
exchange, it cancels every open order (of --coins, or all), then closes every position with
reduce-only IOC orders priced --collar beyond the mid, reads clearinghouseState again and
repeats, up to --attempts rounds, until flat. It prints what it canceled and closed and what is
left. Exit 0 when flat with no open order (and, with a journal, every strategy's book flat), 1
otherwise. Without --network only a loopback --url (organism
exchange-sim) is accepted; with --network testnet|mainnet it asks you to type the network's name
(or --yes). Stop a running trading session first when you can: the HALT stops it from trading
again, but until its next poll it may still be placing orders.
Example: organism flatten --url http://127.0.0.1:8080 --key-file agent.key --coins BTC,ETH)");
  cmd->add_option("--coins", a->coins, "only these coins, comma separated (default: every coin)");
  registry.bind(cmd->add_option("--url", "REST base URL (config exchange.url); the simulator's for tests"),
                "exchange.url");
  cmd->add_option("--key-file", a->key_file, "the agent wallet's private key (hex), mode 0600 (or ORGANISM_AGENT_KEY)");
  cmd->add_option("--journal", a->journal,
                  "the trading journal to halt and flatten through (default: STORE.journal.db beside the store, "
                  "when it exists)");
  cmd->add_option("--account", a->account, "the account to flatten (default: the key's address)");
  cmd->add_option("--network", a->network, "testnet or mainnet: flatten on Hyperliquid itself (typed confirmation)");
  cmd->add_flag("--yes", a->yes, "with --network: confirm without the prompt");
  cmd->add_option("--collar", a->collar, "a closing order's worst price, as a fraction beyond the mid")
      ->capture_default_str();
  cmd->add_option("--attempts", a->attempts, "cancel-and-close rounds before giving up")->capture_default_str();
  registry.on(cmd, [a](Context& ctx) { run_flatten(*a, ctx); });
}

}  // namespace organism::cli
