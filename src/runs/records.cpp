// The run records and their JSON (records.hpp). Field orders are those the run JSON and the store
// have always had, so stored runs and --json-out files of earlier versions read back unchanged.
#include "runs/records.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "runs/json_fields.hpp"

namespace organism::runs {
namespace {

using namespace json_fields;

// The stored JSON columns are written by nlohmann::json (keys sorted) or ordered_json (insertion
// order); converting between the two keeps the text.
Json ordered(const nlohmann::json& j) { return Json::parse(j.dump()); }
nlohmann::json sorted(const Json& j) { return nlohmann::json::parse(j.dump()); }

}  // namespace

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::Running: return "running";
    case RunStatus::Interrupted: return "interrupted";
    case RunStatus::Finished: return "finished";
  }
  return "running";
}

RunStatus parse_status(std::string_view name) {
  for (auto s : {RunStatus::Running, RunStatus::Interrupted, RunStatus::Finished}) {
    if (status_name(s) == name) return s;
  }
  throw core::Error(fmt::format("unknown run status '{}' (running, interrupted or finished)", name));
}

nlohmann::json to_json(const UniverseSpec& spec) {
  return nlohmann::json{{"interval", spec.market.interval}, {"coins", spec.market.coins},
                        {"venues", spec.market.venues}, {"embargo", spec.embargo}};
}

UniverseSpec universe_spec_from_json(const nlohmann::json& j) {
  try {
    UniverseSpec s;
    s.market.interval = j.at("interval").get<std::string>();
    s.market.coins = j.at("coins").get<std::vector<std::string>>();
    s.market.venues = j.at("venues").get<std::vector<std::string>>();
    s.embargo = j.at("embargo").get<std::size_t>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("stored universe of the run is unreadable: {}", e.what()));
  }
}

nlohmann::json to_json(const RunOptions& options) {
  auto j = evolve::to_json(options.evolve);
  j["costs"] = backtest::costs_to_json(options.costs);
  return j;
}

RunOptions run_options_from_json(const nlohmann::json& j) {
  RunOptions o;
  o.evolve = evolve::options_from_json(j);
  if (j.is_object() && j.contains("costs")) o.costs = backtest::costs_from_json(j.at("costs"));
  return o;
}

Json stage_metrics_json(const std::array<evolve::MetricValues, 3>& metrics) {
  Json out;
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    out[std::string(evolve::stage_name(kStages[s]))] = json_fields::metrics(metrics[s]);
  }
  return out;
}

std::array<evolve::MetricValues, 3> stage_metrics_from_json(const Json& j) {
  std::array<evolve::MetricValues, 3> out;
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    out[s] = metrics_from(object_at(j, std::string(evolve::stage_name(kStages[s])).c_str()));
  }
  return out;
}

Json to_json(const FrontMember& m) {
  Json j;
  j["id"] = m.id;
  j["family"] = m.family;
  j["generation"] = m.generation;
  j["parents"] = m.parents;
  j["aliases"] = m.aliases;
  j["genome"] = Json::parse(m.genome);
  j["rule"] = m.rule;
  // Raw doubles: a non-finite objective is written as null by the serializer and read back as NaN.
  j["fitness"] = {{"objectives", m.fitness.objectives}, {"violation", m.fitness.violation}};
  j["metrics"] = stage_metrics_json(m.metrics);
  if (m.validation) j["validation"] = to_json(*m.validation);
  return j;
}

FrontMember front_member_from_json(const Json& j) {
  FrontMember m;
  m.id = get_or<std::string>(j, "id");
  m.family = get_or<std::string>(j, "family");
  m.generation = get_or<int>(j, "generation");
  m.parents = get_or<std::vector<std::string>>(j, "parents");
  m.aliases = get_or<std::vector<std::string>>(j, "aliases");
  m.genome = j.value("genome", Json::object()).dump();
  m.rule = get_or<std::string>(j, "rule");
  const auto& fitness = object_at(j, "fitness");
  m.fitness.objectives = numbers_from(fitness.value("objectives", Json::array()));
  m.fitness.violation = number_at(fitness, "violation");
  m.metrics = stage_metrics_from_json(object_at(j, "metrics"));
  if (j.contains("validation") && j.at("validation").is_object()) {
    m.validation = member_validation_from_json(j.at("validation"));
  }
  return m;
}

Json to_json(const RunResult& r) {
  Json j;
  j["run"] = r.run;
  j["seed"] = r.seed;
  j["evaluations"] = r.evaluations;
  j["seconds"] = r.seconds;
  j["generations"] = r.generations;
  j["population"] = r.population;
  j["islands"] = r.islands;
  j["objectives"] = r.objectives;
  j["universe"] = ordered(to_json(r.universe));
  j["costs"] = ordered(backtest::costs_to_json(r.costs));
  j["front"] = Json::array();
  for (const auto& m : r.front) j["front"].push_back(to_json(m));
  if (r.validation) put_json(j, *r.validation);
  return j;
}

RunResult run_result_from_json(const Json& j) {
  try {
    RunResult r;
    r.run = get_or<std::string>(j, "run");
    r.seed = get_or<std::uint64_t>(j, "seed");
    r.evaluations = get_or<std::int64_t>(j, "evaluations");
    r.seconds = number_at(j, "seconds");
    r.generations = get_or<int>(j, "generations");
    r.population = get_or<int>(j, "population");
    r.islands = get_or<int>(j, "islands");
    r.objectives = get_or<std::vector<std::string>>(j, "objectives");
    if (j.contains("universe")) r.universe = universe_spec_from_json(sorted(j.at("universe")));
    if (j.contains("costs")) r.costs = backtest::costs_from_json(sorted(j.at("costs")));
    for (const auto& m : j.value("front", Json::array())) r.front.push_back(front_member_from_json(m));
    r.validation = run_validation_from_json(j);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("stored result of the run is unreadable: {}", e.what()));
  }
}

Json to_json(const RunRecord& run) {
  Json j;
  j["id"] = run.id;
  j["created"] = run.created;
  j["options"] = ordered(to_json(run.options));
  j["universe"] = ordered(to_json(run.universe));
  j["status"] = status_name(run.status);
  j["generation"] = run.progress.generation;
  j["evaluations"] = run.progress.evaluations;
  j["seconds"] = run.progress.seconds;
  j["result"] = run.result ? to_json(*run.result) : Json(nullptr);
  return j;
}

RunRecord run_record_from_json(const Json& j) {
  RunRecord r;
  r.id = get_or<std::string>(j, "id");
  r.created = get_or<core::TimeMs>(j, "created");
  r.options = run_options_from_json(sorted(j.at("options")));
  r.universe = universe_spec_from_json(sorted(j.at("universe")));
  r.status = parse_status(get_or<std::string>(j, "status", "running"));
  r.progress = {get_or<int>(j, "generation"), get_or<std::int64_t>(j, "evaluations"), number_at(j, "seconds")};
  if (j.contains("result") && j.at("result").is_object()) r.result = run_result_from_json(j.at("result"));
  return r;
}

data::RunRecord to_row(const RunRecord& run) {
  data::RunRecord row;
  row.id = run.id;
  row.created = run.created;
  row.options = to_json(run.options).dump();
  row.universe = to_json(run.universe).dump();
  row.status = std::string(status_name(run.status));
  row.generation = run.progress.generation;
  row.evaluations = run.progress.evaluations;
  row.seconds = run.progress.seconds;
  if (run.result) row.result = to_json(*run.result).dump();
  return row;
}

bool is_portfolio_sizing_run(const data::RunRecord& row) {
  // A cheap look before parsing: evolution options never hold this kind.
  if (row.options.find("portfolio_sizing") == std::string::npos) return false;
  const auto options = core::parse_json(row.options, fmt::format("run {}: options", row.id));
  return options.is_object() && options.value("kind", std::string{}) == "portfolio_sizing";
}

RunRecord from_row(const data::RunRecord& row) {
  if (is_portfolio_sizing_run(row)) {
    throw core::Error(fmt::format("run '{}' is a portfolio sizing run, not an evolution; continue it with "
                                  "'organism portfolio evolve --resume {}'",
                                  row.id, row.id));
  }
  try {
    RunRecord r;
    r.id = row.id;
    r.created = row.created;
    r.options = run_options_from_json(core::parse_json(row.options, fmt::format("run {}: options", row.id)));
    r.universe = universe_spec_from_json(core::parse_json(row.universe, fmt::format("run {}: universe", row.id)));
    r.status = parse_status(row.status);
    r.progress = {row.generation, row.evaluations, row.seconds};
    if (!row.result.empty()) {
      r.result = run_result_from_json(core::parse_ordered_json(row.result, fmt::format("run {}: result", row.id)));
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("run '{}' in the store is unreadable: {}", row.id, e.what()));
  }
}

Json to_json(const StrategyRecord& s) {
  Json j;
  j["id"] = s.id;
  j["run_id"] = s.run_id;
  j["family"] = s.family;
  j["generation"] = s.generation;
  j["genome"] = Json::parse(s.genome);
  j["parents"] = s.parents;
  j["metrics"] = stage_metrics_json(s.metrics);
  j["state"] = s.state;
  j["validation"] = s.validation ? to_json(*s.validation) : Json(nullptr);
  j["created"] = s.created;
  j["updated"] = s.updated;
  j["found_by"] = Json::array();
  for (const auto& f : s.found_by) j["found_by"].push_back({{"run", f.run_id}, {"generation", f.generation}, {"found", f.found}});
  return j;
}

StrategyRecord strategy_record_from_json(const Json& j) {
  StrategyRecord s;
  s.id = get_or<std::string>(j, "id");
  s.run_id = get_or<std::string>(j, "run_id");
  s.family = get_or<std::string>(j, "family");
  s.generation = get_or<int>(j, "generation");
  s.genome = j.value("genome", Json::object()).dump();
  s.parents = get_or<std::vector<std::string>>(j, "parents");
  s.metrics = stage_metrics_from_json(object_at(j, "metrics"));
  s.state = get_or<std::string>(j, "state");
  if (j.contains("validation") && j.at("validation").is_object()) {
    s.validation = member_validation_from_json(j.at("validation"));
  }
  s.created = get_or<core::TimeMs>(j, "created");
  s.updated = get_or<core::TimeMs>(j, "updated");
  if (j.contains("found_by") && j.at("found_by").is_array()) {
    for (const auto& f : j.at("found_by")) {
      s.found_by.push_back({get_or<std::string>(f, "run"), get_or<int>(f, "generation"), get_or<core::TimeMs>(f, "found")});
    }
  }
  return s;
}

data::StrategyRecord to_row(const StrategyRecord& s) {
  data::StrategyRecord row;
  row.id = s.id;
  row.run_id = s.run_id;
  row.family = s.family;
  row.generation = s.generation;
  row.genome = s.genome;
  row.parents = Json(s.parents).dump();
  row.metrics = stage_metrics_json(s.metrics).dump();
  row.state = s.state;
  if (s.validation) row.validation = to_json(*s.validation).dump();
  row.created = s.created;
  row.updated = s.updated;
  row.found_by = s.found_by;
  return row;
}

StrategyRecord from_row(const data::StrategyRecord& row) {
  try {
    StrategyRecord s;
    s.id = row.id;
    s.run_id = row.run_id;
    s.family = row.family;
    s.generation = row.generation;
    s.genome = row.genome;
    s.parents = core::parse_json(row.parents, fmt::format("strategy {}: parents", row.id)).get<std::vector<std::string>>();
    s.metrics = stage_metrics_from_json(core::parse_ordered_json(row.metrics, fmt::format("strategy {}: metrics", row.id)));
    s.state = row.state;
    if (!row.validation.empty()) {
      s.validation = member_validation_from_json(
          core::parse_ordered_json(row.validation, fmt::format("strategy {}: validation", row.id)));
    }
    s.created = row.created;
    s.updated = row.updated;
    s.found_by = row.found_by;
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("strategy '{}' in the store is unreadable: {}", row.id, e.what()));
  }
}

}  // namespace organism::runs
