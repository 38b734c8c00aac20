// --log-file: every log line goes to the file (and stderr), rotated by size, keeping log.files
// old files; the file-only logger writes lines the daemon already printed on stdout.
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "support/test_support.hpp"

namespace organism::core {
namespace {

namespace fs = std::filesystem;

TEST(LogFile, RotatesBySizeKeepingTheOldFilesAsked) {
  test::TempDir dir;
  if (!spdlog::get("organism")) init_logging("info");
  const auto path = (dir / "run.log").string();
  auto file_only = add_log_file(path, 4096, 2);
  const std::string filler(100, 'x');
  for (int i = 0; i < 200; ++i) spdlog::info("line {} {}", i, filler);  // ~26 kB: rotates several times
  file_only->info("only in the file");
  spdlog::default_logger()->flush();
  EXPECT_TRUE(fs::exists(dir / "run.log"));
  EXPECT_TRUE(fs::exists(dir / "run.1.log"));
  EXPECT_TRUE(fs::exists(dir / "run.2.log"));
  EXPECT_FALSE(fs::exists(dir / "run.3.log"));  // log.files = 2: the oldest dropped
  for (const auto* name : {"run.log", "run.1.log", "run.2.log"}) EXPECT_LE(fs::file_size(dir / name), 4096u) << name;
  const auto newest = test::read_file(dir / "run.log");
  EXPECT_NE(newest.find("line 199 "), std::string::npos);
  EXPECT_NE(newest.find("only in the file"), std::string::npos);
  EXPECT_EQ(test::read_file(dir / "run.2.log").find("line 0 "), std::string::npos);  // dropped long ago
  // Drop the file sink again: later tests log to stderr only.
  spdlog::default_logger()->sinks().pop_back();
}

TEST(LogFile, AFileThatCannotBeOpenedIsAnErrorNamingIt) {
  if (!spdlog::get("organism")) init_logging("info");
  test::TempDir dir;
  test::write_file(dir / "plain", "a file, not a folder");
  const auto path = (dir / "plain" / "run.log").string();  // spdlog would create a missing folder
  try {
    (void)add_log_file(path, 4096, 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::core
