// The pieces of the `_organism` extension module, one bind_* per area; the Python package
// (python/organism/) turns DataFrames into the dicts of arrays these take, and back.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include <pybind11/pybind11.h>

#include "core/config.hpp"
#include "strategy/genome.hpp"

namespace organism::python {

namespace py = pybind11;

void bind_indicators(py::module_& m);
void bind_backtest(py::module_& m);
void bind_strategy(py::module_& m);
void bind_evolve(py::module_& m);
void bind_store(py::module_& m);

// (key, value, source) as the package passes config: its `config=` dict and its keyword arguments.
using ConfigItems = std::vector<std::tuple<std::string, std::string, std::string>>;
// The research layers' config (runs::research_config_keys) with `items` applied. An unknown key
// is a core::UsageError; values are checked where they are read, with the CLI's messages.
core::Config research_config(const ConfigItems& items);

// A genome from JSON text; a bad one is input, so a ValueError (core::UsageError) naming the key.
strategy::Genome parse_genome(const std::string& json);

}  // namespace organism::python
