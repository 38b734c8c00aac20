// Scratch buffers kept for reuse (per thread, by the hot loops of evaluation): once a buffer is
// as large as the longest input it meets, later calls allocate nothing and touch no fresh page,
// which on a VM costs more than the computation that fills them.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::core {

// The first n elements of `buffer`, grown to n when shorter, never shrunk. Their values are
// whatever the last user left: the caller writes before it reads.
template <class T>
std::span<T> reused(std::vector<T>& buffer, std::size_t n) {
  if (buffer.size() < n) buffer.resize(n);
  return std::span<T>(buffer.data(), n);
}

}  // namespace organism::core
