#include "exchange/sim_server/faults.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::exchange::sim_server {

const char* const kFaultGrammar = R"(FAULTS is a comma list of:
  drop_ws=DUR          close every WebSocket connection every DUR (e.g. drop_ws=30s)
  delay=MS             add MS milliseconds to every HTTP reply and WS post reply (delay=250)
  http429=N@DUR        every DUR, answer the next N /info or /exchange requests 429
  http5xx=N@DUR        the same with 502 or 503 (seeded choice), plain-text body
  malformed_ws=P       send a fraction P (0..1) of outgoing WS frames truncated or corrupted
  stale_book=S@AT      from AT after start, the book stuck for S seconds (REST l2Book frozen)
  flash=COIN:PCT@AT    at AT after start, move COIN by PCT percent within the current bar
  reject_orders=S@AT   from AT after start, reject every order for S seconds
DUR and AT are NUMBER with an optional unit ms, s or m (a bare number is seconds).
Decisions (which requests, which frames) come from --seed.)";

namespace {

using OJson = nlohmann::ordered_json;

[[noreturn]] void bad_item(std::string_view item, std::string_view why) {
  throw core::UsageError(fmt::format("--faults: bad item '{}': {} (see --help)", item, why));
}

// "30s", "500ms", "2m" or "30" (seconds by default).
std::optional<TimeMs> parse_duration(std::string_view text, double bare_unit_ms = 1000.0) {
  double unit = bare_unit_ms;
  std::string_view digits = text;
  if (text.ends_with("ms")) {
    unit = 1.0;
    digits.remove_suffix(2);
  } else if (text.ends_with("s")) {
    unit = 1000.0;
    digits.remove_suffix(1);
  } else if (text.ends_with("m")) {
    unit = 60000.0;
    digits.remove_suffix(1);
  }
  const auto value = core::parse_double(digits);
  if (!value || !std::isfinite(*value) || *value < 0 || *value * unit > 1e15) return std::nullopt;
  return static_cast<TimeMs>(std::llround(*value * unit));
}

// Seconds as the API's control request takes them: an integer when whole.
OJson seconds_json(TimeMs ms) {
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

Burst parse_burst(std::string_view item, std::string_view value) {
  const auto at = value.find('@');
  if (at == std::string_view::npos) bad_item(item, "expected N@DUR");
  const auto count = core::parse_int64(value.substr(0, at));
  const auto every = parse_duration(value.substr(at + 1));
  if (!count || *count < 1 || *count > 1000000) bad_item(item, "N must be a whole number >= 1");
  if (!every || *every <= 0) bad_item(item, "DUR must be a positive duration");
  return Burst{static_cast<int>(*count), *every};
}

// "S@AT" → (S in ms, AT in ms).
std::pair<TimeMs, TimeMs> parse_span_at(std::string_view item, std::string_view value) {
  const auto at = value.find('@');
  if (at == std::string_view::npos) bad_item(item, "expected S@AT");
  const auto span = parse_duration(value.substr(0, at));
  const auto when = parse_duration(value.substr(at + 1));
  if (!span || *span <= 0) bad_item(item, "S must be a positive duration");
  if (!when) bad_item(item, "AT must be a duration");
  return {*span, *when};
}

}  // namespace

FaultSpec parse_fault_spec(std::string_view spec) {
  FaultSpec out;
  std::size_t pos = 0;
  while (pos <= spec.size() && !spec.empty()) {
    const auto comma = spec.find(',', pos);
    const std::string_view item = spec.substr(pos, comma == std::string_view::npos ? spec.npos : comma - pos);
    pos = comma == std::string_view::npos ? spec.size() + 1 : comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) bad_item(item, "expected NAME=VALUE");
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (name == "drop_ws") {
      const auto every = parse_duration(value);
      if (!every || *every <= 0) bad_item(item, "expected a positive duration");
      out.drop_ws_every_ms = *every;
    } else if (name == "delay") {
      const auto ms = parse_duration(value, 1.0);
      if (!ms || *ms > 600000) bad_item(item, "expected milliseconds in 0..600000");
      out.delay_ms = *ms;
    } else if (name == "http429") {
      out.http429 = parse_burst(item, value);
    } else if (name == "http5xx") {
      out.http5xx = parse_burst(item, value);
    } else if (name == "malformed_ws") {
      const auto p = core::parse_double(value);
      if (!p || !(*p >= 0 && *p <= 1)) bad_item(item, "expected a fraction in 0..1");
      out.malformed_ws = *p;
    } else if (name == "stale_book" || name == "reject_orders") {
      const auto [span, at] = parse_span_at(item, value);
      const char* fault = name == "stale_book" ? "staleBook" : "rejectOrders";
      out.scheduled.push_back({at, OJson{{"type", "fault"}, {"fault", fault}, {"seconds", seconds_json(span)}}});
    } else if (name == "flash") {
      const auto colon = value.find(':');
      const auto at = value.find('@');
      if (colon == std::string_view::npos || at == std::string_view::npos || at < colon)
        bad_item(item, "expected COIN:PCT@AT");
      const std::string coin(value.substr(0, colon));
      const auto pct = core::parse_double(value.substr(colon + 1, at - colon - 1));
      const auto when = parse_duration(value.substr(at + 1));
      if (coin.empty()) bad_item(item, "COIN is empty");
      if (!pct || !(*pct > -100 && *pct < 100)) bad_item(item, "PCT must be a number between -100 and 100");
      if (!when) bad_item(item, "AT must be a duration");
      out.scheduled.push_back(
          {*when, OJson{{"type", "fault"}, {"fault", "flashMove"}, {"coin", coin}, {"percent", *pct}}});
    } else {
      bad_item(item, "unknown fault");
    }
  }
  std::stable_sort(out.scheduled.begin(), out.scheduled.end(),
                   [](const ScheduledControl& a, const ScheduledControl& b) { return a.at_ms < b.at_ms; });
  return out;
}

FaultState::FaultState(FaultSpec spec, std::uint64_t seed) : spec_(std::move(spec)), rng_(seed, {0xFA017}) {}

bool FaultState::in_burst(const Burst& burst, BurstCounter& counter, TimeMs elapsed_ms) {
  if (burst.count <= 0 || burst.every_ms <= 0) return false;
  const std::int64_t period = (elapsed_ms - counter.origin) / burst.every_ms;
  if (period < 1) return false;
  if (period != counter.period) {
    counter.period = period;
    counter.served = 0;
  }
  if (counter.served >= burst.count) return false;
  ++counter.served;
  return true;
}

int FaultState::http_fault(TimeMs elapsed_ms) {
  if (spec_.http429 && in_burst(*spec_.http429, counter429_, elapsed_ms)) return 429;
  if (spec_.http5xx && in_burst(*spec_.http5xx, counter5xx_, elapsed_ms)) return rng_.below(2) == 0 ? 502 : 503;
  return 0;
}

bool FaultState::malform_next_frame() {
  if (spec_.malformed_ws <= 0) return false;
  return rng_.uniform() < spec_.malformed_ws;
}

std::string FaultState::malformed(std::string_view text) {
  // Half truncated (a frame cut mid-way), half with a byte that breaks the JSON grammar.
  if (text.size() < 2 || rng_.below(2) == 0) {
    return std::string(text.substr(0, text.size() / 2));
  }
  // A leading '{' also breaks the frames whose changed byte sat inside a string.
  std::string out = "{";
  out.append(text);
  out[2 + rng_.below(text.size() - 1)] = '\x01';
  return out;
}

bool FaultState::is_transport_fault(std::string_view fault) {
  return fault == "dropWs" || fault == "delay" || fault == "http429" || fault == "http5xx" ||
         fault == "malformedWs" || fault == "none";
}

std::string FaultState::apply_control(const nlohmann::ordered_json& request, TimeMs elapsed_ms) {
  const auto fault = request.value("fault", std::string{});
  auto number = [&](const char* key) -> std::optional<double> {
    const auto it = request.find(key);
    if (it == request.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1e9) return std::nullopt;
    return v;
  };
  auto ms_of = [](double seconds) { return static_cast<TimeMs>(std::llround(seconds * 1000.0)); };
  if (fault == "none") {
    spec_.drop_ws_every_ms.reset();
    spec_.delay_ms = 0;
    spec_.http429.reset();
    spec_.http5xx.reset();
    spec_.malformed_ws = 0;
    return {};
  }
  if (fault == "dropWs") {
    const auto every = number("everySeconds");
    if (!every || *every <= 0) return "dropWs needs everySeconds > 0";
    spec_.drop_ws_every_ms = ms_of(*every);
    return {};
  }
  if (fault == "delay") {
    const auto ms = number("ms");
    if (!ms || *ms > 600000) return "delay needs ms in 0..600000";
    spec_.delay_ms = static_cast<TimeMs>(*ms);
    return {};
  }
  if (fault == "http429" || fault == "http5xx") {
    const auto count = number("count");
    const auto every = number("everySeconds");
    if (!count || *count < 1 || !every || *every <= 0) return fault + " needs count >= 1 and everySeconds > 0";
    Burst burst{static_cast<int>(*count), ms_of(*every)};
    // The first burst comes one period after now, as with --faults at start.
    BurstCounter& counter = fault == "http429" ? counter429_ : counter5xx_;
    counter = BurstCounter{elapsed_ms, -1, 0};
    (fault == "http429" ? spec_.http429 : spec_.http5xx) = burst;
    return {};
  }
  if (fault == "malformedWs") {
    const auto p = number("fraction");
    if (!p || *p > 1) return "malformedWs needs fraction in 0..1";
    spec_.malformed_ws = *p;
    return {};
  }
  return "unknown transport fault";
}

}  // namespace organism::exchange::sim_server
