#include "lifecycle/lifecycle.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace organism::lifecycle {
namespace {

data::StrategyRecord load_known(data::Store& store, const std::string& id) {
  auto record = store.load_strategy(id);
  if (!record) throw core::Error(fmt::format("no strategy '{}' in store {}", id, store.path()));
  return std::move(*record);
}

State parse_stored(const std::string& text, const std::string& id) {
  if (auto s = parse_state(text)) return *s;
  throw core::Error(fmt::format("strategy '{}': unknown lifecycle state '{}' in the store", id, text));
}

std::string target_names(State from) {
  std::vector<std::string_view> names;
  for (State s : legal_targets(from)) names.push_back(to_string(s));
  return names.empty() ? std::string("none, it is final") : fmt::format("{}", fmt::join(names, ", "));
}

data::StrategyEvent stored_event(const std::string& id, std::optional<State> from, State to,
                                 const std::string& reason, const std::string& evidence, TimeMs now) {
  data::StrategyEvent e;
  e.strategy_id = id;
  e.time = now;
  e.from_state = from ? std::string(to_string(*from)) : "";
  e.to_state = std::string(to_string(to));
  e.reason = reason;
  e.evidence = evidence.empty() ? "{}" : evidence;
  return e;
}

void check_legal(const std::string& id, State from, State to) {
  if (is_legal(from, to)) return;
  throw core::Error(fmt::format("strategy '{}': illegal lifecycle transition {} -> {} (from {}: {})", id,
                                to_string(from), to_string(to), to_string(from), target_names(from)));
}

}  // namespace

void birth(data::Store& store, data::StrategyRecord record, TimeMs now, const std::string& reason) {
  const data::StrategyFinding finding{record.run_id, record.generation, now};
  if (auto stored = store.load_strategy(record.id)) {
    record.state = stored->state;
    record.created = stored->created;
    record.updated = now;
    store.save_strategy(record);  // keeps the run that found it first
  } else {
    record.state = std::string(to_string(State::Testing));
    record.created = record.updated = now;
    store.insert_strategy_born(record, stored_event(record.id, std::nullopt, State::Testing, reason, "{}", now));
  }
  if (!finding.run_id.empty()) store.link_strategy_run(record.id, finding);
}

State current_state(data::Store& store, const std::string& id) {
  return parse_stored(load_known(store, id).state, id);
}

void transition(data::Store& store, const std::string& id, State to, const std::string& reason,
                const std::string& evidence, TimeMs now) {
  const State from = current_state(store, id);
  check_legal(id, from, to);
  store.record_strategy_event(stored_event(id, from, to, reason, evidence, now));
}

void record_validation(data::Store& store, const std::string& id, bool passed, const std::string& evidence,
                       TimeMs now) {
  const State from = current_state(store, id);
  const State to = passed ? State::Validated : State::Testing;
  const bool moves = (from == State::Testing || from == State::Validated) && from != to;
  if (!moves) {
    // Only the evidence changes; set_strategy_validation keeps any state but testing/validated,
    // and `from` is already the outcome's state otherwise.
    store.set_strategy_validation(id, std::string(to_string(from)), evidence, now);
    return;
  }
  check_legal(id, from, to);
  const std::string reason = passed ? "passed validation" : "failed validation";
  store.record_strategy_event(stored_event(id, from, to, reason, evidence, now), evidence);
}

std::vector<Event> history(data::Store& store, const std::string& id) {
  load_known(store, id);
  std::vector<Event> out;
  for (const auto& e : store.list_strategy_events(id)) {
    Event ev;
    if (!e.from_state.empty()) ev.from = parse_stored(e.from_state, id);
    ev.to = parse_stored(e.to_state, id);
    ev.time = e.time;
    ev.reason = e.reason;
    ev.evidence = e.evidence;
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace organism::lifecycle
