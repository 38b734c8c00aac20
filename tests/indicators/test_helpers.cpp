#include "test_helpers.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "support/test_support.hpp"

namespace organism::indicators::test {

namespace {

template <class T>
T field(std::string_view& line) {
  const std::size_t comma = line.find(',');
  const std::string_view text = line.substr(0, comma);
  line = comma == std::string_view::npos ? std::string_view{} : line.substr(comma + 1);
  T v{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc()) throw std::runtime_error("bad CSV field '" + std::string(text) + "'");
  return v;
}

// Calls row(line) for every data line of a shared CSV file.
template <class F>
bool for_each_row(const std::string& relative, F row) {
  const auto dir = organism::test::shared_dir();
  if (!dir) return false;
  const std::string text = organism::test::read_file(*dir / "data" / relative);
  std::size_t pos = text.find('\n') + 1;  // skip the header
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) row(line);
    pos = end + 1;
  }
  return true;
}

}  // namespace

std::optional<data::Candles> load_shared_candles(const std::string& relative) {
  data::Candles c;
  const bool found = for_each_row(relative, [&](std::string_view line) {
    data::Bar b;
    b.time = field<std::int64_t>(line);
    b.open = field<double>(line);
    b.high = field<double>(line);
    b.low = field<double>(line);
    b.close = field<double>(line);
    b.volume = field<double>(line);
    c.push_back(b);
  });
  if (!found) return std::nullopt;
  return c;
}

std::optional<data::FundingSeries> load_shared_funding(const std::string& relative) {
  data::FundingSeries f;
  const bool found = for_each_row(relative, [&](std::string_view line) {
    f.time.push_back(field<std::int64_t>(line));
    f.rate.push_back(field<double>(line));
  });
  if (!found) return std::nullopt;
  return f;
}

}  // namespace organism::indicators::test
