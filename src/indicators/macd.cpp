#include "indicators/macd.hpp"

namespace organism::indicators {

Macd::Macd(int fast, int slow, int signal)
    : fast_(checked_period(fast, "macd fast")),
      slow_(checked_period(slow, "macd slow")),
      signal_(checked_period(signal, "macd signal")) {}

MacdValue Macd::update(double close) {
  const double f = fast_.update(close);
  const double s = slow_.update(close);
  MacdValue v;
  if (!(fast_.ready() && slow_.ready())) return v;
  v.line = f - s;
  v.signal = signal_.update(v.line);
  if (signal_.ready()) v.hist = v.line - v.signal;
  return v;
}

[[gnu::flatten]] void macd(std::span<const double> close, int fast, int slow, int signal,
                           std::span<double> line, std::span<double> signal_out,
                           std::span<double> hist) {
  check_same_size(close.size(), line.size(), "macd line");
  check_same_size(close.size(), signal_out.size(), "macd signal");
  check_same_size(close.size(), hist.size(), "macd hist");
  Macd f(fast, slow, signal);
  for (std::size_t i = 0; i < close.size(); ++i) {
    const MacdValue v = f.update(close[i]);
    line[i] = v.line;
    signal_out[i] = v.signal;
    hist[i] = v.hist;
  }
}

MacdSeries macd(std::span<const double> close, int fast, int slow, int signal) {
  MacdSeries s{std::vector<double>(close.size()), std::vector<double>(close.size()),
               std::vector<double>(close.size())};
  macd(close, fast, slow, signal, s.line, s.signal, s.hist);
  return s;
}

}  // namespace organism::indicators
