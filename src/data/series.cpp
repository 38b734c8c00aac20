#include "data/series.hpp"

#include <algorithm>

namespace organism::data {

void Candles::reserve(std::size_t n) {
  time_.reserve(n);
  open_.reserve(n);
  high_.reserve(n);
  low_.reserve(n);
  close_.reserve(n);
  volume_.reserve(n);
  trades_.reserve(n);
}

void Candles::push_back(const Bar& bar) {
  time_.push_back(bar.time);
  open_.push_back(bar.open);
  high_.push_back(bar.high);
  low_.push_back(bar.low);
  close_.push_back(bar.close);
  volume_.push_back(bar.volume);
  trades_.push_back(bar.trades);
}

void Candles::clear() {
  time_.clear();
  open_.clear();
  high_.clear();
  low_.clear();
  close_.clear();
  volume_.clear();
  trades_.clear();
}

CandleView Candles::view(std::size_t begin, std::size_t end) const {
  const std::size_t n = end - begin;
  return {std::span<const TimeMs>(time_).subspan(begin, n),
          std::span<const double>(open_).subspan(begin, n),
          std::span<const double>(high_).subspan(begin, n),
          std::span<const double>(low_).subspan(begin, n),
          std::span<const double>(close_).subspan(begin, n),
          std::span<const double>(volume_).subspan(begin, n),
          std::span<const std::int64_t>(trades_).subspan(begin, n)};
}

std::size_t Candles::lower_bound(TimeMs t) const {
  return static_cast<std::size_t>(std::lower_bound(time_.begin(), time_.end(), t) - time_.begin());
}

std::vector<Gap> find_gaps(std::span<const TimeMs> times, const core::Interval& interval) {
  std::vector<Gap> gaps;
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (interval.next(times[i - 1]) < times[i]) {
      gaps.push_back({times[i - 1], times[i], interval.steps_between(times[i - 1], times[i]) - 1});
    }
  }
  return gaps;
}

std::vector<Gap> find_gaps(std::span<const TimeMs> times, TimeMs step_ms) {
  std::vector<Gap> gaps;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const TimeMs diff = times[i] - times[i - 1];
    if (diff > step_ms) gaps.push_back({times[i - 1], times[i], diff / step_ms - 1});
  }
  return gaps;
}

}  // namespace organism::data
