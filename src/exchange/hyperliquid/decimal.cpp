#include "exchange/hyperliquid/decimal.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace organism::exchange::hl {
namespace {

constexpr int kWireDecimals = 8;

// Python's round(x, digits) for digits >= 0: the binary value rounded exactly (ties to even, as
// glibc's printf does in the default rounding mode) and read back. Python uses the same
// correctly-rounded dtoa, so both give the same double.
double round_decimals(double x, int digits) {
  if (!std::isfinite(x)) return x;
  if (digits < 0) {
    const double scale = std::pow(10.0, -digits);
    return std::nearbyint(x / scale) * scale;
  }
  char buf[400];  // the largest double has 309 integer digits
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return std::strtod(buf, nullptr);
}

// float(f"{x:.5g}"): five significant figures.
double round_significant5(double x) {
  if (!std::isfinite(x)) return x;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.5g", x);
  return std::strtod(buf, nullptr);
}

// Number of decimals a positive unit count needs (0 to 8) and its significant figures.
struct DigitCount {
  int decimals = 0;
  int significant = 0;
};
DigitCount digits_of(std::int64_t units) {
  DigitCount d;
  std::uint64_t u = static_cast<std::uint64_t>(units);
  int trailing = 0;
  while (u != 0 && u % 10 == 0 && trailing < kWireDecimals) {
    u /= 10;
    ++trailing;
  }
  d.decimals = kWireDecimals - trailing;
  // Trailing zeros of the integer part are significant only when decimals follow; an integer
  // price is checked separately (always allowed), so stripping them here is harmless.
  while (u != 0 && u % 10 == 0) u /= 10;
  for (; u != 0; u /= 10) ++d.significant;
  return d;
}

}  // namespace

std::optional<std::int64_t> parse_units(std::string_view text) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) i = 1;
  // Unsigned magnitude, so that the check below is the only overflow rule.
  constexpr std::uint64_t kMaxMagnitude = static_cast<std::uint64_t>(INT64_MAX);
  std::uint64_t magnitude = 0;
  auto push_digit = [&](char c) {
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (kMaxMagnitude - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
    return true;
  };
  const std::size_t int_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (!push_digit(text[i])) return std::nullopt;
    ++i;
  }
  if (i == int_begin) return std::nullopt;  // "", "-", ".5", "+1", " 1"
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++decimals > kWireDecimals || !push_digit(text[i])) return std::nullopt;
      ++i;
    }
    if (decimals == 0) return std::nullopt;  // "1."
  }
  if (i != text.size()) return std::nullopt;  // "1e5", "0x10", "1..2", trailing junk
  for (int k = decimals; k < kWireDecimals; ++k) {
    if (magnitude > kMaxMagnitude / 10) return std::nullopt;
    magnitude *= 10;
  }
  const auto value = static_cast<std::int64_t>(magnitude);
  return negative ? -value : value;
}

std::string format_units(std::int64_t units) {
  // Magnitude as unsigned so that INT64_MIN has one too.
  const std::uint64_t magnitude =
      units < 0 ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
  std::string out = units < 0 ? "-" : "";
  out += std::to_string(magnitude / kUnitsPerOne);
  std::uint64_t frac = magnitude % kUnitsPerOne;
  if (frac != 0) {
    char digits[kWireDecimals + 1];
    std::snprintf(digits, sizeof digits, "%08llu", static_cast<unsigned long long>(frac));
    int len = kWireDecimals;
    while (digits[len - 1] == '0') --len;
    out += '.';
    out.append(digits, static_cast<std::size_t>(len));
  }
  return out;
}

double units_to_double(std::int64_t units) {
  // Below 2^53 the numerator is exact and one division is correctly rounded, i.e. the same double
  // as reading the decimal text; beyond, read the text.
  constexpr std::int64_t kExact = std::int64_t{1} << 53;
  if (units > -kExact && units < kExact) {
    return static_cast<double>(units) / static_cast<double>(kUnitsPerOne);
  }
  return std::strtod(format_units(units).c_str(), nullptr);
}

std::string float_to_wire(double x) {
  if (!std::isfinite(x)) throw std::invalid_argument("float_to_wire: not a finite number");
  char buf[400];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, kWireDecimals);
  if (ec != std::errc{}) throw std::invalid_argument("float_to_wire: number too large");
  std::string text(buf, end);
  if (std::fabs(std::strtod(text.c_str(), nullptr) - x) >= 1e-12) {
    throw std::invalid_argument("float_to_wire causes rounding");
  }
  // Strip the trailing zeros of the fraction, then a bare '.', as Decimal.normalize() does.
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

Int128 float_to_int_for_hashing(double x) {
  // The SDK multiplies by the int 10**8: an integral argument (the SDK's test passes ints) scales
  // exactly in integer arithmetic, which a double product would not above 2^53.
  if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) < 9.2e18) {
    return static_cast<Int128>(static_cast<std::int64_t>(x)) * kUnitsPerOne;
  }
  const double scaled = x * static_cast<double>(kUnitsPerOne);
  if (!std::isfinite(scaled)) throw std::invalid_argument("float_to_int causes rounding");
  const double rounded = std::nearbyint(scaled);  // Python's round: ties to even
  if (std::fabs(rounded - scaled) >= 1e-3)
    throw std::invalid_argument("float_to_int causes rounding");
  return static_cast<Int128>(rounded);
}

std::int64_t float_to_usd_int(double x) {
  const double rounded = std::nearbyint(x * 1e6);
  if (!std::isfinite(rounded) || std::fabs(rounded) >= 9.2e18) {
    throw std::invalid_argument("float_to_usd_int: out of range");
  }
  return static_cast<std::int64_t>(rounded);
}

bool price_is_valid(std::int64_t px_units, int sz_decimals, bool perp) {
  if (px_units <= 0) return false;
  if (px_units % kUnitsPerOne == 0) return true;  // integer prices are always allowed
  const DigitCount d = digits_of(px_units);
  const int max_decimals = (perp ? 6 : 8) - sz_decimals;
  return d.decimals <= max_decimals && d.significant <= 5;
}

bool size_is_valid(std::int64_t sz_units, int sz_decimals) {
  if (sz_units <= 0) return false;
  return digits_of(sz_units).decimals <= sz_decimals;
}

double round_price(double px, int sz_decimals, bool perp) {
  if (px > 100'000) return round_decimals(px, 0);
  return round_decimals(round_significant5(px), (perp ? 6 : 8) - sz_decimals);
}

double round_size(double sz, int sz_decimals) { return round_decimals(sz, sz_decimals); }

double slippage_price(double mid, bool is_buy, double slippage, int sz_decimals, bool perp) {
  const double px = mid * (is_buy ? 1 + slippage : 1 - slippage);
  // The SDKs' _slippage_price: five significant figures, then the decimals rule, without the
  // integer rule of round_price above 100000.
  return round_decimals(round_significant5(px), (perp ? 6 : 8) - sz_decimals);
}

}  // namespace organism::exchange::hl
