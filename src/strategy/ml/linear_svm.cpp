// LinearSvm over liblinear's C API (linear.h, Debian liblinear-dev 2.3).
#include "strategy/ml/linear_svm.hpp"

#include <linear.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace organism::strategy::ml {
namespace {

void silent(const char*) {}

// liblinear prints its progress to stdout unless told otherwise, and its dual and L1 solvers
// shuffle with the C library's rand(), one process-wide stream. Training therefore runs under one
// lock with the stream reseeded first: a fit gives the same model whatever ran before it and on
// whichever thread, which the no-look-ahead checks (bitwise equal exposures) and determinism need.
// The cost is that liblinear fits do not overlap across threads.
std::mutex& train_mutex() {
  static std::mutex m;
  return m;
}

constexpr unsigned kRandSeed = 1;

double default_tolerance(int solver) { return solver == L2R_L1LOSS_SVC_DUAL ? 0.1 : 0.01; }

}  // namespace

int solver_type(const SvmOptions& o) {
  if (o.penalty == Penalty::L1) return L1R_L2LOSS_SVC;  // liblinear has no L1 + hinge solver
  // With far more rows than features (thousands of bars, ~20 features) liblinear's authors advise
  // the primal trust-region Newton solver for the squared hinge: it converges in a few passes
  // whatever C is, where the dual solver's work grows with C.
  return o.loss == Loss::SquaredHinge ? L2R_L2LOSS_SVC : L2R_L1LOSS_SVC_DUAL;
}

bool LinearSvm::fit(std::span<const double> x, std::size_t n, std::size_t cols,
                    std::span<const int> labels, const SvmOptions& o) {
  classes_.clear();
  weights_.clear();
  cols_ = cols;
  // Classes in first-appearance order, as liblinear numbers them, with their counts.
  std::vector<int> seen;
  std::vector<std::size_t> counts;
  for (std::size_t i = 0; i < n; ++i) {
    const auto it = std::find(seen.begin(), seen.end(), labels[i]);
    if (it == seen.end()) {
      seen.push_back(labels[i]);
      counts.push_back(1);
    } else {
      ++counts[static_cast<std::size_t>(it - seen.begin())];
    }
  }
  if (seen.size() < 2) return false;

  // Dense rows as liblinear's sparse nodes: the features (1-based), the bias node, a terminator.
  const std::size_t stride = cols + 2;
  std::vector<feature_node> nodes(n * stride);
  std::vector<feature_node*> rows(n);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    feature_node* r = &nodes[i * stride];
    for (std::size_t j = 0; j < cols; ++j) r[j] = {static_cast<int>(j + 1), x[i * cols + j]};
    r[cols] = {static_cast<int>(cols + 1), 1.0};
    r[cols + 1] = {-1, 0.0};
    rows[i] = r;
    y[i] = labels[i];
  }
  problem prob{};
  prob.l = static_cast<int>(n);
  prob.n = static_cast<int>(cols + 1);
  prob.y = y.data();
  prob.x = rows.data();
  prob.bias = 1;

  std::vector<int> weight_label;
  std::vector<double> weight;
  if (o.balanced) {
    for (std::size_t k = 0; k < seen.size(); ++k) {
      weight_label.push_back(seen[k]);
      weight.push_back(static_cast<double>(n) /
                       (static_cast<double>(seen.size()) * static_cast<double>(counts[k])));
    }
  }
  parameter param{};
  param.solver_type = solver_type(o);
  param.eps = default_tolerance(param.solver_type) * o.tolerance_factor;
  param.C = o.c;
  param.nr_weight = static_cast<int>(weight.size());
  param.weight_label = weight_label.empty() ? nullptr : weight_label.data();
  param.weight = weight.empty() ? nullptr : weight.data();
  param.p = 0.1;
  param.init_sol = nullptr;
  std::vector<double> init;
  if (o.warm_start && param.solver_type == L2R_L2LOSS_SVC && !last_classes_.empty() &&
      last_weights_.size() == last_classes_.size() * (cols + 1)) {
    init = initial_solution(seen, cols);
    param.init_sol = init.data();
  }
  if (check_parameter(&prob, &param) != nullptr) return false;

  model* m = nullptr;
  {
    const std::lock_guard lock(train_mutex());
    static const bool quiet = (set_print_string_function(&silent), true);
    (void)quiet;
    std::srand(kRandSeed);
    m = train(&prob, &param);
  }
  if (m == nullptr) return false;
  const int k = get_nr_class(m);
  classes_.resize(static_cast<std::size_t>(k));
  get_labels(m, classes_.data());
  weights_.resize(classes_.size() * (cols + 1));
  for (int c = 0; c < k; ++c) {
    double* w = &weights_[static_cast<std::size_t>(c) * (cols + 1)];
    for (std::size_t j = 0; j < cols; ++j) w[j] = get_decfun_coef(m, static_cast<int>(j + 1), c);
    w[cols] = get_decfun_bias(m, c);
  }
  free_and_destroy_model(&m);
  last_classes_ = classes_;
  last_weights_ = weights_;
  return true;
}

std::vector<double> LinearSvm::initial_solution(const std::vector<int>& classes,
                                                std::size_t cols) const {
  // liblinear's layout: one vector for the first class when there are two, else
  // init[j * classes + k] for class k. A class the last fit did not have starts from 0.
  const std::size_t k = classes.size() == 2 ? 1 : classes.size(), w_size = cols + 1;
  std::vector<double> init(w_size * k, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    const auto it = std::find(last_classes_.begin(), last_classes_.end(), classes[c]);
    if (it == last_classes_.end()) continue;
    const double* w = &last_weights_[static_cast<std::size_t>(it - last_classes_.begin()) * w_size];
    for (std::size_t j = 0; j < w_size; ++j) init[j * k + c] = w[j];
  }
  return init;
}

void LinearSvm::decision_values(std::span<const double> row, std::span<double> out) const {
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    const double* w = &weights_[c * (cols_ + 1)];
    double d = w[cols_];
    for (std::size_t j = 0; j < cols_; ++j) d += w[j] * row[j];
    out[c] = d;
  }
}

std::size_t LinearSvm::predict_index(std::span<const double> row, std::span<double> scratch) const {
  decision_values(row, scratch);
  std::size_t best = 0;
  for (std::size_t c = 1; c < classes_.size(); ++c) {
    if (scratch[c] > scratch[best]) best = c;
  }
  return best;
}

}  // namespace organism::strategy::ml
