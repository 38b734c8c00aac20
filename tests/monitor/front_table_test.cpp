// The front table of `organism evolve` and `organism validate` built from run records
// (report_fixture.cpp): ranking, the best of each held-out cluster first, the columns of a
// validated and an unvalidated run.
#include "monitor/front_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "monitor/report_fixture.hpp"

namespace organism::monitor {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The ids of the table's member rows, in order (a member row starts with its id; its rule line
// is indented).
std::vector<std::string> member_ids(const std::string& table) {
  std::vector<std::string> ids;
  for (const auto& line : lines_of(table)) {
    if (line.size() > 1 && line[0] == 'm' && std::isdigit(static_cast<unsigned char>(line[1]))) {
      ids.push_back(line.substr(0, line.find(' ')));
    }
  }
  return ids;
}

TEST(FrontTable, ValidatedRunShowsTheBestOfTheClusterFirstThenSurvivorsThenHeldOutSharpe) {
  // Every member of hand_run is in held-out cluster 0; m1 and m3 survive, Sharpe grows with the index.
  const std::string table = front_table(test::hand_run(true), 3, 0.2);
  EXPECT_EQ(member_ids(table), (std::vector<std::string>{"m3", "m1", "m5"}));
  EXPECT_NE(table.find("front: 6 distinct members, 0 aliases (members trading exactly like one of them), 1 "
                       "behaviours (clusters of held-out returns)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("at 20% annualized volatility"), std::string::npos);
  EXPECT_NE(table.find("(+5 similar members)"), std::string::npos);
  EXPECT_NE(table.find("(behaves like m3)"), std::string::npos);
  EXPECT_NE(table.find("... 3 more distinct front members"), std::string::npos);
  const auto lines = lines_of(table);
  const auto m3 = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.starts_with("m3 "); });
  ASSERT_NE(m3, lines.end());
  EXPECT_TRUE(m3->ends_with(" 0.400  yes")) << *m3;  // DSR and verdict
  EXPECT_NE(m3->find("  1.40 "), std::string::npos) << *m3;  // in-sample Sharpe
}

TEST(FrontTable, UnvalidatedRunRanksByHeldOutSharpeWithoutVerdicts) {
  auto run = test::hand_run(false);
  run.front[2].aliases = {"m2b", "m2c"};
  const std::string table = front_table(run, 10, 0.2);
  EXPECT_EQ(member_ids(table), (std::vector<std::string>{"m5", "m4", "m3", "m2", "m1", "m0"}));
  EXPECT_NE(table.find("front: 6 distinct members, 2 aliases (members trading exactly like one of them)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("(+2 aliases)"), std::string::npos);
  EXPECT_EQ(table.find("behaviours (clusters"), std::string::npos);
  EXPECT_EQ(table.find("more distinct front members"), std::string::npos);
  for (const auto& line : lines_of(table)) {
    if (line.starts_with("m")) {
      EXPECT_TRUE(line.ends_with("     -  -")) << line;  // no DSR, no verdict
    }
  }
}

}  // namespace
}  // namespace organism::monitor
