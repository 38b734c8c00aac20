// `organism data fetch`: download candles (and funding) from Hyperliquid or any URL speaking its
// API (the simulator) into the store, incrementally, or with --source fear-greed the daily Fear &
// Greed Index. The workflows are exchange/client/fetch_history and exchange/client/fear_greed.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "exchange/client/endpoints.hpp"
#include "exchange/client/fear_greed.hpp"
#include "exchange/client/fetch_history.hpp"
#include "exchange/client/info_client.hpp"

namespace organism::cli {

namespace {

struct FetchArgs {
  std::string source = "hyperliquid";
  std::string exchange = "hyperliquid";
  std::string coins, interval = "1h", since, until;
  bool funding = false;
  std::int64_t weight_per_minute = 1200;  // PROTOCOL §10; hidden flag for tests
  std::int64_t retry_base_ms = 250;
  std::int64_t progress_every_ms = -1;  // hidden: redraw period for tests (-1: Progress's own)
  CLI::Option* url_option = nullptr;    // given or not: --source fear-greed has its own default
};

// PROTOCOL §3.5: the exchange keeps the latest 5000 candles of a coin and interval.
constexpr TimeMs kCandlesKept = 5000;

void run_fear_greed_fetch(const FetchArgs& args, Context& ctx) {
  if (!args.coins.empty()) throw core::UsageError("--coins: not used with --source fear-greed");
  exchange::client::FearGreedOptions options;
  // --url names this API only when given: exchange.url from the config is the exchange's.
  if (args.url_option->count() > 0) options.url = ctx.config.get("exchange.url");
  options.transport.proxy = ctx.config.get("exchange.proxy");
  options.retry.base_ms = args.retry_base_ms;
  auto store = data::Store::open(ctx.db());
  const core::WallClock wall;
  const auto result = exchange::client::fetch_fear_greed(store, options, wall);
  std::string line = fmt::format("{}: {} new days", options.source, result.new_days);
  if (result.first != 0) {
    line += fmt::format(" ({} .. {})", core::format_utc(result.first).substr(0, 10), core::format_utc(result.last).substr(0, 10));
  }
  fmt::print("{}\n", line);
  spdlog::info("fetch from {}?limit={}: {} requests, {} retries", options.url, result.limit, result.requests, result.retries);
}

void run_fetch(const FetchArgs& args, Context& ctx) {
  if (args.source == "fear-greed") return run_fear_greed_fetch(args, ctx);
  if (args.source != "hyperliquid") {
    throw core::UsageError(fmt::format("--source '{}': expected hyperliquid or fear-greed", args.source));
  }
  if (args.exchange != "hyperliquid") {
    throw core::UsageError(fmt::format("--exchange '{}': only hyperliquid is supported", args.exchange));
  }
  exchange::client::FetchOptions options;
  options.coins = core::split_list(args.coins);
  if (options.coins.empty()) throw core::UsageError("--coins: give at least one coin (BTC,ETH)");
  options.interval = core::Interval::parse_or_throw(args.interval);
  if (!args.since.empty()) options.since = time_flag(args.since, "--since");
  if (!args.until.empty()) options.until = time_flag(args.until, "--until");
  options.funding = args.funding;

  const std::string url = exchange::client::rest_url(ctx.config.get("exchange.url"));
  exchange::client::SessionOptions session_options;
  session_options.retry.base_ms = args.retry_base_ms;
  session_options.transport.proxy = ctx.config.get("exchange.proxy");
  const core::WallClock wall;
  // One weight budget for the whole process: the exchange's limit is per IP.
  auto budget = exchange::client::WeightBudget::make(args.weight_per_minute);
  auto session = std::make_shared<exchange::client::RestSession>(url, budget, session_options);
  exchange::client::InfoClient info(session);
  auto store = data::Store::open(ctx.db());

  // The bar's total per coin: the bars from --since (or after the last stored bar) to --until
  // (or now), at most the exchange's 5000; 5000 when neither end is known. When a coin is done
  // its total becomes the count, since the exchange may have had fewer bars than the estimate.
  const auto estimate_total = [&](const std::string& coin) -> std::uint64_t {
    std::optional<TimeMs> from = options.since;
    for (const auto& series : store.list_series()) {
      if (series.key == data::SeriesKey{options.venue, coin, options.interval} && series.bars > 0) {
        from = std::max(from.value_or(series.last), options.interval.next(series.last));
      }
    }
    if (!from) return kCandlesKept;
    const TimeMs to = options.until.value_or(wall.now());
    const auto bars = std::max<TimeMs>(0, (to - *from) / options.interval.nominal_ms());
    return static_cast<std::uint64_t>(std::min<TimeMs>(bars, kCandlesKept));
  };
  std::map<std::string, std::uint64_t> totals;  // before the fetch moves the stored ends
  for (const auto& coin : options.coins) totals[coin] = estimate_total(coin);
  std::unique_ptr<core::Progress> progress;
  std::string progress_coin;
  std::uint64_t progress_done = 0;
  const auto close_progress = [&] {
    if (!progress) return;
    progress->set_total(progress_done);
    progress->finish();
    progress.reset();
  };
  const auto results = exchange::client::fetch_history(
      info, store, options, wall, [&](const std::string& coin, std::int64_t bars) {
        if (coin != progress_coin) {
          close_progress();
          progress_coin = coin;
          progress = std::make_unique<core::Progress>(fmt::format("fetching {} {}", coin, options.interval.name()),
                                                      totals[coin], "bars", ctx.progress);
          if (args.progress_every_ms >= 0) progress->set_redraw_every(std::chrono::milliseconds(args.progress_every_ms));
        }
        progress_done = static_cast<std::uint64_t>(bars);
        progress->update(progress_done);
      });
  close_progress();

  std::int64_t total = 0;
  for (const auto& r : results) {
    total += r.new_bars;
    std::string line = fmt::format("{}:{}:{}: {} new bars, {} updated, {} requests", options.venue, r.coin,
                                   options.interval.name(), r.new_bars, r.updated_bars, r.pages);
    if (r.first != 0) line += fmt::format(" ({} .. {})", core::format_utc(r.first), core::format_utc(r.last));
    if (options.funding) line += fmt::format("; funding: {} new, {} requests", r.new_funding, r.funding_pages);
    fmt::print("{}\n", line);
  }
  fmt::print("{} new bars\n", total);
  const auto& stats = session->stats();
  spdlog::info("fetch from {}: {} requests, {} retries, {} HTTP 429, waited {} ms for the weight budget",
               url, stats.requests, stats.retries, stats.status_429, budget->waited_ms());
}

}  // namespace

void add_data_fetch(CLI::App& data, Registry& registry) {
  auto args = std::make_shared<FetchArgs>();
  CLI::App* cmd = data.add_subcommand("fetch", "download candles and funding from Hyperliquid, or the Fear & Greed "
                                             "Index, into the store, incrementally");
  cmd->footer(R"(
Resumes after the last stored bar of venue 'hyperliquid', so a re-run writes nothing new.
Only closed bars are stored. The exchange keeps the latest 5000 candles of an interval.
--url may be the simulator's (http://127.0.0.1:PORT); plain http only for loopback.
--source fear-greed fetches the daily index into sentiment 'fear_greed' (as data import names it),
the days after the last stored one; every row is checked and a bad reply writes nothing.)");
  cmd->add_option("--source", args->source, "what to fetch: hyperliquid (candles, funding) or fear-greed (the daily "
                                            "Fear & Greed Index, default URL " + std::string(exchange::client::kFearGreedUrl) + ")")
      ->capture_default_str();
  cmd->add_option("--exchange", args->exchange, "the exchange (hyperliquid)")->capture_default_str();
  args->url_option = cmd->add_option("--url", "REST base URL: mainnet, testnet, or a URL such as the simulator's "
                                              "(config exchange.url, default mainnet); with --source fear-greed the "
                                              "index API's URL");
  registry.bind(args->url_option, "exchange.url");
  registry.bind(cmd->add_option("--proxy", "HTTP CONNECT or SOCKS5 proxy, http://HOST:PORT or socks5://HOST:PORT "
                                            "(config exchange.proxy)"),
                "exchange.proxy");
  cmd->add_option("--coins", args->coins, "coins, comma separated (BTC,ETH); required for --source hyperliquid");
  cmd->add_option("--interval", args->interval, "candle interval")->capture_default_str();
  cmd->add_option("--since", args->since, "first bar to fetch (date, date time or epoch ms)");
  cmd->add_option("--until", args->until, "fetch bars opening before this time");
  cmd->add_flag("--funding", args->funding, "also fetch the funding history");
  cmd->add_option("--weight-per-minute", args->weight_per_minute)->group("");
  cmd->add_option("--retry-base-ms", args->retry_base_ms)->group("");
  cmd->add_option("--progress-every-ms", args->progress_every_ms)->group("");
  registry.on(cmd, [args](Context& ctx) { run_fetch(*args, ctx); });
}

}  // namespace organism::cli
