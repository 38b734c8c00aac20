#include "data/import.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/bar_arrays.hpp"
#include "data/csv_fields.hpp"
#include "data/line_reader.hpp"

namespace organism::data {
namespace {

using core::InputError;

enum class Format { OrganismCandles, CloseOnly, BinanceKlines, Funding, Sentiment };

constexpr std::size_t kKeptBadRows = 100;
// Below this a time is far more likely seconds than milliseconds (it would be before 1973).
constexpr TimeMs kMinPlausibleMs = 100'000'000'000;
// From here on a Binance time is in microseconds (Binance's spot dumps since 2025).
constexpr TimeMs kMicrosecondsFrom = 1'000'000'000'000'000;

struct Layout {
  Format format;
  bool has_header;
  std::size_t columns;
  bool has_trades;  // organism csv with a 7th `trades` column
};

constexpr std::string_view kAcceptedHeaders =
    "time,open,high,low,close,volume[,trades] | time,close | time,rate | time,value,classification | "
    "Binance klines (12 columns, with or without header)";

Layout detect_layout(const std::string& path, std::string_view first,
                     std::vector<std::string_view>& fields) {
  split_csv_line(first, fields);
  std::string header;
  for (auto f : fields) {
    if (!header.empty()) header += ',';
    header += core::to_lower(f);
  }
  if (header == "time,open,high,low,close,volume") return {Format::OrganismCandles, true, 6, false};
  if (header == "time,open,high,low,close,volume,trades") return {Format::OrganismCandles, true, 7, true};
  if (header == "time,close") return {Format::CloseOnly, true, 2, false};
  if (header == "time,rate") return {Format::Funding, true, 2, false};
  if (header == "time,value,classification") return {Format::Sentiment, true, 3, false};
  if (fields.size() == 12 && header.starts_with("open_time,open,high,low,close,volume")) {
    return {Format::BinanceKlines, true, 12, false};
  }
  if (fields.size() == 12 && core::parse_int64(fields[0])) return {Format::BinanceKlines, false, 12, false};
  throw InputError(path, 1,
                   fmt::format("unrecognised header '{}' (expected {})", std::string(first.substr(0, 200)),
                               kAcceptedHeaders));
}

DataKind kind_of(Format f) {
  switch (f) {
    case Format::OrganismCandles:
    case Format::CloseOnly:
    case Format::BinanceKlines: return DataKind::Candles;
    case Format::Funding: return DataKind::Funding;
    case Format::Sentiment: return DataKind::Sentiment;
  }
  return DataKind::Candles;
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::OrganismCandles: return "organism csv";
    case Format::CloseOnly: return "close-only csv";
    case Format::BinanceKlines: return "binance klines";
    case Format::Funding: return "funding csv";
    case Format::Sentiment: return "sentiment csv";
  }
  return "";
}

// A row problem: thrown as a message and turned into "FILE:LINE: message" by the caller.
struct RowError {
  std::string what;
};

double number(std::string_view field, std::string_view column) {
  auto v = core::parse_double(field);
  if (!v) throw RowError{fmt::format("{} '{}' is not a number", column, field.substr(0, 40))};
  if (!std::isfinite(*v)) throw RowError{fmt::format("{} '{}' is not finite", column, field)};
  return *v;
}

double price(std::string_view field, std::string_view column) {
  const double v = number(field, column);
  if (v <= 0) throw RowError{fmt::format("{} {} is not positive", column, field)};
  return v;
}

TimeMs parse_row_time(std::string_view field, bool binance) {
  auto t = core::parse_int64(field);
  if (!t) throw RowError{fmt::format("time '{}' is not a whole number of milliseconds", field.substr(0, 40))};
  if (binance && *t >= kMicrosecondsFrom) *t /= 1000;
  if (*t < 0) throw RowError{fmt::format("time {} is negative", *t)};
  if (*t < kMinPlausibleMs) {
    throw RowError{fmt::format("time {} looks like seconds; expected milliseconds since the epoch", *t)};
  }
  return *t;
}

// Tracks order: the previous accepted time and its line, to name both in messages.
struct OrderCheck {
  TimeMs last = 0;
  std::size_t last_line = 0;
  bool any = false;

  void check(TimeMs t) const {
    if (!any) return;
    if (t == last) throw RowError{fmt::format("duplicate time {} (also at line {})", t, last_line)};
    if (t < last) {
      throw RowError{fmt::format("time {} is before the previous row's time {} (line {}): rows must be in time order",
                                 t, last, last_line)};
    }
  }
  void accept(TimeMs t, std::size_t line) {
    last = t;
    last_line = line;
    any = true;
  }
};

void check_grid(TimeMs t, const core::Interval& interval) {
  if (!interval.is_aligned(t)) {
    throw RowError{fmt::format("time {} ({} UTC) is not on the {} grid", t, core::format_utc(t), interval.name())};
  }
}

Bar parse_candle(const std::vector<std::string_view>& f, const Layout& layout) {
  Bar bar;
  const bool binance = layout.format == Format::BinanceKlines;
  bar.time = parse_row_time(f[0], binance);
  if (layout.format == Format::CloseOnly) {
    // Closes alone (vectorized tools' input): open = high = low = close, volume unknown (0).
    bar.open = bar.high = bar.low = bar.close = price(f[1], "close");
    bar.volume = 0;
    return bar;
  }
  bar.open = price(f[1], "open");
  bar.high = price(f[2], "high");
  bar.low = price(f[3], "low");
  bar.close = price(f[4], "close");
  bar.volume = number(f[5], "volume");
  if (bar.volume < 0) throw RowError{fmt::format("volume {} is negative", f[5])};
  if (bar.high < std::max(bar.open, bar.close)) {
    throw RowError{fmt::format("high {} is below max(open, close) = {}", f[2], core::format_number(std::max(bar.open, bar.close)))};
  }
  if (bar.low > std::min(bar.open, bar.close)) {
    throw RowError{fmt::format("low {} is above min(open, close) = {}", f[3], core::format_number(std::min(bar.open, bar.close)))};
  }
  std::optional<std::string_view> trades;
  if (binance) trades = f[8];
  if (layout.has_trades) trades = f[6];
  if (trades && !trades->empty()) {
    auto n = core::parse_int64(*trades);
    if (!n || *n < 0) throw RowError{fmt::format("trade count '{}' is not a whole number >= 0", trades->substr(0, 40))};
    bar.trades = *n;
  }
  return bar;
}

std::string require(const std::optional<std::string>& given, const std::optional<std::string>& hinted,
                    const std::string& path, std::string_view what, std::string_view flag) {
  if (given) return *given;
  if (hinted) return *hinted;
  throw core::UsageError(fmt::format("{}: cannot tell the {} from the path; pass {}", path, what, flag));
}

void check_name(const std::string& path, std::string_view what, const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 32 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                  });
  if (!ok) {
    throw core::UsageError(fmt::format("{}: {} '{}' must be 1-32 letters, digits or '_'", path, what, name));
  }
}

// With an interval learnt from the rows, the grid check runs after reading them all.
void check_inferred_grid(const std::string& path, std::span<const TimeMs> times,
                         const std::vector<std::size_t>& lines, const core::Interval& interval) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!interval.is_aligned(times[i])) {
      throw InputError(path, lines[i], fmt::format("time {} ({} UTC) is not on the {} grid (interval taken from the rows' spacing)",
                                                   times[i], core::format_utc(times[i]), interval.name()));
    }
  }
}

}  // namespace

std::string_view kind_name(DataKind kind) {
  switch (kind) {
    case DataKind::Candles: return "candles";
    case DataKind::Funding: return "funding";
    case DataKind::Sentiment: return "sentiment";
  }
  return "";
}

DataKind parse_kind(std::string_view text) {
  if (text == "candles") return DataKind::Candles;
  if (text == "funding") return DataKind::Funding;
  if (text == "sentiment") return DataKind::Sentiment;
  throw core::UsageError(fmt::format("unknown kind '{}' (candles, funding, sentiment)", text));
}

ParsedFile parse_file(const std::string& path, const ImportOptions& options,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  LineReader reader(path);
  std::string_view line;
  std::vector<std::string_view> fields;
  if (!reader.next(line)) throw core::Error(path + ": empty file (no header, no rows)");
  const Layout layout = detect_layout(path, line, fields);

  ParsedFile out;
  out.path = path;
  out.kind = kind_of(layout.format);
  out.format = std::string(format_name(layout.format));
  if (options.kind && *options.kind != out.kind) {
    throw InputError(path, 1, fmt::format("--kind {} given, but the header is that of a {} file",
                                          kind_name(*options.kind), kind_name(out.kind)));
  }

  const PathHints hints = hints_from_path(path);
  std::optional<core::Interval> interval;
  std::optional<TimeMs> funding_step;
  if (out.kind == DataKind::Candles) {
    std::string venue = options.venue ? *options.venue
                        : hints.venue ? *hints.venue
                        : layout.format == Format::BinanceKlines ? std::string("binance")
                                                                 : require({}, {}, path, "venue", "--venue");
    std::string coin = require(options.coin, hints.coin, path, "coin", "--coin");
    if (layout.format == Format::BinanceKlines && !options.coin) coin = strip_quote_currency(coin);
    if (options.interval || hints.interval) {
      interval = core::Interval::parse_or_throw(options.interval ? *options.interval : *hints.interval);
    }
    check_name(path, "venue", venue);
    check_name(path, "coin", coin);
    // Without an interval the key holds a placeholder until the rows tell it (see below).
    out.candles = CandleSeries{SeriesKey{core::to_lower(venue), coin, interval.value_or(*core::Interval::parse("1m"))}, Candles{}};
  } else if (out.kind == DataKind::Funding) {
    std::string venue = core::to_lower(require(options.venue, hints.venue, path, "venue", "--venue"));
    std::string coin = require(options.coin, hints.coin ? hints.coin : std::optional(hints.stem), path, "coin", "--coin");
    check_name(path, "venue", venue);
    check_name(path, "coin", coin);
    funding_step = options.funding_interval_ms ? options.funding_interval_ms : default_funding_interval(venue);
    out.funding = FundingSeries{venue, coin, funding_step.value_or(0), {}, {}};
  } else {
    check_name(path, "source", hints.stem);
    out.sentiment = SentimentSeries{hints.stem, {}, {}, {}};
  }

  OrderCheck order;
  std::vector<std::size_t> row_lines;  // to name the line if an inferred grid is violated
  const core::Interval day = *core::Interval::parse("1d");
  auto handle_bad = [&](std::size_t line_no, std::string what) {
    if (!options.skip_bad) throw InputError(path, line_no, what);
    if (out.bad.size() < kKeptBadRows) out.bad.push_back({line_no, std::move(what)});
    ++out.bad_total;
  };

  bool first_data = !layout.has_header;
  while (first_data || reader.next(line)) {
    const std::size_t line_no = first_data ? 1 : reader.line_number();
    if (!first_data) split_csv_line(line, fields);
    first_data = false;
    if (fields.size() == 1 && fields[0].empty()) {
      handle_bad(line_no, "empty line");
      continue;
    }
    if (fields.size() != layout.columns) {
      handle_bad(line_no, fmt::format("expected {} columns, found {}", layout.columns, fields.size()));
      continue;
    }
    try {
      if (out.kind == DataKind::Candles) {
        const Bar bar = parse_candle(fields, layout);
        if (!options.keep_disorder) {
          if (interval) check_grid(bar.time, *interval);
          order.check(bar.time);
        }
        out.candles->bars.push_back(bar);
        if (!interval) row_lines.push_back(line_no);
        order.accept(bar.time, line_no);
      } else if (out.kind == DataKind::Funding) {
        const TimeMs t = parse_row_time(fields[0], false);
        const double rate = number(fields[1], "rate");
        if (std::abs(rate) > 1.0) {
          throw RowError{fmt::format("rate {} is outside [-1, 1]: expected a fraction of notional per interval", fields[1])};
        }
        if (!options.keep_disorder) order.check(t);
        if (funding_step && t % *funding_step != 0) {
          throw RowError{fmt::format("time {} ({} UTC) is not on the funding grid of {} ms", t, core::format_utc(t), *funding_step)};
        }
        out.funding->time.push_back(t);
        out.funding->rate.push_back(rate);
        row_lines.push_back(line_no);
        order.accept(t, line_no);
      } else {
        const TimeMs t = parse_row_time(fields[0], false);
        const double v = number(fields[1], "value");
        if (v != std::floor(v) || v < 0 || v > 100) {
          throw RowError{fmt::format("value {} is not a whole number from 0 to 100", fields[1])};
        }
        if (fields[2].empty()) throw RowError{"classification is empty"};
        if (!options.keep_disorder) {
          check_grid(t, day);
          order.check(t);
        }
        out.sentiment->time.push_back(t);
        out.sentiment->value.push_back(static_cast<int>(v));
        out.sentiment->classification.emplace_back(fields[2]);
        order.accept(t, line_no);
      }
      ++out.rows;
    } catch (const RowError& e) {
      handle_bad(line_no, e.what);
    }
    if (progress && (line_no & 0x1fff) == 0) progress(reader.file_offset(), reader.file_size());
  }
  if (progress) progress(reader.file_size(), reader.file_size());

  if (out.rows == 0) {
    throw core::Error(fmt::format("{}: no valid data rows{}", path,
                                  out.bad_total ? fmt::format(" ({} bad rows skipped)", out.bad_total) : ""));
  }
  if (out.kind == DataKind::Candles && !interval) {
    const auto times = out.candles->bars.time();
    const auto inferred = core::Interval::from_ms(smallest_step(times));
    if (!inferred) {
      throw core::UsageError(fmt::format("{}: cannot tell the interval from the path or the rows; pass --interval", path));
    }
    if (!options.keep_disorder) check_inferred_grid(path, times, row_lines, *inferred);
    out.candles->key.interval = *inferred;
  }
  if (out.kind == DataKind::Funding && !funding_step) {
    const auto inferred = core::Interval::from_ms(smallest_step(out.funding->time));
    if (!inferred) {
      throw core::UsageError(fmt::format("{}: cannot tell the funding interval from the rows; pass --funding-interval", path));
    }
    check_inferred_grid(path, out.funding->time, row_lines, *inferred);
    out.funding->interval_ms = inferred->nominal_ms();
  }
  return out;
}

}  // namespace organism::data
