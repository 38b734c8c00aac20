// Family 12 (pca_tree_quantile) end to end: no look-ahead (everything after a bar T shuffled or
// corrupted leaves every exposure up to T bit for bit), a planted relation between a feature and
// the next return is traded at a clearly positive out-of-sample Sharpe through the real backtest,
// pure noise is not; flat prices give no trade.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "backtest/metrics.hpp"
#include "backtest/simulator.hpp"
#include "core/random.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/genome.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

const Family& family() { return find_family("pca_tree_quantile"); }

void set(Genome& g, const char* name, double value) {
  const int i = find_param(family().params(), name);
  ASSERT_GE(i, 0) << name;
  g.params[static_cast<std::size_t>(i)] = value;
}

// Short schedule genes so a few thousand bars hold many refits.
Genome small_genome(int horizon, int refit_every, int window, bool expanding) {
  Genome g = default_genome(family());
  set(g, "horizon", horizon);
  set(g, "refit_every", refit_every);
  set(g, "window", window);
  set(g, "window_mode", expanding ? 1 : 0);
  return g;
}

// The pattern's bars with other volumes (Candles are columns: rebuilt bar by bar).
test::Pattern with_volumes(test::Pattern p, const std::vector<double>& volumes) {
  data::Candles bars;
  for (std::size_t i = 0; i < p.bars.size(); ++i) {
    auto b = p.bars.bar(i);
    b.volume = volumes[i];
    bars.push_back(b);
  }
  p.bars = std::move(bars);
  return p;
}

// Log returns r_t = phi r_{t-1} + 1% noise: with phi > 0 the last return (the ret_1 feature)
// predicts the next one; phi = 0 is a pure random walk.
test::Pattern ar1_market(double phi, std::size_t n, std::uint64_t seed) {
  core::Rng rng(seed);
  const auto c = test::ar1_closes(phi, n, rng);
  std::vector<double> volumes(n);
  for (auto& v : volumes) v = 1000 * std::exp(0.3 * rng.normal());
  return with_volumes(test::make_pattern(fmt::format("ar1_{}", phi), c), volumes);
}

// Scrambles every bar after T: closes shuffled (bars rebuilt coherently), volumes, funding and
// sentiment replaced.
test::Pattern corrupt_after(const test::Pattern& p, std::size_t T, std::uint64_t seed) {
  core::Rng rng(seed);
  const auto close = p.bars.close();
  std::vector<double> closes(close.begin(), close.end());
  for (std::size_t i = closes.size() - 1; i > T + 1; --i)
    std::swap(closes[i], closes[T + 1 + rng.below(i - T)]);
  for (std::size_t i = T + 1; i < closes.size(); ++i) closes[i] *= std::exp(0.05 * rng.normal());
  auto q = test::make_pattern(p.name, closes);
  std::vector<double> volumes(closes.size());
  for (std::size_t i = 0; i < q.bars.size(); ++i) {
    volumes[i] = i <= T ? p.bars.volume()[i] : 5000 * rng.uniform();
    q.funding[i] = i <= T ? p.funding[i] : 0.001 * rng.normal();
    q.sentiment[i] = i <= T ? p.sentiment[i] : 100 * rng.uniform();
  }
  return with_volumes(std::move(q), volumes);
}

TEST(PcaTreeQuantile, CorruptingEverythingAfterTChangesNothingUpToT) {
  const auto market = ar1_market(0.3, 1500, 21);
  int traded = 0;
  for (const auto& [horizon, refit, window, expanding] :
       {std::tuple{1, 50, 300, false}, std::tuple{5, 37, 250, true},
        std::tuple{12, 100, 400, false}}) {
    const Genome g = small_genome(horizon, refit, window, expanding);
    const auto whole = exposures(g, market.view());
    for (std::size_t T : {std::size_t{640}, std::size_t{899}, std::size_t{1203}}) {
      const auto corrupted = corrupt_after(market, T, T);
      ASSERT_NE(corrupted.bars.close()[T + 2], market.bars.close()[T + 2]);
      const auto after = exposures(g, corrupted.view());
      const auto cut = exposures(g, market.view(T + 1));
      for (std::size_t t = 0; t <= T; ++t) {
        ASSERT_EQ(after[t], whole[t]) << "h " << horizon << " T " << T << " bar " << t;
        ASSERT_EQ(cut[t], whole[t]) << "h " << horizon << " T " << T << " bar " << t;
      }
    }
    traded += static_cast<int>(
        std::count_if(whole.begin(), whole.begin() + 1203, [](double e) { return e != 0; }));
  }
  EXPECT_GT(traded, 100) << "the check means little unless the model trades before T";
}

TEST(PcaTreeQuantile, RandomGenomesHaveNoLookAhead) {
  const auto market = ar1_market(0.2, 900, 5);
  const std::size_t T = 700;
  const auto corrupted = corrupt_after(market, T, 3);
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    core::Rng rng(seed, {12});
    Genome g = random_genome(family(), rng);
    set(g, "window", 200 + 50 * static_cast<double>(seed));
    set(g, "refit_every", 24 + 13 * static_cast<double>(seed));
    const auto whole = exposures(g, market.view());
    const auto after = exposures(g, corrupted.view());
    for (std::size_t t = 0; t <= T; ++t) ASSERT_EQ(after[t], whole[t]) << seed << " bar " << t;
  }
}

struct OutOfSample {
  double sharpe = 0;
  double exposed_share = 0;
};

// Every exposure of a walk-forward model is out of sample; the Sharpe is taken from the first
// fitted bar on, through the real simulator with default costs.
OutOfSample out_of_sample(const Genome& g, const test::Pattern& market) {
  const auto e = exposures(g, market.view());
  const auto bt =
      backtest::run_backtest({market.bars.view(), e, {}, market.funding}, evolve::backtest_config(g, {}));
  const std::size_t from = family().warmup(clamp_params(family().params(), g.params));
  backtest::MetricsOptions options;
  options.initial_equity = bt.equity[from - 1];
  const auto tail = std::span(bt.equity).subspan(from);
  const auto m = backtest::compute_metrics(tail, std::span(bt.exposure).subspan(from), {}, options);
  const auto active = std::count_if(e.begin() + static_cast<std::ptrdiff_t>(from), e.end(),
                                    [](double x) { return x != 0; });
  return {m.sharpe, static_cast<double>(active) / static_cast<double>(tail.size())};
}

TEST(PcaTreeQuantile, PlantedRelationIsTradedAndNoiseIsNot) {
  // Two genomes: the family's defaults on a short schedule, and a loose one (little shrinkage, a
  // deep tree) that also trades on noise, so the noise check is not vacuous.
  Genome base = small_genome(1, 250, 1000, false);
  set(base, "quantile_set", 3);  // 0.3 / 0.5 / 0.7
  Genome loose = base;
  set(loose, "log10_l1", -3);
  set(loose, "tree_depth", 8);
  set(loose, "min_split", 2);
  const auto planted_market = ar1_market(0.3, 8000, 77), noise_market = ar1_market(0.0, 8000, 77);
  for (const auto& [name, g] :
       {std::pair{"short-schedule defaults", base}, std::pair{"loose", loose}}) {
    const auto planted = out_of_sample(g, planted_market);
    const auto noise = out_of_sample(g, noise_market);
    std::printf(
        "family 12 (%s) out-of-sample Sharpe: planted AR(1) 0.3: %.2f (exposed %.2f%% of "
        "bars), pure noise: %.2f (exposed %.2f%%)\n",
        name, planted.sharpe, 100 * planted.exposed_share, noise.sharpe, 100 * noise.exposed_share);
    EXPECT_GT(planted.sharpe, 2.0) << name;
    EXPECT_GT(planted.exposed_share, 0.03) << name;
    EXPECT_LT(noise.sharpe, 1.0) << name;
    EXPECT_LT(noise.sharpe, planted.sharpe / 3) << name;
  }
}

// Evolution evaluates genomes on several threads: CLP, the tree and the PCA keep no shared state,
// so concurrent runs give the sequential run's exposures.
TEST(PcaTreeQuantile, ConcurrentRunsEqualTheSequentialOne) {
  const auto market = ar1_market(0.3, 1200, 4);
  const Genome g = small_genome(2, 40, 300, false);
  const auto expected = exposures(g, market.view());
  std::vector<std::vector<double>> got(4);
  std::vector<std::thread> threads;
  for (auto& out : got) threads.emplace_back([&] { out = exposures(g, market.view()); });
  for (auto& t : threads) t.join();
  for (const auto& out : got) EXPECT_EQ(out, expected);
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(), [](double e) { return e != 0; }));
}

TEST(PcaTreeQuantile, FlatPricesNeverTrade) {
  const auto flat = test::flat();
  const Genome g = small_genome(1, 24, 200, false);
  for (double e : exposures(g, flat.view())) ASSERT_EQ(e, 0.0);
}

}  // namespace
}  // namespace organism::strategy
