// One line of the dashboard as text plus styled spans, and the small text tools the panels share
// (width in columns, fitting, the sparkline). The renderer builds these; the ncurses layer only
// draws them, so every character a user sees is decided by pure, tested code.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace organism::monitor::dashboard {

// What a span means; the terminal maps it to a colour or attribute (plain mode ignores it: the
// words carry the state).
enum class Style { normal, title, dim, good, warn, bad, focus };

struct Span {
  std::size_t begin = 0, end = 0;  // byte offsets into ScreenLine::text
  Style style = Style::normal;
};

struct ScreenLine {
  std::string text{};  // UTF-8
  std::vector<Span> spans{};

  // Appends `part`, styled when `style` is not normal.
  ScreenLine& add(std::string_view part, Style style = Style::normal);
  // Appends another line, its spans moved along.
  ScreenLine& append(const ScreenLine& other);
  // Columns taken (one per code point: the dashboard writes no wide characters).
  int width() const;
  // Cut to `columns` at a code point boundary, spans clipped, then padded with spaces.
  ScreenLine fit(int columns) const;
};

int columns_of(std::string_view utf8);

// The newest `width` values as blocks ▁▂▃▄▅▆▇█ scaled from their min to their max (a flat series
// is all ▄); with utf8 false the ASCII ramp "_.-~=+*#".
std::string sparkline(std::span<const double> values, int width, bool utf8);
// [#####.....] style bar of `width` columns for done/total (█ and ░ in UTF-8).
std::string progress_bar(double done, double total, int width, bool utf8);
// "HH:MM:SS" UTC of epoch ms.
std::string clock_text(long long time_ms);
// "42s", "3m12s", "2h05m", "3d04h": an age for the header and panels.
std::string age_text(long long ms);

}  // namespace organism::monitor::dashboard
