#include "data/signals.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/csv_fields.hpp"
#include "data/line_reader.hpp"

namespace organism::data {
namespace {

std::optional<std::uint8_t> flag(std::string_view s) {
  const auto v = core::to_lower(s);
  if (v == "1" || v == "true") return 1;
  if (v == "0" || v == "false") return 0;
  return std::nullopt;
}

}  // namespace

SignalFile read_signals(const std::string& path) {
  LineReader reader(path);
  std::string_view line;
  if (!reader.next(line)) throw core::Error(path + ": empty file (no header, no rows)");
  SignalFile out;
  out.path = path;
  const auto header = core::to_lower(line);
  if (header == "time,entry,exit") {
    out.events = true;
  } else if (header != "time,target") {
    throw core::InputError(path, 1, fmt::format("unrecognised header '{}' (expected time,target or time,entry,exit)",
                                                std::string(line.substr(0, 200))));
  }
  const std::size_t columns = out.events ? 3 : 2;
  std::vector<std::string_view> f;
  while (reader.next(line)) {
    const std::size_t n = reader.line_number();
    split_csv_line(line, f);
    auto bad = [&](const std::string& what) { throw core::InputError(path, n, what); };
    if (f.size() != columns) bad(fmt::format("expected {} columns, found {}", columns, f.size()));
    const auto t = core::parse_int64(f[0]);
    if (!t) bad(fmt::format("time '{}' is not a whole number of milliseconds", f[0].substr(0, 40)));
    if (!out.time.empty() && *t <= out.time.back()) {
      bad(*t == out.time.back() ? fmt::format("duplicate time {}", *t)
                                : fmt::format("time {} is before the previous row's time {}", *t, out.time.back()));
    }
    if (out.events) {
      const auto e = flag(f[1]), x = flag(f[2]);
      if (!e) bad(fmt::format("entry '{}' is not 0, 1, true or false", f[1].substr(0, 40)));
      if (!x) bad(fmt::format("exit '{}' is not 0, 1, true or false", f[2].substr(0, 40)));
      out.entry.push_back(*e);
      out.exit.push_back(*x);
    } else {
      const auto v = core::parse_double(f[1]);
      if (!v || !std::isfinite(*v)) bad(fmt::format("target '{}' is not a finite number", f[1].substr(0, 40)));
      if (*v < -1 || *v > 1) bad(fmt::format("target {} is outside [-1, 1]", f[1]));
      out.target.push_back(*v);
    }
    out.time.push_back(*t);
    out.line.push_back(n);
  }
  if (out.time.empty()) throw core::Error(path + ": no signal rows");
  return out;
}

void require_aligned(const SignalFile& s, std::span<const TimeMs> bar_times) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < bar_times.size(); ++i) {
    if (j < s.time.size() && s.time[j] < bar_times[i]) {
      throw core::InputError(s.path, s.line[j],
                             fmt::format("time {} ({} UTC) has no bar in the data", s.time[j], core::format_utc(s.time[j])));
    }
    if (j >= s.time.size() || s.time[j] != bar_times[i]) {
      throw core::Error(fmt::format("{}: no signal for the bar at {} ({} UTC)", s.path, bar_times[i],
                                    core::format_utc(bar_times[i])));
    }
    ++j;
  }
  if (j < s.time.size()) {
    throw core::InputError(s.path, s.line[j],
                           fmt::format("time {} ({} UTC) has no bar in the data", s.time[j], core::format_utc(s.time[j])));
  }
}

}  // namespace organism::data
