// organism.backtest: `organism backtest` over arrays. The config, the signal and the run are
// built by the functions the CLI uses (backtest::make_config, evolve::backtest_config,
// backtest::run_measured, backtest::run_document), so equal options give the CLI's numbers.
#include <chrono>

#include <pybind11/stl.h>

#include "arrays.hpp"
#include "backtest/run_report.hpp"
#include "backtest/run_settings.hpp"
#include "backtest/simulator.hpp"
#include "core/error.hpp"
#include "data/align.hpp"
#include "data/bar_arrays.hpp"
#include "evolve/genome_config.hpp"
#include "module.hpp"
#include "strategy/genome.hpp"

namespace organism::python {
namespace {

backtest::RunSettings run_settings(const py::dict& run) {
  backtest::RunSettings s;
  s.init_cash = run["init_cash"].cast<double>();
  s.leverage = run["leverage"].cast<double>();
  s.min_trade = run["min_trade"].cast<double>();
  s.sl = run["sl"].cast<double>();
  s.tp = run["tp"].cast<double>();
  s.trail = run["trail"].cast<double>();
  s.rebalance = run["rebalance"].cast<std::string>();
  s.parity = run["parity"].cast<std::string>();
  s.bars_per_year = run["bars_per_year"].cast<double>();
  s.consistency_windows = run["consistency_windows"].cast<int>();
  return s;
}

// The target per bar and the re-arm events of one of: "targets", "entries" + "exits" (+ "side"),
// or "strategy" (a genome's exposures, as --strategy).
struct Signal {
  DoubleColumn given;
  FlagColumn entries;  // the re-arm events of entry/exit signals
  std::vector<double> target;
  std::span<const double> span() const { return target.empty() ? given.span() : std::span<const double>(target); }
};

py::dict trades_of(const std::vector<backtest::Trade>& trades) {
  std::vector<core::TimeMs> entry_time, exit_time;
  std::vector<double> size, entry_price, exit_price, pnl, fees, funding;
  py::list side, reason;
  std::vector<bool> open;
  for (const auto& t : trades) {
    entry_time.push_back(t.entry_time);
    exit_time.push_back(t.exit_time);
    side.append(t.side > 0 ? "long" : "short");
    size.push_back(t.size);
    entry_price.push_back(t.entry_price);
    exit_price.push_back(t.exit_price);
    pnl.push_back(t.pnl);
    fees.push_back(t.fees);
    funding.push_back(t.funding);
    reason.append(std::string(backtest::exit_reason_name(t.reason)));
    open.push_back(t.open);
  }
  py::dict out;
  out["entry_time"] = to_numpy(std::move(entry_time));
  out["exit_time"] = to_numpy(std::move(exit_time));
  out["side"] = side;
  out["size"] = to_numpy(std::move(size));
  out["entry_price"] = to_numpy(std::move(entry_price));
  out["exit_price"] = to_numpy(std::move(exit_price));
  out["pnl"] = to_numpy(std::move(pnl));
  out["fees"] = to_numpy(std::move(fees));
  out["funding"] = to_numpy(std::move(funding));
  out["exit_reason"] = reason;
  out["open"] = py::cast(open);
  return out;
}

py::dict run(const py::dict& bars, const std::optional<std::string>& interval, const py::dict& signal,
             const py::dict& run, const ConfigItems& config_items, const std::optional<py::dict>& funding,
             const std::optional<std::string>& funding_interval, const std::optional<py::dict>& sentiment,
             const std::optional<std::string>& name, bool timing) {
  // engine_seconds: all of the C++ work of the call, from here (conversions and checks included).
  const auto start = std::chrono::steady_clock::now();
  const auto cfg = research_config(config_items);
  const auto settings = run_settings(run);
  std::optional<strategy::Genome> genome;
  if (signal.contains("strategy")) genome = parse_genome(signal["strategy"].cast<std::string>());
  if (sentiment && !genome) throw core::UsageError("sentiment goes with strategy");
  // The genome's risk block replaces sl, tp, trail and leverage (as --strategy does).
  const auto base = backtest::make_config(settings, backtest::costs_from_config(cfg));
  const auto config = genome ? evolve::backtest_config(*genome, base) : base;
  const BarArrays input(bars, interval);
  const auto times = input.view().time;
  std::vector<double> funding_per_bar, sentiment_per_bar;
  if (funding && config.funding) {
    funding_per_bar = data::funding_per_bar(times, input.interval().nominal_ms(), funding_from(*funding, funding_interval));
  }
  if (sentiment) sentiment_per_bar = data::sentiment_per_bar(times, sentiment_from(*sentiment));

  Signal s;
  if (signal.contains("targets")) {
    s.given = DoubleColumn(signal["targets"], "targets");
    require_length(s.given.span().size(), input.size(), "targets");
    data::check_targets(s.given.span(), "targets");
  } else if (signal.contains("entries")) {
    const auto side = signal["side"].cast<std::string>();
    if (side != "long" && side != "short") throw core::UsageError("--side is long or short");
    s.entries = FlagColumn(signal["entries"], "entries");
    const FlagColumn exits(signal["exits"], "exits");
    require_length(s.entries.span().size(), input.size(), "entries");
    require_length(exits.span().size(), input.size(), "exits");
    s.target = backtest::signals_to_target(s.entries.span(), exits.span(), side == "long" ? 1 : -1);
  } else if (!genome) {
    throw core::UsageError("give one of targets=, entries= and exits=, or strategy=");
  }
  const auto options = backtest::metrics_options(settings, input.interval(), config);
  // The series as the CLI names an unnamed --data file's ("file:input:1h"), or the caller's name.
  const std::string label = name ? *name : data::SeriesKey{"file", "input", input.interval()}.label();
  backtest::MeasuredRun measured;
  std::string document;
  {
    py::gil_scoped_release unlocked;
    if (genome) {
      strategy::MarketView view;
      view.bars = input.view();
      view.interval = input.interval();
      view.funding_per_bar = funding_per_bar;
      view.sentiment = sentiment_per_bar;
      s.target = strategy::exposures(*genome, view);
    }
    const backtest::BacktestInput in{input.view(), s.span(), s.entries.span(), funding_per_bar};
    measured = backtest::run_measured(in, config, options, timing);
    const std::string id = genome ? strategy::genome_id(*genome) : "";
    document = backtest::run_document(measured, times, config, {label, id, timing}).dump();
  }
  py::dict out;
  out["document"] = document;
  out["equity"] = to_numpy(std::move(measured.result.equity));
  out["exposure"] = to_numpy(std::move(measured.result.exposure));
  out["trades"] = trades_of(measured.result.trades);
  out["time"] = input.times();
  out["engine_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

void bind_backtest(py::module_& m) {
  m.def("backtest", &run, py::arg("bars"), py::arg("interval"), py::arg("signal"), py::arg("run"), py::arg("config"),
        py::arg("funding"), py::arg("funding_interval"), py::arg("sentiment"), py::arg("name"), py::arg("timing"));
}

}  // namespace organism::python
