#include "core/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::core {

ProgressMode parse_progress_mode(const std::string& text) {
  if (text == "auto") return ProgressMode::Auto;
  if (text == "bar") return ProgressMode::Bar;
  if (text == "lines") return ProgressMode::Lines;
  if (text == "off") return ProgressMode::Off;
  throw UsageError(fmt::format("unknown progress mode '{}' (auto, bar, lines, off)", text));
}

Progress::Progress(std::string label, std::uint64_t total, std::string unit, ProgressMode mode,
                   std::FILE* out)
    : label_(std::move(label)), total_(total), unit_(std::move(unit)), out_(out) {
  enabled_ = mode != ProgressMode::Off;
  bar_ = mode == ProgressMode::Bar || (mode == ProgressMode::Auto && ::isatty(::fileno(out_)));
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::update(std::uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every = redraw_every_.count() >= 0 ? redraw_every_
                     : bar_                     ? std::chrono::milliseconds(100)
                                                : std::chrono::milliseconds(5000);
  if (now - last_draw_ < every) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  // Work that ended within the first interval printed nothing: keep it that way for lines mode,
  // so quick commands stay quiet; close the bar if one was drawn.
  if (!enabled_ || last_draw_ == start_) return;
  draw(true);
}

void Progress::draw(bool final_line) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  std::string text;
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done_, total_)) / rate : 0;
    if (bar_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(frac * kWidth);
      text = fmt::format("{} [{}{}] {:5.1f}% {}/{} {} {:.0f}/s eta {:.0f}s", label_,
                         std::string(filled, '#'), std::string(kWidth - filled, '.'), frac * 100,
                         done_, total_, unit_, rate, eta);
    } else {
      text = fmt::format("{}: {:.1f}% ({}/{} {}, {:.0f}/s, eta {:.0f}s)", label_, frac * 100, done_,
                         total_, unit_, rate, eta);
    }
  } else {
    text = fmt::format("{}: {} {} ({:.0f}/s)", label_, done_, unit_, rate);
  }
  if (bar_) {
    fmt::print(out_, "\r{}\x1b[K{}", text, final_line ? "\n" : "");
  } else {
    fmt::print(out_, "{}\n", text);
  }
  std::fflush(out_);
}

}  // namespace organism::core
