// Exact wire numbers: parse_units/format_units, float_to_wire, the hashing scalings and the tick
// and lot rules, against every case of vectors.json and against hand-written hostile input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "exchange_test_support.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "hl_vectors_file.hpp"

namespace {

// The text of the expected error: the number rules throw std::invalid_argument.
std::string error_of(auto&& f) {
  return organism::exchange::test_support::error_of<std::invalid_argument>(f);
}

using namespace organism::exchange::hl;
using Json = nlohmann::ordered_json;

// A vectors.json input is a Python or Rust float literal, or "0.1+0.2": the sum is taken in
// double arithmetic, as the SDK's caller would have.
double eval_float_literal(const std::string& text) {
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '+' && text[i - 1] != 'e') {
      return eval_float_literal(text.substr(0, i)) + eval_float_literal(text.substr(i + 1));
    }
  }
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  EXPECT_EQ(*end, '\0') << "unreadable literal " << text;
  return x;
}

TEST(HlDecimal, ParseUnitsReadsExactValues) {
  EXPECT_EQ(parse_units("1670.1"), 167'010'000'000);
  EXPECT_EQ(parse_units("0.00076"), 76'000);
  EXPECT_EQ(parse_units("100"), 10'000'000'000);
  EXPECT_EQ(parse_units("-0.5"), -50'000'000);
  EXPECT_EQ(parse_units("0.00000001"), 1);
  EXPECT_EQ(parse_units("-0"), 0);
  EXPECT_EQ(parse_units("0.12345678"), 12'345'678);
  // The largest value: INT64_MAX units = 92233720368.54775807.
  EXPECT_EQ(parse_units("92233720368.54775807"), INT64_MAX);
  EXPECT_EQ(parse_units("-92233720368.54775807"), -INT64_MAX);
}

TEST(HlDecimal, ParseUnitsRejectsHostileText) {
  for (const char* bad : {"",
                          ".",
                          "1e5",
                          "+1",
                          " 1",
                          "1 ",
                          "1.123456789",
                          "99999999999999999999",
                          "0x10",
                          "--1",
                          "1..2",
                          "-",
                          "1.",
                          ".5",
                          "92233720368.54775808",
                          "1,5",
                          "nan",
                          "inf",
                          "1.0000000000",
                          "\xff"}) {
    EXPECT_EQ(parse_units(bad), std::nullopt) << "accepted '" << bad << "'";
  }
}

TEST(HlDecimal, FormatUnitsIsTheShortestText) {
  EXPECT_EQ(format_units(0), "0");
  EXPECT_EQ(format_units(10'000'000'000), "100");
  EXPECT_EQ(format_units(167'010'000'000), "1670.1");
  EXPECT_EQ(format_units(1), "0.00000001");
  EXPECT_EQ(format_units(-50'000'000), "-0.5");
  EXPECT_EQ(format_units(INT64_MAX), "92233720368.54775807");
  EXPECT_EQ(format_units(INT64_MIN), "-92233720368.54775808");
  for (const char* text : {"1670.1", "0.00076", "987654321", "-1.5", "0.12345678"}) {
    EXPECT_EQ(format_units(*parse_units(text)), text);
  }
}

TEST(HlDecimal, UnitsToDoubleEqualsReadingTheText) {
  for (std::int64_t u : {std::int64_t{1}, std::int64_t{76'000}, std::int64_t{167'010'000'000},
                         std::int64_t{-12'345'678}, INT64_MAX}) {
    EXPECT_EQ(units_to_double(u), std::strtod(format_units(u).c_str(), nullptr)) << u;
  }
}

TEST(HlDecimal, FloatToWireHandWrittenCases) {
  EXPECT_EQ(float_to_wire(0.1 + 0.2), "0.3");
  EXPECT_EQ(float_to_wire(-0.0), "0");  // Rust's rule; the Python SDK would send "-0"
  EXPECT_EQ(float_to_wire(1e15), "1000000000000000");
  EXPECT_EQ(error_of([] { float_to_wire(1e-9); }), "float_to_wire causes rounding");
  EXPECT_EQ(error_of([] { float_to_wire(std::nan("")); }), "float_to_wire: not a finite number");
}

TEST(HlDecimal, FloatToWireEveryVectorCase) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  int checked = 0;
  for (const char* group : {"rust_sdk_unit_test", "python_sdk_behaviour"}) {
    for (const Json& c : v["float_to_wire"][group]["cases"]) {
      const std::string input = c["input"];
      const double x = eval_float_literal(input);
      if (c.contains("error")) {
        EXPECT_EQ(error_of([&] { float_to_wire(x); }), c["error"].get<std::string>()) << input;
      } else {
        // The Python SDK's "-0" for -0.0 is a bug the file records; the Rust rule gives "0".
        const std::string expected = c["output"] == "-0" ? "0" : c["output"].get<std::string>();
        EXPECT_EQ(float_to_wire(x), expected) << group << " " << input;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 13 + 26);
}

TEST(HlDecimal, FloatToIntForHashingEveryVectorCase) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  int checked = 0;
  for (const Json& c : v["float_to_int_for_hashing"]["cases"]) {
    const double x = eval_float_literal(c["input"]);
    if (c.contains("error")) {
      EXPECT_EQ(error_of([&] { float_to_int_for_hashing(x); }), c["error"].get<std::string>());
    } else {
      // 12312312312300000000 exceeds int64: compare as unsigned 64-bit, which holds it.
      const auto expected = c["output"].get<std::uint64_t>();
      EXPECT_EQ(static_cast<std::uint64_t>(float_to_int_for_hashing(x)), expected) << c["input"];
      EXPECT_GE(float_to_int_for_hashing(x), 0);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(HlDecimal, FloatToUsdInt) {
  EXPECT_EQ(float_to_usd_int(1.0), 1'000'000);
  EXPECT_EQ(float_to_usd_int(-2.5), -2'500'000);
  EXPECT_EQ(float_to_usd_int(0.1234565), 123'456);  // 123456.49999... in binary
}

TEST(HlDecimal, PriceAndSizeRulesEveryVectorCase) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  const Json& rules = v["price_and_size_rules"];
  int checked = 0;
  for (const auto& [group, perp] :
       {std::pair{"perp_price_validity", true}, {"spot_price_validity", false}}) {
    for (const Json& c : rules[group]) {
      const auto px = parse_units(c["px"].get<std::string>());
      ASSERT_TRUE(px) << c["px"];
      EXPECT_EQ(price_is_valid(*px, c["szDecimals"], perp), c["valid"].get<bool>())
          << group << " " << c["px"];
      ++checked;
    }
  }
  for (const Json& c : rules["size_validity"]) {
    const auto sz = parse_units(c["sz"].get<std::string>());
    ASSERT_TRUE(sz);
    EXPECT_EQ(size_is_valid(*sz, c["szDecimals"]), c["valid"].get<bool>()) << c["sz"];
    ++checked;
  }
  const Json& ex = rules["sdk_rounding_example"];
  EXPECT_EQ(float_to_wire(round_price(ex["px_in"], ex["szDecimals"])),
            ex["px_out"].get<std::string>());
  EXPECT_EQ(float_to_wire(round_size(ex["sz_in"], ex["szDecimals"])),
            ex["sz_out"].get<std::string>());
  for (const Json& c : rules["market_order_slippage_price_derived"]["cases"]) {
    const double mid = eval_float_literal(c["mid"]);
    const double px = slippage_price(mid, c["is_buy"], c["slippage"], c["szDecimals"]);
    EXPECT_EQ(float_to_wire(px), c["limit_px_wire"].get<std::string>())
        << c["coin"] << " " << c["is_buy"];
    EXPECT_TRUE(price_is_valid(*parse_units(float_to_wire(px)), c["szDecimals"]));
    ++checked;
  }
  EXPECT_EQ(checked, 8 + 3 + 2 + 8);
}

TEST(HlDecimal, PriceRulesEdges) {
  // Non-positive values are never valid prices or sizes.
  EXPECT_FALSE(price_is_valid(0, 0));
  EXPECT_FALSE(price_is_valid(-100'000'000, 0));
  EXPECT_FALSE(size_is_valid(0, 3));
  // 100.5 has 4 significant figures; 1000.5 has 5; 10000.5 has 6.
  EXPECT_TRUE(price_is_valid(*parse_units("100.5"), 0));
  EXPECT_TRUE(price_is_valid(*parse_units("1000.5"), 0));
  EXPECT_FALSE(price_is_valid(*parse_units("10000.5"), 0));
  // szDecimals 5 leaves one perp decimal: 0.1 ok, 0.11 not; spot leaves three.
  EXPECT_TRUE(price_is_valid(*parse_units("0.1"), 5));
  EXPECT_FALSE(price_is_valid(*parse_units("0.11"), 5));
  EXPECT_TRUE(price_is_valid(*parse_units("0.111"), 5, false));
  // Above 100000 round_price gives an integer; slippage_price keeps five significant figures.
  EXPECT_EQ(round_price(123456.7, 0), 123457.0);
  EXPECT_EQ(slippage_price(123456.7 / 1.05, true, 0.05, 0), 123460.0);
  EXPECT_EQ(round_size(0.123456, 3), 0.123);
}

}  // namespace
