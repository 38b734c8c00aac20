// Parses market-data files (organism CSV, Binance kline CSV, funding, Fear & Greed; plain or
// gzip) into series, validating every row. Used by `organism data import` and `data quality`.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/config_keys.hpp"
#include "data/series.hpp"

namespace organism::data {

enum class DataKind { Candles, Funding, Sentiment };

std::string_view kind_name(DataKind kind);
// "candles" | "funding" | "sentiment"; throws core::UsageError otherwise.
DataKind parse_kind(std::string_view text);

struct ImportOptions {
  std::optional<DataKind> kind;  // checked against the file's header when given
  std::optional<std::string> venue, coin, interval;  // override what the path says
  std::optional<TimeMs> funding_interval_ms;          // override the venue's default
  bool skip_bad = defaults::kSkipBad;  // skip and count bad rows instead of rejecting the file
  // Keep rows whose time repeats or goes backwards (for quality checks of raw files).
  bool keep_disorder = false;
};

struct BadRow {
  std::size_t line = 0;
  std::string what;
};

// What one file holds once parsed; exactly one of the three series is set.
struct ParsedFile {
  std::string path;
  DataKind kind = DataKind::Candles;
  std::string format;  // "organism csv", "binance klines", "funding csv", "sentiment csv"
  std::size_t rows = 0;  // rows accepted
  std::vector<BadRow> bad;  // rows skipped (only with skip_bad)
  std::size_t bad_total = 0;  // bad rows in all; `bad` keeps the first 100
  std::optional<CandleSeries> candles;
  std::optional<FundingSeries> funding;
  std::optional<SentimentSeries> sentiment;
};

// What the path alone says: `.../ohlcv/<venue>/<COIN>-<interval>.csv[.gz]`,
// `.../funding/<venue>/<COIN>.csv[.gz]`, `.../sentiment/<source>.csv[.gz]`, Binance's
// `<COIN>USDT-<interval>-<date>.csv`.
struct PathHints {
  std::optional<std::string> venue, coin, interval;
  std::string stem;  // file name without .csv/.gz
};
PathHints hints_from_path(std::string_view path);

// Parses a whole file. Throws core::InputError ("FILE:LINE: what") at the first bad row unless
// skip_bad, core::Error for unreadable or empty files, core::UsageError when venue, coin or
// interval can be taken neither from the path nor from the options.
// progress(bytes_read, file_size) is called every few thousand rows.
ParsedFile parse_file(const std::string& path, const ImportOptions& options,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// Binance symbols carry their quote currency: "BTCUSDT" -> "BTC".
std::string strip_quote_currency(std::string symbol);

// Default funding interval of a venue: Hyperliquid pays hourly, Binance every 8 hours.
std::optional<TimeMs> default_funding_interval(std::string_view venue);

}  // namespace organism::data
