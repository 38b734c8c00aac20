#include "api_fixture.hpp"

#include <cmath>
#include <stdexcept>

#include "data/store.hpp"
#include "exec/journal.hpp"
#include "exec/risk_journal.hpp"
#include "indicators/regime.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/postmortem.hpp"
#include "report_fixture.hpp"
#include "runs/records.hpp"
#include "core/random.hpp"
#include "strategy/family.hpp"
#include "strategy/genome.hpp"

namespace organism::test {
namespace {

using lifecycle::State;

void write_candles(data::Store& store, const std::string& coin, double base, int bars) {
  data::Candles c;
  for (int i = 0; i < bars; ++i) {
    const double close = base + i;
    c.push_back({kT0 + i * kHour, close - 0.5, close + 1, close - 1, close, 10});
  }
  store.upsert_candles({"hyperliquid", coin, *core::Interval::parse("1h")}, c.view());
}

std::string born(data::Store& store, std::uint64_t seed, const std::vector<State>& path, const std::string& run) {
  core::Rng rng(seed, {1});
  const auto g = strategy::random_genome(strategy::find_family("ema_cross"), rng);
  runs::StrategyRecord r;
  r.id = strategy::genome_id(g);
  r.run_id = run;
  r.family = "ema_cross";
  r.genome = strategy::canonical_json(g);
  lifecycle::birth(store, runs::to_row(r), kT0, "found by test");
  core::TimeMs t = kT0;
  for (State to : path) lifecycle::transition(store, r.id, to, "test move", R"({"why": "test"})", t += kHour);
  return r.id;
}

exec::OrderIntent intent_of(const std::string& strategy, const std::string& coin, std::uint32_t sequence) {
  exec::OrderIntent intent;
  intent.strategy_id = strategy;
  intent.coin = coin;
  intent.bar_time = kT0 + sequence * kHour;
  intent.sequence = sequence;
  intent.size = 50'000'000;        // 0.5
  intent.price = 230'000'000'000;  // 2300
  return intent;
}

void write_production_journal(const std::string& path, const std::string& strategy) {
  auto journal = exec::Journal::open(path);
  exec::Order open = exec::make_order(intent_of(strategy, "ETH", 1), exec::OrderLeg::primary, kT0 + kHour);
  exec::Order done = exec::make_order(intent_of(strategy, "BTC", 2), exec::OrderLeg::primary, kT0 + 2 * kHour);
  journal.record_intent(open);
  journal.record_intent(done);
  open = journal.record_event(open, {exec::OrderEvent::sent, kT0 + kHour + 1, std::nullopt, 0, 0, 0, ""});
  done = journal.record_event(done, {exec::OrderEvent::sent, kT0 + 2 * kHour + 1, std::nullopt, 0, 0, 0, ""});
  done = journal.record_event(done, {exec::OrderEvent::acked_filled, kT0 + 2 * kHour + 2, 9, 50'000'000,
                                     230'000'000'000, 0, ""});
  exchange::client::Fill f;
  f.coin = "BTC";
  f.px = 230'000'000'000;
  f.sz = 50'000'000;
  f.buy = true;
  f.time = kT0 + 2 * kHour + 2;
  f.tid = 77;
  f.oid = 9;
  f.fee = 5'175'000;
  f.cloid = done.cloid;
  journal.record_fill(f);
  f.tid = 78;
  f.time = kT0 + 3 * kHour;
  f.buy = false;
  f.cloid.reset();  // a trade made by hand: no strategy
  journal.record_fill(f);
  journal.record_position({strategy, "BTC", 50'000'000, 230'000'000'000, 0, 5'175'000, 0, kT0 + 2 * kHour, "fill 77"});
  journal.record_position({strategy, "BTC", 30'000'000, 230'000'000'000, 1'000, 5'175'000, 0, kT0 + 3 * kHour, "fill 79"});
  journal.record_allocations({{kT0 + 2 * kHour, strategy, "BTC", 1.0, 0.5}});
  journal.record_allocations({{kT0 + 4 * kHour, strategy, "BTC", 0.6, 0.25}, {kT0 + 4 * kHour, strategy, "ETH", 0.4, -0.1}});

  auto risk = exec::RiskJournal::open(path);
  backtest::BreakerMemory memory;
  memory.state = backtest::TradingState::reducing;
  memory.peak = 10'000;
  memory.equity = 9'300;
  memory.day_start = 9'800;
  memory.day = kT0 / core::kDayMs;
  backtest::Transition t;
  t.time = kT0 + 5 * kHour;
  t.from = backtest::TradingState::active;
  t.to = backtest::TradingState::reducing;
  t.reason = backtest::Breaker::drawdown;
  t.figures = {{"drawdown", 0.07}, {"limit", 0.05}};
  risk.record_transitions({t}, memory, t.time);
  risk.add_command(kT0 + 6 * kHour, "resume", "test");
}

void write_paper_journal(const std::string& path, const std::string& strategy) {
  auto journal = exec::Journal::open(path);
  journal.record_position({strategy, "ETH", -20'000'000, 150'000'000'000, 0, 1'000, 0, kT0 + 4 * kHour, "fill 5"});
}

}  // namespace

ApiFixture::ApiFixture() {
  const std::string store_path = (dir / "o.db").string();
  sources = monitor::api::ApiSources::for_store(store_path);
  sources.wall_now = [] { return kNow; };
  auto store = data::Store::open(store_path);
  write_candles(store, "BTC", 100, 10);  // newest bar at kT0 + 9h, close 109
  write_candles(store, "ETH", 50, 8);    // newest close 57
  const std::vector<core::TimeMs> times{kT0 + 7 * kHour, kT0 + 8 * kHour};
  const indicators::Regime regime{indicators::VolRegime::High, indicators::TrendRegime::Up,
                                  indicators::SentimentBand::Greed};
  const std::vector<std::uint8_t> codes{0, regime.code()};
  store.upsert_regimes({"hyperliquid", "BTC", *core::Interval::parse("1h")}, times, codes);

  runs::RunRecord run;
  run.id = run_id = "run_20240101000000_s7";
  run.created = kT0;
  run.universe.market.interval = "1h";
  run.universe.market.coins = {"BTC"};
  run.universe.market.venues = {"hyperliquid"};
  run.options.evolve.generations = 10;
  run.status = runs::RunStatus::Finished;
  run.progress = {10, 1200, 12.5};
  run.result = hand_run(false, 2);
  store.save_run(runs::to_row(run));

  production_id = born(store, 1, {State::Validated, State::Paper, State::Production}, run_id);
  paper_id = born(store, 2, {State::Validated, State::Paper}, run_id);
  retired_id = born(store, 3, {State::Retired}, run_id);
  store.save_postmortem({retired_id, kT0 + kHour, R"({"reason": "test"})"});

  // Production marks: equity 1000, 1010, 990, 1030 (a 1.98% drawdown at the third); paper marks
  // of the paper strategy beside them (they must not join the production sum).
  production_equity = {1000, 1010, 990, 1030};
  std::vector<data::StrategyMark> marks;
  for (std::size_t i = 0; i < production_equity.size(); ++i) {
    data::StrategyMark m;
    m.strategy_id = production_id;
    m.session = "production";
    m.time = kT0 + static_cast<core::TimeMs>(i) * kHour;
    m.equity = production_equity[i];
    m.ret = i == 0 ? std::nan("") : production_equity[i] / production_equity[i - 1] - 1;
    marks.push_back(m);
    m.strategy_id = paper_id;
    m.session = "paper";
    m.equity = 500;
    m.ret = i == 0 ? std::nan("") : 0.0;
    marks.push_back(m);
  }
  store.upsert_marks(marks);

  write_production_journal(sources.production_journal, production_id);
  write_paper_journal(sources.paper_journal, paper_id);
}

void ApiFixture::write_daemon(const monitor::DaemonStatus& status, int resume_attempts) {
  nlohmann::json state{{"daemon", monitor::to_json(status)},
                       {"evolution", {{"last_bar", status.last_bar}, {"resume_attempts", resume_attempts},
                                      {"run_id", "run_x"}, {"child_pid", 0}, {"cycle_started_wall", 0}}}};
  write_file(sources.daemon_status_path, state.dump());
}

monitor::http::Response call(const monitor::api::ApiSources& sources, const std::string& method,
                             const std::string& pattern, const std::map<std::string, std::string>& query,
                             const std::map<std::string, std::string>& params, const std::string& body) {
  for (const auto& route : monitor::api::api_routes(sources)) {
    if (route.method != method || route.pattern != pattern) continue;
    monitor::http::Request r;
    r.method = method;
    r.path = pattern;
    for (const auto& [name, value] : params) r.path.replace(r.path.find("{" + name + "}"), name.size() + 2, value);
    r.query = query;
    r.path_params = params;
    r.body = body;
    r.remote_ip = "127.0.0.1";
    return route.handler(r);
  }
  throw std::logic_error("no route " + method + " " + pattern);
}

nlohmann::ordered_json json_of(const monitor::http::Response& response) {
  return nlohmann::ordered_json::parse(response.body);
}

}  // namespace organism::test
