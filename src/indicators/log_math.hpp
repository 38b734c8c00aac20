// The natural logarithm this layer uses, with the same bits one value at a time (streaming) or a
// whole array at a time (batch, vectorized). Used by returns.cpp (log returns, realized vol).
#pragma once

#include <span>

namespace organism::indicators {

// ln(x), within 1 ulp of the exact value (fdlibm's algorithm; error below 1 ulp). Positive normal
// inputs go through the layer's own code; zero, negatives, subnormals, inf and NaN through
// std::log, so those follow the C library.
double ln(double x);

// v[i] = ln(v[i]) for every element, bit for bit what ln() returns, four lanes at a time (cloned
// for AVX2 on x86-64). A libm call per element would cost more than the rest of a realized
// volatility.
void ln_in_place(std::span<double> v);

}  // namespace organism::indicators
