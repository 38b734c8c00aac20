// STAND-IN (branch daemon only): a minimal LifecycleScheduler with design.md's interface, so that
// `organism run` compiles and its tests run before helper `lifecycle` lands the real one (and
// data::StrategyMark with Store::upsert_marks). It moves nothing: trading_sets() reads the states
// from the store, evaluate() keeps the marks in memory. Dropped at `git merge main` once theirs
// is on main (take theirs).
#pragma once

#include <algorithm>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "lifecycle/state.hpp"
#include "portfolio/allocator.hpp"

namespace organism::data {
struct StrategyMark {  // STAND-IN for data/store.hpp's (schema 8)
  std::string strategy_id;
  TimeMs time = 0;
  std::string session;
  double equity = 0;
  double ret = std::numeric_limits<double>::quiet_NaN();
  double gross_exposure = 0;
};
}  // namespace organism::data

namespace organism::lifecycle {
struct LifecycleOptions {};  // STAND-IN for lifecycle/config_keys.hpp's
}  // namespace organism::lifecycle

namespace organism::daemon {

struct TradingSets {
  std::vector<std::string> paper, production;
};
struct LifecycleChange {
  std::string id;
  lifecycle::State from, to;
  core::TimeMs time;
  std::string reason, evidence;
};

class LifecycleScheduler {
 public:
  LifecycleScheduler(data::Store& store, core::Interval interval, lifecycle::LifecycleOptions options,
                     backtest::BacktestConfig costs, portfolio::AllocatorOptions allocator)
      : store_(store), interval_(interval) {
    (void)options, (void)costs, (void)allocator;
  }
  void set_options(lifecycle::LifecycleOptions) {}
  std::vector<LifecycleChange> evaluate(core::TimeMs, std::span<const data::StrategyMark> marks,
                                        std::span<const std::string>) {
    marks_.insert(marks_.end(), marks.begin(), marks.end());
    return {};
  }
  TradingSets trading_sets() const {
    TradingSets sets;
    auto records = store_.list_strategies();
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.updated < b.updated; });
    for (const auto& r : records) {
      if (r.state == "paper") sets.paper.push_back(r.id);
      if (r.state == "production" || r.state == "decaying") sets.production.push_back(r.id);
    }
    return sets;
  }
  const std::vector<data::StrategyMark>& marks() const { return marks_; }  // STAND-IN only

 private:
  data::Store& store_;
  core::Interval interval_;
  std::vector<data::StrategyMark> marks_;
};

}  // namespace organism::daemon
