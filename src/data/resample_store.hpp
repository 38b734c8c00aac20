// Resampling inside the store: every stored (venue, coin), or those asked for, gets larger-interval
// candles built from its best stored smaller interval, in one transaction. Used by `organism data
// resample`; the command only prints what this returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/resample.hpp"
#include "data/store.hpp"

namespace organism::data {

struct StoreResampleRequest {
  core::Interval to = *core::Interval::parse("4h");
  std::string from;         // source interval; empty: the largest stored one below `to` that tiles it
  std::string venue, coin;  // empty: every one
  // Replace stored target bars that differ from the resampled ones (a venue's own candles).
  // Without it such a difference is a core::Error and nothing is written.
  bool overwrite = false;
};

// What happened to one (venue, coin): resampled from `source`, or skipped (no usable interval).
struct StoreResampled {
  std::string venue, coin;
  std::optional<SeriesKey> source;  // nullopt: skipped
  SeriesKey target;
  ResampleResult result;
  UpsertCounts counts;
};

// core::Error when no stored series matches, when nothing could be resampled, or when a stored
// target bar differs without `overwrite`; then the store is unchanged.
std::vector<StoreResampled> resample_in_store(Store& store, const StoreResampleRequest& request);

}  // namespace organism::data
