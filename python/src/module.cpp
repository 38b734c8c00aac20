// PYBIND11_MODULE(_organism): the C++ half of `import organism` (docs/python.md). Errors become
// the exceptions a Python user expects, with the CLI's messages: bad input and usage ValueError,
// an interruption KeyboardInterrupt, anything else organism.Error (a RuntimeError).
#include <pybind11/stl.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "module.hpp"
#include "runs/config_options.hpp"

namespace organism::python {

core::Config research_config(const ConfigItems& items) {
  core::Config cfg(runs::research_config_keys());
  for (const auto& [key, value, source] : items) {
    bool known = false;
    for (const auto& k : cfg.keys()) known = known || k.name == key;
    if (!known) throw core::UsageError(fmt::format("{}: unknown config key '{}' (see organism config show)", source, key));
    cfg.set(key, value, source);
  }
  return cfg;
}

}  // namespace organism::python

PYBIND11_MODULE(_organism, m) {
  namespace py = pybind11;
  using namespace organism;
  m.doc() = "organism's engine: indicators, backtests, strategies, evolution and the store (docs/python.md)";
  static py::exception<core::Error> error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const core::Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const core::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const core::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const core::Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    }
  });
  // The engine logs as the CLI does (stderr, its format); a notebook wants only warnings unless asked.
  core::init_logging("warn");
  m.def("set_log_level", [](const std::string& level) {
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
      throw core::UsageError(fmt::format("unknown log level '{}' (trace, debug, info, warn, error, off)", level));
    }
    spdlog::set_level(parsed);
  }, "Sets the engine's log level on stderr: trace, debug, info, warn (the default), error or off.");
  python::bind_indicators(m);
  python::bind_backtest(m);
  python::bind_strategy(m);
  python::bind_evolve(m);
  python::bind_store(m);
}
