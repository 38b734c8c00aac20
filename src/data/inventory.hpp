// What a store holds, for people and programs: the candle, funding and sentiment series with
// their spans and gaps, as the table and the JSON of `organism data list` (later the HTTP API).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/import.hpp"
#include "data/store.hpp"

namespace organism::data {

// One JSON array of the series of one kind: {venue, coin, interval, bars, first, last, gaps,
// missing} for candles, {venue, coin, interval_ms, rows, ...} for funding, {source, rows, ...}
// for sentiment.
nlohmann::json inventory_json(Store& store, DataKind kind);

// The tables of `organism data list`: every kind when `kind` is nullopt (separated by a blank
// line), else the one asked for.
std::string format_inventory(Store& store, std::optional<DataKind> kind);

}  // namespace organism::data
