// The lifecycle scheduler of `organism run`: at each closed bar it stores the sessions' marks and
// applies the lifecycle rules (lifecycle/rules.hpp) to the stored strategies of the daemon's
// interval, moving them with their evidence and writing post-mortems at retirement. Used by the
// daemon's main loop; docs/lifecycle.md.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "lifecycle/rules.hpp"
#include "lifecycle/state.hpp"
#include "portfolio/candidates.hpp"
#include "portfolio/allocator.hpp"

namespace organism::daemon {

struct TradingSets {
  std::vector<std::string> paper, production;  // production: production + decaying, oldest first
};

struct LifecycleChange {
  std::string id;
  lifecycle::State from, to;
  core::TimeMs time;
  std::string reason, evidence;
};

class LifecycleScheduler {
 public:
  // Strategies considered: those whose run's interval is `interval` (others are left alone).
  LifecycleScheduler(data::Store& store, core::Interval interval,
                     lifecycle::LifecycleOptions options, backtest::BacktestConfig costs,
                     portfolio::AllocatorOptions allocator);
  void set_options(lifecycle::LifecycleOptions options);  // SIGHUP

  // Stores `marks`, then applies the rules at `time` in this order: decaying (recover / retire with
  // post-mortem), production (decay), paper (promote / demote), validated (-> paper, best allocator
  // score first, while paper slots are free). Every move is lifecycle::transition with its
  // evidence. `paused`: production strategies the per-strategy breaker paused. Evaluating the same
  // time again (a restart) moves nothing twice: rules read the store, and a strategy whose last
  // move is at `time` is not moved again at `time`.
  std::vector<LifecycleChange> evaluate(core::TimeMs time,
                                        std::span<const data::StrategyMark> marks,
                                        std::span<const std::string> paused);

  TradingSets trading_sets() const;

 private:
  struct Living;  // one strategy the rules look at (lifecycle_scheduler.cpp)
  std::vector<Living> living() const;
  // The reference a strategy's live returns are held to (cached by id and paper entry time).
  lifecycle::ValidatedFigures validated_figures(const Living& s);
  // The strategy's backtest returns on the stored bars by bar time (the market of its run's coins).
  std::map<core::TimeMs, double> backtest_returns(const Living& s, core::TimeMs to);
  std::string postmortem_json(const Living& s, core::TimeMs time, const std::string& reason,
                              const std::string& evidence);

  data::Store& store_;
  core::Interval interval_;
  lifecycle::LifecycleOptions options_;
  backtest::BacktestConfig costs_;
  portfolio::AllocatorOptions allocator_;
  std::map<std::string, std::pair<core::TimeMs, lifecycle::ValidatedFigures>> figures_;
  // Each strategy's genome, coins and run figures by id and its row's update time: read once, not
  // at every bar (parsing every run's options per bar made the daemon fall behind a fast replay).
  mutable std::map<std::string, std::pair<core::TimeMs, std::optional<portfolio::StoredStrategy>>> stored_;
};

}  // namespace organism::daemon
