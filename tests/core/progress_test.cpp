#include "core/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace organism::core {
namespace {

std::string contents(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(Progress, BarRedrawsInPlaceAndEndsWithNewline) {
  std::FILE* f = std::tmpfile();
  {
    Progress p("loading", 200, "rows", ProgressMode::Bar, f);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    p.update(100);
    p.update(150);  // throttled: within 100 ms of the last draw
  }  // finish() draws the final state
  const auto out = contents(f);
  std::fclose(f);
  EXPECT_NE(out.find("\rloading ["), std::string::npos) << out;
  EXPECT_NE(out.find("50.0% 100/200 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("75.0% 150/200 rows"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 2) << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(Progress, QuickWorkAndOffModePrintNothing) {
  std::FILE* f = std::tmpfile();
  {
    Progress quick("quick", 10, "rows", ProgressMode::Lines, f);
    quick.update(10);
    Progress off("off", 10, "rows", ProgressMode::Off, f);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    off.update(5);
  }
  EXPECT_EQ(contents(f), "");
  std::fclose(f);
  EXPECT_THROW(parse_progress_mode("loud"), UsageError);
  EXPECT_EQ(parse_progress_mode("lines"), ProgressMode::Lines);
}

}  // namespace
}  // namespace organism::core
