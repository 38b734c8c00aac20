// `organism data import FILE...`: parse every file first, then write them all in one
// transaction, so a bad row anywhere leaves the store exactly as it was.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/import.hpp"
#include "data/store.hpp"

namespace organism::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> files;
  std::string kind, venue, coin, interval, funding_interval;
  bool json = false;
};

std::string series_label(const data::ParsedFile& f) {
  if (f.candles) return f.candles->key.label();
  if (f.funding) return f.funding->venue + ":" + f.funding->coin;
  return f.sentiment->source;
}

std::vector<TimeMs> times_of(const data::ParsedFile& f) {
  if (f.candles) return {f.candles->bars.time().begin(), f.candles->bars.time().end()};
  if (f.funding) return f.funding->time;
  return f.sentiment->time;
}

std::vector<data::Gap> gaps_of(const data::ParsedFile& f) {
  const auto times = times_of(f);
  if (f.candles) return data::find_gaps(times, f.candles->key.interval);
  if (f.funding) return data::find_gaps(times, f.funding->interval_ms);
  return data::find_gaps(times, core::kDayMs);
}

void run_import(const ImportArgs& args, Context& ctx) {
  data::ImportOptions options;
  if (!args.kind.empty()) options.kind = data::parse_kind(args.kind);
  if (!args.venue.empty()) options.venue = args.venue;
  if (!args.coin.empty()) options.coin = args.coin;
  if (!args.interval.empty()) options.interval = core::Interval::parse_or_throw(args.interval).name();
  if (!args.funding_interval.empty()) {
    options.funding_interval_ms = core::Interval::parse_or_throw(args.funding_interval).nominal_ms();
  }
  options.skip_bad = ctx.config.get_bool("import.skip_bad");

  std::vector<data::ParsedFile> parsed;
  for (std::size_t i = 0; i < args.files.size(); ++i) {
    const auto& file = args.files[i];
    core::Progress progress(fmt::format("reading {} ({}/{})", std::filesystem::path(file).filename().string(), i + 1,
                                        args.files.size()),
                            0, "bytes", ctx.progress);
    parsed.push_back(data::parse_file(file, options, [&](std::uint64_t done, std::uint64_t total) {
      progress.set_total(total);
      progress.update(done);
    }));
  }

  // Everything parsed: only now touch the store (creating it if needed).
  auto store = data::Store::open(ctx.db());
  std::vector<data::UpsertCounts> counts;
  {
    auto tx = store.transaction();
    core::Progress progress("writing", parsed.size(), "files", ctx.progress);
    for (const auto& f : parsed) {
      if (f.candles) counts.push_back(store.upsert_candles(f.candles->key, f.candles->bars.view()));
      else if (f.funding) counts.push_back(store.upsert_funding(*f.funding));
      else counts.push_back(store.upsert_sentiment(*f.sentiment));
      progress.update(counts.size());
    }
    tx.commit();
  }

  nlohmann::json report = nlohmann::json::array();
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto& f = parsed[i];
    const auto& c = counts[i];
    const auto gaps = gaps_of(f);
    std::int64_t missing = 0;
    for (const auto& g : gaps) missing += g.missing;
    if (args.json) {
      nlohmann::json bad = nlohmann::json::array();
      for (const auto& b : f.bad) bad.push_back({{"line", b.line}, {"error", b.what}});
      report.push_back({{"file", f.path}, {"kind", data::kind_name(f.kind)}, {"format", f.format},
                        {"series", series_label(f)}, {"rows", f.rows}, {"inserted", c.inserted},
                        {"updated", c.updated}, {"unchanged", c.unchanged}, {"bad_rows", f.bad_total},
                        {"bad", bad}, {"gaps", gaps.size()}, {"missing", missing}});
      continue;
    }
    const auto times = times_of(f);
    fmt::print("{}: {} {} ({}), {} rows {} .. {}: {} new, {} updated, {} unchanged; {} gaps ({} missing)\n",
               f.path, data::kind_name(f.kind), series_label(f), f.format, f.rows, core::format_utc(times.front()),
               core::format_utc(times.back()), c.inserted, c.updated, c.unchanged, gaps.size(), missing);
    for (std::size_t g = 0; g < gaps.size() && g < 5; ++g) {
      fmt::print("  gap: {} missing after {} (next {})\n", gaps[g].missing, core::format_utc(gaps[g].after),
                 core::format_utc(gaps[g].before));
    }
    if (gaps.size() > 5) fmt::print("  ... and {} more gaps\n", gaps.size() - 5);
    if (f.bad_total > 0) {
      fmt::print("  skipped {} bad rows:\n", f.bad_total);
      for (std::size_t b = 0; b < f.bad.size() && b < 10; ++b) {
        fmt::print("    {}:{}: {}\n", f.path, f.bad[b].line, f.bad[b].what);
      }
      if (f.bad_total > 10) fmt::print("    ... and {} more\n", f.bad_total - 10);
    }
  }
  if (args.json) fmt::print("{}\n", report.dump(2));
  spdlog::info("imported {} files into {}", parsed.size(), store.path());
}

}  // namespace

void add_data_import(CLI::App& data, Registry& registry) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = data.add_subcommand("import", "import candles, funding or sentiment CSV files (plain or .gz)");
  cmd->footer(R"(
Formats, told apart by the header line:
  time,open,high,low,close,volume[,trades]   candles (organism / ../shared/data format, epoch ms)
  Binance kline CSV (12 columns, header optional)   candles, venue 'binance' by default
  time,rate                                  funding (rate per interval, fraction of notional)
  time,value,classification                  sentiment (Fear & Greed, daily)
Venue, coin and interval come from paths like ohlcv/<venue>/<COIN>-<interval>.csv.gz and
funding/<venue>/<COIN>.csv.gz unless --venue/--coin/--interval say otherwise.
All files are checked before anything is written; one bad row rejects the whole import
(exit 1, store unchanged) unless --skip-bad. Re-importing identical rows changes nothing;
overlapping rows are updated. Gaps are reported, never filled.)");
  // A missing file is an I/O error (exit 1, named by the reader), not a usage error.
  cmd->add_option("files", args->files, "files to import")->required();
  cmd->add_option("--kind", args->kind, "candles, funding or sentiment (checked against the header)");
  cmd->add_option("--venue", args->venue, "venue, e.g. hyperliquid or binance");
  cmd->add_option("--coin", args->coin, "coin, e.g. BTC");
  cmd->add_option("--interval", args->interval, "bar interval, e.g. 1h (default: from the path, else the rows' spacing)");
  cmd->add_option("--funding-interval", args->funding_interval,
                  "funding interval (default: 1h for hyperliquid, 8h for binance, else from the rows)");
  registry.bind(cmd->add_flag("--skip-bad")->description("skip and count bad rows instead of rejecting the file"), "import.skip_bad");
  cmd->add_flag("--json", args->json, "print the report as JSON");
  registry.on(cmd, [args](Context& ctx) { run_import(*args, ctx); });
}

}  // namespace organism::cli
