// Rolling statistics of one series: population standard deviation, z-score, highest and lowest
// value over the last n bars (the current one included). Streaming and batch give identical
// numbers. Used by strategies (z-score of close, volume z-score) and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

// Population standard deviation (divide by n) of the last n values; NaN for the first n-1.
// Exactly 0 on a flat window.
class Stddev {
 public:
  explicit Stddev(int period);
  double update(double x);

 private:
  RollingMoments m_;
};

// (x - mean) / stddev over the last n values, x included; NaN for the first n-1. On a flat window
// (all n values equal) it is 0: x sits exactly at its mean, there is no deviation to scale.
class ZScore {
 public:
  explicit ZScore(int period);
  double update(double x);

 private:
  RollingMoments m_;
};

// Highest / lowest of the last n values, x included; NaN for the first n-1.
class Highest {
 public:
  explicit Highest(int period);
  double update(double x);

 private:
  RollingMax max_;
};

class Lowest {
 public:
  explicit Lowest(int period);
  double update(double x);

 private:
  RollingMin min_;
};

void stddev(std::span<const double> x, int period, std::span<double> out);
void zscore(std::span<const double> x, int period, std::span<double> out);
void highest(std::span<const double> x, int period, std::span<double> out);
void lowest(std::span<const double> x, int period, std::span<double> out);
std::vector<double> stddev(std::span<const double> x, int period);
std::vector<double> zscore(std::span<const double> x, int period);
std::vector<double> highest(std::span<const double> x, int period);
std::vector<double> lowest(std::span<const double> x, int period);

}  // namespace organism::indicators
