#include "evolve/split_check.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::evolve {

std::string describe_split(std::size_t bars, std::size_t embargo, const Splits& splits) {
  return fmt::format("{} bars, embargo {}: in-sample {}, out-of-sample {}, walk-forward {} bars", bars, embargo,
                     splits.in_sample.size(), splits.out_of_sample.size(), splits.walk_forward.size());
}

void check_segment_lengths(const std::string& label, std::size_t bars, std::size_t embargo, const Splits& splits,
                           std::size_t min_bars) {
  if (splits.out_of_sample.size() >= min_bars && splits.walk_forward.size() >= min_bars) return;
  throw core::UsageError(fmt::format(
      "{}: the split leaves too few bars to test on ({}); the out-of-sample and walk-forward segments need at "
      "least {} bars each (the longest indicator lookback): lower evolve.embargo (--embargo) or use a longer series",
      label, describe_split(bars, embargo, splits), min_bars));
}

}  // namespace organism::evolve
