// Loading the simulator's market from the store (market_loader.hpp).
#include "exchange/sim/market_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/error.hpp"

namespace organism::exchange::sim {
namespace {

constexpr const char* kHomeVenue = "hyperliquid";

struct KnownAsset {
  const char* coin;
  int sz_decimals;
  int max_leverage;
};
// A snapshot of Hyperliquid's `meta` (2025) for common coins: the exchange changes these over
// time (leverage especially), so a live client must read meta, never this table.
constexpr std::array<KnownAsset, 30> kKnownAssets{{
    {"BTC", 5, 40},  {"ETH", 4, 25},   {"SOL", 2, 20},  {"XRP", 0, 20}, {"DOGE", 0, 10},
    {"ADA", 0, 10},  {"AVAX", 2, 10},  {"LINK", 1, 10}, {"DOT", 1, 10}, {"LTC", 2, 10},
    {"BNB", 3, 10},  {"ATOM", 2, 5},   {"FIL", 1, 5},   {"TRX", 0, 10}, {"HYPE", 2, 10},
    {"BCH", 3, 10},  {"NEAR", 1, 10},  {"APT", 2, 10},  {"ARB", 1, 10}, {"OP", 1, 10},
    {"SUI", 1, 10},  {"kPEPE", 0, 10}, {"WIF", 0, 10},  {"INJ", 1, 10}, {"TIA", 1, 10},
    {"AAVE", 2, 10}, {"UNI", 1, 10},   {"ICP", 2, 5},   {"AR", 2, 5},   {"TON", 1, 10},
}};

// What the store holds, for error messages: "BTC 1h (binance, hyperliquid), BTC 5m (hyperliquid)".
std::string holdings(const std::vector<data::SeriesInfo>& all) {
  std::map<std::string, std::vector<std::string>> by_series;  // ordered: the message is stable
  for (const auto& s : all)
    by_series[s.key.coin + " " + s.key.interval.name()].push_back(s.key.venue);
  std::vector<std::string> parts;
  for (auto& [name, venues] : by_series) {
    std::sort(venues.begin(), venues.end());
    parts.push_back(fmt::format("{} ({})", name, fmt::join(venues, ", ")));
  }
  return parts.empty() ? "no candles" : fmt::format("{}", fmt::join(parts, ", "));
}

core::Interval pick_interval(const std::vector<data::SeriesInfo>& all,
                             const std::vector<std::string>& coins, const std::string& store_path) {
  std::optional<core::Interval> finest;
  for (const auto& candidate : all) {
    const auto& iv = candidate.key.interval;
    const bool everyone = std::all_of(coins.begin(), coins.end(), [&](const std::string& coin) {
      return std::any_of(all.begin(), all.end(), [&](const data::SeriesInfo& s) {
        return s.key.coin == coin && s.key.interval == iv;
      });
    });
    if (everyone && (!finest || iv.nominal_ms() < finest->nominal_ms())) finest = iv;
  }
  if (!finest) {
    throw core::Error(fmt::format("no interval holds candles of all of {} in store {}; it has {}",
                                  fmt::join(coins, ","), store_path, holdings(all)));
  }
  return *finest;
}

std::string pick_venue(const std::vector<data::SeriesInfo>& all, const std::string& coin,
                       const core::Interval& interval, const std::string& store_path) {
  std::string best;
  std::int64_t best_bars = -1;
  for (const auto& s : all) {
    if (s.key.coin != coin || !(s.key.interval == interval)) continue;
    if (s.key.venue == kHomeVenue) return s.key.venue;
    if (s.bars > best_bars || (s.bars == best_bars && s.key.venue < best)) {
      best = s.key.venue;
      best_bars = s.bars;
    }
  }
  if (best.empty()) {
    throw core::Error(fmt::format("no {} candles at {} in store {}; it has {}", coin,
                                  interval.name(), store_path, holdings(all)));
  }
  return best;
}

std::optional<data::FundingSeries> pick_funding(data::Store& store,
                                                const std::vector<data::FundingInfo>& all,
                                                const std::string& coin, const std::string& venue) {
  if (auto same = store.load_funding(venue, coin)) return same;
  for (const auto& f : all) {  // list_funding is ordered by venue: the choice is stable
    if (f.coin == coin) return store.load_funding(f.venue, coin);
  }
  return std::nullopt;
}

}  // namespace

AssetSpec asset_spec_for(const std::string& coin, double price) {
  for (const auto& known : kKnownAssets) {
    if (coin == known.coin) return {coin, known.sz_decimals, known.max_leverage, false};
  }
  // lot = 10^-s coins is worth price x 10^-s: in [$0.1, $1) for s = floor(log10(price)) + 1.
  const int s = price > 0 ? static_cast<int>(std::floor(std::log10(price))) + 1 : 0;
  return {coin, std::clamp(s, 0, 6), 10, false};
}

LoadedMarket load_market(data::Store& store, const std::vector<std::string>& coins,
                         const std::string& interval) {
  if (coins.empty())
    throw core::UsageError("the simulator needs at least one coin (--coins BTC,ETH)");
  const auto all = store.list_series();
  LoadedMarket out;
  out.interval = interval.empty() ? pick_interval(all, coins, store.path())
                                  : core::Interval::parse_or_throw(interval);
  const auto funding = store.list_funding();
  for (const auto& coin : coins) {
    const std::string venue = pick_venue(all, coin, out.interval, store.path());
    auto bars = store.load_candles({venue, coin, out.interval});
    if (!bars || bars->empty()) {
      throw core::Error(fmt::format("no {} candles at {} in store {}; it has {}", coin,
                                    out.interval.name(), store.path(), holdings(all)));
    }
    CoinMarketData c;
    c.spec = asset_spec_for(coin, bars->close().back());
    c.bars = std::move(*bars);
    c.funding = pick_funding(store, funding, coin, venue);
    out.coins.push_back(std::move(c));
    out.venues.push_back(venue);
  }
  return out;
}

TimeMs default_from(const std::vector<CoinMarketData>& coins, std::size_t warmup) {
  TimeMs after_warmup = 0, first = 0;
  bool warm = true;
  for (const auto& c : coins) {
    const auto times = c.bars.time();
    if (times.empty()) continue;
    first = std::max(first, times.front());
    if (times.size() > warmup) {
      after_warmup = std::max(after_warmup, times[warmup]);
    } else {
      warm = false;
    }
  }
  // Every coin must hold the chosen bar's time inside its data, or the replay refuses it.
  for (const auto& c : coins) {
    if (!c.bars.empty() && after_warmup > c.bars.time().back()) warm = false;
  }
  return warm && after_warmup > 0 ? after_warmup : first;
}

}  // namespace organism::exchange::sim
