#include "strategy/runtime.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "core/error.hpp"
#include "indicators/returns.hpp"
#include "indicators/rolling_median.hpp"
#include "strategy/genome_filters.hpp"
#include "strategy/gp/stream.hpp"

namespace organism::strategy {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::unique_ptr<FamilyStream> rule_of(const Genome& genome) {
  if (genome.family == kTreeFamily) return gp::rule_stream(genome.rule);
  const Family& family = find_family(genome.family);
  return family.stream(clamp_params(family.params(), genome.params));
}

}  // namespace

struct Runtime::State {
  State(const Genome& g, core::Interval i, Feeds f)
      : genome(g), interval(i), feeds(f), rule(rule_of(g)) {
    const double per_year = interval.bars_per_year();
    if (genome.regime.vol_filter_on) {
      regime_vol.emplace(genome.regime.vol_window, per_year);
      regime_median.emplace(static_cast<std::size_t>(genome.regime.median_window));
    }
    if (genome.risk.vol_target_on) target_vol.emplace(genome.risk.vol_window, per_year);
  }

  Genome genome;
  core::Interval interval;
  Feeds feeds;
  std::unique_ptr<FamilyStream> rule;
  // The history the rule reads (its MarketView), growing by one bar per on_bar.
  data::Candles bars;
  std::vector<double> funding;    // per bar, when feeds.funding
  std::vector<double> sentiment;  // per bar, when feeds.sentiment
  // exposures()'s filter columns, one value per bar.
  std::optional<indicators::RealizedVol> regime_vol;
  std::optional<indicators::RollingMedian> regime_median;
  std::optional<indicators::RealizedVol> target_vol;
};

Runtime::Runtime(const Genome& genome, core::Interval interval, Feeds feeds)
    : state_(std::make_unique<State>(genome, interval, feeds)) {}
Runtime::~Runtime() = default;
Runtime::Runtime(Runtime&&) noexcept = default;
Runtime& Runtime::operator=(Runtime&&) noexcept = default;

std::size_t Runtime::bars() const { return state_->bars.size(); }

double Runtime::on_bar(const data::Bar& bar, double funding, double sentiment) {
  State& s = *state_;
  if (!s.bars.empty() && bar.time <= s.bars.time().back()) {
    throw core::Error(fmt::format("strategy runtime: bar at {} does not follow the last bar at {}",
                                  core::format_utc(bar.time), core::format_utc(s.bars.time().back())));
  }
  s.bars.push_back(bar);
  if (s.feeds.funding) s.funding.push_back(funding);
  if (s.feeds.sentiment) s.sentiment.push_back(sentiment);

  MarketView so_far;
  so_far.bars = s.bars.view();
  so_far.interval = s.interval;
  if (s.feeds.funding) so_far.funding_per_bar = s.funding;
  if (s.feeds.sentiment) so_far.sentiment = s.sentiment;
  const double signal = s.rule->on_bar(so_far);

  const RegimeFilter& r = s.genome.regime;
  double vol = kNaN, median = kNaN;
  if (s.regime_vol) {
    vol = s.regime_vol->update(bar.close);
    median = s.regime_median->update(vol);
  }
  const double fg = s.feeds.sentiment ? sentiment : kNaN;
  const double gate = regime_gate(r, vol, median, fg);
  const double target_vol = s.target_vol ? s.target_vol->update(bar.close) : kNaN;
  return filtered_exposure(s.genome, signal, gate, target_vol);
}

}  // namespace organism::strategy
