// Helpers shared by the test binaries: temporary folders, the shared/ data folder, running the
// organism executable as a real subprocess, and writing small (optionally gzipped) files.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace organism::test {

// Four valid hourly candles (2024-01-01 00:00 .. 03:00 UTC) in the import format, with a gap-free
// grid, one zero-volume bar and distinct closes: the small file of the CLI's data tests.
inline constexpr const char* kFourHourlyCandles =
    "time,open,high,low,close,volume\n"
    "1704067200000,100,110,95,105,12.5\n"
    "1704070800000,105,106,101,102,0\n"
    "1704074400000,102,103,99,100.25,3\n"
    "1704078000000,100.25,104,100,103,7\n";

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// ../shared beside the project root, or nullopt when it is absent (tests then GTEST_SKIP).
std::optional<fs::path> shared_dir();

// Writes text to a file; a name ending in .gz is gzip-compressed.
void write_file(const fs::path& path, const std::string& text);
// Reads a file whole; a .gz file is decompressed.
std::string read_file(const fs::path& path);

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built organism binary with the arguments (no shell), stdin closed, and an environment
// without ORGANISM_* variables unless given in env ("NAME=value").
// Starts the binary in the background with no ORGANISM_* variables of the test's environment but
// `env`, stdin from /dev/null, and stdout and stderr going to the files `tmp`/stdout and
// `tmp`/stderr (files, not pipes, so large outputs cannot deadlock); returns its pid.
pid_t spawn_organism(const std::vector<std::string>& args, const std::vector<std::string>& env, const TempDir& tmp);

// Starts argv[0] (a path) with the arguments, no shell, its stdout and stderr both appended to
// `log` and `env` ("NAME=value") added to this process's environment; returns its pid. For
// commands other than organism itself (mpirun).
pid_t spawn_logged(const std::vector<std::string>& argv, const fs::path& log, const std::vector<std::string>& env = {});

RunResult run_organism(const std::vector<std::string>& args,
                       const std::vector<std::string>& env = {});
// As run_organism, but sends SIGINT once `wait_for` appears on its stderr (as Ctrl-C would).
RunResult run_organism_interrupted(const std::vector<std::string>& args, const std::string& wait_for,
                                   const std::vector<std::string>& env = {});

}  // namespace organism::test
