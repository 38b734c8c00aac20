#include "arrays.hpp"

#include <type_traits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/bar_arrays.hpp"

namespace organism::python {
namespace {

// `values` as a 1-D NumPy array (lists and Series are converted by NumPy); the dtype's kind is
// checked by the caller.
py::array one_dimensional(py::handle values, const std::string& name) {
  if (values.is_none()) throw core::UsageError(fmt::format("{} is missing", name));
  py::array array = py::array::ensure(values);
  if (!array) throw core::UsageError(fmt::format("{} is not an array of numbers", name));
  if (array.ndim() != 1) {
    throw core::UsageError(fmt::format("{} must be one-dimensional; it has {} dimensions", name, array.ndim()));
  }
  return array;
}

bool contiguous(const py::array& array) { return (array.flags() & py::array::c_style) != 0; }

std::string dtype_name(const py::array& array) { return py::str(array.dtype()).cast<std::string>(); }

}  // namespace

template <typename T>
Column<T>::Column(py::handle values, const std::string& name) {
  py::array array = one_dimensional(values, name);
  const char kind = array.dtype().kind();
  constexpr bool numbers = std::is_floating_point_v<T>;
  if (kind != 'i' && kind != 'u' && !(numbers && kind == 'f')) {
    throw core::UsageError(fmt::format("{} has dtype {}: expected {}", name, dtype_name(array),
                                       numbers ? "numbers (float64)" : "whole milliseconds since the epoch (int64)"));
  }
  // An array already of T in one block is read where it is; anything else is converted once, here.
  if (!py::isinstance<py::array_t<T, py::array::c_style>>(array)) {
    array = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(array);
  }
  array_ = array;
  span_ = {static_cast<const T*>(array_.data()), static_cast<std::size_t>(array_.size())};
}

template class Column<double>;
template class Column<core::TimeMs>;

FlagColumn::FlagColumn(py::handle values, const std::string& name) {
  py::array array = one_dimensional(values, name);
  if (array.dtype().kind() == 'b') {
    if (!contiguous(array)) array = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(array);
    array_ = array;
    span_ = {static_cast<const std::uint8_t*>(array_.data()), static_cast<std::size_t>(array_.size())};
    return;
  }
  const DoubleColumn numbers(array, name);
  converted_.resize(numbers.span().size());
  for (std::size_t i = 0; i < converted_.size(); ++i) {
    const double v = numbers.span()[i];
    if (v != 0 && v != 1) {
      throw core::UsageError(fmt::format("{}[{}] = {} is not a flag: expected bool, 0 or 1", name, i, v));
    }
    converted_[i] = v == 1;
  }
  span_ = converted_;
}

void require_length(std::size_t size, std::size_t bars, const std::string& name) {
  if (size != bars) throw core::UsageError(fmt::format("{} has {} values but the bars have {}", name, size, bars));
}

BarArrays::BarArrays(const py::dict& columns, const std::optional<std::string>& interval) {
  if (!columns.contains("close")) throw core::UsageError("no close prices: give close (a column, an array or a Series)");
  close_ = DoubleColumn(columns["close"], "close");
  const std::size_t n = close_.span().size();
  if (n == 0) throw core::UsageError("no bars: the input is empty");
  const auto column = [&](const char* name) {
    if (!columns.contains(name) || columns[name].is_none()) return close_;
    DoubleColumn c(columns[name], name);
    require_length(c.span().size(), n, name);
    return c;
  };
  open_ = column("open");
  high_ = column("high");
  low_ = column("low");
  std::span<const double> volume;
  if (columns.contains("volume") && !columns["volume"].is_none()) {
    volume_ = DoubleColumn(columns["volume"], "volume");
    require_length(volume_.span().size(), n, "volume");
    volume = volume_.span();
  } else {
    zero_volume_.assign(n, 0.0);
    volume = zero_volume_;
  }
  std::span<const core::TimeMs> time;
  if (columns.contains("time") && !columns["time"].is_none()) {
    time_ = TimeColumn(columns["time"], "time");
    require_length(time_.span().size(), n, "time");
    time = time_.span();
  } else {
    if (!interval) throw core::UsageError("no bar times: give time (or a DatetimeIndex), or interval= to space the bars");
    const auto step = core::Interval::parse_or_throw(*interval).nominal_ms();
    spaced_time_.resize(n);
    for (std::size_t i = 0; i < n; ++i) spaced_time_[i] = static_cast<core::TimeMs>(i) * step;
    time = spaced_time_;
  }
  trades_.assign(n, data::kUnknownTrades);
  view_ = {time, open_.span(), high_.span(), low_.span(), close_.span(), volume, trades_};
  data::check_bars(view_);
  interval_ = interval ? core::Interval::parse_or_throw(*interval) : data::interval_of(time);
}

py::array BarArrays::times() const {
  if (spaced_time_.empty()) return time_.array();
  return to_numpy(std::vector<core::TimeMs>(spaced_time_));
}

data::FundingSeries funding_from(const py::dict& columns, const std::optional<std::string>& funding_interval) {
  if (!columns.contains("time") || !columns.contains("rate")) throw core::UsageError("funding needs time and rate");
  const TimeColumn time(columns["time"], "funding time");
  const DoubleColumn rate(columns["rate"], "funding rate");
  require_length(rate.span().size(), time.span().size(), "funding rate");
  data::check_finite(rate.span(), "funding rate");
  data::FundingSeries out;
  out.time.assign(time.span().begin(), time.span().end());
  out.rate.assign(rate.span().begin(), rate.span().end());
  for (std::size_t i = 1; i < out.time.size(); ++i) {
    if (out.time[i] <= out.time[i - 1]) {
      throw core::UsageError(fmt::format("funding time[{}] = {} is not after funding time[{}]", i, out.time[i], i - 1));
    }
  }
  out.interval_ms = funding_interval ? core::Interval::parse_or_throw(*funding_interval).nominal_ms()
                                     : data::interval_of(out.time).nominal_ms();
  return out;
}

data::SentimentSeries sentiment_from(const py::dict& columns) {
  if (!columns.contains("time") || !columns.contains("value")) throw core::UsageError("sentiment needs time and value");
  const TimeColumn time(columns["time"], "sentiment time");
  const DoubleColumn value(columns["value"], "sentiment value");
  require_length(value.span().size(), time.span().size(), "sentiment value");
  data::SentimentSeries out;
  out.source = "python";
  out.time.assign(time.span().begin(), time.span().end());
  for (std::size_t i = 0; i < value.span().size(); ++i) {
    const double v = value.span()[i];
    if (!(v >= 0 && v <= 100)) throw core::UsageError(fmt::format("sentiment value[{}] = {} is not in [0, 100]", i, v));
    out.value.push_back(static_cast<int>(v));
  }
  out.classification.assign(out.time.size(), "");
  return out;
}

}  // namespace organism::python
