#include "indicators/rolling.hpp"

#include <stdexcept>
#include <string>

namespace organism::indicators {

std::size_t checked_period(int period, const char* what) {
  if (period < 1 || period > kMaxPeriod) {
    throw std::invalid_argument(std::string(what) + ": period must be in 1.." +
                                std::to_string(kMaxPeriod) + ", got " + std::to_string(period));
  }
  return static_cast<std::size_t>(period);
}

void check_same_size(std::size_t want, std::size_t got, const char* what) {
  if (want != got) {
    throw std::invalid_argument(std::string(what) + ": output has " + std::to_string(got) +
                                " slots for " + std::to_string(want) + " bars");
  }
}

}  // namespace organism::indicators
