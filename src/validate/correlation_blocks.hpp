// The block sums cluster_by_correlation correlates, as functions of their own: validate_front
// keeps only these of each front member's held-out returns (not the series, whose memory would
// grow with the front) and clusters them to exactly the result of clustering the series.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::validate {

// Bars summed per block before series of `bars` bars are correlated: ceil(bars / max_blocks)
// when bars > max_blocks, else 1.
std::size_t correlation_block_bars(std::size_t bars, std::size_t max_blocks);

// A series' sums over blocks of `block_bars` bars (the last bars mod block_bars dropped). There
// are at most max_blocks of them, so clustering them sums blocks of 1 bar (x + 0.0, exact) and
// gives the labels, clusters and silhouette of clustering the series.
std::vector<double> correlation_block_sums(std::span<const double> series, std::size_t block_bars);

}  // namespace organism::validate
