// Own 1m bars built from the `trades` feed, cross-checked against the exchange's final 1m candles
// with the matches and mismatches counted per field. Used by MarketDataSource (data stream
// --check-trades) to tell how far the exchange's candles can be reproduced from its tape.
#pragma once

#include <cstdint>
#include <map>

#include "core/time.hpp"
#include "data/series.hpp"
#include "exchange/client/ws_frames.hpp"

namespace organism::exchange::client {

struct TradeCheckStats {
  std::uint64_t checked = 0;   // exchange bars compared with a complete own bar
  std::uint64_t matched = 0;   // all five fields equal
  std::uint64_t incomplete = 0;  // no complete own bar (joined mid-minute, reconnect, skipped frame)
  std::uint64_t open = 0, high = 0, low = 0, close = 0, volume = 0;  // mismatches by field
};

class TradeBars {
 public:
  // A trade of the coin: joins its minute's bar.
  void add(const WsTrade& trade);
  // Trades may have been missed (a reconnect, a skipped frame): every minute begun so far, and
  // the minute of the next trade, can no longer be complete.
  void interrupted();
  // The exchange's final bar of a minute: compared with the own bar, then that minute and older
  // ones are forgotten.
  void check(const data::Bar& exchange_bar);
  const TradeCheckStats& stats() const { return stats_; }

 private:
  struct Minute {
    std::int64_t open = 0, high = 0, low = 0, close = 0, volume = 0;
    bool complete = true;
  };
  std::map<core::TimeMs, Minute> minutes_;
  bool joined_mid_minute_ = true;  // the next new minute may have lost trades before it was seen
  TradeCheckStats stats_;
};

}  // namespace organism::exchange::client
