// A cheap read-only look at a live store: every candles series' newest bar and every series' newest
// regime label, one indexed lookup per series. Store::list_series and load_candles read and check
// whole series, which the monitor's API cannot afford on each request; this reads one row each.
// Used by the monitor (marks of /positions, /regimes, the health of the data feed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/series.hpp"

namespace organism::data {

namespace sql {
class Connection;
}

struct LatestBar {
  SeriesKey key;
  TimeMs time = 0;  // the bar's open time
  double close = 0;
  std::int64_t bars = 0;  // the series' recorded row count (its integrity summary), not a count pass
};

struct LatestRegime {
  SeriesKey key;
  TimeMs time = 0;
  std::uint8_t code = 0;  // indicators::Regime's code
};

class StorePeek {
 public:
  // core::Error naming the file (or server) when it does not exist or cannot be opened; nothing is created.
  static StorePeek open(const std::string& store_path);
  StorePeek(StorePeek&&) noexcept;
  ~StorePeek();

  // By venue, coin, interval name.
  std::vector<LatestBar> latest_bars();
  std::vector<LatestRegime> latest_regimes();

 private:
  explicit StorePeek(std::unique_ptr<sql::Connection> db);
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace organism::data
