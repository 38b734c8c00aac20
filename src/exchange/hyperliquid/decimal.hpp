// Hyperliquid's numbers on the wire (PROTOCOL.md §6): exact decimal strings held as integer
// counts of 1e-8, float_to_wire, the hashing integer scalings, and the tick and lot rules.
// Used by the signing code, the simulator (which validates orders exactly, never via double)
// and the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace organism::exchange::hl {

// The wire carries at most 8 decimals; every price and size is an int64 count of 1e-8 units
// (92 billion is the largest value, far above any price or size traded).
inline constexpr std::int64_t kUnitsPerOne = 100'000'000;

// Parses "1670.1", "0.00076", "100", "-0.5" exactly. nullopt for anything else: empty, exponent,
// more than 8 decimals, a leading '+', spaces, overflow, "." alone, hex, and a missing digit on
// either side of the point ("1.", ".5").
std::optional<std::int64_t> parse_units(std::string_view text);
// The shortest decimal text: no exponent, no trailing zeros, no trailing '.', "0" for zero.
std::string format_units(std::int64_t units);
double units_to_double(std::int64_t units);

// The Python SDK's float_to_wire (PROTOCOL §6.1) with the Rust SDK's "-0" -> "0": throws
// std::invalid_argument("float_to_wire causes rounding") when x has more than 8 decimals (and a
// different text for a non-finite x).
std::string float_to_wire(double x);
__extension__ using Int128 = __int128;  // g++'s 128-bit integer (-Wpedantic wants the marker)

// round(x * 1e8), throwing std::invalid_argument("float_to_int causes rounding") when the product
// is 1e-3 or more away from an integer. 128-bit: 123123123123 scales past int64. An integral x
// scales exactly (the SDK's test passes Python ints, whose product with 10**8 is exact).
Int128 float_to_int_for_hashing(double x);
// round(x * 1e6), for ntli and usd amounts (no rounding check: the SDK has none).
std::int64_t float_to_usd_int(double x);

// Tick and lot rules (PROTOCOL §6.2). A perp price has at most 5 significant figures and at most
// 6 - szDecimals decimals (8 - szDecimals for spot); integer prices are always allowed.
// Both are false for zero and negative values.
bool price_is_valid(std::int64_t px_units, int sz_decimals, bool perp = true);
bool size_is_valid(std::int64_t sz_units, int sz_decimals);
// The SDK's rounding recipe (examples/rounding.py): above 100000 an integer, else 5 significant
// figures then 6 - szDecimals decimals (perp). Result satisfies price_is_valid.
double round_price(double px, int sz_decimals, bool perp = true);
double round_size(double sz, int sz_decimals);
// The SDKs' "market order" limit price (§5.10): mid x (1 +/- slippage), five significant figures,
// then 6 - szDecimals decimals (8 for spot). Unlike round_price, no integer rule above 100000:
// the SDKs' _slippage_price has none.
double slippage_price(double mid, bool is_buy, double slippage, int sz_decimals, bool perp = true);

}  // namespace organism::exchange::hl
