// The series a seed family's per-bar rule reads (indicator columns and a few derived series), and
// the two ways of running that rule: over a whole series (Family::signal) and one bar at a time
// (Family::stream, for strategy::Runtime). Used by src/strategy/seeds/ and the genome's filters.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "indicators/cache.hpp"
#include "strategy/family.hpp"
#include "strategy/market.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy {

// One input series of a rule, one value per bar.
struct RuleInput {
  enum class Source {
    Column,      // a named indicator column ("ema_30"), read from the bars
    VolumeSma,   // SMA(period) of the volume
    AnnualVol,   // realized volatility of period log returns, annualized at the market's interval
    FundingSma,  // SMA(period) of the funding per bar (NaN throughout when funding is unknown)
  };
  Source source = Source::Column;
  std::string column;  // Source::Column
  int period = 0;      // the other sources
};

inline RuleInput column_input(std::string name) { return {RuleInput::Source::Column, std::move(name), 0}; }
inline RuleInput volume_sma_input(int period) { return {RuleInput::Source::VolumeSma, {}, period}; }
inline RuleInput annual_vol_input(int period) { return {RuleInput::Source::AnnualVol, {}, period}; }
inline RuleInput funding_sma_input(int period) { return {RuleInput::Source::FundingSma, {}, period}; }

inline constexpr std::size_t kMaxRuleInputs = 4;

// What a rule sees at bar i: the bars up to at least i and each input's values up to at least i,
// in the order the rule declared its inputs.
struct RuleView {
  data::CandleView bars;
  std::array<std::span<const double>, kMaxRuleInputs> in{};
};

// The whole input series over the market, through the market's indicator cache when it has one.
indicators::SharedColumn batch_input(const MarketView& market, const RuleInput& input);

// A series derived from the bars under a cache key of its own, through the market's cache when it
// has one: a population holds many genomes reading the same windows.
indicators::SharedColumn derived_column(const MarketView& market, indicators::ColumnSpec key,
                                        const std::function<std::vector<double>()>& compute);

// Realized volatility of `window` log returns annualized at the market's interval, through the
// cache (the genome's regime filter and volatility targeting share it with family 9).
indicators::SharedColumn annual_vol(const MarketView& market, int window);

// The input one bar at a time: update(so_far) is batch_input's value at so_far's last bar.
class InputStream {
 public:
  virtual ~InputStream() = default;
  virtual double update(const MarketView& so_far) = 0;
};
std::unique_ptr<InputStream> input_stream(const RuleInput& input, core::Interval interval);

// A seed family's rule: Logic(params, interval) declares inputs() (at most kMaxRuleInputs) and
// step(view, i, position) -> the position after bar i, holding its own state (an entry price, a
// hold count) as members. The family writes this once; signal() and stream() both run it.
// A Logic may also provide batch_columns(market) to compute its inputs together in the batch path.

// Batch: the rule over every bar, bars before `warmup` at 0. The step is inlined into the loop: no
// virtual call per bar.
template <class Logic>
void run_rule(Logic logic, const MarketView& market, std::size_t warmup, std::span<double> out) {
  std::array<indicators::SharedColumn, kMaxRuleInputs> held{};
  if constexpr (requires { logic.batch_columns(market); }) {
    held = logic.batch_columns(market);
  } else {
    const auto inputs = logic.inputs();
    for (std::size_t k = 0; k < inputs.size(); ++k) held[k] = batch_input(market, inputs[k]);
  }
  RuleView view{market.bars, {}};
  for (std::size_t k = 0; k < kMaxRuleInputs; ++k) {
    if (held[k]) view.in[k] = *held[k];
  }
  run_positions(out, warmup, [&](std::size_t i, double pos) { return logic.step(view, i, pos); });
}

// Stream: the same rule, one bar at a time. Each input's streaming value is appended to a growing
// column and the step runs for the new bar only, so a bar costs O(1) amortized however long the
// history.
template <class Logic>
class RuleStream final : public FamilyStream {
 public:
  RuleStream(ParamValues params, std::size_t warmup) : params_(std::move(params)), warmup_(warmup) {}

  double on_bar(const MarketView& so_far) override {
    if (!logic_) start(so_far.interval);
    const std::size_t i = so_far.bars.size() - 1;
    RuleView view{so_far.bars, {}};
    for (std::size_t k = 0; k < inputs_.size(); ++k) {
      columns_[k].push_back(inputs_[k]->update(so_far));
      view.in[k] = columns_[k];
    }
    if (i < warmup_) return 0.0;
    position_ = logic_->step(view, i, position_);
    return position_;
  }

 private:
  // The interval is known from the first bar's market on (bar_hours, annualization).
  void start(core::Interval interval) {
    logic_.emplace(params_, interval);
    for (const auto& input : logic_->inputs()) {
      inputs_.push_back(input_stream(input, interval));
      columns_.emplace_back();
    }
  }

  ParamValues params_;
  std::size_t warmup_;
  std::optional<Logic> logic_;
  std::vector<std::unique_ptr<InputStream>> inputs_;
  std::vector<std::vector<double>> columns_;
  double position_ = 0.0;
};

// Family::stream's body for a Logic-based family.
template <class Logic>
std::unique_ptr<FamilyStream> rule_stream(const ParamValues& params, std::size_t warmup) {
  return std::make_unique<RuleStream<Logic>>(params, warmup);
}

}  // namespace organism::strategy
