// Helpers shared by the test binaries: temporary folders, the shared/ data folder, running the
// organism executable as a real subprocess, and writing small (optionally gzipped) files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace organism::test {

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
RunResult run_organism(const std::vector<std::string>& args,
                       const std::vector<std::string>& env = {});
// As run_organism, but sends SIGINT once `wait_for` appears on its stderr (as Ctrl-C would).
RunResult run_organism_interrupted(const std::vector<std::string>& args, const std::string& wait_for,
                                   const std::vector<std::string>& env = {});

}  // namespace organism::test
