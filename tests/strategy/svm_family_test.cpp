// Family 11 (svm_classifier): liblinear on separable toy sets, the gene mapping, no look-ahead on a
// corrupted future, and the proof that it learns: a planted relation between the last return and
// the next one gives a clearly positive out-of-sample Sharpe through the real backtest, pure noise
// does not.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <linear.h>

#include <cmath>

#include "backtest/metrics.hpp"
#include "backtest/simulator.hpp"
#include "indicators/indicator_set.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/genome.hpp"
#include "strategy/ml/linear_svm.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

using ml::Loss;
using ml::Penalty;

const Family& svm() { return find_family("svm_classifier"); }

// Default genome with some parameters set by name.
Genome svm_genome(std::initializer_list<std::pair<const char*, double>> values) {
  Genome g = default_genome(svm());
  for (const auto& [name, v] : values) {
    const int k = find_param(svm().params(), name);
    EXPECT_GE(k, 0) << name;
    g.params[static_cast<std::size_t>(k)] = v;
  }
  clamp(g);
  return g;
}

// Two clusters per class on a line through the origin, far apart: separable by any linear rule.
struct Toy {
  std::vector<double> x;
  std::vector<int> y;
  std::size_t n = 0;
};
Toy toy(int classes) {
  Toy t;
  core::Rng rng(3);
  for (int i = 0; i < 90; ++i) {
    const int c = i % classes;
    // Class c sits around angle 2 pi c / classes, radius 3, noise 0.3: separable one-vs-rest.
    const double a = 2 * 3.14159265358979 * c / classes;
    t.x.push_back(3 * std::cos(a) + 0.3 * rng.normal());
    t.x.push_back(3 * std::sin(a) + 0.3 * rng.normal());
    t.y.push_back(classes == 2 ? (c == 0 ? 1 : -1) : c - 1);
    ++t.n;
  }
  return t;
}

TEST(LinearSvm, ClassifiesSeparableToySetsPerfectlyWithEverySolver) {
  for (int classes : {2, 3}) {
    const auto t = toy(classes);
    for (auto penalty : {Penalty::L1, Penalty::L2}) {
      for (auto loss : {Loss::Hinge, Loss::SquaredHinge}) {
        for (bool balanced : {false, true}) {
          ml::SvmOptions o;
          o.c = 10;
          o.penalty = penalty;
          o.loss = loss;
          o.balanced = balanced;
          ml::LinearSvm m;
          ASSERT_TRUE(m.fit(t.x, t.n, 2, t.y, o));
          ASSERT_EQ(m.classes().size(), static_cast<std::size_t>(classes));
          std::vector<double> scratch(3);
          for (std::size_t i = 0; i < t.n; ++i) {
            const auto row = std::span<const double>(t.x).subspan(i * 2, 2);
            ASSERT_EQ(m.classes()[m.predict_index(row, scratch)], t.y[i])
                << classes << " classes, solver " << ml::solver_type(o) << ", row " << i;
          }
        }
      }
    }
  }
}

TEST(LinearSvm, SolverMappingSingleClassAndDeterminism) {
  EXPECT_EQ(ml::solver_type({.penalty = Penalty::L2, .loss = Loss::SquaredHinge}), L2R_L2LOSS_SVC);
  EXPECT_EQ(ml::solver_type({.penalty = Penalty::L2, .loss = Loss::Hinge}), L2R_L1LOSS_SVC_DUAL);
  EXPECT_EQ(ml::solver_type({.penalty = Penalty::L1, .loss = Loss::SquaredHinge}), L1R_L2LOSS_SVC);
  EXPECT_EQ(ml::solver_type({.penalty = Penalty::L1, .loss = Loss::Hinge}), L1R_L2LOSS_SVC);
  const auto t = toy(3);
  ml::LinearSvm m;
  EXPECT_FALSE(m.fit(t.x, t.n, 2, std::vector<int>(t.n, 1), {}));
  EXPECT_FALSE(m.fitted());
  // The dual solver shuffles with rand(): reseeded per fit, the same data gives the same bits.
  ml::SvmOptions o{.c = 0.5, .penalty = Penalty::L2, .loss = Loss::Hinge};
  ml::LinearSvm a, b;
  ASSERT_TRUE(a.fit(t.x, t.n, 2, t.y, o));
  (void)std::rand();
  ASSERT_TRUE(b.fit(t.x, t.n, 2, t.y, o));
  std::vector<double> da(3), db(3);
  for (std::size_t i = 0; i < t.n; ++i) {
    const auto row = std::span<const double>(t.x).subspan(i * 2, 2);
    a.decision_values(row, da);
    b.decision_values(row, db);
    ASSERT_EQ(da, db);
  }
}

TEST(LinearSvm, WarmStartedRefitsStillSeparateAndFollowTheData) {
  const auto t = toy(3);
  ml::LinearSvm m;
  std::vector<double> scratch(3);
  ASSERT_TRUE(m.fit(t.x, t.n, 2, t.y, {}));
  // Refit on the same points with the classes rotated: the warm start begins from weights that
  // are now wrong, and the solver must still end at a separating model.
  auto rotated = t.y;
  for (int& c : rotated) c = c == 1 ? -1 : c + 1;
  ASSERT_TRUE(m.fit(t.x, t.n, 2, rotated, {}));
  for (std::size_t i = 0; i < t.n; ++i) {
    const auto row = std::span<const double>(t.x).subspan(i * 2, 2);
    ASSERT_EQ(m.classes()[m.predict_index(row, scratch)], rotated[i]) << i;
  }
}

// Log returns with a planted AR(1) relation r_t = phi r_{t-1} + 1% noise (phi = 0: pure noise).
test::Pattern planted(double phi, std::uint64_t seed, std::size_t n) {
  core::Rng rng(seed);
  return test::make_pattern(phi > 0 ? "planted" : "noise", test::ar1_closes(phi, n, rng));
}

// Sharpe of the real backtest (default costs, next-open fills) over the bars from the first fit
// on: every exposure there comes from a model trained on earlier bars only.
double out_of_sample_sharpe(const Genome& g, const test::Pattern& pat, bool costs = true) {
  const auto e = exposures(g, pat.view());
  const std::size_t from = svm().warmup(g.params);
  const auto bars = pat.bars.view(from, pat.bars.size());
  const auto target = std::span<const double>(e).subspan(from);
  backtest::BacktestConfig config;
  if (!costs) {
    config.fees.taker = config.fees.maker = 0;
    config.slippage.fraction = 0;
  }
  const auto r = backtest::run_backtest({.bars = bars, .target = target}, evolve::backtest_config(g, config));
  return backtest::compute_metrics(r.equity, r.exposure, r.trades, {}).sharpe;
}

TEST(SvmFamily, LearnsAPlantedRelationAndNotNoise) {
  const Genome g = svm_genome(
      {{"horizon", 1}, {"window", 1000}, {"refit_every", 250}, {"threshold", 0.001}});
  double planted_sum = 0, noise_max = -1e9;
  for (std::uint64_t seed : {1, 2, 3}) {
    const double s_planted = out_of_sample_sharpe(g, planted(0.25, seed, 8000));
    const double s_noise = out_of_sample_sharpe(g, planted(0.0, seed, 8000));
    // Without costs too, so that a negative figure on noise is not only the fees talking.
    const double s_noise_gross = out_of_sample_sharpe(g, planted(0.0, seed, 8000), false);
    std::printf("seed %llu: out-of-sample Sharpe planted %.2f, noise %.2f (%.2f without costs)\n",
                static_cast<unsigned long long>(seed), s_planted, s_noise, s_noise_gross);
    EXPECT_GT(s_planted, 2.0) << seed;
    EXPECT_LT(s_noise, 1.0) << seed;
    EXPECT_LT(std::abs(s_noise_gross), 2.0) << seed;
    planted_sum += s_planted;
    noise_max = std::max(noise_max, s_noise);
  }
  EXPECT_GT(planted_sum / 3, noise_max + 2);
}

// The family's no-look-ahead proof: every bar after T (prices, volume, funding) is replaced by an
// unrelated walk, and the exposures up to and including T are bit for bit the same.
TEST(SvmFamily, CorruptingEveryBarAfterTChangesNoExposureUpToT) {
  const auto pat = test::random_walk(21, 1500);
  int active = 0;
  for (const Genome& g :
       {svm_genome({{"window", 300}, {"refit_every", 100}, {"horizon", 5}}),
        svm_genome({{"window", 250}, {"refit_every", 60}, {"horizon", 12}, {"window_mode", 1},
                    {"margin_scaling", 1}, {"penalty", 0}, {"class_weight", 1}}),
        svm_genome({{"window", 200}, {"refit_every", 48}, {"horizon", 1}, {"loss", 0},
                    {"feature_groups", 3}, {"log10_c", 0.5}})}) {
    const auto whole = exposures(g, pat.view());
    for (std::size_t T : {std::size_t{420}, std::size_t{777}, std::size_t{1234}}) {
      auto other = test::random_walk(1000 + T, 1500);
      std::vector<double> closes(pat.bars.close().begin(), pat.bars.close().end());
      for (std::size_t t = T + 1; t < closes.size(); ++t)
        closes[t] = closes[T] * other.bars.close()[t] / other.bars.close()[T];
      auto corrupt = test::make_pattern("corrupt", closes);
      corrupt.funding = pat.funding;
      for (std::size_t t = T + 1; t < closes.size(); ++t) corrupt.funding[t] = other.funding[t];
      const auto part = exposures(g, corrupt.view());
      for (std::size_t t = 0; t <= T; ++t)
        ASSERT_EQ(part[t], whole[t]) << "T " << T << " bar " << t << "\n" << to_json(g);
      bool changed = false;
      for (std::size_t t = T + 1; t < part.size(); ++t) changed |= part[t] != whole[t];
      EXPECT_TRUE(changed) << "the corruption after " << T << " should matter";
      for (std::size_t t = 0; t <= T; ++t) active += whole[t] != 0;
    }
  }
  EXPECT_GT(active, 500);  // the prefix compared was mostly trading
}

TEST(SvmFamily, WarmupIsTheFirstFitAndTheCacheChangesNothing) {
  const auto pat = test::random_walk(22, 1200);
  const Genome g = svm_genome({{"window", 400}, {"refit_every", 100}, {"horizon", 3}});
  const std::size_t warm = svm().warmup(g.params);
  EXPECT_EQ(warm, 49u + 3 + 400 - 1);
  std::vector<double> direct(pat.bars.size()), cached(pat.bars.size());
  svm().signal(pat.view(), g.params, direct);
  for (std::size_t t = 0; t < warm; ++t) ASSERT_EQ(direct[t], 0.0) << t;
  int nonzero = 0;
  for (std::size_t t = warm; t < warm + 100; ++t) nonzero += direct[t] != 0;
  EXPECT_GT(nonzero, 0) << "the first fit should trade";
  indicators::IndicatorCache cache(16 << 20);
  auto view = pat.view();
  view.cache = &cache;
  view.series_id = indicators::series_id("walk", view.bars);
  svm().signal(view, g.params, cached);
  EXPECT_EQ(cached, direct);
}

TEST(SvmFamily, MarginScalingGivesPartialExposuresOfTheClassSign) {
  const auto pat = planted(0.2, 5, 2500);
  const Genome plain = svm_genome({{"window", 600}, {"horizon", 1}});
  Genome scaled = plain;
  scaled.params[static_cast<std::size_t>(find_param(svm().params(), "margin_scaling"))] = 1;
  const auto a = exposures(plain, pat.view()), b = exposures(scaled, pat.view());
  int partial = 0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    ASSERT_TRUE(a[t] == 0 || a[t] == 1 || a[t] == -1) << a[t];
    ASSERT_LE(std::abs(b[t]), std::abs(a[t])) << t;  // same class, scaled by [0, 1]
    if (b[t] != 0) {
      ASSERT_EQ(b[t] > 0, a[t] > 0) << t;
    }
    partial += b[t] != 0 && std::abs(b[t]) < 1;
  }
  EXPECT_GT(partial, 100);
}

TEST(SvmFamily, DescribeStatesTheRule) {
  const auto text = svm().describe(svm_genome({{"penalty", 0}, {"loss", 0}}).params);
  EXPECT_NE(text.find("L1 penalty, squared hinge loss (hinge asked"), std::string::npos) << text;
  EXPECT_NE(text.find("C = 0.1"), std::string::npos) << text;
  EXPECT_NE(text.find("next 4 bars"), std::string::npos) << text;
  EXPECT_NE(text.find("trend, momentum, volatility, volume, funding"), std::string::npos) << text;
  EXPECT_NE(text.find("last 2000 bars"), std::string::npos) << text;
}

}  // namespace
}  // namespace organism::strategy
