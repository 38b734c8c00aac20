// Classifying a stored market's bars into regimes, storing the labels, and their shares.
#include "portfolio/market_regimes.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace organism::portfolio {
namespace {

template <class Part>
std::vector<RegimeShare> shares_of(std::span<const indicators::Regime> regimes, Part part, std::size_t values) {
  std::vector<RegimeShare> out(values);
  std::vector<std::int64_t> counts(values, 0);
  for (const auto& r : regimes) ++counts[static_cast<std::size_t>(part(r))];
  for (std::size_t v = 0; v < values; ++v) {
    using Enum = decltype(part(indicators::Regime{}));
    out[v].regime = std::string(indicators::name(static_cast<Enum>(v)));
    out[v].bars = counts[v];
    out[v].share = regimes.empty() ? 0 : static_cast<double>(counts[v]) / static_cast<double>(regimes.size());
  }
  return out;
}

}  // namespace

std::vector<CoinRegimes> classify_market(data::Store& store, data::MarketSpec& spec,
                                         const indicators::RegimeOptions& options, core::TimeMs from,
                                         core::TimeMs to, const std::string& preferred_venue) {
  indicators::check_regime_options(options);  // before the store is read
  const auto market = data::build_market(store, spec, preferred_venue);
  std::vector<CoinRegimes> out;
  for (std::size_t c = 0; c < market.coins.size(); ++c) {
    const auto& coin = market.coins[c];
    const auto all = indicators::classify_regimes(coin.bars.view(), coin.sentiment, options);
    CoinRegimes r{{spec.venues[c], spec.coins[c], market.interval}, coin.label, {}, {}};
    const auto time = coin.bars.time();
    const auto begin = static_cast<std::size_t>(std::lower_bound(time.begin(), time.end(), from) - time.begin());
    const auto end = static_cast<std::size_t>(std::lower_bound(time.begin(), time.end(), to) - time.begin());
    for (std::size_t t = begin; t < end; ++t) {
      r.times.push_back(time[t]);
      r.regimes.push_back(all[t]);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::size_t store_regimes(data::Store& store, const CoinRegimes& coin) {
  std::vector<std::uint8_t> codes;
  codes.reserve(coin.regimes.size());
  for (const auto& r : coin.regimes) codes.push_back(r.code());
  auto tx = store.transaction();
  const auto rows = store.upsert_regimes(coin.key, coin.times, codes);
  tx.commit();
  return rows;
}

RegimeShares regime_shares(std::span<const indicators::Regime> regimes) {
  RegimeShares out;
  out.vol = shares_of(regimes, [](const indicators::Regime& r) { return r.vol; }, 4);
  out.trend = shares_of(regimes, [](const indicators::Regime& r) { return r.trend; }, 4);
  out.sentiment = shares_of(regimes, [](const indicators::Regime& r) { return r.sentiment; }, 6);
  return out;
}

}  // namespace organism::portfolio
