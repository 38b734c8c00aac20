#include "strategy/rule_inputs.hpp"

#include <limits>

#include "indicators/column_stream.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/returns.hpp"

namespace organism::strategy {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The streaming form of each source is the class its batch form runs over the series.
template <class Step>
class StepInput final : public InputStream {
 public:
  explicit StepInput(Step step) : step_(std::move(step)) {}
  double update(const MarketView& so_far) override { return step_(so_far); }

 private:
  Step step_;
};

template <class Step>
std::unique_ptr<InputStream> make(Step step) {
  return std::make_unique<StepInput<Step>>(std::move(step));
}

}  // namespace

indicators::SharedColumn derived_column(const MarketView& m, indicators::ColumnSpec key,
                                        const std::function<std::vector<double>()>& compute) {
  if (m.cache && !m.series_id.empty()) return m.cache->get_or_compute({m.series_id, std::move(key)}, compute);
  return std::make_shared<const std::vector<double>>(compute());
}

indicators::SharedColumn annual_vol(const MarketView& m, int window) {
  const double per_year = m.interval.bars_per_year();
  return derived_column(m, {"genome_rvol", {static_cast<double>(window), per_year}}, [&] {
    // realized_vol's values from the series' cached log returns: the windows a population tries
    // share one pass of logarithms.
    const auto returns = column(m, "log_return");
    std::vector<double> out(returns->size());
    indicators::realized_vol_of_returns(*returns, window, per_year, out);
    return out;
  });
}

indicators::SharedColumn batch_input(const MarketView& m, const RuleInput& input) {
  switch (input.source) {
    case RuleInput::Source::Column:
      return column(m, input.column);
    case RuleInput::Source::VolumeSma:
      return derived_column(m, {"rule_volume_sma", {static_cast<double>(input.period)}},
                            [&] { return indicators::sma(m.bars.volume, input.period); });
    case RuleInput::Source::AnnualVol:
      return annual_vol(m, input.period);
    case RuleInput::Source::FundingSma:
      // Not cached: series_id names the bars only, and one market's funding may be on or off.
      if (m.funding_per_bar.size() != m.bars.size()) {
        return std::make_shared<const std::vector<double>>(m.bars.size(), kNaN);
      }
      return std::make_shared<const std::vector<double>>(indicators::sma(m.funding_per_bar, input.period));
  }
  return nullptr;  // unreachable: every source is handled above
}

std::unique_ptr<InputStream> input_stream(const RuleInput& input, core::Interval interval) {
  switch (input.source) {
    case RuleInput::Source::Column:
      return make([c = indicators::column_stream(indicators::parse_column(input.column), interval.nominal_ms())](
                      const MarketView& m) { return c->update(m.bars.bar(m.bars.size() - 1)); });
    case RuleInput::Source::VolumeSma:
      return make([f = indicators::Sma(input.period)](const MarketView& m) mutable {
        return f.update(m.bars.volume.back());
      });
    case RuleInput::Source::AnnualVol:
      return make([f = indicators::RealizedVol(input.period, interval.bars_per_year())](const MarketView& m) mutable {
        return f.update(m.bars.close.back());
      });
    case RuleInput::Source::FundingSma:
      return make([f = indicators::Sma(input.period)](const MarketView& m) mutable {
        // Unknown funding reads as NaN at every bar, as batch_input's column.
        return m.funding_per_bar.size() == m.bars.size() ? f.update(m.funding_per_bar.back()) : kNaN;
      });
  }
  return nullptr;  // unreachable
}

}  // namespace organism::strategy
