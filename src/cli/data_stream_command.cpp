// `organism data stream`: keep the store's hyperliquid bars current until Ctrl-C, printing one line
// per closed bar and per reconnect. The workflow is exchange/client/market_data_source.
#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "exchange/client/endpoints.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/market_data_source.hpp"
#include "exchange/client/ws_client.hpp"

namespace organism::cli {

namespace {

namespace client = exchange::client;

struct StreamArgs {
  std::string coins, interval = "1m", since, until;
  std::int64_t bars = 0;  // stop after this many bars per coin (0: until a signal)
  bool funding = false;
  bool ws_final = false;
  bool check_trades = false;
  std::int64_t weight_per_minute = 1200;  // PROTOCOL §10; hidden flag for tests
  std::int64_t retry_base_ms = 250;
  std::int64_t retry_429_base_ms = 2000;
  std::int64_t ws_backoff_ms = 500;
};

void print_bar(const client::LiveBar& live) {
  const auto& b = live.bar;
  fmt::print("{} {} {} {} {} {} {} {}  ({})\n", live.coin, live.interval.name(), core::format_utc(b.time),
             core::format_number(b.open), core::format_number(b.high), core::format_number(b.low),
             core::format_number(b.close), core::format_number(b.volume), live.from_ws ? "ws" : "rest");
  std::fflush(stdout);
}

void run_stream(const StreamArgs& args, Context& ctx) {
  client::MarketDataOptions options;
  options.coins = core::split_list(args.coins);
  if (options.coins.empty()) throw core::UsageError("--coins: give at least one coin (BTC,ETH)");
  options.interval = core::Interval::parse_or_throw(args.interval);
  if (!args.since.empty()) options.since = time_flag(args.since, "--since");
  std::optional<TimeMs> until;
  if (!args.until.empty()) until = time_flag(args.until, "--until");
  options.funding = args.funding;
  options.trust_ws_final = args.ws_final;
  options.check_trades = args.check_trades;
  if (args.check_trades && options.interval.nominal_ms() != 60'000)
    throw core::UsageError("--check-trades: compares 1m bars built from trades; use --interval 1m");

  const std::string url = client::rest_url(ctx.config.get("exchange.url"));
  const std::string proxy = ctx.config.get("exchange.proxy");
  client::SessionOptions session_options;
  session_options.retry.base_ms = args.retry_base_ms;
  session_options.retry.rate_limited_base_ms = args.retry_429_base_ms;
  session_options.transport.proxy = proxy;
  // One weight budget for the whole process: the exchange's limit is per IP.
  auto budget = client::WeightBudget::make(args.weight_per_minute);
  auto session = std::make_shared<client::RestSession>(url, budget, session_options);
  auto info = std::make_shared<client::InfoClient>(session);
  auto store = data::Store::open(ctx.db());

  boost::asio::io_context ioc;
  client::WsClientOptions ws_options;
  ws_options.url = client::websocket_url(url);
  ws_options.proxy = proxy;
  ws_options.backoff_initial = std::chrono::milliseconds(args.ws_backoff_ms);
  client::WsClient ws(ioc, ws_options);

  core::StopSignals signals;
  bool done = false;
  std::map<std::string, std::int64_t> per_coin;
  auto finished = [&] {
    if (args.bars <= 0 && !until) return false;
    for (const auto& coin : options.coins) {
      const auto it = per_coin.find(coin);
      if (args.bars > 0 && (it == per_coin.end() || it->second < args.bars)) return false;
    }
    return true;
  };
  client::MarketDataSource* source_ptr = nullptr;
  client::MarketDataSource source(ioc, &ws, info, store, options, [&](const client::LiveBar& live) {
    print_bar(live);
    ++per_coin[live.coin];
    if (until) {
      bool all = true;
      for (const auto& coin : options.coins) {
        const auto last = source_ptr->last_emitted(coin);
        all = all && last && options.interval.next(*last) >= *until;
      }
      if (all) done = true;
    }
    if (args.bars > 0 && finished()) done = true;
  });
  source_ptr = &source;
  source.on_reconnect([](std::uint64_t n, const std::string& reason) {
    fmt::print("reconnect {}: {}\n", n, reason);
    std::fflush(stdout);
  });

  // Signals and --bars/--until are checked between events, so a bar's write is never cut.
  boost::asio::steady_timer poll(ioc);
  std::function<void()> watch = [&] {
    poll.expires_after(std::chrono::milliseconds(50));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (signals.token().load() || done) {
        source.stop();
        ws.stop();
        ioc.stop();
        return;
      }
      watch();
    });
  };
  source.start();
  ws.start();
  watch();
  fmt::print("streaming {} {} from {} (Ctrl-C to stop)\n", args.coins, options.interval.name(), ws_options.url);
  std::fflush(stdout);
  ioc.run();

  const auto& s = source.stats();
  const auto& w = ws.stats();
  std::string why = signals.received().empty() ? "done" : std::string(signals.received());
  fmt::print("stream summary ({}): {} bars ({} ws, {} rest), {} reconnects, {} frames skipped, {} backfills, "
             "{} backfill errors, {} gaps, {} funding rows\n",
             why, s.emitted_ws + s.emitted_rest, s.emitted_ws, s.emitted_rest, s.reconnects, w.skipped, s.backfills,
             s.backfill_errors, s.gaps, s.funding_rows);
  for (const auto& coin : options.coins) {
    const auto last = source.last_emitted(coin);
    fmt::print("  {}: {} bars this run, last {}\n", coin, per_coin[coin], last ? core::format_utc(*last) : "none");
  }
  if (args.check_trades) {
    const auto t = source.trade_checks();
    fmt::print("trade bars: {} checked, {} matched, {} mismatched (open {}, high {}, low {}, close {}, volume {}), "
               "{} incomplete\n",
               t.checked, t.matched, t.checked - t.matched, t.open, t.high, t.low, t.close, t.volume, t.incomplete);
  }
  const auto& rest = session->stats();
  spdlog::info("stream from {}: {} REST requests, {} retries, {} HTTP 429, waited {} ms for the weight budget", url,
               rest.requests, rest.retries, rest.status_429, budget->waited_ms());
}

}  // namespace

void add_data_stream(CLI::App& data, Registry& registry) {
  auto args = std::make_shared<StreamArgs>();
  CLI::App* cmd = data.add_subcommand("stream", "keep the store's Hyperliquid bars current until Ctrl-C");
  cmd->footer(R"(
Backfills from the last stored bar of venue 'hyperliquid' (candleSnapshot) on start and after
every reconnect, then writes each bar once, after it closed, with the exchange's final values.
Prints one line per closed bar and per reconnect, and a summary at exit.)");
  registry.bind(cmd->add_option("--url", "REST base URL: mainnet, testnet, or a URL such as the simulator's "
                                          "(config exchange.url, default mainnet)"),
                "exchange.url");
  registry.bind(cmd->add_option("--proxy", "HTTP CONNECT or SOCKS5 proxy, http://HOST:PORT or socks5://HOST:PORT "
                                            "(config exchange.proxy)"),
                "exchange.proxy");
  cmd->add_option("--coins", args->coins, "coins, comma separated (BTC,ETH)")->required();
  cmd->add_option("--interval", args->interval, "candle interval")->capture_default_str();
  cmd->add_option("--since", args->since, "with nothing stored, the first bar to write (default: the next to close)");
  cmd->add_flag("--funding", args->funding, "also fetch funding as bars close (every bar then from REST)");
  cmd->add_flag("--ws-final", args->ws_final,
                "take a bar's final values from the feed's last update when nothing was missed (default: REST)");
  cmd->add_flag("--check-trades", args->check_trades,
                "also build 1m bars from the trades feed and count mismatches with the exchange's (interval 1m)");
  cmd->add_option("--until", args->until, "stop once every coin's bars reach this time (tests)");
  cmd->add_option("--bars", args->bars, "stop after this many bars per coin (tests)");
  cmd->add_option("--weight-per-minute", args->weight_per_minute)->group("");
  cmd->add_option("--retry-base-ms", args->retry_base_ms)->group("");
  cmd->add_option("--retry-429-base-ms", args->retry_429_base_ms)->group("");
  cmd->add_option("--ws-backoff-ms", args->ws_backoff_ms)->group("");
  registry.on(cmd, [args](Context& ctx) { run_stream(*args, ctx); });
}

}  // namespace organism::cli
