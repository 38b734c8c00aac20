#include "exchange/client/fetch_history.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace organism::exchange::client {

namespace {

// PROTOCOL §3.6: at most 500 funding events per reply.
constexpr std::size_t kFundingPageCap = 500;

// Writes `bars` in one transaction; adds the counts to `result`.
void write_bars(data::Store& store, const data::SeriesKey& key, const data::Candles& bars, CoinFetchResult& result) {
  if (bars.empty()) return;
  const auto counts = store_bars(store, key, bars);
  result.new_bars += counts.inserted;
  result.updated_bars += counts.updated;
  if (counts.inserted + counts.updated > 0) {
    if (result.first == 0) result.first = bars.time().front();
    result.last = bars.time().back();
  }
}

// Candles of one coin. The exchange returns, for a window, every candle overlapping it up to its
// own newest, which is the bar in progress: a bar is stored only once a later bar has been seen
// (so it is closed and its values final). Each page asks from the bar after the last one seen.
void fetch_candles(InfoClient& info, data::Store& store, const FetchOptions& options, TimeMs now,
                   CoinFetchResult& result, const FetchProgress& progress) {
  const auto& interval = options.interval;
  const data::SeriesKey key{options.venue, result.coin, interval};
  TimeMs cursor = options.since ? interval.bucket_start(*options.since) : 0;
  const auto stored = last_stored_bar(store, key);
  if (stored) cursor = std::max(cursor, interval.next(*stored));
  // The window reaches one bar past `until` so that the last bar before it shows as closed.
  const TimeMs until = options.until.value_or(interval.next(interval.bucket_start(now)));
  const TimeMs window_end = interval.next(interval.bucket_start(until)) + interval.nominal_ms();
  std::optional<data::Bar> held;  // the newest bar seen, stored once a later one appears
  bool first_page = true;
  // With an explicit --until, a held bar just before it (a page ended there) is confirmed closed
  // by one more page; without one, such a bar is the wall clock's current, still open.
  while (cursor < until || (held && options.until)) {
    const auto page = info.candle_snapshot(result.coin, interval, cursor, window_end);
    ++result.pages;
    data::Candles closed;
    TimeMs newest = -1;
    for (const auto& candle : page) {
      if (candle.bar.time < cursor) continue;  // the candle containing startTime, seen before
      if (first_page && stored && candle.bar.time > cursor) {
        spdlog::warn("{}: the exchange's oldest candle after the store's last ({}) is {}: a gap (it keeps the "
                     "latest 5000 only)", key.label(), core::format_utc(*stored), core::format_utc(candle.bar.time));
      }
      first_page = false;
      if (held) closed.push_back(*held);  // a later bar exists: the held one is closed
      held.reset();
      newest = candle.bar.time;
      if (candle.bar.time >= until) break;
      held = candle.bar;
    }
    write_bars(store, key, closed, result);
    if (progress) progress(result.coin, result.new_bars + result.updated_bars);
    if (newest < 0 || newest >= until) break;
    cursor = interval.next(newest);
  }
  // `held` is the exchange's newest bar before `until`: possibly in progress, left for next run.
}

void fetch_funding(InfoClient& info, data::Store& store, const FetchOptions& options, TimeMs now,
                   CoinFetchResult& result) {
  TimeMs start = options.since.value_or(0);
  if (const auto stored = last_stored_funding(store, options.venue, result.coin)) start = std::max(start, *stored + 1);
  const TimeMs end = options.until ? *options.until - 1 : now;
  while (start <= end) {
    const auto page = info.funding_history(result.coin, start, end);
    ++result.funding_pages;
    if (page.empty()) break;
    result.new_funding += store_funding(store, options.venue, result.coin, page);
    if (page.size() < kFundingPageCap) break;
    start = page.back().time + 1;
  }
}

}  // namespace

std::optional<TimeMs> last_stored_bar(data::Store& store, const data::SeriesKey& key) {
  for (const auto& info : store.list_series()) {
    if (info.key == key && info.bars > 0) return info.last;
  }
  return std::nullopt;
}

std::optional<TimeMs> last_stored_funding(data::Store& store, const std::string& venue, const std::string& coin) {
  for (const auto& info : store.list_funding()) {
    if (info.venue == venue && info.coin == coin && info.rows > 0) return info.last;
  }
  return std::nullopt;
}

data::UpsertCounts store_bars(data::Store& store, const data::SeriesKey& key, const data::Candles& bars) {
  if (bars.empty()) return {};
  auto tx = store.transaction();
  const auto counts = store.upsert_candles(key, bars.view());
  tx.commit();
  return counts;
}

std::int64_t store_funding(data::Store& store, const std::string& venue, const std::string& coin,
                           const std::vector<FundingReply>& page) {
  // The exchange stamps an event a few ms after the hour; the store keys funding by the hour,
  // as imported series are, so both meet.
  data::FundingSeries series{venue, coin, core::kHourMs, {}, {}};
  for (const auto& f : page) {
    const TimeMs hour = f.time - f.time % core::kHourMs;
    if (!series.time.empty() && hour <= series.time.back()) continue;
    series.time.push_back(hour);
    series.rate.push_back(f.rate);
  }
  if (series.time.empty()) return 0;
  auto tx = store.transaction();
  const auto inserted = store.upsert_funding(series).inserted;
  tx.commit();
  return inserted;
}

std::vector<CoinFetchResult> fetch_history(InfoClient& info, data::Store& store, const FetchOptions& options,
                                           const core::Clock& wall, const FetchProgress& progress) {
  const TimeMs now = wall.now();
  std::vector<CoinFetchResult> results;
  for (const auto& coin : options.coins) {
    CoinFetchResult result;
    result.coin = coin;
    fetch_candles(info, store, options, now, result, progress);
    if (options.funding) fetch_funding(info, store, options, now, result);
    results.push_back(result);
  }
  return results;
}

}  // namespace organism::exchange::client
