#include "indicators/statistics.hpp"

namespace organism::indicators {

Stddev::Stddev(int period) : m_(checked_period(period, "stddev")) {}

double Stddev::update(double x) {
  m_.push(x);
  return m_.full() ? m_.stddev() : kNaN;
}

ZScore::ZScore(int period) : m_(checked_period(period, "zscore")) {}

double ZScore::update(double x) {
  m_.push(x);
  if (!m_.full()) return kNaN;
  const double sd = m_.stddev();
  // sd is exactly 0 on a flat window; a non-flat window whose spread is lost to rounding (values
  // one ulp apart) also lands here rather than dividing by zero.
  return sd > 0.0 ? (x - m_.mean()) / sd : 0.0;
}

Highest::Highest(int period) : max_(checked_period(period, "max")) {}

double Highest::update(double x) {
  max_.push(x);
  return max_.full() ? max_.value() : kNaN;
}

Lowest::Lowest(int period) : min_(checked_period(period, "min")) {}

double Lowest::update(double x) {
  min_.push(x);
  return min_.full() ? min_.value() : kNaN;
}

namespace {
template <class F>
void run(std::span<const double> x, std::span<double> out, F f, const char* what) {
  check_same_size(x.size(), out.size(), what);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = f.update(x[i]);
}
template <class F>
std::vector<double> run(std::span<const double> x, F f, const char* what) {
  std::vector<double> out(x.size());
  run(x, std::span<double>(out), std::move(f), what);
  return out;
}
}  // namespace

[[gnu::flatten]] void stddev(std::span<const double> x, int p, std::span<double> out) {
  run(x, out, Stddev(p), "stddev");
}
[[gnu::flatten]] void zscore(std::span<const double> x, int p, std::span<double> out) {
  run(x, out, ZScore(p), "zscore");
}
[[gnu::flatten]] void highest(std::span<const double> x, int p, std::span<double> out) {
  run(x, out, Highest(p), "max");
}
[[gnu::flatten]] void lowest(std::span<const double> x, int p, std::span<double> out) {
  run(x, out, Lowest(p), "min");
}
std::vector<double> stddev(std::span<const double> x, int p) { return run(x, Stddev(p), "stddev"); }
std::vector<double> zscore(std::span<const double> x, int p) { return run(x, ZScore(p), "zscore"); }
std::vector<double> highest(std::span<const double> x, int p) { return run(x, Highest(p), "max"); }
std::vector<double> lowest(std::span<const double> x, int p) { return run(x, Lowest(p), "min"); }

}  // namespace organism::indicators
