// `organism indicators --input FILE --output OUT.csv`: indicator columns of a candle file, for
// inspection and for comparing with other tools.
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/file_writer.hpp"
#include "data/import.hpp"
#include "indicators/indicator_set.hpp"

namespace organism::cli {
namespace {

struct IndicatorsArgs {
  std::string input, output, only, spec, funding, venue, coin, interval;
  bool list = false;
};

void run_indicators(const IndicatorsArgs& a, Context&) {
  if (a.list) {
    fmt::print("{}", indicators::column_catalogue());
    return;
  }
  if (a.input.empty() || a.output.empty()) throw core::UsageError("--input and --output are required (or --list)");
  // The column list is checked before any file is read.
  std::vector<std::string> names = a.only.empty() ? indicators::default_columns() : indicators::expand_specs(a.only);
  if (!a.spec.empty()) {
    for (auto& extra : indicators::expand_specs(a.spec)) {
      if (std::find(names.begin(), names.end(), extra) == names.end()) names.push_back(std::move(extra));
    }
  }

  data::ImportOptions options;
  options.kind = data::DataKind::Candles;
  // The series' name does not matter here: fall back to neutral ones the path cannot give.
  const auto hints = data::hints_from_path(a.input);
  options.venue = !a.venue.empty() ? a.venue : hints.venue.value_or("file");
  options.coin = !a.coin.empty() ? a.coin : hints.coin.value_or("input");
  if (!a.interval.empty()) options.interval = a.interval;
  const auto parsed = data::parse_file(a.input, options);
  const auto bars = parsed.candles->bars.view();

  std::optional<data::FundingSeries> funding;
  indicators::ColumnInputs inputs;
  inputs.bar_ms = parsed.candles->key.interval.nominal_ms();
  if (!a.funding.empty()) {
    data::ImportOptions fo;
    fo.kind = data::DataKind::Funding;
    fo.venue = options.venue;
    fo.coin = options.coin;
    funding = data::parse_file(a.funding, fo).funding;
    inputs.funding = &*funding;
  }
  const auto columns = indicators::compute_columns(bars, names, inputs);

  data::AtomicFileWriter out(a.output);
  std::string line = "time";
  for (const auto& c : columns) line += "," + c.name;
  line += '\n';
  out.write(line);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    line = std::to_string(bars.time[i]);
    for (const auto& c : columns) {
      line += ',';
      // NaN (warm-up) is an empty cell; 17 significant digits read back to the same double.
      if (!std::isnan(c.values[i])) fmt::format_to(std::back_inserter(line), "{:.17g}", c.values[i]);
    }
    line += '\n';
    out.write(line);
  }
  out.commit();
  spdlog::info("wrote {} columns x {} bars to {}", columns.size(), bars.size(), a.output);
}

}  // namespace

void add_indicators_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<IndicatorsArgs>();
  CLI::App* cmd = app.add_subcommand("indicators", "write indicator columns of a candle file as CSV");
  cmd->footer(R"(
Writes `time` and then the default column set (or --only), NaN as an empty cell, numbers with 17
significant digits. Multi-parameter specs use ':' (macd:12:26:9), since ',' separates specs.
'organism indicators --list' prints every column form. Formulas: docs/indicators.md.)");
  cmd->add_option("--input", a->input, "candle file (.csv or .csv.gz, import format or Binance klines)");
  cmd->add_option("--output", a->output, "output CSV (.gz to compress)");
  cmd->add_option("--only", a->only, "only these columns/specs, e.g. rsi_14,ema:30");
  cmd->add_option("--spec", a->spec, "extra parameter sets, e.g. ema:30,rsi:7,macd:5:35:5");
  cmd->add_option("--funding", a->funding, "funding file (time,rate) for funding_* columns");
  cmd->add_option("--interval", a->interval, "bar interval (default: from the path or the rows)");
  cmd->add_flag("--list", a->list, "list every column form and exit");
  registry.on(cmd, [a](Context& ctx) { run_indicators(*a, ctx); });
}

}  // namespace organism::cli
