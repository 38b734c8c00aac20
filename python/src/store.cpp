// organism.Store: a store's series read as `organism data export` writes them.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "arrays.hpp"
#include "core/error.hpp"
#include "data/store.hpp"
#include "data/venue_choice.hpp"
#include "module.hpp"

namespace organism::python {
namespace {

// One column of data kept alive by `owner` (the loaded series), without a copy.
template <typename T>
py::array_t<T> column(std::span<const T> values, const py::capsule& owner) {
  return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data(), owner);
}

py::dict candles(data::Store& store, const std::string& coin, const std::string& interval_text,
                 const std::string& venue_given) {
  const auto interval = core::Interval::parse_or_throw(interval_text);
  const auto venue = data::resolve_venue(store, venue_given, coin, interval.name(), "");
  std::optional<data::Candles> loaded;
  {
    py::gil_scoped_release unlocked;
    loaded = store.load_candles({venue, coin, interval});
  }
  if (!loaded) {
    throw core::Error(fmt::format("no {}:{}:{} candles in store {} (see 'organism data list')", venue, coin,
                                  interval.name(), store.path()));
  }
  auto* owned = new data::Candles(std::move(*loaded));
  const py::capsule owner(owned, [](void* p) { delete static_cast<data::Candles*>(p); });
  py::dict out;
  out["time"] = column(owned->time(), owner);
  out["open"] = column(owned->open(), owner);
  out["high"] = column(owned->high(), owner);
  out["low"] = column(owned->low(), owner);
  out["close"] = column(owned->close(), owner);
  out["volume"] = column(owned->volume(), owner);
  out["trades"] = column(owned->trades(), owner);
  out["venue"] = venue;
  return out;
}

py::dict funding(data::Store& store, const std::string& coin, const std::string& venue_given) {
  const auto venue = data::resolve_funding_venue(store, venue_given, coin, "");
  auto series = store.load_funding(venue, coin);
  if (!series) throw core::Error(fmt::format("no {}:{} funding in store {}", venue, coin, store.path()));
  py::dict out;
  out["time"] = to_numpy(std::move(series->time));
  out["rate"] = to_numpy(std::move(series->rate));
  out["interval_ms"] = series->interval_ms;
  out["venue"] = venue;
  return out;
}

py::list series(data::Store& store) {
  py::list out;
  for (const auto& s : store.list_series()) {
    py::dict row;
    row["venue"] = s.key.venue;
    row["coin"] = s.key.coin;
    row["interval"] = s.key.interval.name();
    row["bars"] = s.bars;
    row["first"] = s.first;
    row["last"] = s.last;
    row["gaps"] = s.gaps;
    row["missing"] = s.missing;
    out.append(row);
  }
  return out;
}

}  // namespace

void bind_store(py::module_& m) {
  py::class_<data::Store>(m, "Store")
      .def(py::init([](const std::string& path) { return data::Store::open_existing(path); }), py::arg("path"))
      .def_property_readonly("path", &data::Store::path)
      .def("series", &series)
      .def("candles", &candles, py::arg("coin"), py::arg("interval"), py::arg("venue") = "")
      .def("funding", &funding, py::arg("coin"), py::arg("venue") = "");
}

}  // namespace organism::python
