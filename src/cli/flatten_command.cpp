// `organism flatten`: the emergency exit. Cancels every open order and closes every position of the
// account (or of --coins) with reduce-only IOC orders, through the exchange client, whether or not
// a trading process runs. The work is exec::flatten_account.
#include <cstdio>
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
#include "exec/flatten.hpp"

namespace organism::cli {
namespace {

struct FlattenArgs {
  std::string coins, key_file, account, network;
  double collar = 0.05;
  int attempts = 5;
  bool yes = false;
};

void run_flatten(const FlattenArgs& a, Context& ctx) {
  const NetworkTarget target = network_target(a.network, ctx.config);
  exec::FlattenOptions o;
  o.url = target.url;
  o.mainnet = target.mainnet;
  o.coins = core::split_list(a.coins);
  o.collar = a.collar;
  o.max_attempts = a.attempts;
  if (!(a.collar > 0 && a.collar < 1)) throw core::UsageError("--collar must be in (0, 1)");
  if (a.attempts < 1) throw core::UsageError("--attempts must be at least 1");
  if (!a.account.empty()) {
    o.account = exchange::hl::Address::parse(a.account);
    if (!o.account) throw core::UsageError(fmt::format("--account '{}': not an address (0x + 40 hex digits)", a.account));
  }
  auto key = exec::load_agent_key(a.key_file);
  if (target.real()) {
    const std::string account = o.account ? o.account->hex() : key.address().hex();
    confirm_network(target,
                    fmt::format("FLATTEN on {} ({})\n  account {}\n  coins   {}\n  cancels every open order and "
                                "closes every position at market (reduce-only IOC, collar {:g}%)\n",
                                target.name, target.url, account, a.coins.empty() ? "all" : a.coins,
                                a.collar * 100),
                    a.yes, "--yes");
  }
  const core::WallClock wall;
  const auto report = exec::flatten_account(std::move(key), o, wall, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  for (const auto& e : report.cancel_errors) fmt::print("cancel refused: {}\n", e);
  for (const auto& n : report.notes) fmt::print("{}\n", n);
  fmt::print("account {}: {} orders canceled, {} closing orders in {} rounds\n", report.account,
             report.canceled.size(), report.closes.size(), report.attempts);
  for (const auto& p : report.positions)
    fmt::print("  still open: {} {}\n", p.coin, exchange::hl::format_units(p.szi));
  for (const auto& order : report.open_orders)
    fmt::print("  order still open: {} oid {}\n", order.coin, order.oid);
  if (!report.flat()) {
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
Works straight through the exchange, with no trading process needed (it may be dead or hung). It
cancels every open order (of --coins, or all), then closes every position with reduce-only IOC
orders priced --collar beyond the mid, reads clearinghouseState again and repeats, up to
--attempts rounds, until flat. It prints what it canceled and closed and what is left. Exit 0 when
flat with no open order, 1 otherwise. Without --network only a loopback --url (organism
exchange-sim) is accepted; with --network testnet|mainnet it asks you to type the network's name
(or --yes). A trading session running at the same time would trade again: stop it first.
Example: organism flatten --url http://127.0.0.1:8080 --key-file agent.key --coins BTC,ETH)");
  cmd->add_option("--coins", a->coins, "only these coins, comma separated (default: every coin)");
  registry.bind(cmd->add_option("--url", "REST base URL (config exchange.url); the simulator's for tests"),
                "exchange.url");
  cmd->add_option("--key-file", a->key_file, "the agent wallet's private key (hex), mode 0600 (or ORGANISM_AGENT_KEY)");
  cmd->add_option("--account", a->account, "the account to flatten (default: the key's address)");
  cmd->add_option("--network", a->network, "testnet or mainnet: flatten on Hyperliquid itself (typed confirmation)");
  cmd->add_flag("--yes", a->yes, "with --network: confirm without the prompt");
  cmd->add_option("--collar", a->collar, "a closing order's worst price, as a fraction beyond the mid")
      ->capture_default_str();
  cmd->add_option("--attempts", a->attempts, "cancel-and-close rounds before giving up")->capture_default_str();
  registry.on(cmd, [a](Context& ctx) { run_flatten(*a, ctx); });
}

}  // namespace organism::cli
