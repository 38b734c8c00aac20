// Progress of long work: a redrawn bar on a terminal, plain periodic lines otherwise (logs, CI).
// Used by importers, the synthetic market and, later, evolution.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace organism::core {

enum class ProgressMode { Auto, Bar, Lines, Off };

// Parses auto|bar|lines|off; throws UsageError otherwise.
ProgressMode parse_progress_mode(const std::string& text);

class Progress {
 public:
  // `unit` names what is counted ("rows", "bars"); total 0 means unknown.
  Progress(std::string label, std::uint64_t total, std::string unit, ProgressMode mode,
           std::FILE* out = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Cheap to call often: output is throttled (10 redraws/s for a bar, a line every 5 s).
  void update(std::uint64_t done);
  void set_total(std::uint64_t total) { total_ = total; }
  // Overrides the redraw period (tests read every update of `--progress lines` this way).
  void set_redraw_every(std::chrono::milliseconds every) { redraw_every_ = every; }
  // Final state; called by the destructor if not called before.
  void finish();

 private:
  void draw(bool final_line);
  std::string label_;
  std::uint64_t total_;
  std::string unit_;
  std::FILE* out_;
  bool bar_ = false;
  bool enabled_ = true;
  bool finished_ = false;
  std::uint64_t done_ = 0;
  std::chrono::milliseconds redraw_every_{-1};  // negative: 100 ms for a bar, 5 s for lines
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace organism::core
