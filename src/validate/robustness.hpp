// Robustness measures of a validated strategy: its parameter neighbours (each numeric gene moved
// by +-10%), the ratio of their median Sharpe to its own, the dispersion of a metric across
// coins, stressed costs, and the annualized log return behind walk-forward efficiency.
// Used by validate_front. Pure.
#pragma once

#include <span>
#include <vector>

#include "backtest/models.hpp"
#include "strategy/genome.hpp"

namespace organism::validate {

// Two neighbours per active numeric gene (family parameters, risk block, regime filter): the
// gene times (1 - step) and (1 + step), clamped to its bounds; an int moves by at least 1; a
// family parameter at 0 moves by step x its range. Neighbours equal to the genome (a gene at its
// bound) are left out. Inactive genes are not moved: a stop at 0 (off), vol targeting's target
// and window while it is off, the regime filter's fields while their filter is off; nor are
// choices, bools, or the constants inside rule trees. Each neighbour keeps the generation.
std::vector<strategy::Genome> perturbed_neighbours(const strategy::Genome& genome, double step);

// numerator / denominator, or 0 when the denominator is not positive (the documented rule for a
// ratio of performance over a zero or losing base) or either is not finite.
double ratio_or_zero(double numerator, double denominator);

// Median (mean of the two middle values for an even count); 0 for no values.
double median(std::vector<double> values);

// Population standard deviation (ddof = 0); 0 for fewer than 2 values.
double dispersion(std::span<const double> values);

// ln(1 + total_return) x bars_per_year / bars: the log return per year, linear in time, so a
// short fold is not blown up as a compounded annualization would. A bust (total return <= -1)
// counts as ln(1e-9). 0 for bars <= 0.
double annualized_log_return(double total_return, double bars, double bars_per_year);

// base with taker and maker fees and the slippage fraction multiplied by `multiplier`.
backtest::BacktestConfig stressed_costs(backtest::BacktestConfig base, double multiplier);

}  // namespace organism::validate
