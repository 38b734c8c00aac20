// Building a universe's market from the store (market.hpp).
#include "data/market.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <ranges>
#include <set>

#include "core/error.hpp"
#include "data/align.hpp"
#include "data/import.hpp"

namespace organism::data {
namespace {

std::string pick_venue(Store& store, const std::string& preferred, const std::string& coin,
                       const core::Interval& interval, const std::vector<SeriesInfo>& all) {
  const auto venues = store.venues_for(coin, interval.name());
  if (venues.empty()) {
    std::set<std::string> have;
    for (const auto& s : all) {
      if (s.key.interval.name() == interval.name()) have.insert(s.key.coin);
    }
    throw core::Error(fmt::format("no {} {} candles in store {}; it has {} at {} (see 'organism data list')", coin,
                                  interval.name(), store.path(),
                                  have.empty() ? "no coins" : fmt::format("{}", fmt::join(have, ",")),
                                  interval.name()));
  }
  if (venues.size() == 1) return venues.front();
  if (std::find(venues.begin(), venues.end(), preferred) != venues.end()) return preferred;
  std::string best;
  std::int64_t best_bars = -1;
  for (const auto& s : all) {
    if (s.key.coin == coin && s.key.interval.name() == interval.name() && s.bars > best_bars) {
      best = s.key.venue;
      best_bars = s.bars;
    }
  }
  spdlog::info("{} {} is on {}: using {} (the most bars, {}); --venue or data.venue picks another", coin,
               interval.name(), fmt::join(venues, ", "), best, best_bars);
  return best;
}

}  // namespace

CoinSeries align_coin(std::string label, Candles bars, const core::Interval& interval,
                      const std::optional<FundingSeries>& funding, const std::optional<SentimentSeries>& sentiment) {
  CoinSeries c;
  c.label = std::move(label);
  c.bars = std::move(bars);
  if (funding) c.funding_per_bar = funding_per_bar(c.bars.time(), interval.nominal_ms(), *funding);
  if (sentiment) c.sentiment = sentiment_per_bar(c.bars.time(), *sentiment);
  return c;
}

Market build_market(Store& store, MarketSpec& spec, const std::string& preferred_venue) {
  Market m;
  m.interval = core::Interval::parse_or_throw(spec.interval);
  const auto all = store.list_series();
  if (spec.venues.size() != spec.coins.size()) spec.venues.assign(spec.coins.size(), "");
  // One sentiment index for every coin when the store has exactly one source.
  const auto sources = store.list_sentiment();
  std::optional<SentimentSeries> sentiment;
  if (spec.store_sentiment && sources.size() == 1) {
    sentiment = store.load_sentiment(sources.front().source);
  }
  for (std::size_t i = 0; i < spec.coins.size(); ++i) {
    const auto& coin = spec.coins[i];
    if (spec.venues[i].empty()) spec.venues[i] = pick_venue(store, preferred_venue, coin, m.interval, all);
    const SeriesKey key{spec.venues[i], coin, m.interval};
    auto bars = store.load_candles(key);
    if (!bars || bars->empty()) {
      throw core::Error(fmt::format("no candles {} in store {} (see 'organism data list')", key.label(),
                                    store.path()));
    }
    const auto funding = spec.funding ? store.load_funding(spec.venues[i], coin) : std::nullopt;
    if (spec.funding && !funding) {
      spdlog::warn("{}: no funding stored; its backtests pay no funding", key.label());
    }
    m.coins.push_back(align_coin(key.label(), std::move(*bars), m.interval, funding, sentiment));
  }
  return m;
}

Market market_from_files(const CoinFiles& files, bool with_funding,
                         const std::optional<SentimentSeries>& sentiment) {
  ImportOptions o;
  o.kind = DataKind::Candles;
  const auto hints = hints_from_path(files.candles);
  o.venue = !files.venue.empty() ? files.venue : hints.venue.value_or("file");
  o.coin = !files.coin.empty() ? files.coin : hints.coin.value_or("input");
  if (!files.interval.empty()) o.interval = files.interval;
  auto parsed = parse_file(files.candles, o);
  std::optional<FundingSeries> funding;
  if (!files.funding.empty()) {
    ImportOptions fo;
    fo.kind = DataKind::Funding;
    fo.venue = *o.venue;
    fo.coin = *o.coin;
    if (!files.funding_interval.empty()) {
      fo.funding_interval_ms = core::Interval::parse_or_throw(files.funding_interval).nominal_ms();
    }
    funding = parse_file(files.funding, fo).funding;
  }
  Market m;
  m.interval = parsed.candles->key.interval;
  m.coins.push_back(align_coin(parsed.candles->key.label(), std::move(parsed.candles->bars),
                               m.interval, with_funding ? funding : std::nullopt, sentiment));
  return m;
}

Market common_bars(Market market) {
  if (market.coins.size() < 2) return market;
  // Times every coin has: each coin's times are increasing, so a count per time finds them.
  std::vector<TimeMs> common(market.coins.front().bars.view().time.begin(), market.coins.front().bars.view().time.end());
  for (std::size_t c = 1; c < market.coins.size(); ++c) {
    const auto times = market.coins[c].bars.view().time;
    std::vector<TimeMs> kept;
    std::set_intersection(common.begin(), common.end(), times.begin(), times.end(), std::back_inserter(kept));
    common = std::move(kept);
  }
  if (common.empty()) {
    throw core::Error(fmt::format("the coins {} have no bar time in common",
                                  fmt::join(market.coins | std::views::transform(&CoinSeries::label), ",")));
  }
  for (auto& coin : market.coins) {
    const auto view = coin.bars.view();
    if (view.size() == common.size()) continue;
    const std::size_t before = view.size();
    Candles bars;
    bars.reserve(common.size());
    std::vector<double> funding, sentiment;
    std::size_t k = 0;
    for (std::size_t i = 0; i < view.size() && k < common.size(); ++i) {
      if (view.time[i] != common[k]) continue;
      ++k;
      bars.push_back(view.bar(i));
      if (!coin.funding_per_bar.empty()) funding.push_back(coin.funding_per_bar[i]);
      if (!coin.sentiment.empty()) sentiment.push_back(coin.sentiment[i]);
    }
    coin.bars = std::move(bars);
    coin.funding_per_bar = std::move(funding);
    coin.sentiment = std::move(sentiment);
    spdlog::info("{}: {} of its {} bars are at times every coin of the market has ({} .. {})", coin.label,
                 common.size(), before, core::format_utc(common.front()), core::format_utc(common.back()));
  }
  return market;
}

}  // namespace organism::data
