// Injected faults of the exchange simulator: the --faults grammar, the same faults set at run
// time through POST /control, and their seeded schedule (which request gets a 429, which frame is
// malformed). Used by the server (server.cpp) and the exchange-sim command's --help.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "core/time.hpp"

namespace organism::exchange::sim_server {

using core::TimeMs;

// The grammar, shown by `organism exchange-sim --help` and docs/exchange-sim.md.
extern const char* const kFaultGrammar;

struct Burst {
  int count = 0;        // requests answered with the fault in each period
  TimeMs every_ms = 0;  // period length; the first burst starts at every_ms after start
};

// A fault the simulator's API applies (forwarded as a control request at `at_ms` after start).
struct ScheduledControl {
  TimeMs at_ms = 0;
  nlohmann::ordered_json request;  // {"type":"fault","fault":"staleBook",...}
};

struct FaultSpec {
  std::optional<TimeMs> drop_ws_every_ms;  // close every WebSocket connection every N ms
  TimeMs delay_ms = 0;                     // added to every HTTP reply and WS post reply
  std::optional<Burst> http429, http5xx;
  double malformed_ws = 0;                 // fraction of outgoing WS frames sent malformed
  std::vector<ScheduledControl> scheduled;  // stale_book, flash, reject_orders (by at_ms)
};

// Parses "drop_ws=30s,delay=200,http429=5@60s,...". Throws core::UsageError naming the bad item.
FaultSpec parse_fault_spec(std::string_view spec);

// The transport faults in force and their seeded decisions.
class FaultState {
 public:
  FaultState(FaultSpec spec, std::uint64_t seed);

  const FaultSpec& spec() const { return spec_; }
  // For an HTTP request arriving `elapsed_ms` after start: 0 (none), 429, 502 or 503. Each period
  // [k*every, (k+1)*every), k >= 1, answers its first `count` requests with the fault.
  int http_fault(TimeMs elapsed_ms);
  // Whether the next outgoing WS frame is to be sent malformed (seeded draw per frame).
  bool malform_next_frame();
  // A malformed version of `text`: truncated at a seeded point, or with a stray byte.
  std::string malformed(std::string_view text);

  // Applies a transport fault set through POST /control ({"type":"fault","fault":"dropWs",
  // "everySeconds":S} | "delay","ms" | "http429"/"http5xx","count","everySeconds" |
  // "malformedWs","fraction" | "none"): empty on success, else the error text. `elapsed_ms` is
  // the time since start: a burst period set now starts from it.
  std::string apply_control(const nlohmann::ordered_json& request, TimeMs elapsed_ms);
  // True for a control fault this class handles (the others go to the simulator's API).
  static bool is_transport_fault(std::string_view fault);

 private:
  struct BurstCounter {
    TimeMs origin = 0;
    std::int64_t period = -1;
    int served = 0;
  };
  bool in_burst(const Burst& burst, BurstCounter& counter, TimeMs elapsed_ms);

  FaultSpec spec_;
  core::Rng rng_;
  BurstCounter counter429_, counter5xx_;
};

}  // namespace organism::exchange::sim_server
