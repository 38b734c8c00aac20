// `organism report` and `organism evolve --report` through the real binary on a small evolution
// of the synthetic market: by run id, by strategy id, with options, and bad inputs (exit 1, a
// clear message, no file).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

class ReportCommand : public ::testing::Test {
 protected:
  // One small run shared by the tests of this suite (evolution is the slow part).
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto r = run_organism(
        {"evolve", "--db", db(), "--population", "16", "--generations", "2", "--seed", "5",
         "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH", "--json-out",
         (*dir_ / "run.json").string(), "--report", (*dir_ / "evolve.html").string()},
        {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    evolve_out_ = new std::string(r.out);
    run_ = new nlohmann::json(nlohmann::json::parse(read_file(*dir_ / "run.json")));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete evolve_out_;
    delete dir_;
  }
  static std::string db() { return (*dir_ / "o.db").string(); }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static std::string run_id() { return run_->at("run").get<std::string>(); }

  static inline TempDir* dir_ = nullptr;
  static inline std::string* evolve_out_ = nullptr;
  static inline nlohmann::json* run_ = nullptr;
};

void expect_report(const std::string& html, const std::string& strategy) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<h1>" + strategy), std::string::npos) << strategy;
  for (const char* id : {"chart-equity", "chart-price", "chart-monthly", "chart-front"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  // evolve validates its front: the page carries the member's gates and the run's DSR/PBO.
  EXPECT_NE(html.find("id=\"gate-table\""), std::string::npos);
  EXPECT_EQ(html.find("Gates: not validated"), std::string::npos);
  EXPECT_NE(html.find("id=\"dsr-reading\">Held-out DSR "), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);  // nothing loaded from the web
}

TEST_F(ReportCommand, EvolveWritesTheReportAtTheEnd) {
  ASSERT_TRUE(fs::exists(path("evolve.html")));
  EXPECT_NE(evolve_out_->find("report: wrote " + path("evolve.html")), std::string::npos)
      << *evolve_out_;
  const auto html = read_file(path("evolve.html"));
  EXPECT_NE(html.find(run_id()), std::string::npos);
}

TEST_F(ReportCommand, ByRunIdShowsTheBestHeldOutSharpeAmongMembersThatTrade) {
  const auto r = run_organism({"report", "--db", db(), run_id(), "--out", path("run.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("KiB"), std::string::npos);
  // No survivors on this small noise run: the best validated held-out Sharpe among members with
  // a trade out of sample or in the walk-forward.
  std::string best;
  double best_sharpe = -1e300;
  for (const auto& m : run_->at("front")) {
    ASSERT_FALSE(m.at("validation").at("passed").get<bool>());
    const double trades = m.at("metrics").at("out_of_sample").at("trades").get<double>() +
                          m.at("metrics").at("walk_forward").at("trades").get<double>();
    if (trades == 0) continue;
    const auto& s = m.at("validation").at("held_out_sharpe");
    const double v = s.is_number() ? s.get<double>() : -1e300;
    const auto id = m.at("id").get<std::string>();
    if (best.empty() || v > best_sharpe || (v == best_sharpe && id < best)) {
      best = id;
      best_sharpe = v;
    }
  }
  ASSERT_FALSE(best.empty());
  const auto html = read_file(path("run.html"));
  expect_report(html, best);
  EXPECT_NE(html.find("best held-out Sharpe among the members that trade (no survivors)"), std::string::npos);
}

TEST_F(ReportCommand, ByStrategyIdWithAxesAndCoin) {
  const auto id = run_->at("front").back().at("id").get<std::string>();
  const auto r = run_organism({"report", "--db", db(), id, "--out", path("s.html"), "--x",
                               "out_of_sample.sharpe", "--y", "turnover", "--coin", "ETH"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto html = read_file(path("s.html"));
  expect_report(html, id);
  EXPECT_NE(html.find("by out_of_sample.sharpe and in_sample.turnover"), std::string::npos);
  EXPECT_NE(html.find("Price of synth:ETH:1h"), std::string::npos);
}

TEST_F(ReportCommand, BadInputsExitOneWithAClearMessageAndNoFile) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"no_such_run"}, "no run or strategy 'no_such_run'"},
      {{run_id(), "--x", "luck"}, "unknown metric 'luck'"},
      {{run_id(), "--strategy", "nope_1_00000000"}, "'nope_1_00000000' is not on the front"},
      {{run_id(), "--coin", "DOGE"}, "coin 'DOGE' is not in the run's universe"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"report", "--db", db(), "--out", path("bad.html")};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_organism(args);
    EXPECT_EQ(r.exit_code, 1) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("bad.html"))) << c.message;
  }
  const auto r =
      run_organism({"report", "--db", db(), run_id(), "--out", path("missing/dir/r.html")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing/dir/r.html"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("missing")));
  for (const auto& entry : fs::directory_iterator(dir_->path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(run_organism({"report", "--db", db(), run_id()}).exit_code, 2);  // --out is required
}

}  // namespace
}  // namespace organism::test
