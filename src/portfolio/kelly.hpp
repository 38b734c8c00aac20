// Long-only fractional Kelly sizing over several return streams: the allocator's step 4.
#pragma once

#include <span>
#include <vector>

#include "portfolio/shrinkage.hpp"

namespace organism::portfolio {

// The growth-optimal capital fractions for per-bar mean returns `mean` and covariance
// `covariance` (Kelly 1956; Thorp 2006 for the multivariate f = S^-1 mu), times kelly_fraction,
// restricted to f >= 0: the unconstrained solve on the active set, entries <= 0 removed and the
// rest solved again on the principal sub-matrix, until none is negative or none is left.
// Removed entries are 0. A sub-matrix that is not positive definite (only possible when the
// covariance is singular) is solved with a ridge of 1e-12 x its mean diagonal added.
std::vector<double> long_only_kelly(std::span<const double> mean, const SquareMatrix& covariance,
                                    double kelly_fraction);

}  // namespace organism::portfolio
