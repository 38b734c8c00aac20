// `organism data list`, `data export` and `data quality`: read-only views of the store (and, for
// quality, of raw files).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "data/export.hpp"
#include "data/import.hpp"
#include "data/inventory.hpp"
#include "data/quality.hpp"
#include "data/store.hpp"

namespace organism::cli {
namespace {

void run_list(bool json, const std::string& kind, Context& ctx) {
  auto store = data::Store::open_existing(ctx.db());
  if (json) {
    fmt::print("{}\n", data::inventory_json(store, kind.empty() ? data::DataKind::Candles : data::parse_kind(kind)).dump(2));
  } else {
    fmt::print("{}", data::format_inventory(store, kind.empty() ? std::nullopt : std::optional(data::parse_kind(kind))));
  }
}

struct ExportArgs {
  std::string kind = "candles", venue, coin, interval, source = "fear_greed", out;
};

void run_export(const ExportArgs& a, Context& ctx) {
  auto store = data::Store::open_existing(ctx.db());
  const auto kind = data::parse_kind(a.kind);
  std::size_t rows = 0;
  if (kind == data::DataKind::Candles) {
    if (a.coin.empty() || a.interval.empty()) throw core::UsageError("export of candles needs --coin and --interval");
    const auto interval = core::Interval::parse_or_throw(a.interval);
    const auto venue = resolve_venue(store, ctx, a.venue, a.coin, interval.name());
    const auto bars = store.load_candles({venue, a.coin, interval});
    if (!bars || bars->empty()) throw core::Error(fmt::format("no candles {}:{}:{} in store", venue, a.coin, interval.name()));
    data::write_candles_csv(a.out, bars->view());
    rows = bars->size();
  } else if (kind == data::DataKind::Funding) {
    if (a.coin.empty()) throw core::UsageError("export of funding needs --coin");
    std::string venue = a.venue;
    if (venue.empty()) {
      std::vector<std::string> venues;
      for (const auto& f : store.list_funding()) {
        if (f.coin == a.coin) venues.push_back(f.venue);
      }
      if (venues.size() != 1) {
        throw core::UsageError(fmt::format("funding for {} is on {} venues: pass --venue", a.coin, venues.size()));
      }
      venue = venues.front();
    }
    const auto funding = store.load_funding(venue, a.coin);
    if (!funding) throw core::Error(fmt::format("no funding {}:{} in store", venue, a.coin));
    data::write_funding_csv(a.out, *funding);
    rows = funding->size();
  } else {
    const auto sentiment = store.load_sentiment(a.source);
    if (!sentiment) throw core::Error(fmt::format("no sentiment '{}' in store", a.source));
    data::write_sentiment_csv(a.out, *sentiment);
    rows = sentiment->size();
  }
  fmt::print("wrote {} rows to {}\n", rows, a.out);
}

struct QualityArgs {
  std::string venue, coin, interval;
  std::vector<std::string> files;
  bool json = false, strict = false;
};

void run_quality(const QualityArgs& a, Context& ctx) {
  data::QualityOptions options;
  options.outlier_sigmas = ctx.config.get_double("quality.outlier_sigmas");
  if (!(options.outlier_sigmas > 0)) throw core::UsageError("quality.outlier_sigmas must be positive");
  nlohmann::json out = nlohmann::json::array();
  bool clean = true;
  auto report = [&](const data::CandleView& bars, const data::SeriesKey& key, const std::string& origin) {
    const auto q = data::check_quality(bars, key.interval, options);
    clean = clean && q.clean();
    if (a.json) {
      auto j = data::quality_to_json(q);
      j["series"] = key.label();
      j["source"] = origin;
      out.push_back(std::move(j));
    } else {
      fmt::print("{}\n", data::format_quality(q, key));
    }
  };
  if (!a.files.empty()) {
    data::ImportOptions options_in;
    options_in.kind = data::DataKind::Candles;
    options_in.keep_disorder = true;
    options_in.skip_bad = true;
    if (!a.venue.empty()) options_in.venue = a.venue;
    if (!a.coin.empty()) options_in.coin = a.coin;
    if (!a.interval.empty()) options_in.interval = a.interval;
    for (const auto& file : a.files) {
      const auto parsed = data::parse_file(file, options_in);
      if (parsed.bad_total > 0) {
        clean = false;
        if (!a.json) fmt::print("{}: {} bad rows (first: line {}: {})\n", file, parsed.bad_total, parsed.bad[0].line, parsed.bad[0].what);
      }
      report(parsed.candles->bars.view(), parsed.candles->key, file);
    }
  } else {
    auto store = data::Store::open_existing(ctx.db());
    std::size_t checked = 0;
    for (const auto& s : store.list_series()) {
      if ((!a.venue.empty() && s.key.venue != a.venue) || (!a.coin.empty() && s.key.coin != a.coin) ||
          (!a.interval.empty() && s.key.interval.name() != a.interval)) {
        continue;
      }
      const auto bars = store.load_candles(s.key);
      report(bars->view(), s.key, store.path());
      ++checked;
    }
    if (checked == 0) throw core::Error("no stored series match (see 'organism data list')");
  }
  if (a.json) fmt::print("{}\n", out.dump(2));
  if (a.strict && !clean) throw core::Error("quality problems found (--strict)");
}

}  // namespace

void add_data_inspect(CLI::App& data, Registry& registry) {
  auto list_json = std::make_shared<bool>(false);
  auto list_kind = std::make_shared<std::string>();
  CLI::App* list = data.add_subcommand("list", "list the stored series with their span and gaps");
  list->add_flag("--json", *list_json, "JSON array of {venue, coin, interval, bars, first, last, gaps, missing}");
  list->add_option("--kind", *list_kind, "only candles, funding or sentiment (JSON lists candles unless told)");
  registry.on(list, [list_json, list_kind](Context& ctx) { run_list(*list_json, *list_kind, ctx); });

  auto ex = std::make_shared<ExportArgs>();
  CLI::App* exp = data.add_subcommand("export", "write a stored series as CSV in the import format (.gz to compress)");
  exp->add_option("--kind", ex->kind, "candles (default), funding or sentiment");
  exp->add_option("--venue", ex->venue, "venue (needed when the coin is on several)");
  exp->add_option("--coin", ex->coin, "coin");
  exp->add_option("--interval", ex->interval, "bar interval (candles)");
  exp->add_option("--source", ex->source, "sentiment source (default fear_greed)");
  exp->add_option("--out", ex->out, "output file (.csv or .csv.gz)")->required();
  registry.on(exp, [ex](Context& ctx) { run_export(*ex, ctx); });

  auto qa = std::make_shared<QualityArgs>();
  CLI::App* quality = data.add_subcommand("quality", "report gaps, duplicates, outliers and zero-volume runs");
  quality->footer(R"(
Checks every stored candle series (or those matching --venue/--coin/--interval), or raw files
given with --file without importing them. Outliers are close-to-close log returns further than
quality.outlier_sigmas (default 10) robust standard deviations (1.4826 x MAD) from the median.
Exit code 0 even when problems are found, unless --strict.)");
  quality->add_option("--venue", qa->venue, "only this venue");
  quality->add_option("--coin", qa->coin, "only this coin");
  quality->add_option("--interval", qa->interval, "only this interval");
  quality->add_option("--file", qa->files, "check candle files instead of the store");
  registry.bind(quality->add_option("--sigmas", "outlier threshold in robust standard deviations"), "quality.outlier_sigmas");
  quality->add_flag("--json", qa->json, "print a JSON array, one object per series");
  quality->add_flag("--strict", qa->strict, "exit 1 when anything is found");
  registry.on(quality, [qa](Context& ctx) { run_quality(*qa, ctx); });
}

}  // namespace organism::cli
