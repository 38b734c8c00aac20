// The post-mortem of a retired strategy: why and when it died, its age, the market regimes at its
// birth and death, its live metrics per session against its validated ones, its family and genome;
// as JSON (what the store keeps) and as text; and the retirement that writes it with the event.
// Used by the daemon's lifecycle scheduler, `organism strategy postmortem` and the HTML report.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "data/store.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/rules.hpp"

namespace organism::lifecycle {

// A strategy's live record in one session, from its marks.
struct LiveMetrics {
  std::string session;    // "paper" | "production"
  std::int64_t bars = 0;  // marks with a return
  TimeMs first = 0, last = 0;
  double total_return = 0;  // compounded
  double sharpe = 0;        // annualized
  double max_drawdown = 0;  // of the compounded curve
};
// Per session (paper first, then production), the marks' finite returns compounded.
std::vector<LiveMetrics> live_metrics(std::span<const data::StrategyMark> marks,
                                      double bars_per_year);

struct CoinRegimes {
  std::string coin;
  std::string at_birth, at_death;  // indicators::Regime::label()
};
// The regime label of the last bar at or before `time` (classify_regimes on `bars`, which hold no
// later bar than needed); "unknown" when no bar is that old.
std::string regime_at(const data::CandleView& bars, TimeMs time);

struct Postmortem {
  std::string strategy_id, family, run_id;
  TimeMs born = 0, died = 0;  // market time of the retirement
  double age_days = 0;
  std::string reason;  // of the retirement
  nlohmann::json evidence = nlohmann::json::object();
  std::vector<Event>
      path;  // the moves that led there: from its last entry into production (or paper) on
  std::vector<CoinRegimes> regimes;
  std::vector<LiveMetrics> live;
  ValidatedFigures validated;
  nlohmann::json genome = nlohmann::json::object();
};

nlohmann::json to_json(const Postmortem& p);
// core::Error naming what is missing for a malformed record.
Postmortem postmortem_from_json(const nlohmann::json& j);
// Several lines a trader reads: what, why, when, age, regimes, live against validated.
std::string to_text(const Postmortem& p);

// Moves the strategy to retired and stores its post-mortem in one transaction (the event and the
// record exist together or not at all). Its own transaction (BEGIN IMMEDIATE): not to be called
// inside another. core::Error as transition() for an illegal move; nothing is then written.
void retire(data::Store& store, const std::string& id, const std::string& reason,
            const std::string& evidence, const std::string& postmortem_json, TimeMs now);

}  // namespace organism::lifecycle
