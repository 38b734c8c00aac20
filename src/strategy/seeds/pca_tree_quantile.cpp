// Family 12: PCA -> regression tree -> quantile regressions: indicator features reduced by PCA,
// a CART tree's forecast of the forward return stacked with the components into three L1
// quantile regressions; long when the lower quantile clears a threshold, short when the upper
// falls below minus it, sized by the median over the quantile spread. Refit on past bars only.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "strategy/ml/model_stream.hpp"
#include "strategy/ml/pca_tree_quantile_model.hpp"
#include "strategy/ml/training.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param {
  kVarianceShare,
  kWhiten,
  kTreeDepth,
  kMinSplit,
  kQuantileSet,
  kLog10L1,
  kEntry,
  kSizeGain,
  kShared
};

// Lower, median and upper quantile levels of each choice of the quantile_set gene.
constexpr std::array<std::array<double, 3>, 4> kQuantileSets = {
    {{0.1, 0.5, 0.9}, {0.2, 0.5, 0.8}, {0.25, 0.5, 0.75}, {0.3, 0.5, 0.7}}};

ml::PcaTreeQuantileOptions model_options(const ParamValues& p) {
  ml::PcaTreeQuantileOptions o;
  o.variance_share = p[kVarianceShare];
  o.whiten = p[kWhiten] != 0;
  o.tree.max_depth = static_cast<int>(p[kTreeDepth]);
  o.tree.min_split = static_cast<int>(p[kMinSplit]);
  o.quantiles = kQuantileSets[static_cast<std::size_t>(p[kQuantileSet])];
  o.l1 = std::pow(10.0, p[kLog10L1]);
  o.entry = p[kEntry];
  o.size_gain = p[kSizeGain];
  return o;
}

class PcaTreeQuantile final : public Family {
 public:
  std::string_view name() const override { return "pca_tree_quantile"; }
  int number() const override { return 12; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = [] {
      std::vector<ParamSpec> s = {
          real_param("variance_share", 0.80, 0.99, 0.90,
                     "PCA keeps the fewest components reaching this share of the variance"),
          bool_param("whiten", false, "divide each component's score by its std"),
          int_param("tree_depth", 3, 20, 4, "maximum depth of the regression tree"),
          int_param("min_split", 2, 20, 10, "fewest training rows a tree node needs to split"),
          choice_param("quantile_set",
                       {"0.1/0.5/0.9", "0.2/0.5/0.8", "0.25/0.5/0.75", "0.3/0.5/0.7"}, 2,
                       "lower / median / upper quantile levels of the forward return"),
          real_param("log10_l1", -3, 1, -2,
                     "log10 of the L1 strength on the quantile regressions' slopes"),
          real_param("entry", 0, 1, 0,
                     "long when the lower quantile exceeds entry x the training labels' std, "
                     "short when the upper is below minus that"),
          real_param("size_gain", 0.1, 10, 2, "exposure = size_gain x median / quantile spread")};
      for (auto& spec : ml::schedule_specs()) s.push_back(std::move(spec));
      return s;
    }();
    return specs;
  }
  // walk_forward's first fit is at first_valid + horizon + window - 1, first_valid being the
  // features' lookback: exactly the first bar that may trade.
  std::size_t warmup(const ParamValues& p) const override {
    const auto s = ml::schedule_from(p, kShared);
    return ml::feature_lookback(ml::groups_from(p, kShared)) + static_cast<std::size_t>(s.horizon + s.window - 1);
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto schedule = ml::schedule_from(p, kShared);
    const auto features = ml::build_features(m, ml::groups_from(p, kShared));
    const auto labels = ml::forward_returns(m.bars, schedule.horizon);
    ml::PcaTreeQuantileModel model(model_options(p));
    ml::walk_forward(features, labels, schedule, model, out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return ml::model_stream(ml::groups_from(p, kShared), ml::schedule_from(p, kShared),
                            std::make_unique<ml::PcaTreeQuantileModel>(model_options(p)));
  }
  std::string describe(const ParamValues& p) const override {
    const auto s = ml::schedule_from(p, kShared);
    const auto o = model_options(p);
    return fmt::format(
        "Every {} bars, on {} whose {}-bar forward log return is known by then: standardize the "
        "indicator features ({}), keep the principal components reaching {:g} of the "
        "variance{}, grow a regression tree (depth <= {}, >= {} rows to split) on them, and fit "
        "L1 quantile regressions (strength {:g}) at {:g}, {:g} and {:g} on the components plus the "
        "tree's out-of-fold forecast. Each later bar: long when the lower quantile forecast "
        "exceeds {:g} x the training labels' std, short when the upper is below minus that; "
        "exposure = {:g} x "
        "median / (upper - lower), within [-1, 1]; flat otherwise and before the first fit.",
        s.refit_every,
        s.expanding ? fmt::format("every past bar (at least {})", s.window)
                    : fmt::format("the last {} bars", s.window),
        s.horizon, ml::group_names(ml::groups_from(p, kShared)), o.variance_share, o.whiten ? ", whitened" : "",
        o.tree.max_depth, o.tree.min_split, o.l1, o.quantiles[0], o.quantiles[1], o.quantiles[2],
        o.entry, o.size_gain);
  }
};

}  // namespace

const Family& pca_tree_quantile() {
  static const PcaTreeQuantile family;
  return family;
}

}  // namespace organism::strategy::seeds
