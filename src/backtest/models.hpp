// The named assumptions of a backtest: fill, fee, slippage, funding, sizing and stop models.
// Chosen per run by the CLI, evolution and validation; printed with every result.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "backtest/drawdown_stop.hpp"

namespace organism::backtest {

// When a decision taken at bar t's close is filled.
enum class FillModel {
  NextOpen,  // at bar t+1's open: the default, no look-ahead
  Close,     // at bar t's close: only for parity with vectorized tools
};

// Where stop-loss and take-profit levels are measured from.
enum class StopAnchor {
  EntryFill,   // the position's average entry fill price (slippage included)
  EntryClose,  // the close of the bar the position was entered on (vectorbt's stop_entry_price='close')
};

// Fees as fractions of fill value. Every fill organism simulates is a market (taker) order;
// the maker fee is carried for the order manager and reports.
struct FeeModel {
  double taker = 0.0005;
  double maker = 0.0002;
};

// Slippage as a fraction of price, against the trader, on every market fill.
struct SlippageModel {
  double fraction = 0.0005;
  bool on_stop_exits = true;  // vectorbt fills stop exits at the stop price without slippage
};

// Stops as fractions of the anchor price; 0 turns a rule off. Checked intrabar against high/low;
// a gap through a level fills at the open; when the stop and the target both fall inside one bar
// the stop is assumed first.
struct StopRules {
  double stop_loss = 0;
  double take_profit = 0;
  double trailing = 0;  // distance from the best price since entry
  StopAnchor anchor = StopAnchor::EntryFill;
  bool any() const { return stop_loss > 0 || take_profit > 0 || trailing > 0; }
};

// When a position is resized to its target.
enum class Rebalance {
  OnChange,  // only when the target changes: units stay fixed in between (exposure drifts with price)
  EveryBar,  // back to the target at every fill opportunity, as vectorized tools assume
};

struct BacktestConfig {
  double initial_cash = 10'000;
  double leverage = 1;  // exposure 1 means leverage x equity of notional
  FillModel fill = FillModel::NextOpen;
  FeeModel fees;
  SlippageModel slippage;
  StopRules stops;
  bool funding = true;    // FundingModel::Hourly when funding rates are given, else Off
  double min_trade = 0;   // smallest resize worth a fill, in quote currency (closing always fills)
  Rebalance rebalance = Rebalance::OnChange;
  // The genome's drawdown stop (dd_stop, dd_cooldown): flat for a cooldown once the equity is a
  // fraction below its peak (drawdown_stop.hpp). Off by default.
  DrawdownStopRule drawdown_stop{};
};

// Throws core::UsageError naming the bad field (negative fees, leverage <= 0, ...).
void check_config(const BacktestConfig& config);

// Every assumption as (name, value) pairs, e.g. {"fill_model", "next_open"},
// {"fee_model", "maker_taker(taker=0.0005,maker=0.0002)"}: printed with every result.
std::vector<std::pair<std::string, std::string>> describe(const BacktestConfig& config, bool has_funding);

std::string_view fill_model_name(FillModel model);
// "next_open" | "close"; throws core::UsageError otherwise.
FillModel parse_fill_model(std::string_view text);

// The cost model a run is evolved under and stored with (so validation and reports of the run
// use it): {"taker_fee", "maker_fee", "slippage", "fill", "funding"}.
nlohmann::json costs_to_json(const BacktestConfig& config);
// `base` with the cost keys present in `j` applied: a run stored before its costs were (no key)
// gets the defaults. A stored value of the wrong type or out of range is a core::Error.
BacktestConfig costs_from_json(const nlohmann::json& j, BacktestConfig base = {});
// "taker 0.05% maker 0.02% slippage 0.05% fill next_open funding on": the one-line header form.
std::string describe_costs(const BacktestConfig& config);

// The configuration `--parity vectorbt` selects: close fills, stops anchored at the entry close,
// stop exits without slippage (sizing is always net of costs, as vectorbt's all-in buys are).
void apply_vectorbt_parity(BacktestConfig& config);

}  // namespace organism::backtest
