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

void check_schedule(const Schedule& s) {
  if (s.horizon < 1 || s.refit_every < 1 || s.window < 1) {
    throw core::Error(fmt::format("walk_forward: horizon {}, refit_every {} and window {} must be >= 1",
                                  s.horizon, s.refit_every, s.window));
  }
}

void check_inputs(const FeatureSet& f, std::span<const double> labels, const Schedule& s,
                  std::span<double> exposure) {
  if (f.values.size() != f.rows * f.cols || labels.size() != f.rows ||
      exposure.size() != f.rows) {
    throw core::Error(fmt::format(
        "walk_forward: {} rows x {} columns but {} values, {} labels and {} exposures", f.rows,
        f.cols, f.values.size(), labels.size(), exposure.size()));
  }
  check_schedule(s);
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

void Standardizer::fit(std::span<const double> values, std::size_t first, std::size_t n) {
  const std::size_t cols = mean_.size();
  std::fill(mean_.begin(), mean_.end(), 0.0);
  std::fill(inv_sd_.begin(), inv_sd_.end(), 0.0);
  for (std::size_t i = first; i < first + n; ++i) {
    const double* row = &values[i * cols];
    for (std::size_t j = 0; j < cols; ++j) mean_[j] += row[j];
  }
  for (double& m : mean_) m /= static_cast<double>(n);
  for (std::size_t i = first; i < first + n; ++i) {
    const double* row = &values[i * cols];
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

void Standardizer::apply(const double* row, double* out) const {
  for (std::size_t j = 0; j < mean_.size(); ++j) out[j] = (row[j] - mean_[j]) * inv_sd_[j];
}

WalkForward::WalkForward(const Schedule& s, std::size_t cols, std::size_t first_valid)
    : schedule_(s), cols_(cols), first_valid_(first_valid), scale_(cols), row_(cols) {
  check_schedule(s);
  // T0: the training rows of the fit at T are first_valid .. T - h; there are `window` of them
  // from T = first_valid + h + window - 1 on.
  first_fit_ = first_valid + static_cast<std::size_t>(s.horizon + s.window - 1);
}

double WalkForward::step(std::size_t t, std::span<const double> rows, std::span<const double> labels,
                         RollingModel& model) {
  if (t < first_fit_) return 0.0;
  const auto every = static_cast<std::size_t>(schedule_.refit_every);
  if ((t - first_fit_) % every == 0) {
    const std::size_t last = t - static_cast<std::size_t>(schedule_.horizon);
    const std::size_t first =
        schedule_.expanding ? first_valid_ : last + 1 - static_cast<std::size_t>(schedule_.window);
    const std::size_t n = last - first + 1;
    scale_.fit(rows, first, n);
    x_.resize(n * cols_);
    for (std::size_t i = 0; i < n; ++i) scale_.apply(&rows[(first + i) * cols_], &x_[i * cols_]);
    fitted_ = model.fit(x_, n, cols_, labels.subspan(first, n));  // false: flat until the next refit
  }
  if (!fitted_) return 0.0;
  scale_.apply(&rows[t * cols_], row_.data());
  const double e = model.predict(row_);
  return std::isfinite(e) ? std::clamp(e, -1.0, 1.0) : 0.0;
}

void walk_forward(const FeatureSet& f, std::span<const double> labels, const Schedule& s,
                  RollingModel& model, std::span<double> exposure) {
  check_inputs(f, labels, s, exposure);
  std::fill(exposure.begin(), exposure.end(), 0.0);
  if (f.first_valid >= f.rows) return;
  WalkForward steps(s, f.cols, f.first_valid);
  for (std::size_t t = steps.first_fit(); t < f.rows; ++t) exposure[t] = steps.step(t, f.values, labels, model);
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
