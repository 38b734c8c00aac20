// A linear support-vector classifier trained by liblinear (one-vs-rest for more than two classes),
// kept as dense weights so prediction needs no liblinear call. Used by family 11 (svm_classifier).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::strategy::ml {

enum class Penalty { L1, L2 };
enum class Loss { Hinge, SquaredHinge };

struct SvmOptions {
  double c = 1;  // inverse regularization strength
  Penalty penalty = Penalty::L2;
  // liblinear has no L1-penalty hinge-loss solver: L1 with Hinge trains L1 with SquaredHinge.
  Loss loss = Loss::SquaredHinge;
  bool balanced = false;  // class weights n / (classes x count), as scikit-learn's "balanced"
  // Stopping tolerance as a multiple of liblinear's default for the solver (0.1 for the dual
  // hinge solver, 0.01 for the primal ones). Debian's liblinear 2.3 has no iteration-cap field
  // (its solvers stop after a fixed 1000 iterations), so the tolerance is the knob on the work.
  double tolerance_factor = 1;
  // Start a refit from the previous fit's weights (the primal L2R_L2LOSS_SVC solver only, the one
  // liblinear 2.3 accepts an initial solution for). Walk-forward windows overlap almost entirely,
  // so the Newton solver then needs far fewer steps; the result still depends only on this and
  // earlier fits' data.
  bool warm_start = true;
};

// The liblinear solver type the options train (L2R_L2LOSS_SVC, L2R_L1LOSS_SVC_DUAL or
// L1R_L2LOSS_SVC from linear.h).
int solver_type(const SvmOptions& options);

class LinearSvm {
 public:
  // x: n rows x cols row-major; labels: an integer class per row. A bias feature of value 1 is
  // appended (regularized, as liblinear does). False, and no model, with fewer than two classes or
  // when liblinear rejects the problem. Deterministic: the same data (and, with warm_start, the
  // same earlier fits) gives the same bits.
  bool fit(std::span<const double> x, std::size_t n, std::size_t cols, std::span<const int> labels,
           const SvmOptions& options);
  bool fitted() const { return !classes_.empty(); }
  // Classes in liblinear's order (first appearance in the training labels).
  const std::vector<int>& classes() const { return classes_; }
  // One decision value per class (classes() order): w_k . row + b_k; with two classes, liblinear's
  // single value d for the first class and -d for the second.
  void decision_values(std::span<const double> row, std::span<double> out) const;
  // Index into classes() of the largest decision value (the first on ties, as liblinear).
  std::size_t predict_index(std::span<const double> row, std::span<double> scratch) const;

 private:
  std::vector<double> initial_solution(const std::vector<int>& classes, std::size_t cols) const;

  std::size_t cols_ = 0;
  std::vector<int> classes_;
  std::vector<double> weights_;  // classes x (cols + 1): the weights, then the bias term
  // The last successful fit, kept for a warm start after a failed one.
  std::vector<int> last_classes_;
  std::vector<double> last_weights_;
};

}  // namespace organism::strategy::ml
