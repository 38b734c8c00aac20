// Loading the universe of `organism evolve` from the store.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "backtest/simulator.hpp"
#include "cli/evolve_support.hpp"
#include "core/error.hpp"
#include "data/align.hpp"

namespace organism::cli {

nlohmann::json to_json(const UniverseSpec& spec) {
  return nlohmann::json{{"interval", spec.interval}, {"coins", spec.coins}, {"venues", spec.venues},
                        {"embargo", spec.embargo}};
}

UniverseSpec universe_spec_from_json(const nlohmann::json& j) {
  try {
    UniverseSpec s;
    s.interval = j.at("interval").get<std::string>();
    s.coins = j.at("coins").get<std::vector<std::string>>();
    s.venues = j.at("venues").get<std::vector<std::string>>();
    s.embargo = j.at("embargo").get<std::size_t>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("stored universe of the run is unreadable: {}", e.what()));
  }
}

namespace {

std::string pick_venue(data::Store& store, const Context& ctx, const std::string& coin, const core::Interval& interval,
                       const std::vector<data::SeriesInfo>& all) {
  const auto venues = store.venues_for(coin, interval.name());
  if (venues.empty()) {
    std::set<std::string> have;
    for (const auto& s : all) {
      if (s.key.interval.name() == interval.name()) have.insert(s.key.coin);
    }
    throw core::Error(fmt::format("no {} {} candles in store {}; it has {} at {} (see 'organism data list')", coin,
                                  interval.name(), store.path(), have.empty() ? "no coins" : fmt::format("{}", fmt::join(have, ",")),
                                  interval.name()));
  }
  if (venues.size() == 1) return venues.front();
  const auto& preferred = ctx.config.get("data.venue");
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

evolve::Universe load_universe(data::Store& store, const Context& ctx, UniverseSpec& spec) {
  evolve::Universe u;
  u.interval = core::Interval::parse_or_throw(spec.interval);
  const auto all = store.list_series();
  if (spec.venues.size() != spec.coins.size()) spec.venues.assign(spec.coins.size(), "");
  // One sentiment index for every coin when the store has exactly one source.
  const auto sources = store.list_sentiment();
  std::optional<data::SentimentSeries> sentiment;
  if (sources.size() == 1) sentiment = store.load_sentiment(sources.front().source);
  for (std::size_t i = 0; i < spec.coins.size(); ++i) {
    const auto& coin = spec.coins[i];
    if (spec.venues[i].empty()) spec.venues[i] = pick_venue(store, ctx, coin, u.interval, all);
    const data::SeriesKey key{spec.venues[i], coin, u.interval};
    auto bars = store.load_candles(key);
    if (!bars || bars->empty()) throw core::Error(fmt::format("no candles {} in store {}", key.label(), store.path()));
    evolve::CoinMarket m;
    m.label = key.label();
    m.bars = std::move(*bars);
    if (auto funding = store.load_funding(spec.venues[i], coin)) {
      m.funding_per_bar = data::funding_per_bar(m.bars.time(), u.interval.nominal_ms(), *funding);
    } else {
      spdlog::warn("{}: no funding stored; its backtests pay no funding", key.label());
    }
    if (sentiment) m.sentiment = data::sentiment_per_bar(m.bars.time(), *sentiment);
    u.coins.push_back(std::move(m));
  }
  evolve::split_universe(u, spec.embargo);
  return u;
}

EvaluationSettings evaluation_settings(const core::Config& cfg) {
  const auto cache_mb = cfg.get_int("evolve.cache_mb");
  if (cache_mb < 1) throw core::UsageError("evolve.cache_mb must be at least 1");
  const auto threads = cfg.get_int("evolve.threads");
  if (threads < 0) throw core::UsageError("--threads must be 0 (all cores) or more");
  return {static_cast<std::size_t>(cache_mb) << 20, static_cast<int>(threads)};
}

}  // namespace organism::cli
