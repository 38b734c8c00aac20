// `organism data resample` and `organism data synth`: series derived from stored data or made
// from a seed, written to the store in one transaction.
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/export.hpp"
#include "data/resample_store.hpp"
#include "data/store.hpp"
#include "data/synth.hpp"

namespace organism::cli {
namespace {

struct ResampleArgs {
  std::string to, from, venue, coin;
  bool overwrite = false;
};

void run_resample(const ResampleArgs& a, Context& ctx) {
  const data::StoreResampleRequest request{core::Interval::parse_or_throw(a.to), a.from, a.venue, a.coin, a.overwrite};
  auto store = data::Store::open(ctx.db());
  const auto done = data::resample_in_store(store, request);
  for (const auto& d : done) {
    if (!d.source) {
      fmt::print("{}:{}: skipped, no stored interval that makes {} bars{}\n", d.venue, d.coin, d.target.interval.name(),
                 a.from.empty() ? "" : " from " + a.from);
      continue;
    }
    const auto& r = d.result;
    fmt::print("{} -> {}: {} bars from {} ({} new, {} updated, {} unchanged); dropped {} leading and {} trailing "
               "source bars of incomplete buckets; {} partial buckets (gaps)\n",
               d.source->label(), d.target.label(), r.bars.size(), r.source_bars, d.counts.inserted, d.counts.updated,
               d.counts.unchanged, r.dropped_leading, r.dropped_trailing, r.partial.size());
    for (std::size_t i = 0; i < r.partial.size() && i < 5; ++i) {
      fmt::print("  partial bucket at {}\n", core::format_utc(r.partial[i]));
    }
  }
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
