// The risk monitor's figures: historical VaR and CVaR of the current positions from stored bar
// closes, and the exposure by coin and by strategy, as USD and as a share of equity.
// Used by `organism risk status` (which reads the store and the journal) and the risk manager.
// Pure computation, no I/O.
//
// Historical simulation: each past bar is a scenario in which every coin held moves by the
// return it had then, pnl_t = sum over coins of notional_c x r_c,t with
// r_c,t = close_c,t / close_c,t-1 - 1. Only times present in every held coin's series are kept,
// and returns are taken between consecutive kept times, so every scenario spans the same time
// for every coin. With the n scenario pnls sorted ascending (p_1 <= ... <= p_n) and
// k = max(1, floor((1 - a) x n)):
//   VaR_a  = -p_k                       (the k-th worst scenario)
//   CVaR_a = -(p_1 + ... + p_k) / k     (the mean of the k worst)
// Both are losses in USD (positive = a loss; negative when even the worst scenarios gain).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "data/series.hpp"
#include "exec/order.hpp"

namespace organism::exec {

// Fewer scenarios than this and the figures are not computed (enough_history is false).
inline constexpr std::size_t kMinVarScenarios = 20;

// One confidence level's figures.
struct TailRisk {
  double level = 0;            // 0.95, 0.99
  std::size_t tail_count = 0;  // k: the scenarios in the tail
  double var = 0;              // USD
  double cvar = 0;             // USD, >= var
  double var_of_equity = 0;    // var / equity (0 when equity <= 0)
  double cvar_of_equity = 0;
};

struct VarReport {
  std::size_t scenarios = 0;  // n: returns over the times every held coin has
  // False when there are fewer than kMinVarScenarios scenarios or a held coin has no series;
  // `levels` is then empty and `note` says why ("not enough history: 12 scenarios < 20").
  // Empty positions are not a lack of history: enough_history is true and every figure 0.
  bool enough_history = false;
  std::string note{};
  std::vector<TailRisk> levels{};  // in the order asked for
};

// VaR and CVaR of `notional` (coin -> signed USD, long positive) at each of `levels` (each in
// (0, 1)), from `closes` (coin -> its bars; times strictly increasing). Coins with a zero
// notional need no series.
VarReport historical_var(const std::map<std::string, double>& notional,
                         const std::map<std::string, data::CandleView>& closes, double equity,
                         const std::vector<double>& levels = {0.95, 0.99});

// Exposure of one coin, all strategies together.
struct CoinExposure {
  std::string coin{};
  double net_notional = 0;  // signed USD at the mark
  double of_equity = 0;     // net_notional / equity (0 when equity <= 0)
};

struct ExposureReport {
  std::vector<CoinExposure> by_coin{};  // coins in name order, those with a mark only
  // strategy -> coin -> signed USD at the mark.
  std::map<std::string, std::map<std::string, double>> by_strategy{};
  double gross = 0;                     // sum over coins of |net_notional|
  double gross_of_equity = 0;           // gross / equity (0 when equity <= 0)
  std::vector<std::string> unpriced{};  // coins held with no mark: left out of every figure
  // coin -> net_notional, the input historical_var takes.
  std::map<std::string, double> notional() const;
};

// `positions`: strategy -> coin -> signed units; `mark`: coin -> price.
ExposureReport exposure_of(const std::map<std::string, std::map<std::string, Units>>& positions,
                           const std::map<std::string, double>& mark, double equity);

}  // namespace organism::exec
