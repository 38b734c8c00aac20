// The portfolio circuit breakers (circuit_breakers.hpp).
#include "backtest/circuit_breakers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <optional>

#include "core/text.hpp"

namespace organism::backtest {

namespace {

constexpr std::array kStateNames = {"ACTIVE", "REDUCING", "HALTED"};
constexpr std::array kBreakerNames = {"drawdown",   "daily_loss", "losing_streak", "volatility",
                                      "stale_data", "error_rate", "manual"};

using Figures = std::vector<std::pair<std::string, double>>;

// The UTC day of a time (floor division, so a time before 1970 is in the day it belongs to).
std::int64_t utc_day(core::TimeMs time) {
  return time >= 0 ? time / core::kDayMs : (time + 1) / core::kDayMs - 1;
}

// A figure as a reader wants it: money to the cent, ratios to four significant digits, both in
// plain decimal ("10500", "9414.3", "0.1034").
std::string figure_text(double v) {
  if (!std::isfinite(v)) return fmt::format("{}", v);
  if (std::abs(v) >= 1) return core::format_number(std::round(v * 100) / 100);
  return core::format_number(std::stod(fmt::format("{:.4g}", v)));
}

// A ring of the last `capacity` values.
template <class T>
struct Window {
  std::deque<T> values;
  std::size_t capacity = 0;
  // Adds v; returns the value pushed out, if the window was full.
  std::optional<T> push(T v) {
    values.push_back(v);
    if (values.size() <= capacity) return std::nullopt;
    const T out = values.front();
    values.pop_front();
    return out;
  }
  bool full() const { return values.size() == capacity; }
};

// One coin's volatility: its last vol_window returns, the last vol_median_window realized
// volatilities (in arrival order and sorted, so the median is an index: O(window) per update by
// one insertion and one erasure, never a sort).
struct CoinVolatility {
  Window<double> returns;
  Window<double> vols;
  std::vector<double> sorted;
  double vol = 0, median = 0;
  bool known = false;  // vol and median exist (vol_median_window vols seen)
  bool high = false;   // REDUCING by this coin

  void add(double r) {
    returns.push(r);
    if (!returns.full()) return;
    double mean = 0;
    for (double x : returns.values) mean += x;
    mean /= static_cast<double>(returns.values.size());
    double ss = 0;
    for (double x : returns.values) ss += (x - mean) * (x - mean);
    vol = std::sqrt(ss / static_cast<double>(returns.values.size() - 1));
    if (const auto out = vols.push(vol))
      sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), *out));
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), vol), vol);
    known = vols.full();
    if (!known) return;
    const std::size_t m = sorted.size();
    median = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
  }
};

}  // namespace

std::string_view name_of(TradingState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}
std::string_view name_of(Breaker breaker) {
  return kBreakerNames[static_cast<std::size_t>(breaker)];
}

std::optional<TradingState> trading_state_from(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (name == kStateNames[i]) return static_cast<TradingState>(i);
  }
  return std::nullopt;
}

std::optional<Breaker> breaker_from(std::string_view name) {
  for (std::size_t i = 0; i < kBreakerNames.size(); ++i) {
    if (name == kBreakerNames[i]) return static_cast<Breaker>(i);
  }
  return std::nullopt;
}

std::string Transition::describe() const {
  std::string out = fmt::format("{} by {}", name_of(to), name_of(reason));
  if (figures.empty()) return out;
  // A new UTC day re-armed the drawdown band or the losing streak (on_equity).
  if (figures[0].first == "new_day") {
    return out + fmt::format(": re-armed by the new UTC day (equity {})",
                             figures.size() > 1 ? figure_text(figures[1].second) : std::string("?"));
  }
  // The first figure against the second (the limit): the comparison is read off the numbers, so
  // it is true whichever way the transition went.
  std::size_t rest = 0;
  if (figures.size() >= 2) {
    const auto& [a, va] = figures[0];
    const auto& [b, vb] = figures[1];
    out += fmt::format(": {} {} {} {} {}", a, figure_text(va), va >= vb ? ">=" : "<", b,
                       figure_text(vb));
    rest = 2;
  }
  std::string more;
  for (std::size_t i = rest; i < figures.size(); ++i) {
    more += fmt::format("{}{} {}", more.empty() ? "" : ", ", figures[i].first,
                        figure_text(figures[i].second));
  }
  if (rest == 0) return out + ": " + more;
  return more.empty() ? out : out + " (" + more + ")";
}

struct CircuitBreakers::State {
  RiskLimits limits;
  TradingState state = TradingState::active;
  std::optional<Breaker> latched;
  double peak = 0, equity = 0;
  // The drawdown band's own peak: the running maximum since the band was last re-armed (at a new
  // UTC day while it was in force); the halt always measures from `peak`.
  double band_peak = 0;
  bool seen_equity = false;
  std::int64_t day = -1;
  double day_start = 0;
  int streak = 0;
  // The REDUCING conditions in force.
  bool drawdown_high = false, streak_high = false, stale = false, errors_high = false;
  std::vector<CoinVolatility> coins;
  Window<bool> requests;
  int failed = 0;

  double drawdown() const { return peak > 0 ? 1 - equity / peak : 0; }
  double band_drawdown() const { return band_peak > 0 ? 1 - equity / band_peak : 0; }
  double daily_loss() const { return day_start > 0 ? 1 - equity / day_start : 0; }
  double error_share() const {
    return requests.values.empty() ? 0 : failed / static_cast<double>(requests.values.size());
  }
  bool any_reducing() const {
    return drawdown_high || streak_high || stale || errors_high ||
           std::any_of(coins.begin(), coins.end(), [](const auto& c) { return c.high; });
  }
  TradingState computed() const {
    if (latched) return TradingState::halted;
    return any_reducing() ? TradingState::reducing : TradingState::active;
  }
  // Moves to the state the conditions give; the transition, if any, carries `reason`.
  std::vector<Transition> settle(core::TimeMs time, Breaker reason, Figures figures) {
    const TradingState next = computed();
    if (next == state) return {};
    Transition t{time, state, next, reason, std::move(figures)};
    state = next;
    return {std::move(t)};
  }
};

CircuitBreakers::CircuitBreakers(const RiskLimits& limits, std::size_t coins)
    : state_(std::make_unique<State>()) {
  state_->limits = limits;
  state_->coins.resize(coins);
  for (auto& c : state_->coins) {
    c.returns.capacity = static_cast<std::size_t>(std::max(limits.vol_window, 2));
    c.vols.capacity = static_cast<std::size_t>(std::max(limits.vol_median_window, 1));
  }
  state_->requests.capacity = static_cast<std::size_t>(std::max(limits.error_window, 1));
}

CircuitBreakers::~CircuitBreakers() = default;
CircuitBreakers::CircuitBreakers(CircuitBreakers&&) noexcept = default;
CircuitBreakers& CircuitBreakers::operator=(CircuitBreakers&&) noexcept = default;

std::vector<Transition> CircuitBreakers::on_equity(core::TimeMs time, double equity) {
  auto& s = *state_;
  const auto& l = s.limits;
  s.equity = equity;
  s.peak = std::max(s.peak, equity);
  s.band_peak = std::max(s.band_peak, equity);
  s.seen_equity = true;
  const std::int64_t day = utc_day(time);
  std::vector<Transition> out;
  if (day != s.day) {
    // A reduce-only book cannot recover a drawdown nor close a winning trade, so the drawdown band
    // and the losing streak would hold REDUCING for ever once flat: a new UTC day re-arms them
    // (the band from the equity now, the streak from 0). The halt still measures from the peak.
    const bool band = s.drawdown_high, streak = s.streak_high;
    if (band) {
      s.band_peak = equity;
      s.drawdown_high = false;
    }
    if (streak) {
      s.streak = 0;
      s.streak_high = false;
    }
    if (s.day >= 0 && (band || streak)) {
      out = s.settle(time, band ? Breaker::drawdown : Breaker::losing_streak,
                     {{"new_day", static_cast<double>(day)}, {"equity", equity}});
    }
    s.day = day;
    s.day_start = equity;
  }
  auto with = [&out](std::vector<Transition> more) {
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return std::move(out);
  };
  const double dd = s.drawdown(), loss = s.daily_loss(), band_dd = s.band_drawdown();
  const Figures dd_figures{
      {"drawdown", dd}, {"limit", l.max_drawdown}, {"peak", s.peak}, {"equity", equity}};
  // The latched breakers first: a halt is the worst news and names its own cause.
  if (!s.latched) {
    if (l.max_drawdown > 0 && dd >= l.max_drawdown) {
      s.latched = Breaker::drawdown;
      return with(s.settle(time, Breaker::drawdown, dd_figures));
    }
    if (l.daily_loss > 0 && loss >= l.daily_loss) {
      s.latched = Breaker::daily_loss;
      return with(s.settle(time, Breaker::daily_loss,
                           {{"daily_loss", loss},
                            {"limit", l.daily_loss},
                            {"day_start", s.day_start},
                            {"equity", equity}}));
    }
  }
  const double trip = l.reduce_at * l.max_drawdown;
  if (trip <= 0) return out;
  const double clear = trip * (1 - l.hysteresis);
  if (!s.drawdown_high && band_dd >= trip) {
    s.drawdown_high = true;
    return with(s.settle(time, Breaker::drawdown,
                         {{"drawdown", band_dd}, {"limit", trip}, {"peak", s.band_peak}, {"equity", equity}}));
  }
  if (s.drawdown_high && band_dd < clear) {
    s.drawdown_high = false;
    return with(s.settle(time, Breaker::drawdown,
                         {{"drawdown", band_dd}, {"limit", clear}, {"peak", s.band_peak}, {"equity", equity}}));
  }
  return out;
}

std::vector<Transition> CircuitBreakers::on_trade(core::TimeMs time, double pnl) {
  auto& s = *state_;
  const int limit = s.limits.losing_streak;
  if (pnl < 0) ++s.streak;
  if (pnl > 0) s.streak = 0;
  if (limit <= 0) return {};
  const bool high = s.streak >= limit;
  if (high == s.streak_high) return {};
  s.streak_high = high;
  return s.settle(time, Breaker::losing_streak,
                  {{"losing_streak", static_cast<double>(s.streak)},
                   {"limit", static_cast<double>(limit)},
                   {"pnl", pnl}});
}

std::vector<Transition> CircuitBreakers::on_bar_return(core::TimeMs time, std::size_t coin,
                                                       double bar_return) {
  auto& s = *state_;
  const auto& l = s.limits;
  if (coin >= s.coins.size() || !std::isfinite(bar_return)) return {};
  auto& c = s.coins[coin];
  c.add(bar_return);
  if (l.vol_k <= 0 || !c.known) return {};
  const double trip = l.vol_k * c.median, clear = l.vol_k * (1 - l.hysteresis) * c.median;
  bool changed = false;
  double limit = trip;
  if (!c.high && c.vol > trip) {
    c.high = changed = true;
  } else if (c.high && c.vol < clear) {
    c.high = false;
    changed = true;
    limit = clear;
  }
  if (!changed) return {};
  return s.settle(time, Breaker::volatility,
                  {{"volatility", c.vol},
                   {"limit", limit},
                   {"median", c.median},
                   {"coin", static_cast<double>(coin)}});
}

std::vector<Transition> CircuitBreakers::on_data_age(core::TimeMs time, core::TimeMs bar_age_ms,
                                                     core::TimeMs interval_ms,
                                                     core::TimeMs book_age_ms) {
  auto& s = *state_;
  const auto& l = s.limits;
  const double bar_limit = l.stale_intervals * static_cast<double>(interval_ms);
  const double book_limit = l.stale_book_seconds * 1000;
  const bool bar_stale = bar_limit > 0 && static_cast<double>(bar_age_ms) > bar_limit;
  const bool book_stale =
      book_limit > 0 && book_age_ms >= 0 && static_cast<double>(book_age_ms) > book_limit;
  const bool stale = bar_stale || book_stale;
  if (stale == s.stale) return {};
  s.stale = stale;
  // The figure that tripped (the book when only it is stale), or on clearing the bar's age.
  if (book_stale && !bar_stale) {
    return s.settle(time, Breaker::stale_data,
                    {{"book_age_ms", static_cast<double>(book_age_ms)}, {"limit_ms", book_limit}});
  }
  return s.settle(time, Breaker::stale_data,
                  {{"bar_age_ms", static_cast<double>(bar_age_ms)},
                   {"limit_ms", bar_limit},
                   {"book_age_ms", static_cast<double>(book_age_ms)}});
}

std::vector<Transition> CircuitBreakers::on_request(core::TimeMs time, bool failed) {
  auto& s = *state_;
  const auto& l = s.limits;
  if (failed) ++s.failed;
  if (const auto out = s.requests.push(failed); out && *out) --s.failed;
  if (l.error_rate <= 0 || !s.requests.full()) return {};
  const double share = s.error_share(), clear = l.error_rate * (1 - l.hysteresis);
  double limit = l.error_rate;
  if (!s.errors_high && share >= l.error_rate) {
    s.errors_high = true;
  } else if (s.errors_high && share < clear) {
    s.errors_high = false;
    limit = clear;
  } else {
    return {};
  }
  return s.settle(time, Breaker::error_rate,
                  {{"error_rate", share},
                   {"limit", limit},
                   {"failed", static_cast<double>(s.failed)},
                   {"requests", static_cast<double>(s.requests.values.size())}});
}

std::vector<Transition> CircuitBreakers::halt(core::TimeMs time, const std::string& why) {
  auto& s = *state_;
  (void)why;  // the caller journals its own words; the transition names the manual breaker
  if (s.latched) return {};
  s.latched = Breaker::manual;
  return s.settle(time, Breaker::manual, {});
}

std::vector<Transition> CircuitBreakers::resume(core::TimeMs time, double equity) {
  auto& s = *state_;
  if (!s.latched) return {};
  s.latched.reset();
  s.equity = s.peak = s.band_peak = s.day_start = equity;
  s.day = utc_day(time);
  s.streak = 0;
  s.drawdown_high = s.streak_high = false;
  return s.settle(time, Breaker::manual, {{"equity", equity}});
}

TradingState CircuitBreakers::state() const { return state_->state; }

std::vector<Breaker> CircuitBreakers::in_force() const {
  const auto& s = *state_;
  std::vector<Breaker> out;
  if (s.latched) out.push_back(*s.latched);
  if (s.drawdown_high) out.push_back(Breaker::drawdown);
  if (s.streak_high) out.push_back(Breaker::losing_streak);
  if (std::any_of(s.coins.begin(), s.coins.end(), [](const auto& c) { return c.high; }))
    out.push_back(Breaker::volatility);
  if (s.stale) out.push_back(Breaker::stale_data);
  if (s.errors_high) out.push_back(Breaker::error_rate);
  // A latched drawdown also counted as its REDUCING band: name it once.
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<std::string, double>> CircuitBreakers::figures() const {
  const auto& s = *state_;
  double ratio = 0;
  for (const auto& c : s.coins) {
    if (c.known && c.median > 0) ratio = std::max(ratio, c.vol / c.median);
  }
  return {{"drawdown", s.drawdown()},
          {"daily_loss", s.daily_loss()},
          {"losing_streak", static_cast<double>(s.streak)},
          {"volatility_ratio", ratio},
          {"error_rate", s.error_share()}};
}

BreakerMemory CircuitBreakers::memory() const {
  const auto& s = *state_;
  return {s.state, s.latched, s.peak, s.day, s.day_start, s.streak, s.equity, s.band_peak};
}

void CircuitBreakers::restore(const BreakerMemory& memory) {
  auto& s = *state_;
  s.state = memory.state;
  s.latched = memory.latched;
  if (memory.state == TradingState::halted && !s.latched) s.latched = Breaker::manual;
  if (memory.state != TradingState::halted) s.latched.reset();
  s.peak = memory.peak;
  s.band_peak = memory.band_peak > 0 ? memory.band_peak : memory.peak;
  s.equity = memory.equity > 0 ? memory.equity : memory.peak;
  s.day = memory.day;
  s.day_start = memory.day_start;
  s.streak = memory.losing_streak;
  s.streak_high = s.limits.losing_streak > 0 && s.streak >= s.limits.losing_streak;
  // Which REDUCING condition held is not kept; the equity's is assumed, which is the cautious
  // reading: it clears at the next equity if the drawdown is back below its clearing line.
  s.drawdown_high =
      memory.state == TradingState::reducing && s.limits.reduce_at * s.limits.max_drawdown > 0;
  s.state = s.computed();
}

}  // namespace organism::backtest
