// The time-ordered splits of DESIGN.md: in-sample 60%, out-of-sample 20%, walk-forward 20%, with
// an embargo of bars dropped at the start of each later segment so no indicator window reaching
// back across a boundary is traded. Used by evolution (it sees only in_sample) and validation.
#pragma once

#include <cstddef>

namespace organism::evolve {

// Bars [begin, end) of a series.
struct Segment {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

struct Splits {
  Segment in_sample;
  Segment out_of_sample;
  Segment walk_forward;
};

// Boundaries at floor(n * in_share) and floor(n * (in_share + oos_share)); each later segment
// starts `embargo` bars after its boundary (empty when the embargo eats it).
Splits split_bars(std::size_t n, std::size_t embargo, double in_share = 0.6, double oos_share = 0.2);

}  // namespace organism::evolve
