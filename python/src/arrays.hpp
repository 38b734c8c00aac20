// NumPy arrays in and out of the module. Inputs are read in place when their dtype and layout
// allow (float64 or int64, C-contiguous: zero-copy), else converted once; outputs hand a C++
// vector's buffer to NumPy without a copy. Every check names the array, as the CLI names a file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::python {

namespace py = pybind11;

// A 1-D column read as T: double (numbers) or int64 (whole milliseconds since the epoch). Holds
// the array it reads (the caller's, or a converted copy), so the span lives as long as this
// object; create and destroy it with the GIL held. Defined for those two types (arrays.cpp).
template <typename T>
class Column {
 public:
  Column() = default;
  Column(py::handle values, const std::string& name);
  std::span<const T> span() const { return span_; }
  const py::array& array() const { return array_; }

 private:
  py::array array_;
  std::span<const T> span_;
};
using DoubleColumn = Column<double>;
using TimeColumn = Column<core::TimeMs>;

// Entry/exit flags: bool arrays (as vectorbt takes them; read in place, NumPy's bool is one byte
// of 0 or 1), or numbers that are 0 or 1 (converted).
class FlagColumn {
 public:
  FlagColumn() = default;
  FlagColumn(py::handle values, const std::string& name);
  std::span<const std::uint8_t> span() const { return span_; }

 private:
  py::array array_;
  std::vector<std::uint8_t> converted_;
  std::span<const std::uint8_t> span_;
};

// Bars from a dict of arrays: `close` required; `open`, `high`, `low` default to close and
// `volume` to 0 (a close-only file's meaning); `time` in ms, or bars spaced by `interval` from 0.
// Checked as the importer checks a file's rows (data::check_bars).
class BarArrays {
 public:
  BarArrays(const py::dict& columns, const std::optional<std::string>& interval);
  const data::CandleView& view() const { return view_; }
  const core::Interval& interval() const { return interval_; }
  std::size_t size() const { return view_.size(); }
  // The bar times as an array: the caller's own, or a copy of the spaced ones.
  py::array times() const;

 private:
  TimeColumn time_;
  std::vector<core::TimeMs> spaced_time_;
  DoubleColumn open_, high_, low_, close_, volume_;
  std::vector<double> zero_volume_;
  std::vector<std::int64_t> trades_;
  data::CandleView view_;
  core::Interval interval_ = *core::Interval::parse("1h");  // replaced in the constructor
};

// Funding rates from {"time", "rate"}; interval from `funding_interval` or the rows' spacing.
data::FundingSeries funding_from(const py::dict& columns, const std::optional<std::string>& funding_interval);
// Fear & Greed values from {"time", "value"}.
data::SentimentSeries sentiment_from(const py::dict& columns);

// The vector's buffer as a NumPy array that owns it (no copy).
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule release(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), release);
}

// The length check every per-bar input gets.
void require_length(std::size_t size, std::size_t bars, const std::string& name);

}  // namespace organism::python
