// organism.indicators: compute() over arrays as `organism indicators` does over a file.
#include <cstdint>

#include <pybind11/stl.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arrays.hpp"
#include "core/error.hpp"
#include "indicators/column_spec.hpp"
#include "indicators/indicator_set.hpp"
#include "module.hpp"

namespace organism::python {
namespace {

// (name, values) per column in the order asked; the columns' buffers become the arrays.
py::list compute(const py::dict& bars, const std::optional<std::string>& interval,
                 const std::vector<std::string>& only, const std::optional<py::dict>& funding,
                 const std::optional<std::string>& funding_interval) {
  // As the CLI: the column list is checked before any bar is read.
  std::vector<std::string> names;
  if (only.empty()) {
    names = indicators::default_columns();
  } else {
    names = indicators::expand_specs(fmt::format("{}", fmt::join(only, ",")));
  }
  const BarArrays input(bars, interval);
  std::optional<data::FundingSeries> rates;
  indicators::ColumnInputs inputs;
  inputs.bar_ms = input.interval().nominal_ms();
  if (funding) {
    rates = funding_from(*funding, funding_interval);
    inputs.funding = &*rates;
  }
  std::vector<indicators::NamedColumn> columns;
  {
    py::gil_scoped_release unlocked;
    columns = indicators::compute_columns(input.view(), names, inputs);
  }
  py::list out;
  for (auto& c : columns) out.append(py::make_tuple(c.name, to_numpy(std::move(c.values))));
  return out;
}

}  // namespace

void bind_indicators(py::module_& m) {
  m.def("indicators_compute", &compute, py::arg("bars"), py::arg("interval"), py::arg("only"), py::arg("funding"),
        py::arg("funding_interval"));
  m.def("indicators_default_columns", [] { return indicators::default_columns(); });
  m.def("indicators_catalogue", &indicators::column_catalogue);
  // The address the engine reads a column at: the caller's own buffer when no copy was made (the
  // zero-copy tests compare it with the array's).
  m.def("input_address", [](py::handle values, const std::string& name) {
    const DoubleColumn column(values, name);
    return reinterpret_cast<std::uintptr_t>(column.span().data());
  });
}

}  // namespace organism::python
