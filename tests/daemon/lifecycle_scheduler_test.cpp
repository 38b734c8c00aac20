// The lifecycle scheduler on a real store: a synthetic market, strategies born with
// lifecycle::birth and moved to the state under test, marks built so that each rule fires and
// does not fire; every move with its reason and evidence, the post-mortem at retirement, and the
// same time evaluated twice moving nothing twice.
#include "daemon/lifecycle_scheduler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "data/market.hpp"
#include "data/synth.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/postmortem.hpp"
#include "portfolio/candidates.hpp"
#include "portfolio/portfolio_backtest.hpp"
#include "portfolio/score.hpp"
#include "runs/records.hpp"
#include "strategy/family.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::daemon {
namespace {

using lifecycle::State;
using nlohmann::json;

const core::Interval k1h = *core::Interval::parse("1h");
constexpr std::size_t kBars = 1200;  // 50 days
constexpr core::TimeMs kDay = core::kDayMs;

struct Fixture {
  test::TempDir dir;
  data::Store store = data::Store::open((dir / "s.db").string());
  std::vector<core::TimeMs> times;

  Fixture() {
    data::SynthOptions o;
    o.coins = {"BTC"};
    o.bars = kBars;
    o.seed = 7;
    const auto m = data::generate_market(o);
    store.upsert_candles(m.candles[0].key, m.candles[0].bars.view());
    store.upsert_funding(m.funding[0]);
    const auto t = m.candles[0].bars.time();
    times.assign(t.begin(), t.end());
    runs::RunRecord run;
    run.id = "run-1";
    run.created = times.front();
    run.universe.market.interval = "1h";
    run.universe.market.coins = {"BTC"};
    run.universe.market.venues = {"synth"};
    run.status = runs::RunStatus::Finished;
    store.save_run(runs::to_row(run));
  }

  // A strategy born at the first bar and moved along `path` at the given bar indices.
  std::string add(std::uint64_t seed, const std::vector<std::pair<State, std::size_t>>& path,
                  const std::string& run_id = "run-1") {
    core::Rng rng(seed, {1});
    auto g = seed == 0 ? strategy::default_genome("ema_cross")
                       : strategy::random_genome(strategy::find_family("ema_cross"), rng);
    runs::StrategyRecord r;
    r.id = strategy::genome_id(g);
    r.run_id = run_id;
    r.family = "ema_cross";
    r.genome = strategy::canonical_json(g);
    lifecycle::birth(store, runs::to_row(r), times.front(), "test");
    for (const auto& [to, bar] : path)
      lifecycle::transition(store, r.id, to, "test move", "{}", times[bar]);
    return r.id;
  }

  // The strategy's backtest return per bar time, as the scheduler computes it (mean of legs).
  std::map<core::TimeMs, double> backtest(const std::string& id) {
    const std::vector<portfolio::StoredStrategy> one{*portfolio::stored_strategy(store, id)};
    auto spec = portfolio::candidates_market_spec(one);
    const auto market = data::common_bars(data::build_market(store, spec));
    const auto stream = portfolio::candidate_streams(one, market, {}, times.back());
    const auto legs = portfolio::leg_returns(stream.front(), market);
    std::map<core::TimeMs, double> out;
    for (std::size_t i = 1; i < times.size(); ++i) out[times[i]] = legs[0][i];
    return out;
  }

  data::StrategyMark mark(const std::string& id, const std::string& session, std::size_t bar,
                          double ret) {
    data::StrategyMark m;
    m.strategy_id = id;
    m.session = session;
    m.time = times[bar];
    m.equity = 1000;
    m.ret = ret;
    return m;
  }
};

lifecycle::LifecycleOptions options() {
  lifecycle::LifecycleOptions o;
  o.paper_days = 7;
  o.max_tracking_error = 0.25;
  o.paper_sharpe_ratio = 0.5;
  o.max_paper = 2;
  o.max_production = 3;
  o.rolling_bars = 24;
  o.min_rolling_sharpe = -1;
  o.dd_multiple = 1.5;
  o.cusum_k = 0.5;
  o.cusum_h = 5;
  o.decay_grace_days = 3;
  o.bars_per_year = k1h.bars_per_year();
  return o;
}

portfolio::AllocatorOptions allocator() {
  portfolio::AllocatorOptions a;
  a.lookback_bars = 480;
  a.bars_per_year = k1h.bars_per_year();
  return a;
}

LifecycleScheduler scheduler(Fixture& f, lifecycle::LifecycleOptions o = options()) {
  return LifecycleScheduler(f.store, k1h, o, {}, allocator());
}

json last_evidence(Fixture& f, const std::string& id) {
  return json::parse(f.store.list_strategy_events(id).back().evidence);
}

TEST(LifecycleScheduler, ValidatedToPaperBestScoreFirstWhileSlotsAreFree) {
  Fixture f;
  const auto a = f.add(0, {{State::Validated, 100}});
  // Seeds whose genomes trade in the window: scores 0.74, 0.21 and -0.37 (seeds 1-3, 5, 6 and
  // 8-19 of ema_cross never trade there and tie at their age term).
  const auto b = f.add(4, {{State::Validated, 100}});
  const auto c = f.add(7, {{State::Validated, 100}});
  auto s = scheduler(f);
  const auto changes = s.evaluate(f.times[700], {}, {});
  ASSERT_EQ(changes.size(), 2u);  // max_paper 2
  std::map<std::string, double> score;
  for (const auto& id : {a, b, c}) {
    std::vector<double> r;
    for (const auto& [t, x] : f.backtest(id)) {
      if (t <= f.times[700]) r.push_back(x);
    }
    r.erase(r.begin(), r.end() - 480);
    const double age = static_cast<double>(f.times[700] - f.times.front()) / kDay;
    score[id] = portfolio::score_stream(r, age, allocator()).score;
  }
  for (const auto& ch : changes) {
    EXPECT_EQ(ch.from, State::Validated);
    EXPECT_EQ(ch.to, State::Paper);
    EXPECT_EQ(ch.time, f.times[700]);
    const auto ev = json::parse(ch.evidence);
    EXPECT_NEAR(ev.at("score").get<double>(), score[ch.id], 1e-12);
    EXPECT_EQ(ev.at("bars").get<int>(), 480);
  }
  // The one left behind scores below both.
  std::string left;
  for (const auto& id : {a, b, c}) {
    if (lifecycle::current_state(f.store, id) == State::Validated) left = id;
  }
  EXPECT_EQ(left, c);
  for (const auto& ch : changes) EXPECT_GT(score[ch.id], score[left]);
  EXPECT_EQ(json::parse(changes[0].evidence).at("rank"), 1);
  EXPECT_GE(score[changes[0].id], score[changes[1].id]);
  // The same time again (a restart): nothing moves twice; a later bar: no slot is free.
  EXPECT_TRUE(s.evaluate(f.times[700], {}, {}).empty());
  EXPECT_TRUE(s.evaluate(f.times[701], {}, {}).empty());
  EXPECT_EQ(s.trading_sets().paper.size(), 2u);
}

TEST(LifecycleScheduler, PaperPromotedWhenItTracksItsBacktestAndDemotedWhenNot) {
  Fixture f;
  const auto good = f.add(0, {{State::Validated, 100}, {State::Paper, 800}});
  const auto noisy = f.add(4, {{State::Validated, 100}, {State::Paper, 800}});
  const auto bt_good = f.backtest(good);
  const auto bt_noisy = f.backtest(noisy);
  // Paper returns: the backtest's plus 0.002 per bar (tracking error 0, a Sharpe above it), and
  // the backtest's plus +-0.02 alternating (tracking error 0.02 sqrt(n/(n-1)) sqrt(8760) = 1.87).
  std::vector<data::StrategyMark> marks;
  const std::size_t end = 800 + 7 * 24;  // 7 days later
  int n = 0;
  for (std::size_t i = 801; i <= end; ++i, ++n) {
    marks.push_back(f.mark(good, "paper", i, bt_good.at(f.times[i]) + 0.002));
    marks.push_back(
        f.mark(noisy, "paper", i, bt_noisy.at(f.times[i]) + (n % 2 == 0 ? 0.02 : -0.02)));
  }
  auto s = scheduler(f);
  // A day short: nothing moves.
  std::vector<data::StrategyMark> early(marks.begin(), marks.end() - 48);
  EXPECT_TRUE(s.evaluate(f.times[end - 24], early, {}).empty());
  const auto changes = s.evaluate(f.times[end], marks, {});
  ASSERT_EQ(changes.size(), 2u);
  std::map<std::string, LifecycleChange> by_id;
  for (const auto& ch : changes) by_id.emplace(ch.id, ch);
  EXPECT_EQ(by_id.at(good).to, State::Production);
  EXPECT_EQ(by_id.at(noisy).to, State::Validated);
  const auto eg = json::parse(by_id.at(good).evidence);
  EXPECT_NEAR(eg.at("tracking_error").get<double>(), 0.0, 1e-9);
  EXPECT_EQ(eg.at("bars").get<int>(), 168);
  EXPECT_NEAR(eg.at("paper_days").get<double>(), 7.0, 1e-12);
  const auto en = json::parse(by_id.at(noisy).evidence);
  EXPECT_NEAR(en.at("tracking_error").get<double>(),
              0.02 * std::sqrt(168.0 / 167.0) * std::sqrt(8760.0), 1e-6);
  EXPECT_NE(by_id.at(noisy).reason.find("tracking error"), std::string::npos)
      << by_id.at(noisy).reason;
  // Stored with the same evidence.
  EXPECT_EQ(last_evidence(f, good), eg);
  EXPECT_EQ(f.store.load_marks(good).size(), 168u);
  // Again at the same time: no double move (the demoted one is not sent back to paper at once).
  EXPECT_TRUE(s.evaluate(f.times[end], marks, {}).empty());
  EXPECT_EQ(f.store.list_strategy_events(noisy).size(), 4u);  // born, validated, paper, validated
}

TEST(LifecycleScheduler, ProductionDecaysOnLossesOrTheBreakerAndStaysOtherwise) {
  Fixture f;
  const auto losing =
      f.add(0, {{State::Validated, 100}, {State::Paper, 700}, {State::Production, 900}});
  const auto steady =
      f.add(4, {{State::Validated, 100}, {State::Paper, 700}, {State::Production, 900}});
  const auto paused =
      f.add(7, {{State::Validated, 100}, {State::Paper, 700}, {State::Production, 900}});
  std::vector<data::StrategyMark> marks;
  for (std::size_t i = 901; i <= 930; ++i) {
    marks.push_back(f.mark(losing, "production", i, i % 2 ? -0.005 : -0.015));  // mean -0.01 a bar
    marks.push_back(f.mark(steady, "production", i, 0.0));
    marks.push_back(f.mark(paused, "production", i, 0.0));
  }
  auto s = scheduler(f);
  const std::vector<std::string> breaker{paused};
  const auto changes = s.evaluate(f.times[930], marks, breaker);
  ASSERT_EQ(changes.size(), 2u);
  std::map<std::string, LifecycleChange> by_id;
  for (const auto& ch : changes) by_id.emplace(ch.id, ch);
  ASSERT_TRUE(by_id.count(losing));
  EXPECT_EQ(by_id.at(losing).to, State::Decaying);
  const auto ev = json::parse(by_id.at(losing).evidence);
  // 30 bars alternating -0.005 / -0.015: the last 24 have mean -0.01, std 0.005 sqrt(24/23).
  const double rolling = -0.01 / (0.005 * std::sqrt(24.0 / 23.0)) * std::sqrt(8760.0);
  EXPECT_NEAR(ev.at("rolling_sharpe").at("sharpe").get<double>(), rolling, 1e-6);
  EXPECT_TRUE(ev.at("rolling_sharpe").at("failed").get<bool>());
  EXPECT_TRUE(ev.at("cusum").at("failed").get<bool>());
  // Drawdown of 30 compounded losses, independently.
  double e = 1;
  for (std::size_t i = 901; i <= 930; ++i) e *= 1 + (i % 2 ? -0.005 : -0.015);
  EXPECT_NEAR(ev.at("drawdown").at("value").get<double>(), 1 - e, 1e-12);
  EXPECT_EQ(by_id.at(paused).to, State::Decaying);
  EXPECT_EQ(json::parse(by_id.at(paused).evidence).at("failed"), json({"breaker"}));
  EXPECT_EQ(lifecycle::current_state(f.store, steady), State::Production);
  const auto sets = s.trading_sets();
  EXPECT_EQ(sets.production.size(), 3u);  // production + decaying
}

TEST(LifecycleScheduler, DecayingRecoversOrRetiresWithAPostmortem) {
  Fixture f;
  const auto path = std::vector<std::pair<State, std::size_t>>{{State::Validated, 100},
                                                               {State::Paper, 700},
                                                               {State::Production, 900},
                                                               {State::Decaying, 950}};
  const auto dying = f.add(0, path);
  const auto healing = f.add(4, path);
  std::vector<data::StrategyMark> marks;
  for (std::size_t i = 901; i <= 950 + 72; ++i) {
    marks.push_back(f.mark(dying, "production", i, i % 2 ? -0.005 : -0.015));
    marks.push_back(f.mark(healing, "production", i, i <= 950 ? -0.01 : (i % 2 ? 0.001 : 0.0)));
  }
  auto s = scheduler(f);
  // 24 bars after the decay: the healing one passes every test on them and recovers.
  std::vector<data::StrategyMark> first;
  for (const auto& m : marks) {
    if (m.time <= f.times[974]) first.push_back(m);
  }
  auto changes = s.evaluate(f.times[974], first, {});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, healing);
  EXPECT_EQ(changes[0].to, State::Production);
  EXPECT_EQ(json::parse(changes[0].evidence).at("bars").get<int>(), 24);
  // Three days after the decay (grace): the dying one is retired.
  changes = s.evaluate(f.times[950 + 72], marks, {});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, dying);
  EXPECT_EQ(changes[0].to, State::Retired);
  EXPECT_NE(changes[0].reason.find("no recovery within 3 days"), std::string::npos)
      << changes[0].reason;
  const auto pm = f.store.load_postmortem(dying);
  ASSERT_TRUE(pm);
  EXPECT_EQ(pm->time, f.times[950 + 72]);
  const auto p = lifecycle::postmortem_from_json(json::parse(pm->json));
  EXPECT_EQ(p.strategy_id, dying);
  EXPECT_EQ(p.family, "ema_cross");
  EXPECT_EQ(p.reason, changes[0].reason);
  EXPECT_NEAR(p.age_days, static_cast<double>(f.times[950 + 72] - f.times.front()) / kDay, 1e-12);
  ASSERT_EQ(p.path.size(), 3u);  // production, decaying, retired
  EXPECT_EQ(p.path[0].to, State::Production);
  EXPECT_EQ(p.path[1].to, State::Decaying);
  EXPECT_EQ(p.path[2].to, State::Retired);
  ASSERT_EQ(p.regimes.size(), 1u);
  EXPECT_EQ(p.regimes[0].coin, "BTC");
  EXPECT_NE(p.regimes[0].at_death, "");
  ASSERT_EQ(p.live.size(), 1u);
  EXPECT_EQ(p.live[0].session, "production");
  EXPECT_EQ(p.live[0].bars, 122);  // bars 901..1022
  double e = 1;
  for (std::size_t i = 901; i <= 1022; ++i) e *= 1 + (i % 2 ? -0.005 : -0.015);
  EXPECT_NEAR(p.live[0].total_return, e - 1, 1e-12);
  EXPECT_TRUE(std::isfinite(p.validated.stdev));
  EXPECT_EQ(p.genome.at("family"), "ema_cross");
  // The event and the post-mortem were written together; again at the same time: nothing.
  EXPECT_EQ(lifecycle::current_state(f.store, dying), State::Retired);
  EXPECT_TRUE(s.evaluate(f.times[950 + 72], marks, {}).empty());
  EXPECT_EQ(f.store.list_postmortems().size(), 1u);
  EXPECT_FALSE(lifecycle::to_text(p).empty());
}

TEST(LifecycleScheduler, AStrategyWhoseMarketIsGoneStaysAndTheOthersMove) {
  Fixture f;
  runs::RunRecord run;
  run.id = "run-doge";
  run.universe.market.interval = "1h";
  run.universe.market.coins = {"DOGE"};  // never stored
  run.universe.market.venues = {"synth"};
  run.status = runs::RunStatus::Finished;
  f.store.save_run(runs::to_row(run));
  const auto lost = f.add(0, {{State::Validated, 100}}, "run-doge");
  const auto fine = f.add(4, {{State::Validated, 100}});
  auto s = scheduler(f);
  const auto changes = s.evaluate(f.times[700], {}, {});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, fine);
  EXPECT_EQ(lifecycle::current_state(f.store, lost), State::Validated);
}

}  // namespace
}  // namespace organism::daemon
