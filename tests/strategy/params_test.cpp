// Typed parameters: clamping (NaN, rounding, bounds), random draws within bounds covering every
// value of small ranges, and the text form.
#include <gtest/gtest.h>

#include <set>

#include "strategy/family.hpp"
#include "strategy/genome.hpp"

namespace organism::strategy {
namespace {

TEST(Params, ClampRoundsAndBounds) {
  const auto i = int_param("n", 2, 10, 5, "");
  EXPECT_EQ(clamp_param(i, 3.4), 3);
  EXPECT_EQ(clamp_param(i, 3.5), 4);
  EXPECT_EQ(clamp_param(i, -7), 2);
  EXPECT_EQ(clamp_param(i, 1e9), 10);
  EXPECT_EQ(clamp_param(i, std::nan("")), 5);
  const auto r = real_param("x", 0.5, 1.5, 1, "");
  EXPECT_EQ(clamp_param(r, 0.75), 0.75);
  EXPECT_EQ(clamp_param(r, 9), 1.5);
  const auto c = choice_param("c", {"a", "b", "c"}, 1, "");
  EXPECT_EQ(clamp_param(c, 7), 2);
  EXPECT_EQ(format_param(c, 2), "c");
  const auto b = bool_param("b", true, "");
  EXPECT_EQ(b.def, 1);
  EXPECT_EQ(format_param(b, 0), "false");
  EXPECT_EQ(format_param(i, 7), "7");
}

TEST(Params, ClampParamsFillsMissingWithDefaults) {
  const std::vector<ParamSpec> specs = {int_param("a", 0, 9, 4, ""),
                                        real_param("b", 0, 1, 0.25, "")};
  EXPECT_EQ(clamp_params(specs, {}), (ParamValues{4, 0.25}));
  EXPECT_EQ(clamp_params(specs, {12}), (ParamValues{9, 0.25}));
  EXPECT_EQ(find_param(specs, "b"), 1);
  EXPECT_EQ(find_param(specs, "z"), -1);
}

TEST(Params, RandomDrawsStayWithinBoundsAndCoverSmallRanges) {
  for (const Family* f : all_families()) {
    const auto& specs = f->params();
    std::vector<std::set<double>> seen(specs.size());
    core::Rng rng(42, {static_cast<std::uint64_t>(f->number())});
    for (int k = 0; k < 2000; ++k) {
      const auto v = random_params(specs, rng);
      ASSERT_EQ(v.size(), specs.size());
      for (std::size_t i = 0; i < specs.size(); ++i) {
        ASSERT_GE(v[i], specs[i].lo) << f->name() << "." << specs[i].name;
        ASSERT_LE(v[i], specs[i].hi) << f->name() << "." << specs[i].name;
        ASSERT_EQ(clamp_param(specs[i], v[i]), v[i]);  // already canonical
        seen[i].insert(v[i]);
      }
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].type == ParamType::Choice || specs[i].type == ParamType::Bool) {
        EXPECT_EQ(seen[i].size(), static_cast<std::size_t>(specs[i].hi) + 1)
            << f->name() << "." << specs[i].name;
      }
    }
  }
}

TEST(Params, RandomGenomesAreDeterministicPerSeed) {
  const Family& f = find_family("ichimoku_cloud");
  core::Rng a(5), b(5), c(6);
  const auto ga = random_genome(f, a), gb = random_genome(f, b), gc = random_genome(f, c);
  EXPECT_EQ(canonical_json(ga), canonical_json(gb));
  EXPECT_NE(canonical_json(ga), canonical_json(gc));
}

}  // namespace
}  // namespace organism::strategy
