#include "monitor/dashboard/screen_line.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace organism::monitor::dashboard {

namespace {
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
}  // namespace

int columns_of(std::string_view utf8) {
  int n = 0;
  for (char c : utf8)
    if (!continuation(c)) ++n;
  return n;
}

ScreenLine& ScreenLine::add(std::string_view part, Style style) {
  const std::size_t begin = text.size();
  text += part;
  if (style != Style::normal && !part.empty()) spans.push_back({begin, text.size(), style});
  return *this;
}

ScreenLine& ScreenLine::append(const ScreenLine& other) {
  const std::size_t base = text.size();
  text += other.text;
  for (const auto& s : other.spans) spans.push_back({base + s.begin, base + s.end, s.style});
  return *this;
}

int ScreenLine::width() const { return columns_of(text); }

ScreenLine ScreenLine::fit(int columns) const {
  ScreenLine out;
  std::size_t cut = 0;
  int seen = 0;
  while (cut < text.size()) {
    if (!continuation(text[cut])) {
      if (seen == columns) break;
      ++seen;
    }
    ++cut;
  }
  out.text = text.substr(0, cut);
  for (const auto& s : spans) {
    if (s.begin >= cut) continue;
    out.spans.push_back({s.begin, std::min(s.end, cut), s.style});
  }
  if (seen < columns) out.text.append(static_cast<std::size_t>(columns - seen), ' ');
  return out;
}

std::string sparkline(std::span<const double> values, int width, bool utf8) {
  static constexpr std::string_view kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static constexpr std::string_view kAscii = "_.-~=+*#";
  if (width <= 0 || values.empty()) return {};
  const std::size_t n = std::min(values.size(), static_cast<std::size_t>(width));
  const auto shown = values.subspan(values.size() - n);
  const auto [lo, hi] = std::minmax_element(shown.begin(), shown.end());
  std::string out;
  for (double v : shown) {
    int level = 3;
    if (*hi > *lo) level = static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7.0));
    level = std::clamp(level, 0, 7);
    if (utf8)
      out += kBlocks[level];
    else
      out += kAscii[static_cast<std::size_t>(level)];
  }
  return out;
}

std::string progress_bar(double done, double total, int width, bool utf8) {
  if (width <= 0) return {};
  const double fraction = total > 0 ? std::clamp(done / total, 0.0, 1.0) : 0.0;
  const int full = static_cast<int>(std::lround(fraction * width));
  std::string out;
  for (int i = 0; i < width; ++i) out += i < full ? (utf8 ? "█" : "#") : (utf8 ? "░" : ".");
  return out;
}

std::string clock_text(long long time_ms) {
  const long long day_ms = ((time_ms % 86'400'000) + 86'400'000) % 86'400'000;
  const long long s = day_ms / 1000;
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

std::string age_text(long long ms) {
  const long long s = std::max(0LL, ms) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  return fmt::format("{}d{:02}h", s / 86400, s / 3600 % 24);
}

}  // namespace organism::monitor::dashboard
