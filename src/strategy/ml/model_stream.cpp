// model_stream: FeatureStream rows appended per bar, a label filled in once its window closes,
// and WalkForward::step deciding each bar's exposure.
#include "strategy/ml/model_stream.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "strategy/ml/feature_stream.hpp"

namespace organism::strategy::ml {
namespace {

class ModelStream final : public FamilyStream {
 public:
  ModelStream(unsigned groups, const Schedule& schedule, std::unique_ptr<RollingModel> model)
      : features_(groups),
        steps_(schedule, features_.cols(), features_.first_valid()),
        horizon_(static_cast<std::size_t>(schedule.horizon)),
        model_(std::move(model)) {}

  double on_bar(const MarketView& so_far) override {
    const std::size_t n = so_far.bars.size();
    if (n != labels_.size() + 1) {
      throw std::invalid_argument("ml: on_bar needs every earlier bar and one new bar");
    }
    const std::size_t t = n - 1, cols = features_.cols();
    // Every row is kept: the expanding window trains on all of them. (A rolling window could drop
    // rows older than `window + horizon` bars; a year of hourly bars is about 1.5 MB.)
    rows_.resize(n * cols);
    features_.on_bar(so_far, &rows_[t * cols]);
    // The label of bar t - h, log(close[t] / close[t - h]) as forward_returns writes it, is known
    // from this close on; later rows' labels stay NaN and are never trained on (the purge).
    labels_.push_back(std::numeric_limits<double>::quiet_NaN());
    if (t >= horizon_) {
      const auto close = so_far.bars.close;
      labels_[t - horizon_] = std::log(close[t] / close[t - horizon_]);
    }
    return steps_.step(t, rows_, labels_, *model_);
  }

 private:
  FeatureStream features_;
  WalkForward steps_;
  std::size_t horizon_;
  std::unique_ptr<RollingModel> model_;
  std::vector<double> rows_;    // feature rows, row-major
  std::vector<double> labels_;  // forward return of each row, NaN until its window closes
};

}  // namespace

std::unique_ptr<FamilyStream> model_stream(unsigned groups, const Schedule& schedule,
                                           std::unique_ptr<RollingModel> model) {
  return std::make_unique<ModelStream>(groups, schedule, std::move(model));
}

}  // namespace organism::strategy::ml
