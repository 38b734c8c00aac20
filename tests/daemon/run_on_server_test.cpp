// `organism run` on a PostgreSQL store (the research box evolves into the same database while the
// daemon trades): the daemon trades ETH on `organism exchange-sim` with its strategies, marks and
// events in the server store and its trading journals on local disk (named after the server, in
// its current directory), and a second daemon from another folder, whose lock file is not the
// first one's, is refused by the server's advisory lock naming the holder.
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "daemon/run_fixture.hpp"
#include "data/sql.hpp"
#include "exec/journal.hpp"
#include "support/test_stores.hpp"

namespace organism::test {
namespace {

using lifecycle::State;

// The process's current directory for a scope (the daemon's local files land there).
class CurrentDir {
 public:
  explicit CurrentDir(const fs::path& dir) : previous_(fs::current_path()) { fs::current_path(dir); }
  ~CurrentDir() { fs::current_path(previous_); }
  CurrentDir(const CurrentDir&) = delete;
  CurrentDir& operator=(const CurrentDir&) = delete;

 private:
  fs::path previous_;
};

TEST(RunOnServer, TradesWithMarksOnTheServerAndJournalsOnLocalDiskOneDaemonPerStore) {
  if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
  ORGANISM_TEST_STORE(loc, Backend::Postgres);
  const std::string url = loc.location();
  TempDir dir;
  TradeSim sim(dir.path());
  const auto fetched = run_organism({"--db", url, "data", "fetch", "--url", sim.url(), "--coins", "ETH", "--interval",
                                     "1h", "--since", "2023-01-01"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  put_strategy(url, "paper-a", kGenomeA, State::Paper);
  put_strategy(url, "prod-c", kGenomeC, State::Production);

  const CurrentDir here(dir.path());
  const std::vector<std::string> args{"--db", url, "run", "--url", sim.url(), "--capital", "10000"};
  BackgroundOrganism daemon(args, RunFixture::env());
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  {
    TempDir elsewhere;  // another lock file: only the server's lock stands in the way
    const CurrentDir there(elsewhere.path());
    const auto second = run_organism(args, RunFixture::env());
    EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
    EXPECT_NE(second.err.find("is in use by another `organism run` (organism run pid " + std::to_string(daemon.pid())),
              std::string::npos)
        << second.err;
  }
  constexpr int kBars = 3;
  for (int i = 0; i < kBars; ++i) {
    const core::TimeMs closed = sim.advance_steps(12) - kHourMs;
    ASSERT_TRUE(daemon.wait_for_out("bar " + core::format_utc(closed) + " |")) << daemon.out() << daemon.err();
  }
  daemon.signal(SIGTERM);
  const auto end = daemon.collect();
  ASSERT_EQ(end.exit_code, 0) << end.out << end.err;

  // Marks in the server store, one per traded strategy per bar.
  EXPECT_EQ(query_int(url, "SELECT count(*) FROM strategy_marks WHERE strategy_id = 'prod-c' AND session = 'production'"),
            kBars);
  EXPECT_EQ(query_int(url, "SELECT count(*) FROM strategy_marks WHERE strategy_id = 'paper-a' AND session = 'paper'"),
            kBars);
  // The journals on local disk, beside the name the server's location gives, in the daemon's folder.
  const std::string journal = exec::Journal::path_for_store(url);
  EXPECT_FALSE(fs::path(journal).is_absolute()) << journal;
  EXPECT_TRUE(fs::exists(dir.path() / journal)) << journal;
  EXPECT_EQ(journal.find("postgresql"), std::string::npos) << journal;
  // `organism orders` finds the production journal from the same --db, in the same folder.
  const auto orders = run_organism({"--db", url, "orders", "--json", "--all"});
  ASSERT_EQ(orders.exit_code, 0) << orders.err;
  const auto list = nlohmann::json::parse(orders.out);
  ASSERT_FALSE(list.empty()) << end.out;
  for (const auto& o : list) EXPECT_EQ(o["strategy"], "prod-c");
}

}  // namespace
}  // namespace organism::test
