#include "exchange/client/trade_bars.hpp"

#include <algorithm>

namespace organism::exchange::client {

namespace {
constexpr core::TimeMs kMinuteMs = 60'000;
constexpr double kUnit = 1e8;  // WsTrade counts 1e-8; the same division as the feed's candles
}  // namespace

void TradeBars::interrupted() {
  for (auto& [minute, m] : minutes_) m.complete = false;
  joined_mid_minute_ = true;
}

void TradeBars::add(const WsTrade& trade) {
  const core::TimeMs minute = trade.time - trade.time % kMinuteMs;
  auto [it, fresh] = minutes_.try_emplace(minute);
  Minute& m = it->second;
  if (fresh) {
    m.open = m.high = m.low = trade.px;
    m.complete = !joined_mid_minute_;
    joined_mid_minute_ = false;
  }
  m.high = std::max(m.high, trade.px);
  m.low = std::min(m.low, trade.px);
  m.close = trade.px;
  m.volume += trade.sz;
}

void TradeBars::check(const data::Bar& bar) {
  const auto it = minutes_.find(bar.time);
  if (it == minutes_.end() || !it->second.complete) {
    ++stats_.incomplete;
  } else {
    const Minute& m = it->second;
    const bool o = static_cast<double>(m.open) / kUnit == bar.open;
    const bool h = static_cast<double>(m.high) / kUnit == bar.high;
    const bool l = static_cast<double>(m.low) / kUnit == bar.low;
    const bool c = static_cast<double>(m.close) / kUnit == bar.close;
    const bool v = static_cast<double>(m.volume) / kUnit == bar.volume;
    ++stats_.checked;
    if (o && h && l && c && v) ++stats_.matched;
    stats_.open += !o;
    stats_.high += !h;
    stats_.low += !l;
    stats_.close += !c;
    stats_.volume += !v;
  }
  minutes_.erase(minutes_.begin(), minutes_.upper_bound(bar.time));
}

}  // namespace organism::exchange::client
