// `organism data resample` and `organism data synth`: series derived from stored data or made
// from a seed, written to the store in one transaction.
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/export.hpp"
#include "data/resample.hpp"
#include "data/store.hpp"
#include "data/synth.hpp"

namespace organism::cli {
namespace {

bool tiles(const core::Interval& from, const core::Interval& to) {
  try {
    data::check_resample_intervals(from, to);
    return true;
  } catch (const core::UsageError&) {
    return false;
  }
}

struct ResampleArgs {
  std::string to, from, venue, coin;
  bool overwrite = false;
};

// Resampling must not quietly replace bars that came from elsewhere (a venue's own 1h candles
// differ from 5m ones resampled): without --overwrite, any stored bar that differs is an error.
void check_no_clobber(data::Store& store, const data::SeriesKey& key, const data::Candles& fresh) {
  const auto stored = store.load_candles(key);
  if (!stored || stored->empty()) return;
  std::size_t differ = 0;
  std::optional<std::size_t> first;
  for (std::size_t i = 0, j = 0; i < fresh.size(); ++i) {
    while (j < stored->size() && stored->time()[j] < fresh.time()[i]) ++j;
    if (j == stored->size()) break;
    if (stored->time()[j] != fresh.time()[i]) continue;
    const auto a = fresh.bar(i), b = stored->bar(j);
    if (a.open != b.open || a.high != b.high || a.low != b.low || a.close != b.close || a.volume != b.volume) {
      if (!first) first = i;
      ++differ;
    }
  }
  if (differ == 0) return;
  throw core::Error(fmt::format("{} resampled bars differ from the stored {} bars (first at {}); pass --overwrite "
                                "to replace them",
                                differ, key.label(), core::format_utc(fresh.time()[*first])));
}

// Source interval for a (venue, coin): --from, else the largest stored interval below `to`
// that tiles it (larger sources mean less work and the same result).
std::optional<core::Interval> pick_source(const std::vector<core::Interval>& stored, const core::Interval& to,
                                          const std::string& from) {
  if (!from.empty()) {
    const auto f = core::Interval::parse_or_throw(from);
    for (const auto& s : stored) {
      if (s == f) return f;
    }
    return std::nullopt;
  }
  std::optional<core::Interval> best;
  for (const auto& s : stored) {
    if (s.nominal_ms() >= to.nominal_ms() || !tiles(s, to)) continue;
    if (!best || s.nominal_ms() > best->nominal_ms()) best = s;
  }
  return best;
}

void run_resample(const ResampleArgs& a, Context& ctx) {
  const auto to = core::Interval::parse_or_throw(a.to);
  auto store = data::Store::open(ctx.db());
  std::map<std::pair<std::string, std::string>, std::vector<core::Interval>> groups;
  for (const auto& s : store.list_series()) {
    if ((!a.venue.empty() && s.key.venue != a.venue) || (!a.coin.empty() && s.key.coin != a.coin)) continue;
    groups[{s.key.venue, s.key.coin}].push_back(s.key.interval);
  }
  if (groups.empty()) throw core::Error("no stored series match (see 'organism data list')");
  auto tx = store.transaction();
  std::size_t written = 0;
  for (const auto& [vc, intervals] : groups) {
    const auto source = pick_source(intervals, to, a.from);
    if (!source) {
      fmt::print("{}:{}: skipped, no stored interval that makes {} bars{}\n", vc.first, vc.second, to.name(),
                 a.from.empty() ? "" : " from " + a.from);
      continue;
    }
    const data::SeriesKey src_key{vc.first, vc.second, *source};
    const auto bars = store.load_candles(src_key);
    const auto result = data::resample(bars->view(), *source, to);
    const data::SeriesKey dst_key{vc.first, vc.second, to};
    if (!a.overwrite) check_no_clobber(store, dst_key, result.bars);
    const auto c = store.upsert_candles(dst_key, result.bars.view());
    ++written;
    fmt::print("{} -> {}: {} bars from {} ({} new, {} updated, {} unchanged); dropped {} leading and {} trailing "
               "source bars of incomplete buckets; {} partial buckets (gaps)\n",
               src_key.label(), dst_key.label(), result.bars.size(), result.source_bars, c.inserted, c.updated,
               c.unchanged, result.dropped_leading, result.dropped_trailing, result.partial.size());
    for (std::size_t i = 0; i < result.partial.size() && i < 5; ++i) {
      fmt::print("  partial bucket at {}\n", core::format_utc(result.partial[i]));
    }
  }
  tx.commit();
  if (written == 0) throw core::Error(fmt::format("nothing could be resampled to {}", to.name()));
}

struct SynthArgs {
  std::string out;
};

}  // namespace

void synthesize_market(Context& ctx, const std::string& out_dir) {
  const auto& cfg = ctx.config;
  data::SynthOptions options;
  options.coins = cfg.get_list("synth.coins");
  options.interval = core::Interval::parse_or_throw(cfg.get("synth.interval"));
  const auto bars = cfg.get_int("synth.bars");
  if (bars <= 0) throw core::UsageError("synth.bars must be positive");
  options.bars = static_cast<std::size_t>(bars);
  options.seed = static_cast<std::uint64_t>(cfg.get_int("synth.seed"));
  options.venue = core::to_lower(cfg.get("synth.venue"));
  options.correlation = cfg.get_double("synth.correlation");
  const auto start = core::parse_time(cfg.get("synth.start"));
  if (!start) throw core::UsageError(fmt::format("synth.start '{}' is not a date or epoch ms", cfg.get("synth.start")));
  options.start = *start;
  data::check_options(options);

  data::SynthMarket market;
  {
    core::Progress progress("synthesizing", options.bars, "bars", ctx.progress);
    market = data::generate_market(options, [&](std::size_t done, std::size_t) { progress.update(done); });
  }
  if (!out_dir.empty()) {
    namespace fs = std::filesystem;
    const fs::path root{out_dir};
    fs::create_directories(root / "ohlcv" / options.venue);
    fs::create_directories(root / "funding" / options.venue);
    for (const auto& s : market.candles) {
      data::write_candles_csv((root / "ohlcv" / options.venue / (s.key.coin + "-" + s.key.interval.name() + ".csv.gz")).string(),
                              s.bars.view());
    }
    for (const auto& f : market.funding) {
      data::write_funding_csv((root / "funding" / options.venue / (f.coin + ".csv.gz")).string(), f);
    }
  }
  auto store = data::Store::open(ctx.db());
  auto tx = store.transaction();
  for (const auto& s : market.candles) {
    store.delete_candles(s.key);  // a regenerated market replaces the old one whole
    store.upsert_candles(s.key, s.bars.view());
    fmt::print("{}: {} bars {} .. {}\n", s.key.label(), s.bars.size(), core::format_utc(s.bars.time().front()),
               core::format_utc(s.bars.time().back()));
  }
  for (const auto& f : market.funding) {
    store.delete_funding(f.venue, f.coin);
    store.upsert_funding(f);
    fmt::print("{}:{} funding: {} hourly rates\n", f.venue, f.coin, f.size());
  }
  tx.commit();
  spdlog::info("synthetic market (seed {}) written to {}", options.seed, store.path());
}

void add_data_derive(CLI::App& data, Registry& registry) {
  auto ra = std::make_shared<ResampleArgs>();
  CLI::App* resample = data.add_subcommand("resample", "build larger-interval candles from stored smaller ones");
  resample->footer(R"(
Buckets: first open, max high, min low, last close, summed volume and trade counts. Incomplete
first and last buckets are dropped; interior buckets missing bars because of gaps are kept and
reported. Every stored (venue, coin) is resampled unless --venue/--coin narrow it; the source is
--from or the largest stored interval that divides --to. Stored target bars that differ from
the resampled ones (a venue's own candles) are an error unless --overwrite; nothing is written
then.)");
  resample->add_option("--to", ra->to, "target interval, e.g. 4h")->required();
  resample->add_option("--from", ra->from, "source interval (default: the best stored one)");
  resample->add_option("--venue", ra->venue, "only this venue");
  resample->add_option("--coin", ra->coin, "only this coin");
  resample->add_flag("--overwrite", ra->overwrite, "replace stored target bars that differ (e.g. a venue's own candles)");
  registry.on(resample, [ra](Context& ctx) { run_resample(*ra, ctx); });

  auto sa = std::make_shared<SynthArgs>();
  CLI::App* synth = data.add_subcommand("synth", "generate a synthetic market (candles and hourly funding) into the store");
  synth->footer(R"(
Correlated coins with GARCH(1,1) volatility clustering, fat tails, jumps and trending / ranging /
volatile regimes; see docs/synthetic-market.md. The same options and seed give the same bytes.
A regenerated series replaces the stored one with the same venue, coin and interval.)");
  registry.bind(synth->add_option("--coins", "comma-separated coins (default BTC,ETH,SOL)"), "synth.coins");
  registry.bind(synth->add_option("--interval", "bar interval (default 1h)"), "synth.interval");
  registry.bind(synth->add_option("--bars", "bars per coin (default 8760)"), "synth.bars");
  registry.bind(synth->add_option("--seed", "random seed (default 1)"), "synth.seed");
  registry.bind(synth->add_option("--venue", "venue name to store under (default synth)"), "synth.venue");
  registry.bind(synth->add_option("--correlation", "pairwise correlation of return shocks (default 0.6)"), "synth.correlation");
  registry.bind(synth->add_option("--start", "first bar, UTC date or epoch ms (default 2020-01-01)"), "synth.start");
  synth->add_option("--out", sa->out, "also write CSV files under DIR/ohlcv/<venue>/ and DIR/funding/<venue>/");
  registry.on(synth, [sa](Context& ctx) { synthesize_market(ctx, sa->out); });
}

}  // namespace organism::cli
