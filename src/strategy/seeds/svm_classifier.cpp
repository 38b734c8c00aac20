// Family 11: linear SVM classifier: a liblinear model, refit on a rolling or expanding window of
// past bars only, classifies each bar as sell / hold / buy from its indicator features; the
// exposure is the predicted class, optionally scaled by the decision margin.
#include <fmt/format.h>

#include <array>
#include <cmath>

#include "strategy/ml/linear_svm.hpp"
#include "strategy/ml/model_stream.hpp"
#include "strategy/ml/training.hpp"
#include "strategy/seeds/seeds.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::seeds {
namespace {

enum Param { kThreshold, kLog10C, kPenalty, kLoss, kClassWeight, kLog10Tolerance, kMargin, kShared };

// Classes from the forward log return r of a training row: buy (+1) when r > threshold, sell (-1)
// when r < -threshold, hold (0) otherwise; the exposure is the predicted class, or with margin
// scaling the class times its own one-vs-rest decision value clamped to [0, 1] (a bar beyond the
// margin, value >= 1, gets the full exposure; one just past the boundary almost none).
class SvmModel final : public ml::RollingModel {
 public:
  SvmModel(double threshold, ml::SvmOptions options, bool margin)
      : threshold_(threshold), options_(options), margin_(margin) {}

  bool fit(std::span<const double> x, std::size_t n, std::size_t cols,
           std::span<const double> y) override {
    classes_.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      classes_[i] = y[i] > threshold_ ? 1 : (y[i] < -threshold_ ? -1 : 0);
    return svm_.fit(x, n, cols, classes_, options_);
  }

  double predict(std::span<const double> row) const override {
    const std::size_t k = svm_.predict_index(row, scratch_);
    const double side = svm_.classes()[k];
    return margin_ ? side * std::clamp(scratch_[k], 0.0, 1.0) : side;
  }

 private:
  double threshold_;
  ml::SvmOptions options_;
  bool margin_;
  ml::LinearSvm svm_;
  std::vector<int> classes_;
  mutable std::array<double, 3> scratch_{};  // decision values of the last prediction
};

ml::SvmOptions svm_options(const ParamValues& p) {
  ml::SvmOptions o;
  o.c = std::pow(10.0, p[kLog10C]);
  o.penalty = p[kPenalty] == 0 ? ml::Penalty::L1 : ml::Penalty::L2;
  o.loss = p[kLoss] == 0 ? ml::Loss::Hinge : ml::Loss::SquaredHinge;
  o.balanced = p[kClassWeight] == 1;
  o.tolerance_factor = std::pow(10.0, p[kLog10Tolerance]);
  return o;
}

class SvmClassifier final : public Family {
 public:
  std::string_view name() const override { return "svm_classifier"; }
  int number() const override { return 11; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> specs = [] {
      std::vector<ParamSpec> s = {
          real_param("threshold", 0, 0.02, 0.002,
                     "buy class above +threshold forward log return, sell below -threshold"),
          real_param("log10_c", -3, 3, -1, "log10 of C, the inverse regularization strength"),
          choice_param("penalty", {"l1", "l2"}, 1, "regularization of the weights"),
          choice_param("loss", {"hinge", "squared_hinge"}, 1,
                       "hinge loss (l1 penalty: trained as squared_hinge, liblinear has no "
                       "l1 + hinge solver)"),
          choice_param("class_weight", {"none", "balanced"}, 0,
                       "balanced: C of each class x n / (classes x its count)"),
          // Debian's liblinear 2.3 cannot cap iterations (fixed at 1000): the tolerance bounds
          // the work instead. Default 10x liblinear's: it halves the default genome's time, and
          // 96% of its trading bars keep the class a 100x finer tolerance gives.
          real_param("log10_tolerance", -2, 2, 1,
                     "stopping tolerance, log10 of a multiple of liblinear's default"),
          bool_param("margin_scaling", false,
                     "exposure = class x its decision value clamped to [0, 1]")};
      for (auto& spec : ml::schedule_specs()) s.push_back(std::move(spec));
      return s;
    }();
    return specs;
  }
  // No exposure before the first fit, at first_valid + horizon + window - 1 (walk_forward).
  std::size_t warmup(const ParamValues& p) const override {
    const auto s = ml::schedule_from(p, kShared);
    return ml::feature_lookback(ml::groups_from(p, kShared)) +
           static_cast<std::size_t>(s.horizon + s.window - 1);
  }
  // An L1 penalty trains the squared hinge whatever the loss gene says (svm_options' solver).
  std::vector<bool> inactive(const ParamValues& p) const override {
    std::vector<bool> off(p.size(), false);
    off[kLoss] = p[kPenalty] == 0;
    return off;
  }
  void signal(const MarketView& m, const ParamValues& p, std::span<double> out) const override {
    const auto schedule = ml::schedule_from(p, kShared);
    const auto features = ml::build_features(m, ml::groups_from(p, kShared));
    const auto labels = ml::forward_returns(m.bars, schedule.horizon);
    SvmModel model(p[kThreshold], svm_options(p), p[kMargin] != 0);
    ml::walk_forward(features, labels, schedule, model, out);
  }
  std::unique_ptr<FamilyStream> stream(const ParamValues& p) const override {
    return ml::model_stream(ml::groups_from(p, kShared), ml::schedule_from(p, kShared),
                            std::make_unique<SvmModel>(p[kThreshold], svm_options(p), p[kMargin] != 0));
  }
  std::string describe(const ParamValues& p) const override {
    const auto s = ml::schedule_from(p, kShared);
    const auto o = svm_options(p);
    const bool l1 = o.penalty == ml::Penalty::L1;
    const char* loss = l1 || o.loss == ml::Loss::SquaredHinge ? "squared hinge" : "hinge";
    return fmt::format(
        "A linear SVM (liblinear, {} penalty, {} loss{}, C = {:g}, {} class weights) classifies "
        "each bar as buy when the log return over the next {} bars is expected above {:g}, sell "
        "below {:g}, hold otherwise. Features: {} indicators at the bar, standardized with the "
        "training window's mean and std. Refit every {} bars on {}, whose label window has "
        "closed by the refit bar. Exposure {}; 0 before the first fit.",
        l1 ? "L1" : "L2", loss,
        l1 && p[kLoss] == 0 ? " (hinge asked; liblinear has no L1 + hinge solver)" : "", o.c,
        o.balanced ? "balanced" : "equal", s.horizon, p[kThreshold], -p[kThreshold],
        ml::group_names(ml::groups_from(p, kShared)), s.refit_every,
        s.expanding ? fmt::format("every past bar (at least {})", s.window)
                    : fmt::format("the last {} bars", s.window),
        p[kMargin] != 0 ? "= predicted class (+1 buy, -1 sell, 0 hold) x its decision value "
                          "clamped to [0, 1]"
                        : "+1 on buy, -1 on sell, 0 on hold");
  }
};

}  // namespace

const Family& svm_classifier() {
  static const SvmClassifier family;
  return family;
}

}  // namespace organism::strategy::seeds
