// organism.Strategy: genomes as `organism strategy new|show` make and read them, and their
// exposures on bars (what backtest(strategy=...) trades).
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "core/error.hpp"
#include "data/align.hpp"
#include "module.hpp"
#include "strategy/genome.hpp"
#include "strategy/new_genome.hpp"

namespace organism::python {

strategy::Genome parse_genome(const std::string& json) {
  try {
    return strategy::from_json(json);
  } catch (const core::Error& e) {
    throw core::UsageError(e.what());
  }
}

namespace {

// What the package's Strategy keeps of a genome: its JSON as `strategy new` prints it, and
// what it shows.
py::dict described(const strategy::Genome& genome) {
  py::dict out;
  out["json"] = strategy::to_json(genome);
  out["id"] = strategy::genome_id(genome);
  out["family"] = genome.family;
  out["description"] = strategy::describe(genome);
  return out;
}

py::array_t<double> exposures(const std::string& json, const py::dict& bars, const std::optional<std::string>& interval,
                              const std::optional<py::dict>& funding, const std::optional<std::string>& funding_interval,
                              const std::optional<py::dict>& sentiment) {
  const auto genome = parse_genome(json);
  const BarArrays input(bars, interval);
  std::vector<double> funding_per_bar, sentiment_per_bar;
  if (funding) {
    funding_per_bar = data::funding_per_bar(input.view().time, input.interval().nominal_ms(),
                                            funding_from(*funding, funding_interval));
  }
  if (sentiment) sentiment_per_bar = data::sentiment_per_bar(input.view().time, sentiment_from(*sentiment));
  std::vector<double> out;
  {
    py::gil_scoped_release unlocked;
    strategy::MarketView view;
    view.bars = input.view();
    view.interval = input.interval();
    view.funding_per_bar = funding_per_bar;
    view.sentiment = sentiment_per_bar;
    out = strategy::exposures(genome, view);
  }
  return to_numpy(std::move(out));
}

}  // namespace

void bind_strategy(py::module_& m) {
  m.def("strategy_families", &strategy::genome_families);
  m.def("strategy_new", [](const std::string& family, std::optional<std::uint64_t> seed) {
    auto genome = strategy::new_genome(family, seed);
    genome.generation = 0;  // as `strategy new` without --generation
    return described(genome);
  });
  m.def("strategy_parse", [](const std::string& json) { return described(parse_genome(json)); });
  m.def("strategy_exposures", &exposures, py::arg("json"), py::arg("bars"), py::arg("interval"), py::arg("funding"),
        py::arg("funding_interval"), py::arg("sentiment"));
}

}  // namespace organism::python
