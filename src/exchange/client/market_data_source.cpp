#include "exchange/client/market_data_source.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "data/align.hpp"

namespace organism::exchange::client {

namespace {

// PROTOCOL §3.5 / §3.6: candleSnapshot answers at most 5000 candles, fundingHistory 500 events.
constexpr std::size_t kCandleCap = 5000;
constexpr std::size_t kFundingCap = 500;
constexpr const char* kSentimentSource = "fear_greed";

data::Bar bar_of(const WsCandle& c) {
  // Exact 1e-8 counts divided once: the same correctly rounded double as parsing the decimal text,
  // so a bar from the feed and the same bar from REST compare equal.
  constexpr double kUnit = 1e8;
  return data::Bar{c.open_time,
                   static_cast<double>(c.open) / kUnit,
                   static_cast<double>(c.high) / kUnit,
                   static_cast<double>(c.low) / kUnit,
                   static_cast<double>(c.close) / kUnit,
                   static_cast<double>(c.volume) / kUnit,
                   c.trades};
}

}  // namespace

struct MarketDataSource::Coin {
  Coin(std::string coin, data::SeriesKey series) : name(std::move(coin)), key(std::move(series)) {}
  std::string name;
  data::SeriesKey key;
  // The single source of truth for ordering: the open of the next bar to emit. Set from the
  // store's last bar (or --since) at start, else from the first bar the feed shows forming.
  std::optional<TimeMs> next_open;
  std::optional<TimeMs> last_emitted;
  // Every bar opening before this is known closed (the feed showed a later one).
  std::optional<TimeMs> closed_before;
  std::optional<WsCandle> forming;  // the latest update of the newest bar seen
  std::uint64_t forming_skipped = 0;     // skipped-frame count at that bar's first update
  std::uint64_t forming_connection = 0;  // the connection of that bar's first update
  bool backfill_running = false;
  std::optional<data::FundingSeries> funding;  // the stored series, reloaded when it grows
  TradeBars trades;  // check_trades
};

struct MarketDataSource::Backfill {
  std::vector<data::Bar> closed;  // oldest first, each opening at or after the request's start
  std::vector<FundingReply> funding;
  std::string error;
};

MarketDataSource::MarketDataSource(boost::asio::io_context& ioc, WsClient* ws, std::shared_ptr<InfoClient> info,
                                   data::Store& store, MarketDataOptions options, BarHandler on_bar)
    : ioc_(ioc), ws_(ws), info_(std::move(info)), store_(store), options_(std::move(options)),
      on_bar_(std::move(on_bar)), retry_timer_(ioc) {
  for (const auto& name : options_.coins) {
    coins_.push_back(std::make_unique<Coin>(name, data::SeriesKey{options_.venue, name, options_.interval}));
  }
  if (info_) worker_ = std::make_unique<RestWorker>(ioc_);
  if (options_.check_trades && options_.interval.nominal_ms() != 60'000)
    throw std::invalid_argument("checking bars built from trades needs interval 1m");
}

TradeCheckStats MarketDataSource::trade_checks() const {
  TradeCheckStats sum;
  for (const auto& c : coins_) {
    const auto& s = c->trades.stats();
    sum.checked += s.checked;
    sum.matched += s.matched;
    sum.incomplete += s.incomplete;
    sum.open += s.open;
    sum.high += s.high;
    sum.low += s.low;
    sum.close += s.close;
    sum.volume += s.volume;
  }
  return sum;
}

MarketDataSource::~MarketDataSource() {
  *alive_ = false;
  stop();
}

void MarketDataSource::start() {
  sentiment_ = store_.load_sentiment(kSentimentSource);
  for (auto& coin : coins_) {
    if (const auto last = last_stored_bar(store_, coin->key)) {
      coin->last_emitted = *last;
      coin->next_open = options_.interval.next(*last);
    } else if (options_.since) {
      coin->next_open = options_.interval.bucket_start(*options_.since);
    }
    if (options_.funding) coin->funding = store_.load_funding(options_.venue, coin->name);
  }
  if (ws_) {
    ws_->on_frame([this](const WsFrame& frame) { handle_frame(frame); });
    ws_->on_reconnect([this](std::uint64_t n, const std::string& reason) { handle_reconnect(n, reason); });
    for (const auto& coin : coins_) {
      ws_->subscribe(WsSubscription{"candle", coin->name, options_.interval.name(), ""});
      if (options_.check_trades) ws_->subscribe(WsSubscription{"trades", coin->name, "", ""});
    }
  }
  // Everything since the last stored bar comes before any new bar.
  for (auto& coin : coins_)
    if (coin->next_open) request_backfill(*coin);
}

void MarketDataSource::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  if (worker_) worker_->stop();
}

std::optional<TimeMs> MarketDataSource::last_emitted(const std::string& coin) const {
  for (const auto& c : coins_)
    if (c->name == coin) return c->last_emitted;
  return std::nullopt;
}

MarketDataSource::Coin* MarketDataSource::coin_of(const std::string& name) {
  for (auto& c : coins_)
    if (c->name == name) return c.get();
  return nullptr;
}

std::uint64_t MarketDataSource::skipped_frames() const { return ws_ ? ws_->stats().skipped : 0; }

void MarketDataSource::handle_frame(const WsFrame& frame) {
  if (stopped_) return;
  if (options_.check_trades && skipped_frames() != skipped_seen_) {
    skipped_seen_ = skipped_frames();
    for (auto& c : coins_) c->trades.interrupted();
  }
  if (frame.kind == FrameKind::trades && options_.check_trades) {
    for (const auto& trade : frame.trades)
      if (Coin* coin = coin_of(trade.coin)) coin->trades.add(trade);
    return;
  }
  if (frame.kind != FrameKind::candle) return;
  for (const auto& candle : frame.candles) {
    if (candle.interval != options_.interval.name()) continue;
    if (Coin* coin = coin_of(candle.coin)) on_candle(*coin, candle);
  }
}

void MarketDataSource::on_candle(Coin& coin, const WsCandle& candle) {
  ++stats_.candle_updates;
  const TimeMs t = candle.open_time;
  if (!coin.next_open) coin.next_open = t;  // nothing stored: start with the first bar seen forming
  if (coin.forming && t < coin.forming->open_time) {
    ++stats_.stale_updates;
    return;
  }
  // The exchange shows only the bar in progress: an update for t proves every bar before t closed,
  // whether or not the feed showed them forming.
  if (t > *coin.next_open) coin.closed_before = std::max(coin.closed_before.value_or(t), t);
  if (coin.forming && t > coin.forming->open_time) {
    const WsCandle& last = *coin.forming;
    // The feed's last update is final only if nothing can have been missed since the bar began:
    // same connection, no skipped frame, and it is the very next bar to emit (no backfill owes
    // an earlier one). Otherwise candleSnapshot decides.
    const bool trusted = options_.trust_ws_final && !options_.funding && !coin.backfill_running &&
                         coin.forming_connection == connection_ && coin.forming_skipped == skipped_frames() &&
                         coin.next_open == last.open_time && options_.interval.next(last.open_time) == t;
    if (trusted) emit(coin, bar_of(last), true);
  }
  if (*coin.next_open < t) request_backfill(coin);
  if (!coin.forming || t != coin.forming->open_time) {
    coin.forming_skipped = skipped_frames();
    coin.forming_connection = connection_;
  }
  coin.forming = candle;
}

void MarketDataSource::handle_reconnect(std::uint64_t reconnects, const std::string& reason) {
  if (stopped_) return;
  ++connection_;
  ++stats_.reconnects;
  for (auto& c : coins_) c->trades.interrupted();
  spdlog::info("market data: reconnect {} ({}): backfilling from candleSnapshot", reconnects, reason);
  for (auto& coin : coins_)
    if (coin->next_open) request_backfill(*coin);
  if (on_reconnect_) on_reconnect_(reconnects, reason);
}

void MarketDataSource::request_backfill(Coin& coin) {
  if (stopped_ || !worker_ || coin.backfill_running || !coin.next_open) return;
  coin.backfill_running = true;
  ++stats_.backfills;
  const TimeMs from = *coin.next_open;
  const std::optional<TimeMs> closed_before = coin.closed_before;
  std::optional<TimeMs> funding_from;
  if (options_.funding) {
    const auto stored = last_stored_funding(store_, options_.venue, coin.name);
    funding_from = stored ? *stored + 1 : from;
  }
  const std::string name = coin.name;
  const core::Interval interval = options_.interval;
  Coin* target = &coin;
  worker_->submit([this, alive = alive_, info = info_, name, interval, from, closed_before, funding_from,
                   target]() -> RestWorker::Continuation {
    auto result = std::make_shared<Backfill>();
    try {
      // The exchange returns every candle from `cursor` up to its newest, which is still forming:
      // a candle is closed once a later one is in the reply, or the feed already showed a later bar.
      TimeMs cursor = from;
      for (;;) {
        const TimeMs end = cursor + static_cast<TimeMs>(kCandleCap) * interval.nominal_ms();
        const auto page = info->candle_snapshot(name, interval, cursor, end);
        TimeMs newest = -1;
        for (const auto& c : page) newest = std::max(newest, c.bar.time);
        for (const auto& c : page) {
          if (c.bar.time < cursor) continue;
          const bool closed = c.bar.time < newest || (closed_before && c.bar.time < *closed_before);
          if (closed) result->closed.push_back(c.bar);
        }
        if (page.size() < kCandleCap || result->closed.empty() || result->closed.back().time < cursor) break;
        cursor = interval.next(result->closed.back().time);
      }
      if (funding_from) {
        TimeMs start = *funding_from;
        for (;;) {
          auto page = info->funding_history(name, start, std::numeric_limits<TimeMs>::max() / 2);
          result->funding.insert(result->funding.end(), page.begin(), page.end());
          if (page.size() < kFundingCap) break;
          start = page.back().time + 1;
        }
      }
    } catch (const std::exception& e) {
      result->closed.clear();
      result->funding.clear();
      result->error = e.what();
    }
    return [this, alive, target, result] {
      if (*alive) finish_backfill(*target, *result);
    };
  });
}

void MarketDataSource::finish_backfill(Coin& coin, Backfill& result) {
  coin.backfill_running = false;
  if (stopped_) return;
  if (!result.error.empty()) {
    ++stats_.backfill_errors;
    spdlog::warn("{}: backfill failed, nothing stored, retrying: {}", coin.key.label(), result.error);
  } else {
    if (!result.funding.empty()) {
      stats_.funding_rows += static_cast<std::uint64_t>(store_funding(store_, options_.venue, coin.name, result.funding));
      coin.funding = store_.load_funding(options_.venue, coin.name);
    }
    sentiment_ = store_.load_sentiment(kSentimentSource);
    for (const auto& bar : result.closed) {
      if (stopped_) return;
      if (bar.time < *coin.next_open) continue;  // emitted already (the feed, or an earlier backfill)
      if (bar.time > *coin.next_open) {
        ++stats_.gaps;
        spdlog::warn("{}: the exchange has no bar at {} (next it has: {}): a gap", coin.key.label(),
                     core::format_utc(*coin.next_open), core::format_utc(bar.time));
      }
      emit(coin, bar, false);
    }
  }
  // Bars that closed while this ran wait for the next backfill, in order.
  const bool owed = coin.closed_before && coin.next_open && *coin.next_open < *coin.closed_before;
  if (!owed) return;
  if (result.error.empty() && !result.closed.empty()) {
    request_backfill(coin);
  } else if (!retry_armed_) {
    // Failed, or the exchange did not show the closed bar yet: try again shortly, not in a loop.
    retry_armed_ = true;
    retry_timer_.expires_after(options_.retry_after);
    retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive) return;
      retry_armed_ = false;
      for (auto& c : coins_)
        if (c->closed_before && c->next_open && *c->next_open < *c->closed_before) request_backfill(*c);
    });
  }
}

void MarketDataSource::emit(Coin& coin, const data::Bar& bar, bool from_ws) {
  if (options_.persist) {
    data::Candles one;
    one.push_back(bar);
    store_bars(store_, coin.key, one);  // one transaction, before anyone hears of the bar
  }
  if (options_.check_trades) coin.trades.check(bar);
  coin.last_emitted = bar.time;
  coin.next_open = options_.interval.next(bar.time);
  ++(from_ws ? stats_.emitted_ws : stats_.emitted_rest);
  if (!on_bar_) return;
  LiveBar live;
  live.coin = coin.name;
  live.interval = options_.interval;
  live.bar = bar;
  live.from_ws = from_ws;
  const std::span<const TimeMs> open(&bar.time, 1);
  if (options_.funding && coin.funding)
    live.funding = data::funding_per_bar(open, options_.interval.nominal_ms(), *coin.funding).front();
  else if (options_.funding)
    live.funding = 0;
  if (sentiment_ && sentiment_->size() > 0) live.sentiment = data::sentiment_per_bar(open, *sentiment_).front();
  on_bar_(live);
}

}  // namespace organism::exchange::client
