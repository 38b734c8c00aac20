// `organism portfolio regimes`: every stored bar of the chosen coins classified into its market
// regime (indicators/regime.hpp), the labels written to the store, and per coin the current label
// and the share of bars in each regime.
#include <limits>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "portfolio/market_regimes.hpp"

namespace organism::cli {
namespace {

struct RegimesArgs {
  std::string coins, interval = "1h", from, to;
  bool json = false;
  indicators::RegimeOptions options;
};

// Every coin stored at the interval, sorted and once, when --coins is not given.
std::vector<std::string> stored_coins(data::Store& store, const std::string& interval) {
  std::set<std::string> coins;
  for (const auto& s : store.list_series()) {
    if (s.key.interval.name() == interval) coins.insert(s.key.coin);
  }
  if (coins.empty()) throw core::Error(fmt::format("store {} holds no candles at {}", store.path(), interval));
  return {coins.begin(), coins.end()};
}

nlohmann::ordered_json shares_json(const std::vector<portfolio::RegimeShare>& shares) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& s : shares) out[s.regime] = {{"bars", s.bars}, {"share", s.share}};
  return out;
}

std::string shares_text(const std::vector<portfolio::RegimeShare>& shares) {
  std::string out;
  for (const auto& s : shares) out += fmt::format("  {} {:.1f}%", s.regime, 100 * s.share);
  return out;
}

void run_regimes(const RegimesArgs& a, Context& ctx) {
  const TimeMs from = time_flag(a.from, "--from", std::numeric_limits<TimeMs>::min());
  const TimeMs to = time_flag(a.to, "--to", std::numeric_limits<TimeMs>::max());
  if (from >= to) throw core::UsageError("--from must be before --to");
  const auto interval = core::Interval::parse_or_throw(a.interval);
  indicators::check_regime_options(a.options);  // nothing is opened or written with bad options
  auto store = data::Store::open_existing_for_update(ctx.db());
  data::MarketSpec spec;
  spec.interval = interval.name();
  spec.coins = a.coins.empty() ? stored_coins(store, interval.name()) : core::split_list(a.coins);
  spec.funding = false;  // regimes read bars and sentiment only
  const auto coins = portfolio::classify_market(store, spec, a.options, from, to, ctx.config.get("data.venue"));
  auto doc = nlohmann::ordered_json::array();
  for (const auto& coin : coins) {
    const auto stored = portfolio::store_regimes(store, coin);
    const auto shares = portfolio::regime_shares(coin.regimes);
    if (a.json) {
      nlohmann::ordered_json j;
      j["coin"] = coin.key.coin;
      j["series"] = coin.label;
      j["bars"] = coin.regimes.size();
      j["stored"] = stored;
      if (!coin.regimes.empty()) {
        const auto& last = coin.regimes.back();
        j["current"] = {{"time", coin.times.back()},
                        {"utc", core::format_utc(coin.times.back())},
                        {"label", last.label()},
                        {"code", last.code()}};
      } else {
        j["current"] = nullptr;
      }
      j["shares"] = {{"volatility", shares_json(shares.vol)},
                     {"trend", shares_json(shares.trend)},
                     {"sentiment", shares_json(shares.sentiment)}};
      doc.push_back(j);
      continue;
    }
    fmt::print("{} ({}): {} bars, {} labels stored\n", coin.key.coin, coin.label, coin.regimes.size(), stored);
    if (coin.regimes.empty()) {
      fmt::print("  no bars in the --from/--to window\n");
      continue;
    }
    fmt::print("  current ({}): {}\n", core::format_utc(coin.times.back()), coin.regimes.back().label());
    fmt::print("  volatility:{}\n", shares_text(shares.vol));
    fmt::print("  trend:     {}\n", shares_text(shares.trend));
    fmt::print("  sentiment: {}\n", shares_text(shares.sentiment));
  }
  if (a.json) fmt::print("{}\n", nlohmann::ordered_json{{"coins", doc}}.dump(2));
}

}  // namespace

void add_portfolio_regimes(CLI::App& portfolio, Registry& registry) {
  auto a = std::make_shared<RegimesArgs>();
  CLI::App* cmd = portfolio.add_subcommand("regimes", "label every stored bar with its market regime and store the labels");
  cmd->footer(R"(
Each bar of each coin gets a regime label "VOL/TREND/SENTIMENT" (docs/portfolio.md):
  volatility  realized volatility (std of the last --vol-window log returns) against its rolling
              median over --vol-median bars: high_vol when >= 1.25x, low_vol when <= 0.80x,
              else normal_vol;
  trend       up (down) when ADX(14) >= --adx-trend and the EMA(50) rose (fell) over 5 bars,
              else range;
  sentiment   the store's Fear & Greed value: extreme_fear <= 25 < fear <= 45 < neutral < 55
              <= greed < 75 <= extreme_greed.
A part still warming up (or without sentiment) is "unknown". A label uses bars up to its own
close only. The whole stored series is classified (so the windows are warm at --from); the bars
in [--from, --to) are written to the store (one transaction per coin, replacing earlier labels)
and summarized: the current label (last bar) and the share of bars in each regime.)");
  cmd->add_option("--coins", a->coins, "coins, comma separated (default: every coin stored at --interval)");
  cmd->add_option("--interval", a->interval, "stored interval (default 1h)");
  cmd->add_option("--from", a->from, "first bar: UTC date/time or epoch ms (default: the first stored)");
  cmd->add_option("--to", a->to, "end, exclusive: UTC date/time or epoch ms (default: after the last stored)");
  cmd->add_flag("--json", a->json, "print the result as JSON");
  cmd->add_option("--vol-window", a->options.vol_window, "log returns in the realized volatility (default 24)");
  cmd->add_option("--vol-median", a->options.vol_median_window,
                  "bars of realized volatility in its rolling median (default 720)");
  cmd->add_option("--adx-trend", a->options.adx_trend, "ADX at or above which a sloping EMA is a trend (default 25)");
  registry.on(cmd, [a](Context& ctx) { run_regimes(*a, ctx); });
}

}  // namespace organism::cli
