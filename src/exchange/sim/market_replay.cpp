// The market replay's clock, ticks, funding, flash moves and state (market_replay.hpp); the
// candle and funding views are in market_views.cpp, the engine adapter in market_engine_feed.cpp.
#include "exchange/sim/market_replay.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "exchange/sim/market_prints.hpp"
#include "exchange/sim/price_path.hpp"
#include "exchange/sim/price_ticks.hpp"
#include "exchange/sim/synthetic_book.hpp"

namespace organism::exchange::sim {
namespace {

std::string range_text(const data::Candles& bars) {
  return fmt::format("{} .. {}", core::format_utc(bars.time().front()),
                     core::format_utc(bars.time().back()));
}

}  // namespace

MarketReplay::MarketReplay(std::vector<CoinMarketData> coins, MarketConfig config)
    : coins_(std::move(coins)), config_(std::move(config)), now_(config_.from) {
  if (coins_.empty()) throw std::invalid_argument("the market replay needs at least one coin");
  if (config_.steps_per_bar < kMinStepsPerBar) {
    throw std::invalid_argument(fmt::format("steps per bar must be at least {}, got {}",
                                            kMinStepsPerBar, config_.steps_per_bar));
  }
  if (config_.book_levels < 1) {
    throw std::invalid_argument(
        fmt::format("book levels must be at least 1, got {}", config_.book_levels));
  }
  const auto& iv = config_.interval;
  if (!iv.is_aligned(config_.from)) {
    throw std::invalid_argument(fmt::format("--from {} is not the open of a {} bar",
                                            core::format_utc(config_.from), iv.name()));
  }
  for (const auto& coin : coins_) {
    const auto times = coin.bars.time();
    if (times.empty())
      throw std::invalid_argument(fmt::format("{}: no {} bars", coin.spec.coin, iv.name()));
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (!iv.is_aligned(times[i]) || (i > 0 && times[i] <= times[i - 1])) {
        throw std::invalid_argument(fmt::format("{}: bar at {} is not in order on the {} grid",
                                                coin.spec.coin, core::format_utc(times[i]),
                                                iv.name()));
      }
    }
    if (config_.from < times.front() || config_.from > times.back()) {
      throw std::invalid_argument(fmt::format("--from {} is outside the {} {} bars ({})",
                                              core::format_utc(config_.from), coin.spec.coin,
                                              iv.name(), range_text(coin.bars)));
    }
  }
  cache_.resize(coins_.size());
}

std::vector<AssetSpec> MarketReplay::assets() const {
  std::vector<AssetSpec> out;
  out.reserve(coins_.size());
  for (const auto& c : coins_) out.push_back(c.spec);
  return out;
}

TimeMs MarketReplay::bar_length(TimeMs open) const { return config_.interval.next(open) - open; }

TimeMs MarketReplay::end() const {
  TimeMs last = 0;
  for (const auto& c : coins_) last = std::max(last, config_.interval.next(c.bars.time().back()));
  return last;
}

std::optional<std::size_t> MarketReplay::bar_containing(int asset, TimeMs t) const {
  const auto times = coins_[static_cast<std::size_t>(asset)].bars.time();
  const auto it = std::upper_bound(times.begin(), times.end(), t);
  if (it == times.begin()) return std::nullopt;
  const auto i = static_cast<std::size_t>(it - times.begin()) - 1;
  if (t >= config_.interval.next(times[i]))
    return std::nullopt;  // a gap in the data, or past the end
  return i;
}

std::vector<double> MarketReplay::path_of(int asset, std::size_t bar) const {
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  auto path = bar_path(served_bar(asset, bar), config_.steps_per_bar, c.spec.sz_decimals);
  const TimeMs open = c.bars.time()[bar];
  for (const auto& f : flashes_) {
    if (f.asset == asset && f.bar == open)
      apply_flash(path, f.from_tick, f.fraction, c.spec.sz_decimals);
  }
  return path;
}

double MarketReplay::price_at(int asset, TimeMs t) const {
  const auto& bars = coins_[static_cast<std::size_t>(asset)].bars;
  if (const auto i = bar_containing(asset, t)) {
    const TimeMs open = bars.time()[*i];
    const int k = tick_index_at(open, bar_length(open), config_.steps_per_bar, t);
    return path_of(asset, *i)[static_cast<std::size_t>(k)];
  }
  const auto times = bars.time();
  const auto it = std::upper_bound(times.begin(), times.end(), t);
  if (it == times.begin()) return served_bar(asset, 0).open;  // before the data: its first open
  return path_of(asset, static_cast<std::size_t>(it - times.begin()) - 1)
      .back();  // gap or end: last close
}

void MarketReplay::check_asset(int asset) const {
  if (asset < 0 || asset >= static_cast<int>(coins_.size())) {
    throw std::out_of_range(
        fmt::format("the market has no asset {} (it has {})", asset, coins_.size()));
  }
}

double MarketReplay::price(int asset) const {
  check_asset(asset);
  return price_at(asset, now_);
}

double MarketReplay::hourly_rate_at(int asset, TimeMs hour) const {
  const auto& funding = coins_[static_cast<std::size_t>(asset)].funding;
  if (!funding || funding->time.empty()) return 0.0;
  const auto it = std::upper_bound(funding->time.begin(), funding->time.end(), hour);
  if (it == funding->time.begin()) return 0.0;
  const double rate = funding->rate[static_cast<std::size_t>(it - funding->time.begin()) - 1];
  const TimeMs per = funding->interval_ms > 0 ? funding->interval_ms : core::kHourMs;
  return rate * static_cast<double>(core::kHourMs) / static_cast<double>(per);
}

double MarketReplay::current_funding(int asset) const {
  check_asset(asset);
  return hourly_rate_at(asset, now_ - ((now_ % core::kHourMs) + core::kHourMs) % core::kHourMs);
}

TimeMs MarketReplay::next_tick_after(TimeMs t) const {
  const TimeMs open = config_.interval.bucket_start(t);
  const TimeMs length = bar_length(open);
  const int k = tick_index_at(open, length, config_.steps_per_bar, t) + 1;
  return k < config_.steps_per_bar ? tick_time(open, length, config_.steps_per_bar, k)
                                   : open + length;
}

TimeMs MarketReplay::next_tick() const { return next_tick_after(now_); }

void MarketReplay::feed_tick(int asset, TimeMs t, const MarketListener& listener) {
  const auto bar = bar_containing(asset, t);
  if (!bar) return;
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  auto& cache = cache_[static_cast<std::size_t>(asset)];
  if (cache.bar != bar) {
    cache.path = path_of(asset, *bar);
    cache.bar = bar;
  }
  const TimeMs open = c.bars.time()[*bar];
  const int k = tick_index_at(open, bar_length(open), config_.steps_per_bar, t);
  const double px = cache.path[static_cast<std::size_t>(k)];
  BookInputs in;
  in.seed = config_.seed;
  in.asset = asset;
  in.time = t;
  in.price = px;
  in.bar = served_bar(asset, *bar);
  in.steps_per_bar = config_.steps_per_bar;
  in.levels = config_.book_levels;
  in.sz_decimals = c.spec.sz_decimals;
  auto book = synthetic_book(in);
  MarketTick tick;
  tick.time = t;
  tick.price = to_units(px);
  tick.mark_px = px;
  tick.oracle_px = px;
  tick.bids = std::move(book.bids);
  tick.asks = std::move(book.asks);
  PrintInputs prints;
  prints.seed = config_.seed;
  prints.asset = asset;
  prints.time = t;
  prints.price = px;
  prints.previous_price =
      k > 0 ? cache.path[static_cast<std::size_t>(k - 1)] : price_at(asset, t - 1);
  prints.bar_volume = in.bar.volume;
  prints.steps_per_bar = config_.steps_per_bar;
  prints.sz_decimals = c.spec.sz_decimals;
  tick.prints = market_prints(prints);
  if (listener.on_tick) listener.on_tick(asset, tick);
}

void MarketReplay::advance_to(TimeMs t, const MarketListener& listener) {
  t = std::min(t, end());
  if (t < now_ || (started_ && t == now_)) return;
  // Before the first call the tick at now_ has not been fed: start the walk just before it.
  TimeMs cursor = started_ ? now_ : now_ - 1;
  const int n = static_cast<int>(coins_.size());
  while (true) {
    const TimeMs tick = next_tick_after(cursor);
    const TimeMs hour = (cursor / core::kHourMs + 1) * core::kHourMs;
    const TimeMs at = std::min(tick, hour);
    if (at > t) break;
    if (at == tick) {
      for (int a = 0; a < n; ++a) feed_tick(a, at, listener);
    }
    if (at == hour && listener.on_funding) {
      for (int a = 0; a < n; ++a) {
        if (bar_containing(a, at)) listener.on_funding(a, hourly_rate_at(a, at), at);
      }
    }
    cursor = at;
  }
  now_ = t;
  started_ = true;
}

void MarketReplay::inject_flash_move(int asset, double fraction) {
  if (asset < 0 || asset >= static_cast<int>(coins_.size())) {
    throw std::invalid_argument(fmt::format("flash move: no asset {}", asset));
  }
  if (!std::isfinite(fraction) || fraction <= -1.0) {
    throw std::invalid_argument(
        fmt::format("flash move: fraction must be finite and above -1, got {}", fraction));
  }
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  const auto bar = bar_containing(asset, now_);
  if (!bar) {
    throw std::invalid_argument(
        fmt::format("flash move: {} has no bar at {}", c.spec.coin, core::format_utc(now_)));
  }
  const TimeMs open = c.bars.time()[*bar];
  const int k = tick_index_at(open, bar_length(open), config_.steps_per_bar, now_);
  Flash f{asset, fraction, open, k};
  if (k + 1 >= config_.steps_per_bar) {
    // No tick of this bar is left: move the next bar instead, from its open.
    const TimeMs next = config_.interval.next(open);
    if (*bar + 1 >= c.bars.size() || c.bars.time()[*bar + 1] != next) {
      throw std::invalid_argument(
          fmt::format("flash move: {} has no bar after {}", c.spec.coin, core::format_utc(open)));
    }
    f = Flash{asset, fraction, next, 0};
  }
  flashes_.push_back(f);
  cache_[static_cast<std::size_t>(asset)].bar.reset();
}

RegimeBreak MarketReplay::add_regime_break(int asset, TimeMs time, double exponent) {
  if (asset < 0 || asset >= static_cast<int>(coins_.size())) {
    throw std::invalid_argument(fmt::format("regime break: no asset {}", asset));
  }
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  try {
    check_regime_exponent(exponent);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("regime break of {}: {}", c.spec.coin, e.what()));
  }
  const auto& iv = config_.interval;
  const TimeMs open = iv.is_aligned(time) ? time : iv.next(iv.bucket_start(time));
  const auto times = c.bars.time();
  if (open > times.back()) {
    throw std::invalid_argument(fmt::format("regime break of {}: no {} bar at or after {} (the data ends at {})",
                                            c.spec.coin, iv.name(), core::format_utc(time),
                                            core::format_utc(times.back())));
  }
  const RegimeBreak spec{asset, open, exponent};
  if (std::any_of(breaks_.begin(), breaks_.end(), [&](const Break& b) { return b.spec == spec; }))
    return spec;
  breaks_.push_back({spec, 0});
  std::stable_sort(breaks_.begin(), breaks_.end(), [](const Break& a, const Break& b) {
    return std::pair(a.spec.asset, a.spec.time) < std::pair(b.spec.asset, b.spec.time);
  });
  compute_pivots();
  cache_[static_cast<std::size_t>(asset)].bar.reset();
  return spec;
}

std::vector<RegimeBreak> MarketReplay::regime_breaks() const {
  std::vector<RegimeBreak> out;
  for (const auto& b : breaks_) out.push_back(b.spec);
  return out;
}

void MarketReplay::compute_pivots() {
  // In (asset, time) order, so each pivot sees the earlier breaks of its asset applied.
  for (std::size_t k = 0; k < breaks_.size(); ++k) {
    auto& b = breaks_[k];
    const auto& c = coins_[static_cast<std::size_t>(b.spec.asset)];
    const auto times = c.bars.time();
    const auto i = static_cast<std::size_t>(
        std::lower_bound(times.begin(), times.end(), b.spec.time) - times.begin());
    double open = c.bars.open()[i];
    for (std::size_t j = 0; j < k; ++j) {
      const auto& e = breaks_[j];
      if (e.spec.asset == b.spec.asset) open = regime_price(open, e.pivot, e.spec.exponent);
    }
    b.pivot = open;
  }
}

data::Bar MarketReplay::served_bar(int asset, std::size_t bar) const {
  const auto& c = coins_[static_cast<std::size_t>(asset)];
  data::Bar out = c.bars.bar(bar);
  bool moved = false;
  for (const auto& b : breaks_) {
    if (b.spec.asset != asset || b.spec.time > out.time) continue;
    out = regime_bar(out, b.pivot, b.spec.exponent);
    moved = true;
  }
  if (!moved) return out;
  // Served prices are valid exchange prices; snapping is monotone, so high >= open, close >= low.
  const auto snap = [&](double px) {
    return static_cast<double>(nearest_tick(to_units(px), c.spec.sz_decimals)) / 1e8;
  };
  out.open = snap(out.open), out.high = snap(out.high), out.low = snap(out.low),
  out.close = snap(out.close);
  return out;
}

nlohmann::json MarketReplay::to_json() const {
  nlohmann::json flashes = nlohmann::json::array();
  for (const auto& f : flashes_) {
    flashes.push_back(
        {{"asset", f.asset}, {"fraction", f.fraction}, {"bar", f.bar}, {"from_tick", f.from_tick}});
  }
  nlohmann::json breaks = nlohmann::json::array();
  for (const auto& b : breaks_) {
    breaks.push_back(
        {{"asset", b.spec.asset}, {"time", b.spec.time}, {"exponent", b.spec.exponent}});
  }
  return {{"now", now_}, {"started", started_}, {"flashes", flashes}, {"regime_breaks", breaks}};
}

void MarketReplay::restore(const nlohmann::json& state) {
  try {
    const TimeMs now = state.at("now").get<TimeMs>();
    if (now < config_.from || now > end()) {
      throw std::invalid_argument(fmt::format(
          "market state: time {} is outside this market ({} .. {})", core::format_utc(now),
          core::format_utc(config_.from), core::format_utc(end())));
    }
    std::vector<Flash> flashes;
    for (const auto& f : state.at("flashes")) {
      Flash x{f.at("asset").get<int>(), f.at("fraction").get<double>(), f.at("bar").get<TimeMs>(),
              f.at("from_tick").get<int>()};
      if (x.asset < 0 || x.asset >= static_cast<int>(coins_.size()) || x.from_tick < 0 ||
          x.from_tick >= config_.steps_per_bar || !(x.fraction > -1.0)) {
        throw std::invalid_argument("market state: a flash move does not fit this market");
      }
      flashes.push_back(x);
    }
    // The saved breaks join the configured ones (a state saved before breaks existed has none).
    if (state.contains("regime_breaks")) {
      for (const auto& b : state.at("regime_breaks")) {
        add_regime_break(b.at("asset").get<int>(), b.at("time").get<TimeMs>(),
                         b.at("exponent").get<double>());
      }
    }
    now_ = now;
    started_ = state.at("started").get<bool>();
    flashes_ = std::move(flashes);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("market state: ") + e.what());
  }
  for (auto& c : cache_) c.bar.reset();
}

}  // namespace organism::exchange::sim
