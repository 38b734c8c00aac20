// forward_returns, walk_forward and the schedule genes shared by the ML families (training.hpp).
#include "strategy/ml/training.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace organism::strategy::ml {
namespace {

enum SharedParam { kHorizon, kRefitEvery, kWindow, kMode, kGroups };

// Training-window statistics, applied to the training rows and to every row predicted with the
// model fitted on them.
class Standardizer {
 public:
  explicit Standardizer(std::size_t cols) : mean_(cols), inv_sd_(cols) {}

  // Mean and population std (ddof 0) of rows [first, first + n), two passes for accuracy. A
  // column whose std is 0, or below 1e-9 of its mean's size (a constant column whose mean
  // rounded), carries no information and is mapped to 0.
  void fit(const FeatureSet& f, std::size_t first, std::size_t n) {
    const std::size_t cols = f.cols;
    std::fill(mean_.begin(), mean_.end(), 0.0);
    std::fill(inv_sd_.begin(), inv_sd_.end(), 0.0);
    for (std::size_t i = first; i < first + n; ++i) {
      const double* row = &f.values[i * cols];
      for (std::size_t j = 0; j < cols; ++j) mean_[j] += row[j];
    }
    for (double& m : mean_) m /= static_cast<double>(n);
    for (std::size_t i = first; i < first + n; ++i) {
      const double* row = &f.values[i * cols];
      for (std::size_t j = 0; j < cols; ++j) {
        const double d = row[j] - mean_[j];
        inv_sd_[j] += d * d;
      }
    }
    for (std::size_t j = 0; j < cols; ++j) {
      const double sd = std::sqrt(inv_sd_[j] / static_cast<double>(n));
      inv_sd_[j] = sd > 1e-9 * std::abs(mean_[j]) && sd > 0 ? 1.0 / sd : 0.0;
    }
  }

  void apply(const double* row, double* out) const {
    for (std::size_t j = 0; j < mean_.size(); ++j) out[j] = (row[j] - mean_[j]) * inv_sd_[j];
  }

 private:
  std::vector<double> mean_;
  std::vector<double> inv_sd_;  // 0 for a constant column
};

void check_inputs(const FeatureSet& f, std::span<const double> labels, const Schedule& s,
                  std::span<double> exposure) {
  if (f.values.size() != f.rows * f.cols || labels.size() != f.rows ||
      exposure.size() != f.rows) {
    throw core::Error(fmt::format(
        "walk_forward: {} rows x {} columns but {} values, {} labels and {} exposures", f.rows,
        f.cols, f.values.size(), labels.size(), exposure.size()));
  }
  if (s.horizon < 1 || s.refit_every < 1 || s.window < 1) {
    throw core::Error(fmt::format("walk_forward: horizon {}, refit_every {} and window {} must be >= 1",
                                  s.horizon, s.refit_every, s.window));
  }
  for (std::size_t k = f.first_valid * f.cols; k < f.values.size(); ++k) {
    if (!std::isfinite(f.values[k])) {
      throw core::Error(fmt::format("walk_forward: feature '{}' is not finite at row {} >= first_valid {}",
                                    f.names.size() == f.cols ? f.names[k % f.cols] : "?",
                                    k / f.cols, f.first_valid));
    }
  }
}

}  // namespace

std::vector<double> forward_returns(const data::CandleView& bars, int horizon) {
  const std::size_t n = bars.size();
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  const auto h = static_cast<std::size_t>(std::max(horizon, 0));
  for (std::size_t t = 0; t + h < n; ++t) out[t] = std::log(bars.close[t + h] / bars.close[t]);
  return out;
}

void walk_forward(const FeatureSet& f, std::span<const double> labels, const Schedule& s,
                  RollingModel& model, std::span<double> exposure) {
  check_inputs(f, labels, s, exposure);
  std::fill(exposure.begin(), exposure.end(), 0.0);
  const auto h = static_cast<std::size_t>(s.horizon), every = static_cast<std::size_t>(s.refit_every),
             window = static_cast<std::size_t>(s.window);
  if (f.first_valid >= f.rows) return;
  const std::size_t cols = f.cols;
  Standardizer scale(cols);
  std::vector<double> x, row(cols);
  // T0: the training rows of the fit at T are first_valid .. T - h; there are `window` of them
  // from T = first_valid + h + window - 1 on.
  for (std::size_t T = f.first_valid + h + window - 1; T < f.rows; T += every) {
    const std::size_t last = T - h;
    const std::size_t first = s.expanding ? f.first_valid : last + 1 - window;
    const std::size_t n = last - first + 1;
    scale.fit(f, first, n);
    x.resize(n * cols);
    for (std::size_t i = 0; i < n; ++i) scale.apply(&f.values[(first + i) * cols], &x[i * cols]);
    if (!model.fit(x, n, cols, labels.subspan(first, n))) continue;  // flat until the next refit
    const std::size_t end = std::min(T + every, f.rows);
    for (std::size_t t = T; t < end; ++t) {
      scale.apply(&f.values[t * cols], row.data());
      const double e = model.predict(row);
      exposure[t] = std::isfinite(e) ? std::clamp(e, -1.0, 1.0) : 0.0;
    }
  }
}

std::vector<ParamSpec> schedule_specs() {
  return {
      int_param("horizon", 1, 48, 4, "label: log return over the next h bars"),
      int_param("refit_every", 24, 2000, 250, "bars between refits"),
      int_param("window", 200, 5000, 2000,
                "training rows (rolling), or the fewest to start (expanding)"),
      choice_param("window_mode", {"rolling", "expanding"}, 0,
                   "rolling: the last `window` labelled rows; expanding: all of them"),
      int_param("feature_groups", 1, static_cast<int>(kAllGroups), static_cast<int>(kAllGroups),
                "bit mask: 1 trend, 2 momentum, 4 volatility, 8 volume, 16 funding")};
}

Schedule schedule_from(const ParamValues& v, std::size_t offset) {
  Schedule s;
  s.horizon = static_cast<int>(v.at(offset + kHorizon));
  s.refit_every = static_cast<int>(v.at(offset + kRefitEvery));
  s.window = static_cast<int>(v.at(offset + kWindow));
  s.expanding = v.at(offset + kMode) == 1;
  return s;
}

unsigned groups_from(const ParamValues& v, std::size_t offset) {
  return clamp_groups(static_cast<unsigned>(std::max(v.at(offset + kGroups), 0.0)));
}

std::string group_names(unsigned groups) {
  static constexpr const char* kNames[] = {"trend", "momentum", "volatility", "volume", "funding"};
  groups = clamp_groups(groups);
  std::string out;
  for (unsigned b = 0; b < 5; ++b) {
    if (!(groups & (1u << b))) continue;
    if (!out.empty()) out += ", ";
    out += kNames[b];
  }
  return out;
}

}  // namespace organism::strategy::ml
