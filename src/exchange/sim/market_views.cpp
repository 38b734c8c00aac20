// What the replayed market shows of its past (market_replay.hpp): candles, funding history and
// the 24-hour figures, all cut at now() so that nothing from after it leaks out.
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/resample.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exchange/sim/price_path.hpp"

namespace organism::exchange::sim {
namespace {

// Only the most recent candles of an interval exist on the exchange (PROTOCOL §3.5, §14.1).
constexpr std::size_t kCandlesKept = 5000;

// Whether `coarse` buckets are whole `fine` bars (data::check_resample_intervals walks thousands
// of boundaries to say so). publish() asks on every tick for every subscribed candle interval, so
// the answer for every pair of the fixed interval set is computed once, on first use.
bool tiles(const core::Interval& fine, const core::Interval& coarse) {
  if (coarse == fine) return true;
  static const std::set<std::pair<std::string, std::string>> kTilingPairs = [] {
    std::set<std::pair<std::string, std::string>> pairs;
    const auto names = core::split_list(core::interval_names(), ' ');
    for (const auto& f : names) {
      for (const auto& c : names) {
        try {
          data::check_resample_intervals(core::Interval::parse_or_throw(f),
                                         core::Interval::parse_or_throw(c));
          pairs.emplace(f, c);
        } catch (const core::UsageError&) {
          // f does not tile c: left out
        }
      }
    }
    return pairs;
  }();
  return kTilingPairs.contains({fine.name(), coarse.name()});
}

// The oldest bucket still kept at `now`: kCandlesKept buckets back from now's, but none before
// the one holding the first stored bar (nothing older exists). publish() asks for candles on
// every tick, so fixed intervals (1w included: its Monday offset keeps it fixed-length) use
// arithmetic; months step back one by one, at most once per month of stored data.
TimeMs oldest_kept_bucket(const core::Interval& interval, TimeMs now, TimeMs first_bar) {
  const TimeMs newest = interval.bucket_start(now);
  if (newest <= first_bar) return newest;
  if (!interval.is_month()) {
    const TimeMs span = static_cast<TimeMs>(kCandlesKept - 1) * interval.nominal_ms();
    return std::max(newest - span, interval.bucket_start(first_bar));
  }
  TimeMs oldest = newest;
  for (std::size_t i = 1; i < kCandlesKept && oldest > first_bar; ++i) {
    oldest = interval.bucket_start(oldest - 1);
  }
  return oldest;
}

void merge_into(CandleOut& into, const CandleOut& bar) {
  into.h = std::max(into.h, bar.h);
  into.l = std::min(into.l, bar.l);
  into.c = bar.c;
  into.v += bar.v;
  into.n += bar.n;
}

}  // namespace

CandleOut MarketReplay::bar_candle(int asset, std::size_t bar) const {
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  const TimeMs open = c.bars.time()[bar];
  const TimeMs length = bar_length(open);
  const int steps = config_.steps_per_bar;
  const auto b = served_bar(asset, bar);
  const std::int64_t trades = b.trades == data::kUnknownTrades ? steps : b.trades;
  CandleOut out;
  out.t = open;
  out.close_time = open + length - 1;
  const bool flashed = std::any_of(flashes_.begin(), flashes_.end(), [&](const Flash& f) {
    return f.asset == asset && f.bar == open;
  });
  out.closed = now_ >= open + length;
  if (out.closed && !flashed) {
    out.o = b.open, out.h = b.high, out.l = b.low, out.c = b.close, out.v = b.volume,
    out.n = trades;
    return out;
  }
  // In progress (or moved by a flash): built from the ticks shown so far.
  const int shown = out.closed ? steps : tick_index_at(open, length, steps, now_) + 1;
  const auto path = path_of(asset, bar);
  out.o = path.front();
  out.h = *std::max_element(path.begin(), path.begin() + shown);
  out.l = *std::min_element(path.begin(), path.begin() + shown);
  out.c = path[static_cast<std::size_t>(shown - 1)];
  out.v = b.volume * shown / steps;
  out.n = trades * shown / steps;
  return out;
}

std::vector<CandleOut> MarketReplay::candles(int asset, const core::Interval& interval,
                                             TimeMs start, TimeMs end, std::size_t limit) const {
  std::vector<CandleOut> out;
  if (asset < 0 || asset >= static_cast<int>(coins_.size()) || start > end || limit == 0)
    return out;
  if (!tiles(config_.interval, interval)) return out;
  const auto& bars = coins_[static_cast<std::size_t>(asset)].bars;
  const auto times = bars.time();
  // The buckets that exist: the latest kCandlesKept up to the one holding now().
  TimeMs bucket = interval.bucket_start(std::min(end, now_));
  const TimeMs oldest = oldest_kept_bucket(interval, now_, times.front());
  const TimeMs first = std::max(interval.bucket_start(start), oldest);
  for (; bucket >= first && out.size() < limit; bucket = interval.bucket_start(bucket - 1)) {
    const TimeMs close = interval.next(bucket);
    auto i = static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), bucket) -
                                      times.begin());
    std::optional<CandleOut> candle;
    for (; i < times.size() && times[i] < close && times[i] <= now_; ++i) {
      const CandleOut bar = bar_candle(asset, i);
      if (!candle) {
        candle = bar;
      } else {
        merge_into(*candle, bar);
      }
    }
    if (candle) {
      candle->t = bucket;
      candle->close_time = close - 1;
      candle->closed = now_ >= close;
      out.push_back(*candle);
    }
    if (bucket <= times.front()) break;  // nothing older is stored
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<FundingOut> MarketReplay::funding_history(int asset, TimeMs start, TimeMs end,
                                                      std::size_t limit) const {
  std::vector<FundingOut> out;
  if (asset < 0 || asset >= static_cast<int>(coins_.size())) return out;
  const auto& funding = coins_[static_cast<std::size_t>(asset)].funding;
  if (!funding) return out;
  const TimeMs last = std::min(end, now_);
  const auto begin = std::lower_bound(funding->time.begin(), funding->time.end(), start);
  for (auto it = begin; it != funding->time.end() && *it <= last && out.size() < limit; ++it) {
    const double rate = hourly_rate_at(asset, *it);
    out.push_back({*it, rate, rate - kHourlyFundingInterest});
  }
  return out;
}

double MarketReplay::prev_day_price(int asset) const {
  check_asset(asset);
  return price_at(asset, now_ - core::kDayMs);
}

double MarketReplay::day_volume(int asset) const {
  check_asset(asset);
  const auto times = coins_[static_cast<std::size_t>(asset)].bars.time();
  auto i = static_cast<std::size_t>(
      std::lower_bound(times.begin(), times.end(), now_ - core::kDayMs) - times.begin());
  double volume = 0;
  for (; i < times.size() && times[i] <= now_; ++i) volume += bar_candle(asset, i).v;
  return volume;
}

}  // namespace organism::exchange::sim
