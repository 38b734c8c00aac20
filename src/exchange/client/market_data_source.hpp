// Live closed bars from Hyperliquid without gaps or duplicates: watches the WebSocket candle feed
// to learn when a bar closes, takes its final values from the feed or from REST candleSnapshot,
// backfills on start and after every reconnect, writes each bar to the store, then hands it on
// with its funding and sentiment (strategy::Runtime::on_bar's inputs). Used by `organism data
// stream` and, later, the paper and live trading loops.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/time.hpp"
#include "data/series.hpp"
#include "data/store.hpp"
#include "exchange/client/fetch_history.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/rest_worker.hpp"
#include "exchange/client/trade_bars.hpp"
#include "exchange/client/ws_client.hpp"

namespace organism::exchange::client {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// One closed bar, final, as strategy::Runtime::on_bar takes it.
struct LiveBar {
  std::string coin{};
  core::Interval interval = core::Interval::parse_or_throw("1m");
  data::Bar bar{};
  // Funding settled during the bar (data::funding_per_bar: open < s <= open + interval); NaN
  // when funding is not followed.
  double funding = kUnknown;
  // The latest stored "fear_greed" value at or before the bar's open (data::sentiment_per_bar);
  // NaN when none.
  double sentiment = kUnknown;
  bool from_ws = false;  // final values from the feed's last update, not from candleSnapshot
};

struct MarketDataOptions {
  std::vector<std::string> coins{};
  core::Interval interval = core::Interval::parse_or_throw("1m");
  std::string venue = kHyperliquidVenue;
  // With nothing stored: the first bar to emit (default: the first bar the feed shows forming).
  std::optional<TimeMs> since{};
  bool funding = false;  // fetch fundingHistory as bars close and attach it (all bars then via REST)
  // Take a bar's final values from the feed's last update when nothing can have been missed
  // (see the .cpp). Off by default: the simulator publishes a forming bar at its tick times, so
  // its last update is not always the bar's final state (docs/exchange.md).
  bool trust_ws_final = false;
  // Also build 1m bars from the `trades` feed and compare each with the exchange's final bar
  // (interval 1m only); counts in trade_checks().
  bool check_trades = false;
  // Write each bar to the store before the callback (off only for measuring the rest of the path:
  // the store recomputes a series' checksum on every write, which is O(series length)).
  bool persist = true;
  // After a failed backfill, try again this long later (a close also triggers one).
  std::chrono::milliseconds retry_after{1000};
};

struct MarketDataStats {
  std::uint64_t emitted_ws = 0, emitted_rest = 0;
  std::uint64_t backfills = 0;         // candleSnapshot jobs run
  std::uint64_t backfill_errors = 0;   // jobs that failed (logged, retried)
  std::uint64_t reconnects = 0;
  std::uint64_t candle_updates = 0;    // WS candle updates seen for our coins and interval
  std::uint64_t stale_updates = 0;     // updates for a bar older than the newest seen (ignored)
  std::uint64_t gaps = 0;              // the exchange had no bar where one was due (logged)
  std::uint64_t funding_rows = 0;      // new funding rows stored
};

class MarketDataSource {
 public:
  using BarHandler = std::function<void(const LiveBar&)>;

  // `ws` may be null (the benchmark feeds handle_frame itself); `info` may be null (no REST: only
  // the feed's bars, when trusted). `info` is used only on the worker thread.
  MarketDataSource(boost::asio::io_context& ioc, WsClient* ws, std::shared_ptr<InfoClient> info,
                   data::Store& store, MarketDataOptions options, BarHandler on_bar);
  ~MarketDataSource();
  MarketDataSource(const MarketDataSource&) = delete;
  MarketDataSource& operator=(const MarketDataSource&) = delete;

  // Reads the last stored bar per coin, subscribes the candle feeds, and backfills from the store's
  // last bar. Registers handle_frame / handle_reconnect with the WsClient (which the caller starts).
  void start();
  // No more bars are emitted; a running REST call finishes, its result is dropped.
  void stop();

  // The WsClient's handlers, public so that a benchmark or test can drive the source directly.
  void handle_frame(const WsFrame& frame);
  void handle_reconnect(std::uint64_t reconnects, const std::string& reason);
  // Told of each reconnect after the source scheduled its backfill (the CLI prints a line).
  void on_reconnect(WsClient::ReconnectHandler handler) { on_reconnect_ = std::move(handler); }

  // Open time of the last emitted (= last stored) bar of a coin; nullopt before the first.
  std::optional<TimeMs> last_emitted(const std::string& coin) const;
  const MarketDataStats& stats() const { return stats_; }
  TradeCheckStats trade_checks() const;  // summed over the coins

 private:
  struct Coin;
  struct Backfill;

  Coin* coin_of(const std::string& name);
  void on_candle(Coin& coin, const WsCandle& candle);
  void request_backfill(Coin& coin);
  void finish_backfill(Coin& coin, Backfill& result);
  void emit(Coin& coin, const data::Bar& bar, bool from_ws);
  std::uint64_t skipped_frames() const;

  boost::asio::io_context& ioc_;
  WsClient* ws_;
  std::shared_ptr<InfoClient> info_;
  data::Store& store_;
  MarketDataOptions options_;
  BarHandler on_bar_;
  WsClient::ReconnectHandler on_reconnect_;
  std::vector<std::unique_ptr<Coin>> coins_;
  std::optional<data::SentimentSeries> sentiment_;
  MarketDataStats stats_;
  std::uint64_t skipped_seen_ = 0;  // for check_trades: a skipped frame may have been a trade
  std::uint64_t connection_ = 1;  // which WebSocket connection the updates come from
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // continuations outliving us do nothing
  bool stopped_ = false;
  std::unique_ptr<RestWorker> worker_;
  boost::asio::steady_timer retry_timer_;
  bool retry_armed_ = false;
};

}  // namespace organism::exchange::client
