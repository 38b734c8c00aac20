#include "daemon/lifecycle_scheduler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "data/market.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/postmortem.hpp"
#include "portfolio/candidates.hpp"
#include "portfolio/portfolio_backtest.hpp"
#include "portfolio/score.hpp"
#include "runs/records.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::daemon {

using lifecycle::State;

struct LifecycleScheduler::Living {
  data::StrategyRecord row;
  portfolio::StoredStrategy stored;
  State state = State::Testing;
  core::TimeMs entered = 0;                      // its state's last event (market time)
  std::optional<core::TimeMs> paper_entry;       // its last entry into paper
  std::optional<core::TimeMs> production_entry;  // its last entry into production
  double held_out_sharpe = std::numeric_limits<double>::quiet_NaN();
  bool moved = false;  // moved by this evaluation
};

namespace {

double days(core::TimeMs from, core::TimeMs to) {
  return static_cast<double>(to - from) / static_cast<double>(core::kDayMs);
}

// The finite returns of one session's marks after `after`, with their times.
std::vector<data::StrategyMark> session_marks(data::Store& store, const std::string& id,
                                              const std::string& session, core::TimeMs after) {
  std::vector<data::StrategyMark> out;
  for (auto& m : store.load_marks(id, after + 1)) {
    if (m.session == session && std::isfinite(m.ret)) out.push_back(std::move(m));
  }
  return out;
}

std::vector<double> returns_of(const std::vector<data::StrategyMark>& marks) {
  std::vector<double> r;
  r.reserve(marks.size());
  for (const auto& m : marks) r.push_back(m.ret);
  return r;
}

}  // namespace

LifecycleScheduler::LifecycleScheduler(data::Store& store, core::Interval interval,
                                       lifecycle::LifecycleOptions options,
                                       backtest::BacktestConfig costs,
                                       portfolio::AllocatorOptions allocator)
    : store_(store), interval_(interval), options_(options), costs_(costs), allocator_(allocator) {}

void LifecycleScheduler::set_options(lifecycle::LifecycleOptions options) { options_ = options; }

std::vector<LifecycleScheduler::Living> LifecycleScheduler::living() const {
  std::vector<Living> out;
  for (auto& row : store_.list_strategies()) {
    const auto state = lifecycle::parse_state(row.state);
    if (!state || *state == State::Testing || *state == State::Retired) continue;
    auto& cached = stored_[row.id];
    if (!cached.second || cached.first != row.updated) cached = {row.updated, portfolio::stored_strategy(store_, row.id)};
    auto stored = cached.second;
    if (!stored || stored->interval != interval_.name()) continue;
    Living s;
    s.state = *state;
    s.stored = std::move(*stored);
    for (const auto& e : store_.list_strategy_events(row.id)) {
      s.entered = e.time;
      if (e.to_state == "paper") s.paper_entry = e.time;
      if (e.to_state == "production") s.production_entry = e.time;
    }
    if (!row.validation.empty()) {
      const auto record = runs::from_row(row);
      if (record.validation) s.held_out_sharpe = record.validation->held_out_sharpe;
    }
    s.row = std::move(row);
    out.push_back(std::move(s));
  }
  return out;
}

std::map<core::TimeMs, double> LifecycleScheduler::backtest_returns(const Living& s,
                                                                    core::TimeMs to) {
  const std::vector<portfolio::StoredStrategy> one{s.stored};
  auto spec = portfolio::candidates_market_spec(one);
  const auto market = data::common_bars(data::build_market(store_, spec));
  const auto streams = portfolio::candidate_streams(one, market, costs_, to);
  const auto legs = portfolio::leg_returns(streams.front(), market);
  std::map<core::TimeMs, double> out;
  const auto times = market.coins.front().bars.time();
  for (std::size_t i = 1; i < times.size() && times[i] <= to; ++i) {
    double sum = 0;
    for (const auto& leg : legs) sum += leg[i];
    out[times[i]] = sum / static_cast<double>(legs.size());  // equal capital on each leg
  }
  return out;
}

lifecycle::ValidatedFigures LifecycleScheduler::validated_figures(const Living& s) {
  // The reference is the backtest of the stored bars before it entered paper trading (the last
  // portfolio.lookback_bars of them): what it did on the data it was chosen on.
  const core::TimeMs cut = s.paper_entry.value_or(0);
  if (const auto it = figures_.find(s.row.id); it != figures_.end() && it->second.first == cut)
    return it->second.second;
  std::vector<double> reference;
  for (const auto& [t, r] : backtest_returns(s, cut - 1)) reference.push_back(r);
  if (reference.size() > allocator_.lookback_bars)
    reference.erase(reference.begin(),
                    reference.end() - static_cast<std::ptrdiff_t>(allocator_.lookback_bars));
  lifecycle::ValidatedFigures f;
  const auto moments = validate::return_moments(reference);
  if (reference.size() >= 2) {
    f.mean = moments.mean;
    f.stdev = std::sqrt(moments.variance);
  }
  f.sharpe = std::isfinite(s.held_out_sharpe)
                 ? s.held_out_sharpe
                 : lifecycle::annualized_sharpe(reference, options_.bars_per_year);
  f.max_drawdown = std::isfinite(s.stored.validated_max_drawdown)
                       ? s.stored.validated_max_drawdown
                       : lifecycle::compounded_drawdown(reference);
  figures_[s.row.id] = {cut, f};
  return f;
}

std::string LifecycleScheduler::postmortem_json(const Living& s, core::TimeMs time,
                                                const std::string& reason,
                                                const std::string& evidence) {
  lifecycle::Postmortem p;
  p.strategy_id = s.row.id;
  p.family = s.row.family;
  p.run_id = s.row.run_id;
  // A strategy born (wall clock) after the market time it is judged in (a rehearsal replaying
  // the past) is aged from its first lifecycle move in market time instead.
  p.born = s.row.created <= time ? s.row.created : s.paper_entry.value_or(time);
  p.died = time;
  p.age_days = days(p.born, time);
  p.reason = reason;
  p.evidence = nlohmann::json::parse(evidence, nullptr, false);
  const auto events = lifecycle::history(store_, s.row.id);
  // From its last entry into production (else paper) on.
  std::optional<std::size_t> production, paper;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].to == State::Production) production = i;
    if (events[i].to == State::Paper) paper = i;
  }
  const std::size_t from = production.value_or(paper.value_or(0));
  p.path.assign(events.begin() + static_cast<std::ptrdiff_t>(from), events.end());
  p.path.push_back({s.state, State::Retired, time, reason, evidence});
  try {
    auto spec = portfolio::candidates_market_spec({s.stored});
    const auto market = data::build_market(store_, spec);
    for (std::size_t i = 0; i < market.coins.size(); ++i) {
      const auto view = market.coins[i].bars.view();
      p.regimes.push_back({s.stored.coins[i], lifecycle::regime_at(view, p.born),
                           lifecycle::regime_at(view, time)});
    }
  } catch (const core::Error& e) {
    // The retirement is decided; a market the store no longer holds only leaves the regimes out.
    spdlog::warn("lifecycle: post-mortem of {}: no regimes: {}", s.row.id, e.what());
  }
  p.live =
      lifecycle::live_metrics(store_.load_marks(s.row.id, {}, time + 1), options_.bars_per_year);
  p.validated = validated_figures(s);
  p.genome = nlohmann::json::parse(s.row.genome, nullptr, false);
  return lifecycle::to_json(p).dump();
}

std::vector<LifecycleChange> LifecycleScheduler::evaluate(core::TimeMs time,
                                                          std::span<const data::StrategyMark> marks,
                                                          std::span<const std::string> paused) {
  if (!marks.empty()) store_.upsert_marks(marks);
  auto all = living();
  std::vector<LifecycleChange> changes;
  const auto is_paused = [&](const std::string& id) {
    return std::find(paused.begin(), paused.end(), id) != paused.end();
  };
  // A strategy moved at or after `time` (by this evaluation or by one before a restart) waits.
  // Moved at this very bar (by this call, or by the killed process whose bar is decided again):
  // not moved twice. Compared for equality, not order: evolve stamps births and validations with
  // the wall clock, which in a rehearsal replaying the past is later than every market time.
  const auto settled = [&](const Living& s) { return !s.moved && s.entered != time; };
  const auto move = [&](Living& s, State to, const std::string& reason,
                        const std::string& evidence) {
    if (to == State::Retired) {
      lifecycle::retire(store_, s.row.id, reason, evidence,
                        postmortem_json(s, time, reason, evidence), time);
    } else {
      lifecycle::transition(store_, s.row.id, to, reason, evidence, time);
    }
    changes.push_back({s.row.id, s.state, to, time, reason, evidence});
    s.state = to;
    s.moved = true;
  };
  // A strategy whose inputs cannot be computed (its coins gone from the store, a damaged series)
  // stays where it is, with a warning: one strategy must not stop the organism.
  const auto judged = [&](const Living& s, const auto& rule) -> std::optional<lifecycle::Verdict> {
    try {
      return rule();
    } catch (const core::Error& e) {
      spdlog::warn("lifecycle: strategy {} stays {}: {}", s.row.id, lifecycle::to_string(s.state),
                   e.what());
      return std::nullopt;
    }
  };
  const auto count = [&](std::initializer_list<State> states) {
    return static_cast<std::int64_t>(std::count_if(all.begin(), all.end(), [&](const Living& s) {
      return std::find(states.begin(), states.end(), s.state) != states.end();
    }));
  };

  for (auto& s : all) {  // decaying: recover or retire
    if (s.state != State::Decaying || !settled(s)) continue;
    const auto v = judged(s, [&] {
      const lifecycle::LiveInputs in{
          time, s.entered, returns_of(session_marks(store_, s.row.id, "production", s.entered)),
          validated_figures(s), is_paused(s.row.id)};
      return lifecycle::decaying_verdict(in, options_);
    });
    if (v && v->to) move(s, *v->to, v->reason, v->evidence.dump());
  }
  for (auto& s : all) {  // production: decay
    if (s.state != State::Production || !settled(s)) continue;
    const auto v = judged(s, [&] {
      const lifecycle::LiveInputs in{
          time, s.entered, returns_of(session_marks(store_, s.row.id, "production", s.entered)),
          validated_figures(s), is_paused(s.row.id)};
      return lifecycle::production_verdict(in, options_);
    });
    if (v && v->to) move(s, *v->to, v->reason, v->evidence.dump());
  }
  for (auto& s : all) {  // paper: promote or demote
    if (s.state != State::Paper || !settled(s)) continue;
    const auto v = judged(s, [&] {
      const auto live = session_marks(store_, s.row.id, "paper", s.entered);
      lifecycle::PaperInputs in;
      in.now = time;
      in.entered = s.entered;
      in.validated = validated_figures(s);
      in.production_slot_free =
          count({State::Production, State::Decaying}) < options_.max_production;
      if (days(s.entered, time) >= options_.paper_days && !live.empty()) {
        const auto backtest = backtest_returns(s, time);
        for (const auto& m : live) {
          const auto it = backtest.find(m.time);
          if (it == backtest.end()) continue;  // a bar the store does not hold (yet)
          in.paper.push_back(m.ret);
          in.backtest.push_back(it->second);
        }
      }
      return lifecycle::paper_verdict(in, options_);
    });
    if (v && v->to) move(s, *v->to, v->reason, v->evidence.dump());
  }
  // validated -> paper, best allocator score first, while paper slots are free.
  const std::int64_t free = options_.max_paper - count({State::Paper});
  if (free > 0) {
    struct Ranked {
      Living* s;
      portfolio::StreamScore score;
      std::size_t bars;
    };
    std::vector<Ranked> ranked;
    for (auto& s : all) {
      if (s.state != State::Validated || !settled(s)) continue;
      std::vector<double> r;
      if (!judged(s, [&] {
            for (const auto& [t, x] : backtest_returns(s, time)) r.push_back(x);
            return lifecycle::Verdict{};
          })) {
        continue;
      }
      if (r.size() > allocator_.lookback_bars)
        r.erase(r.begin(), r.end() - static_cast<std::ptrdiff_t>(allocator_.lookback_bars));
      if (r.empty()) continue;
      const double age = std::max(0.0, days(s.row.created, time));
      ranked.push_back({&s, portfolio::score_stream(r, age, allocator_), r.size()});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      return a.score.score != b.score.score ? a.score.score > b.score.score
                                            : a.s->row.id < b.s->row.id;
    });
    for (std::size_t i = 0; i < ranked.size() && static_cast<std::int64_t>(i) < free; ++i) {
      const auto& r = ranked[i];
      const nlohmann::json evidence = {{"score", r.score.score},
                                       {"sharpe", r.score.sharpe},
                                       {"consistency", r.score.consistency},
                                       {"max_drawdown", r.score.max_drawdown},
                                       {"age_days", r.score.age_days},
                                       {"bars", r.bars},
                                       {"rank", i + 1},
                                       {"candidates", ranked.size()},
                                       {"free_paper_slots", free}};
      move(*r.s, State::Paper,
           fmt::format("paper trading: allocator score {:.4f}, rank {} of {}", r.score.score, i + 1,
                       ranked.size()),
           evidence.dump());
    }
  }
  return changes;
}

TradingSets LifecycleScheduler::trading_sets() const {
  auto all = living();
  std::sort(all.begin(), all.end(), [](const Living& a, const Living& b) {
    return a.row.created != b.row.created ? a.row.created < b.row.created : a.row.id < b.row.id;
  });
  TradingSets out;
  for (const auto& s : all) {
    if (s.state == State::Paper) out.paper.push_back(s.row.id);
    if (s.state == State::Production || s.state == State::Decaying)
      out.production.push_back(s.row.id);
  }
  return out;
}

}  // namespace organism::daemon
