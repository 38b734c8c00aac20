#include "indicators/donchian.hpp"

namespace organism::indicators {

Donchian::Donchian(int period)
    : hh_(checked_period(period, "donchian")), ll_(static_cast<std::size_t>(period)) {}

DonchianValue Donchian::update(double high, double low) {
  // Read the channel of the bars so far, then admit the current bar for the next one.
  DonchianValue v;
  if (hh_.full()) v = {hh_.value(), ll_.value()};
  hh_.push(high);
  ll_.push(low);
  return v;
}

[[gnu::flatten]] void donchian(const data::CandleView& bars, int period, std::span<double> high,
                               std::span<double> low) {
  check_same_size(bars.size(), high.size(), "donchian high");
  check_same_size(bars.size(), low.size(), "donchian low");
  Donchian f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const DonchianValue v = f.update(bars.high[i], bars.low[i]);
    high[i] = v.high;
    low[i] = v.low;
  }
}

DonchianSeries donchian(const data::CandleView& bars, int period) {
  DonchianSeries s{std::vector<double>(bars.size()), std::vector<double>(bars.size())};
  donchian(bars, period, s.high, s.low);
  return s;
}

}  // namespace organism::indicators
