// `organism exchange-sim`: a local Hyperliquid on 127.0.0.1 replaying stored bars (see
// docs/exchange-sim.md). Parses the flags and runs the simulator's server.
#include <cstdio>

#include <fmt/format.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exchange/sim_server/exchange_sim.hpp"
#include "exchange/sim_server/faults.hpp"

namespace organism::cli {

namespace {

constexpr const char* kFooter = R"(
The first line on stdout is 'listening on http://127.0.0.1:PORT'. It serves POST /info,
POST /exchange (signed actions), WebSocket /ws and POST /control. SIGINT or SIGTERM stops it
(state saved with --state-dir, exit 0).

Control requests (POST /control, JSON):
  {"type":"status"}                 market time, end, whether the replay finished
  {"type":"advance","steps":N}      move the market N ticks (the way to drive it with --speed 0)
  {"type":"advanceTo","time":T}     move the market to time T (ms)
  {"type":"fault","fault":F,...}    F = dropWs (everySeconds), delay (ms), http429 / http5xx
                                    (count, everySeconds), malformedWs (fraction), none (clears
                                    those), staleBook (seconds), flashMove (coin, percent),
                                    rejectOrders (seconds), regimeBreak (coin, exponent)

Regime breaks (--regime-break COIN@TIME:EXP[,...], or the regimeBreak fault from the current
market time): from the first bar opening at or after TIME, every price x of COIN becomes
P x (x/P)^EXP, P its price at that bar's open. EXP = -1 reverses the trend, |EXP| > 1 is a
volatility burst; high and low swap when EXP < 0. Example: BTC@2024-01-01T12:00:-1.

)";

}  // namespace

void add_exchange_sim_command(CLI::App& app, Registry& registry) {
  auto options = std::make_shared<exchange::sim_server::ExchangeSimOptions>();
  auto coins = std::make_shared<std::string>("BTC,ETH");
  auto from = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("exchange-sim", "a local Hyperliquid exchange replaying stored bars");
  cmd->footer(std::string(kFooter) + exchange::sim_server::kFaultGrammar +
              "\n\nSee docs/exchange-sim.md for the price path inside a bar, limits and known differences.");
  cmd->add_option("--coins", *coins, "coins to list, comma separated (default BTC,ETH)");
  cmd->add_option("--interval", options->interval, "bar interval to replay (default: the finest stored for all coins)");
  cmd->add_option("--from", *from,
                  "first bar shown as now: UTC date/time or epoch ms (default: after 500 bars of history)");
  cmd->add_option("--speed", options->speed, "market ms per wall ms; 0 = move only through POST /control (default 60)");
  cmd->add_option("--port", options->port, "TCP port on 127.0.0.1; 0 = chosen by the kernel (default 0)");
  cmd->add_option("--balance", options->balance, "USDC of every address the first time it signs (default 100000)");
  cmd->add_option("--seed", options->seed, "seed of the order book, tape and faults (default 1)");
  cmd->add_option("--faults", options->faults, "faults to inject, e.g. drop_ws=30s,delay=200 (grammar below)");
  cmd->add_option("--regime-break", options->regime_breaks,
                  "COIN@TIME:EXP,...: from TIME, COIN's prices x become P x (x/P)^EXP (below)");
  cmd->add_option("--state-dir", options->state_dir, "keep positions, orders and balances here across restarts");
  cmd->add_option("--order-log", options->order_log,
                  "append every accepted order to this file as a JSON line (time, user, oid, cloid, coin, side, px, sz, status)");
  cmd->add_flag("--testnet", options->testnet, "accept actions signed for testnet instead of mainnet");
  // For tests: a short WebSocket idle close and a larger REST budget.
  cmd->add_option("--ws-idle-ms", options->ws_idle_ms)->group("");
  cmd->add_option("--rest-weight-per-minute", options->rest_weight_per_minute)->group("");
  registry.on(cmd, [options, coins, from](Context& ctx) {
    options->db = ctx.db();
    options->coins.clear();
    options->coins = core::split_list(*coins);
    if (!from->empty()) {
      const auto t = core::parse_time(*from);
      if (!t) throw core::UsageError(fmt::format("--from '{}': expected a UTC date/time or epoch ms", *from));
      options->from = *t;
    }
    const std::string signal = exchange::sim_server::run_exchange_sim(*options, [](std::uint16_t port) {
      fmt::print("listening on http://127.0.0.1:{}\n", port);
      std::fflush(stdout);
    });
    fmt::print(stderr, "exchange-sim: stopped by {}{}\n", signal.empty() ? "request" : signal,
               options->state_dir.empty() ? "" : ", state saved in " + options->state_dir);
  });
}

}  // namespace organism::cli
