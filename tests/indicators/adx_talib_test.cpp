// ADX, +DI and -DI against TA-Lib itself: tests/indicators/fixtures/adx_talib.csv holds 600 real
// hourly BTC bars and TA-Lib's ADX, PLUS_DI and MINUS_DI of them for periods 5, 14 and 30,
// computed by TA-Lib's C code (npm talib 2.0.5; scripts/fixtures/adx-talib.js regenerates it).
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "indicators/adx.hpp"
#include "support/test_support.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

struct Fixture {
  data::Candles bars;
  std::map<std::string, std::vector<double>> columns;  // by header name; NaN where empty
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();  // getline drops a last empty one
  return out;
}

double number(const std::string& text) {
  if (text.empty()) return kNaN;  // TA-Lib gives no value before its lookback
  double v = 0.0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    throw std::runtime_error("adx_talib.csv: bad number '" + text + "'");
  }
  return v;
}

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    std::stringstream text(organism::test::read_file(ORGANISM_TEST_FIXTURES "/adx_talib.csv"));
    std::string line;
    std::vector<std::string> header;
    while (std::getline(text, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (header.empty()) {
        header = split(line);
        continue;
      }
      const auto fields = split(line);
      if (fields.size() != header.size()) throw std::runtime_error("adx_talib.csv: short row");
      for (std::size_t k = 1; k < header.size(); ++k) {
        out.columns[header[k]].push_back(number(fields[k]));
      }
    }
    out.bars =
        test::make_candles(out.columns.at("high"), out.columns.at("low"), out.columns.at("close"));
    return out;
  }();
  return f;
}

// TA-Lib's value where it has one (relative 1e-9; a TA-Lib 0 must be exactly 0), NaN where not.
void expect_matches(const std::vector<double>& got, const std::vector<double>& want,
                    const std::string& what, double& max_rel) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(got[i])) << what << " should be NaN at " << i << ", is " << got[i];
      continue;
    }
    ASSERT_FALSE(std::isnan(got[i])) << what << " is NaN at " << i;
    const double diff = std::fabs(got[i] - want[i]);
    ASSERT_LE(diff, 1e-9 * std::fabs(want[i])) << what << " at " << i;
    if (want[i] != 0.0) max_rel = std::max(max_rel, diff / std::fabs(want[i]));
  }
}

std::size_t first_defined(const std::vector<double>& v) {
  std::size_t i = 0;
  while (i < v.size() && std::isnan(v[i])) ++i;
  return i;
}

class AdxTalib : public ::testing::TestWithParam<int> {};

TEST_P(AdxTalib, EqualsTaLibFromItsFirstValue) {
  const int n = GetParam();
  const Fixture& f = fixture();
  const std::string p = std::to_string(n);
  const auto& want_adx = f.columns.at("adx_" + p);
  const auto& want_plus = f.columns.at("plus_di_" + p);
  const auto& want_minus = f.columns.at("minus_di_" + p);
  // The fixture itself holds TA-Lib's lookbacks: ADX 2n-1, PLUS_DI and MINUS_DI n.
  ASSERT_EQ(f.bars.size(), 600u);
  EXPECT_EQ(first_defined(want_adx), static_cast<std::size_t>(2 * n - 1));
  EXPECT_EQ(first_defined(want_plus), static_cast<std::size_t>(n));
  EXPECT_EQ(first_defined(want_minus), static_cast<std::size_t>(n));

  const AdxSeries a = adx(f.bars.view(), n);
  double max_rel = 0.0;
  expect_matches(a.adx, want_adx, "adx_" + p, max_rel);
  expect_matches(a.plus_di, want_plus, "plus_di_" + p, max_rel);
  expect_matches(a.minus_di, want_minus, "minus_di_" + p, max_rel);
  std::ostringstream rel;
  rel << max_rel;  // shortest form: 0 when the values are TA-Lib's to the bit
  RecordProperty("max_relative_difference", rel.str());

  // Batch is the streaming class run over the series, so streaming meets TA-Lib too.
  Adx streaming(n);
  for (std::size_t i = 0; i < f.bars.size(); ++i) {
    const AdxValue v = streaming.update(f.bars.bar(i));
    ASSERT_TRUE(test::same(v.adx, a.adx[i])) << i;
    ASSERT_TRUE(test::same(v.plus_di, a.plus_di[i])) << i;
    ASSERT_TRUE(test::same(v.minus_di, a.minus_di[i])) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Periods, AdxTalib, ::testing::Values(5, 14, 30));

}  // namespace
}  // namespace organism::indicators
