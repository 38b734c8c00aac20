#include "core/text.hpp"

#include <cctype>
#include <charconv>
#include <chrono>

namespace organism::core {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    const auto pos = s.find(sep);
    auto item = trim(s.substr(0, pos));
    if (!item.empty()) out.emplace_back(item);
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return out;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

void append_number(std::string& out, double v) {
  char buf[400];  // fixed notation of the largest double needs 309 digits
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) {
    out += "nan";
    return;
  }
  out.append(buf, ptr);
}

std::string format_number(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  s = trim(s);
  if (auto ms = parse_int64(s)) return ms;
  // YYYY-MM-DD[(T| )HH:MM[:SS]]
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  if (!y || !mo || !d) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || s.size() < 16 || s[13] != ':') return std::nullopt;
    auto h = num(11, 2), m = num(14, 2);
    if (!h || !m) return std::nullopt;
    hh = *h;
    mm = *m;
    if (s.size() > 16) {
      if (s.size() != 19 || s[16] != ':') return std::nullopt;
      auto sec = num(17, 2);
      if (!sec) return std::nullopt;
      ss = *sec;
    }
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  const auto days_since = sys_days{ymd}.time_since_epoch().count();
  return static_cast<std::int64_t>(days_since) * 86'400'000 + hh * 3'600'000LL + mm * 60'000LL +
         ss * 1000LL;
}

}  // namespace organism::core
