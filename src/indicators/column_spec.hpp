// Names of indicator output columns and the spec grammar that adds parameter sets ("ema:30",
// "macd:12:26:9"). Used by indicator_set, the cache and the `organism indicators` command.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace organism::indicators {

// A column is a base name and its parameters, named base_p1_p2... ("ema_30", "bb_upper_20_2.5").
// Parameters are whole numbers except Bollinger's k; the name prints each in its shortest exact
// form, so "ema_030" and "bb_mid_20_2.0" parse to the canonical "ema_30" and "bb_mid_20_2".
struct ColumnSpec {
  std::string base;
  std::vector<double> params;

  std::string name() const;
  auto operator<=>(const ColumnSpec&) const = default;
};

// Parses a column name; throws core::UsageError naming the column and listing the valid ones
// when the base is unknown, the parameter count is wrong or a parameter is out of range.
ColumnSpec parse_column(std::string_view name);

// Spec grammar, one spec:  NAME(:PARAM)*   where NAME is a column base or a family and each PARAM
// a number (":" separates parameters because "," separates specs in --spec). A column base gives
// one column ("ema:30" -> ema_30); a family gives all its columns ("macd:12:26:9" -> macd_12_26_9
// macd_signal_12_26_9 macd_hist_12_26_9). A complete column name ("ema_30", "tr") is a spec too.
// Throws core::UsageError as parse_column does.
std::vector<std::string> expand_spec(std::string_view spec);
// A comma-separated list of specs, expanded in order, without repeating a column.
std::vector<std::string> expand_specs(std::string_view list);

// The default column set of `organism indicators`, in output order.
const std::vector<std::string>& default_columns();

// Every column form and family, one per line ("ema_N  exponential moving average ..."), for usage
// errors and --help.
std::string column_catalogue();

}  // namespace organism::indicators
