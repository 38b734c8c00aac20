// The store's listing as tables and JSON (inventory.hpp).
#include "data/inventory.hpp"

#include <fmt/format.h>

#include "core/time.hpp"

namespace organism::data {
namespace {

std::string day_time(TimeMs t) { return core::format_utc(t).substr(0, 16); }

constexpr const char* kRow = "{:<12} {:<8} {:<8} {:>9} {:<16}   {:<16} {:>6} {:>8}\n";

std::string candles_table(Store& store) {
  const auto series = store.list_series();
  std::string out = fmt::format("candles ({} series)\n", series.size());
  out += fmt::format(fmt::runtime(kRow), "venue", "coin", "interval", "bars", "first", "last", "gaps", "missing");
  for (const auto& s : series) {
    out += fmt::format(fmt::runtime(kRow), s.key.venue, s.key.coin, s.key.interval.name(), s.bars, day_time(s.first),
                       day_time(s.last), s.gaps, s.missing);
  }
  return out;
}

std::string funding_table(Store& store) {
  const auto funding = store.list_funding();
  std::string out = fmt::format("funding ({} series)\n", funding.size());
  out += fmt::format(fmt::runtime(kRow), "venue", "coin", "every", "rows", "first", "last", "gaps", "missing");
  for (const auto& f : funding) {
    const auto every = core::Interval::from_ms(f.interval_ms);
    out += fmt::format(fmt::runtime(kRow), f.venue, f.coin,
                       every ? every->name() : std::to_string(f.interval_ms) + "ms", f.rows, day_time(f.first),
                       day_time(f.last), f.gaps, f.missing);
  }
  return out;
}

std::string sentiment_table(Store& store) {
  const auto sentiment = store.list_sentiment();
  std::string out = fmt::format("sentiment ({} series)\n", sentiment.size());
  for (const auto& s : sentiment) {
    out += fmt::format("{:<21} {:>9} rows {} .. {}, {} gaps ({} missing days)\n", s.source, s.rows,
                       day_time(s.first).substr(0, 10), day_time(s.last).substr(0, 10), s.gaps, s.missing);
  }
  return out;
}

}  // namespace

nlohmann::json inventory_json(Store& store, DataKind kind) {
  nlohmann::json out = nlohmann::json::array();
  if (kind == DataKind::Candles) {
    for (const auto& s : store.list_series()) {
      out.push_back({{"venue", s.key.venue}, {"coin", s.key.coin}, {"interval", s.key.interval.name()},
                     {"bars", s.bars}, {"first", s.first}, {"last", s.last}, {"gaps", s.gaps}, {"missing", s.missing}});
    }
  } else if (kind == DataKind::Funding) {
    for (const auto& f : store.list_funding()) {
      out.push_back({{"venue", f.venue}, {"coin", f.coin}, {"interval_ms", f.interval_ms}, {"rows", f.rows},
                     {"first", f.first}, {"last", f.last}, {"gaps", f.gaps}, {"missing", f.missing}});
    }
  } else {
    for (const auto& s : store.list_sentiment()) {
      out.push_back({{"source", s.source}, {"rows", s.rows}, {"first", s.first}, {"last", s.last},
                     {"gaps", s.gaps}, {"missing", s.missing}});
    }
  }
  return out;
}

std::string format_inventory(Store& store, std::optional<DataKind> kind) {
  if (kind == DataKind::Candles) return candles_table(store);
  if (kind == DataKind::Funding) return funding_table(store);
  if (kind == DataKind::Sentiment) return sentiment_table(store);
  return candles_table(store) + "\n" + funding_table(store) + "\n" + sentiment_table(store);
}

}  // namespace organism::data
