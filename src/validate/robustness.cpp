#include "validate/robustness.hpp"

#include <algorithm>
#include <cmath>

#include "strategy/genome_fields.hpp"

namespace organism::validate {
namespace {

using strategy::Genome;
using strategy::ParamSpec;
using strategy::ParamType;
using strategy::ParamValues;

double moved(const ParamSpec& spec, double value, double step, int sign) {
  double v = value == 0 ? value + sign * step * (spec.hi - spec.lo) : value * (1 + sign * step);
  if (spec.type == ParamType::Int) {
    v = std::round(v);
    if (v == value) v = value + sign;
  }
  return strategy::clamp_param(spec, v);
}

// Appends the neighbours of genes `active` of one block; `put` writes a block back into a copy.
template <typename Put>
void neighbours_of_block(const Genome& genome, std::span<const ParamSpec> specs, const ParamValues& values,
                         const std::vector<bool>& active, double step, Put put, std::vector<Genome>& out) {
  for (std::size_t i = 0; i < specs.size() && i < values.size(); ++i) {
    if (!active[i] || (specs[i].type != ParamType::Int && specs[i].type != ParamType::Real)) continue;
    for (int sign : {-1, 1}) {
      const double v = moved(specs[i], values[i], step, sign);
      if (v == values[i]) continue;
      ParamValues copy = values;
      copy[i] = v;
      Genome g = genome;
      put(g, copy);
      out.push_back(std::move(g));
    }
  }
}

}  // namespace

std::vector<Genome> perturbed_neighbours(const Genome& genome, double step) {
  std::vector<Genome> out;
  if (genome.family != strategy::kTreeFamily) {
    const auto specs = strategy::find_family(genome.family).params();
    neighbours_of_block(genome, specs, genome.params, std::vector<bool>(specs.size(), true), step,
                        [](Genome& g, const ParamValues& v) { g.params = v; }, out);
  }
  const auto& r = genome.risk;
  std::vector<bool> risk_active(strategy::risk_specs().size(), false);
  risk_active[strategy::kStopLoss] = r.stop_loss > 0;
  risk_active[strategy::kTakeProfit] = r.take_profit > 0;
  risk_active[strategy::kTrailing] = r.trailing > 0;
  risk_active[strategy::kLeverage] = true;
  risk_active[strategy::kVolTarget] = risk_active[strategy::kRiskVolWindow] = r.vol_target_on;
  neighbours_of_block(genome, strategy::risk_specs(), strategy::risk_values(r), risk_active, step,
                      [](Genome& g, const ParamValues& v) { g.risk = strategy::risk_from_values(v, g.risk); }, out);
  const auto& f = genome.regime;
  std::vector<bool> regime_active(strategy::regime_specs().size(), false);
  regime_active[strategy::kVolK] = regime_active[strategy::kRegimeVolWindow] =
      regime_active[strategy::kMedianWindow] = f.vol_filter_on;
  regime_active[strategy::kFgLow] = regime_active[strategy::kFgHigh] = f.fg_on;
  neighbours_of_block(genome, strategy::regime_specs(), strategy::regime_values(f), regime_active, step,
                      [](Genome& g, const ParamValues& v) {
                        g.regime = strategy::regime_from_values(v);
                        strategy::clamp(g);  // keeps the F&G bounds ordered
                      },
                      out);
  return out;
}

double ratio_or_zero(double numerator, double denominator) {
  if (!std::isfinite(numerator) || !std::isfinite(denominator) || denominator <= 0) return 0;
  return numerator / denominator;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double dispersion(std::span<const double> values) {
  if (values.size() < 2) return 0;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(values.size()));
}

double annualized_log_return(double total_return, double bars, double bars_per_year) {
  if (!(bars > 0)) return 0;
  return std::log(std::max(1 + total_return, 1e-9)) * bars_per_year / bars;
}

backtest::BacktestConfig stressed_costs(backtest::BacktestConfig base, double multiplier) {
  base.fees.taker *= multiplier;
  base.fees.maker *= multiplier;
  base.slippage.fraction *= multiplier;
  return base;
}

}  // namespace organism::validate
