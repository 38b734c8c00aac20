// The tree family on plain synthetic patterns (trend, oscillation, step/breakout): a moving-average
// crossing rule and a population of random rules both enter and exit, as DESIGN asks of every
// family.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "gp_support.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/text.hpp"

namespace organism::strategy::gp {
namespace {

std::vector<double> pattern(const std::string& kind) {
  std::vector<double> c;
  for (int i = 0; i < 600; ++i) {
    if (kind == "trend") c.push_back(100 + 0.2 * i + 3 * std::sin(i / 7.0));
    if (kind == "oscillation") c.push_back(100 + 10 * std::sin(2 * std::numbers::pi * i / 60.0));
    if (kind == "step") c.push_back(i % 200 < 100 ? 100.0 : 120.0);
  }
  return c;
}

// Entries (moves away from flat) and exits (moves back to flat) in an exposure path.
std::pair<int, int> entries_exits(const std::vector<double>& x) {
  int in = 0, out = 0;
  double prev = 0;
  for (double v : x) {
    in += v != 0 && v != prev;
    out += v == 0 && prev != 0;
    prev = v;
  }
  return {in, out};
}

TEST(GpPatterns, CrossingRulesEnterAndExit) {
  // Long on a cross above the average until the cross back; short on a cross below the lagged
  // average until the close is back above the average.
  const Rule longs = parse_rule(
      "(rule (long_entry (crosses_above close sma_20)) (long_exit (crosses_below close sma_20)))");
  const Rule shorts = parse_rule(
      "(rule (short_entry (crosses_below close (lag sma_20 5))) (short_exit (> close sma_20)))");
  Interpreter e;
  for (const std::string kind : {"oscillation", "step"}) {
    const auto m = test::from_closes(pattern(kind));
    for (const Rule& r : {longs, shorts}) {
      const auto [in, out] = entries_exits(e.exposure(r, m.view()));
      EXPECT_GT(in, 0) << kind << " " << print(r);
      EXPECT_GT(out, 0) << kind << " " << print(r);
    }
  }
}

TEST(GpPatterns, RandomPopulationsEnterAndExitOnEveryPattern) {
  Interpreter e;
  for (const std::string kind : {"trend", "oscillation", "step"}) {
    const auto m = test::from_closes(pattern(kind));
    int both = 0;
    for (int seed = 0; seed < 200; ++seed) {
      core::Rng rng(seed, {11});
      const auto [in, out] = entries_exits(e.exposure(random_rule(rng), m.view()));
      both += in > 0 && out > 0;
    }
    EXPECT_GT(both, 10) << kind;
  }
}

}  // namespace
}  // namespace organism::strategy::gp
