// The ML training framework: forward-return labels and features by hand, the walk-forward schedule
// (which rows each fit saw: purge, rolling, expanding), standardization with training rows only,
// and no look-ahead: corrupting everything after a bar T leaves every exposure up to T unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/ml/training.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy::ml {
namespace {

// Records what every fit was given; predicts a fixed linear function of the standardized row
// (0.1 x first column + 0.01 x the fit's number), so an exposure tells which fit made it.
class RecordingModel final : public RollingModel {
 public:
  struct Fit {
    std::vector<double> x, y;
    std::size_t n = 0;
  };
  std::vector<Fit> fits;
  std::vector<bool> accept;  // per fit; missing entries accept

  bool fit(std::span<const double> x, std::size_t n, std::size_t cols,
           std::span<const double> y) override {
    EXPECT_EQ(x.size(), n * cols);
    fits.push_back({{x.begin(), x.end()}, {y.begin(), y.end()}, n});
    return fits.size() > accept.size() || accept[fits.size() - 1];
  }
  double predict(std::span<const double> row) const override {
    return 0.1 * row[0] + 0.01 * static_cast<double>(fits.size());
  }
};

// rows x 2 features: column 0 = a deterministic pseudo-random value, column 1 = the row number;
// labels = the row number, so a fit's y names the rows it trained on.
FeatureSet make_features(std::size_t rows, std::size_t first_valid) {
  FeatureSet f;
  f.rows = rows;
  f.cols = 2;
  f.first_valid = first_valid;
  f.names = {"noise", "row"};
  core::Rng rng(9);
  for (std::size_t i = 0; i < rows; ++i) {
    const bool warm = i < first_valid;
    f.values.push_back(warm ? std::nan("") : rng.normal());
    f.values.push_back(warm ? std::nan("") : static_cast<double>(i));
  }
  return f;
}

std::vector<double> row_labels(std::size_t rows) {
  std::vector<double> y(rows);
  for (std::size_t i = 0; i < rows; ++i) y[i] = static_cast<double>(i);
  return y;
}

TEST(ForwardReturns, LogReturnOverTheNextHBarsNaNPastTheEnd) {
  const auto pat = test::make_pattern("hand", {100, 110, 121, 100});
  const auto one = forward_returns(pat.bars.view(), 1);
  EXPECT_DOUBLE_EQ(one[0], std::log(1.1));
  EXPECT_DOUBLE_EQ(one[1], std::log(1.1));
  EXPECT_DOUBLE_EQ(one[2], std::log(100.0 / 121));
  EXPECT_TRUE(std::isnan(one[3]));
  const auto two = forward_returns(pat.bars.view(), 2);
  EXPECT_DOUBLE_EQ(two[0], std::log(1.21));
  EXPECT_DOUBLE_EQ(two[1], std::log(100.0 / 110));
  EXPECT_TRUE(std::isnan(two[2]) && std::isnan(two[3]));
}

TEST(Features, HandValuesOfTheMomentumAndTrendGroups) {
  const auto pat = test::random_walk(4, 300);
  const auto view = pat.view();
  const auto f = build_features(view, kMomentum | kTrend);
  ASSERT_EQ(f.cols, f.names.size());
  ASSERT_EQ(f.rows, 300u);
  auto col = [&](const std::string& name) {
    for (std::size_t j = 0; j < f.cols; ++j)
      if (f.names[j] == name) return j;
    ADD_FAILURE() << "no feature " << name;
    return std::size_t{0};
  };
  const auto close = pat.bars.close();
  const auto rsi = indicators::compute_column(view.bars, indicators::parse_column("rsi_14"));
  const auto ema = indicators::compute_column(view.bars, indicators::parse_column("ema_20"));
  for (std::size_t t : {60, 120, 299}) {
    EXPECT_DOUBLE_EQ(f.at(t, col("ret_1")), std::log(close[t] / close[t - 1]));
    EXPECT_DOUBLE_EQ(f.at(t, col("ret_24")), std::log(close[t] / close[t - 24]));
    EXPECT_DOUBLE_EQ(f.at(t, col("rsi_14")), (rsi[t] - 50) / 50);
    EXPECT_DOUBLE_EQ(f.at(t, col("close_ema_20")), std::log(close[t] / ema[t]));
  }
  EXPECT_EQ(f.first_valid, 49u);  // sma_50 is the longest warm-up of the two groups
  EXPECT_TRUE(std::isnan(f.at(48, col("close_sma_50"))));
}

TEST(Features, WarmUpMatchesTheLookbackAndNoIndicatorIsStillUndefinedAfterIt) {
  const auto pat = test::random_walk(5, 300);
  const auto all = build_features(pat.view(), kAllGroups);
  EXPECT_EQ(all.cols, 19u);
  for (unsigned g = 1; g <= kAllGroups; ++g) {
    const auto f = build_features(pat.view(), g);
    ASSERT_EQ(f.first_valid, feature_lookback(g)) << g;
    // The warm-up rule maps a non-finite value after a feature's lookback to 0; on a random walk
    // nothing is 0/0, so an exact 0 would mean a lookback shorter than the indicator's warm-up.
    for (std::size_t t = f.first_valid; t < f.rows; ++t) {
      for (std::size_t j = 0; j < f.cols; ++j) {
        ASSERT_TRUE(std::isfinite(f.at(t, j)) && f.at(t, j) != 0)
            << f.names[j] << " row " << t << " groups " << g;
      }
    }
    // At the bar before, some feature is still in warm-up.
    bool undefined = false;
    for (std::size_t j = 0; j < f.cols; ++j) undefined |= std::isnan(f.at(f.first_valid - 1, j));
    EXPECT_TRUE(undefined) << g;
  }
}

TEST(Features, FlatPricesAndUnknownFundingGiveZerosNotNaN) {
  const auto pat = test::flat();
  auto view = pat.view();
  view.funding_per_bar = {};
  const auto f = build_features(view, kAllGroups);
  for (std::size_t t = f.first_valid; t < f.rows; ++t)
    for (std::size_t j = 0; j < f.cols; ++j) ASSERT_TRUE(std::isfinite(f.at(t, j))) << f.names[j];
  EXPECT_EQ(f.at(100, f.cols - 1), 0.0);  // funding_mean_24
}

TEST(Features, TheIndicatorCacheChangesNothing) {
  const auto pat = test::random_walk(6, 300);
  indicators::IndicatorCache cache(16 << 20);
  auto view = pat.view();
  const auto direct = build_features(view, kAllGroups);
  view.cache = &cache;
  view.series_id = indicators::series_id("walk", view.bars);
  build_features(view, kAllGroups);
  const auto cached = build_features(view, kAllGroups);
  ASSERT_EQ(cached.values.size(), direct.values.size());
  for (std::size_t k = 0; k < direct.values.size(); ++k) {
    ASSERT_TRUE(cached.values[k] == direct.values[k] ||
                (std::isnan(cached.values[k]) && std::isnan(direct.values[k])));
  }
  EXPECT_GT(cache.stats().hits, 0u);
}

TEST(WalkForward, RollingScheduleTrainsOnThePurgedLastWindowRows) {
  const auto f = make_features(30, 3);
  const auto y = row_labels(30);
  RecordingModel model;
  std::vector<double> e(30, 7.0);
  walk_forward(f, y, {.horizon = 2, .refit_every = 5, .window = 6, .expanding = false}, model, e);
  // T0 = first_valid + h + window - 1 = 10; fits at 10, 15, 20, 25, each on rows T-h-5 .. T-h.
  ASSERT_EQ(model.fits.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const double T = 10.0 + 5.0 * static_cast<double>(k);
    ASSERT_EQ(model.fits[k].n, 6u);
    EXPECT_EQ(model.fits[k].y.front(), T - 2 - 5) << k;
    EXPECT_EQ(model.fits[k].y.back(), T - 2) << k;  // purge: the label of row T-h ends at T
  }
  for (std::size_t t = 0; t < 10; ++t) EXPECT_EQ(e[t], 0.0) << t;
  for (std::size_t t = 10; t < 30; ++t) EXPECT_NE(e[t], 0.0) << t;
}

TEST(WalkForward, ExpandingScheduleTrainsOnEveryLabelledRow) {
  const auto f = make_features(30, 3);
  const auto y = row_labels(30);
  RecordingModel model;
  std::vector<double> e(30);
  walk_forward(f, y, {.horizon = 2, .refit_every = 5, .window = 6, .expanding = true}, model, e);
  ASSERT_EQ(model.fits.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(model.fits[k].y.front(), 3.0);  // first_valid
    EXPECT_EQ(model.fits[k].y.back(), 8.0 + 5.0 * static_cast<double>(k));
    EXPECT_EQ(model.fits[k].n, 6u + 5u * k);
  }
}

TEST(WalkForward, StandardizesWithTheTrainingRowsStatisticsOnly) {
  auto f = make_features(30, 3);
  const auto y = row_labels(30);
  RecordingModel model;
  std::vector<double> e(30);
  walk_forward(f, y, {.horizon = 2, .refit_every = 5, .window = 6}, model, e);
  // First fit: rows 3..8. Mean and population std of column 0 over them, by hand.
  double mean = 0, var = 0;
  for (std::size_t t = 3; t <= 8; ++t) mean += f.at(t, 0) / 6;
  for (std::size_t t = 3; t <= 8; ++t) var += (f.at(t, 0) - mean) * (f.at(t, 0) - mean) / 6;
  const double sd = std::sqrt(var);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(model.fits[0].x[i * 2], (f.at(3 + i, 0) - mean) / sd, 1e-12);
    EXPECT_NEAR(model.fits[0].x[i * 2 + 1], (static_cast<double>(i) - 2.5) / std::sqrt(17.5 / 6),
                1e-12);
  }
  // Bars 10..14 are predicted with the same statistics: 0.1 x standardized column 0 + 0.01.
  for (std::size_t t = 10; t < 15; ++t)
    EXPECT_NEAR(e[t], 0.1 * (f.at(t, 0) - mean) / sd + 0.01, 1e-12) << t;
  // Rows outside a rolling window do not reach its statistics: row 3 is in the first fit's window
  // only, so changing it leaves the second fit (rows 8..13) exactly as it was.
  f.values[3 * 2] = 1e6;
  RecordingModel again;
  walk_forward(f, y, {.horizon = 2, .refit_every = 5, .window = 6}, again, e);
  EXPECT_NE(again.fits[0].x, model.fits[0].x);
  EXPECT_EQ(again.fits[1].x, model.fits[1].x);
}

TEST(WalkForward, ConstantColumnBecomesZeroAndAFailedFitMeansFlatUntilTheNextRefit) {
  auto f = make_features(30, 3);
  for (std::size_t t = 3; t < 30; ++t) f.values[t * 2] = 0.3;  // constant column 0
  RecordingModel model;
  model.accept = {true, false, true, true};
  std::vector<double> e(30);
  walk_forward(f, row_labels(30), {.horizon = 2, .refit_every = 5, .window = 6}, model, e);
  for (std::size_t i = 0; i < model.fits[0].n; ++i) EXPECT_EQ(model.fits[0].x[i * 2], 0.0);
  for (std::size_t t = 10; t < 15; ++t) EXPECT_DOUBLE_EQ(e[t], 0.01);
  for (std::size_t t = 15; t < 20; ++t) EXPECT_EQ(e[t], 0.0);  // the fit at 15 failed
  for (std::size_t t = 20; t < 25; ++t) EXPECT_DOUBLE_EQ(e[t], 0.03);
}

TEST(WalkForward, NoFitWithoutEnoughRowsAndBadInputThrows) {
  const auto f = make_features(30, 3);
  RecordingModel model;
  std::vector<double> e(30, 7.0);
  walk_forward(f, row_labels(30), {.horizon = 4, .refit_every = 5, .window = 24}, model, e);
  EXPECT_TRUE(model.fits.empty());  // T0 = 3 + 4 + 23 = 30: past the end
  for (double x : e) EXPECT_EQ(x, 0.0);
  std::vector<double> short_e(29);
  EXPECT_THROW(walk_forward(f, row_labels(30), {}, model, short_e), core::Error);
  auto bad = f;
  bad.values[20 * 2] = std::nan("");
  EXPECT_THROW(walk_forward(bad, row_labels(30), {}, model, e), core::Error);
}

// The framework's no-look-ahead proof: features and labels after T are replaced by garbage, and
// everything the walk-forward wrote up to T is bit for bit the same. Labels of rows t > T - h are
// garbage too: their windows reach past T.
TEST(WalkForward, CorruptingEverythingAfterTChangesNoExposureUpToT) {
  const std::size_t rows = 400;
  for (bool expanding : {false, true}) {
    for (std::size_t T : {std::size_t{57}, std::size_t{150}, std::size_t{333}}) {
      const Schedule s{.horizon = 3, .refit_every = 17, .window = 40, .expanding = expanding};
      const auto f = make_features(rows, 5);
      const auto y = row_labels(rows);
      auto bad_f = f;
      auto bad_y = y;
      core::Rng rng(T);
      for (std::size_t t = T + 1; t < rows; ++t)
        for (std::size_t j = 0; j < 2; ++j) bad_f.values[t * 2 + j] = 1e6 * rng.normal();
      for (std::size_t t = T - 2; t < rows; ++t) bad_y[t] = -1e9 * rng.uniform();
      RecordingModel a, b;
      std::vector<double> ea(rows), eb(rows);
      walk_forward(f, y, s, a, ea);
      walk_forward(bad_f, bad_y, s, b, eb);
      for (std::size_t t = 0; t <= T; ++t) ASSERT_EQ(ea[t], eb[t]) << "T " << T << " bar " << t;
    }
  }
}

TEST(Schedule, SpecsDefaultsAndReadBack) {
  const auto specs = schedule_specs();
  ASSERT_EQ(specs.size(), 5u);
  const auto v = default_params(specs);
  const auto s = schedule_from(v, 0);
  EXPECT_EQ(s.horizon, 4);
  EXPECT_EQ(s.refit_every, 250);
  EXPECT_EQ(s.window, 2000);
  EXPECT_FALSE(s.expanding);
  EXPECT_EQ(groups_from(v, 0), kAllGroups);
  EXPECT_EQ(specs[0].lo, 1);
  EXPECT_EQ(specs[0].hi, 48);
  EXPECT_EQ(specs[1].lo, 24);
  EXPECT_EQ(specs[2].hi, 5000);
  EXPECT_TRUE(schedule_from({0, 1, 2, 3, 1, 6}, 1).expanding);
  EXPECT_EQ(groups_from({0, 1, 2, 3, 1, 6}, 1), 6u);
  EXPECT_EQ(group_names(6), "momentum, volatility");
  EXPECT_EQ(feature_lookback(kMomentum | kFunding), 24u);
}

}  // namespace
}  // namespace organism::strategy::ml
