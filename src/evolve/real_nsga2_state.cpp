// The real-vector NSGA-II's state as JSON: the checkpoint of `organism portfolio evolve`.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "evolve/real_nsga2.hpp"

namespace organism::evolve {
namespace {

using nlohmann::json;

// JSON has no infinity or NaN; a failed objective may be either, and must come back as it was.
json number_json(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return "nan";
  return v > 0 ? "inf" : "-inf";
}

double number_from(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument("nsga2 state: '" + j.dump() + "' is not a number");
}

json numbers_json(const std::vector<double>& v) {
  json out = json::array();
  for (double x : v) out.push_back(number_json(x));
  return out;
}

std::vector<double> numbers_from(const json& j) {
  if (!j.is_array())
    throw std::invalid_argument("nsga2 state: expected an array of numbers, got " + j.dump());
  std::vector<double> out;
  for (const auto& x : j) out.push_back(number_from(x));
  return out;
}

}  // namespace

json real_nsga2_state_json(const RealNsga2State& state) {
  json population = json::array();
  for (std::size_t i = 0; i < state.variables.size(); ++i) {
    population.push_back({{"x", numbers_json(state.variables[i])},
                          {"objectives", numbers_json(state.fitness[i].objectives)},
                          {"violation", number_json(state.fitness[i].violation)}});
  }
  return {{"generation", state.generation},
          {"evaluations", state.evaluations},
          {"population", population}};
}

RealNsga2State real_nsga2_state_from_json(const json& j) {
  try {
    RealNsga2State state;
    state.generation = j.at("generation").get<std::size_t>();
    state.evaluations = j.at("evaluations").get<std::size_t>();
    for (const auto& member : j.at("population")) {
      state.variables.push_back(numbers_from(member.at("x")));
      state.fitness.push_back(
          {numbers_from(member.at("objectives")), number_from(member.at("violation"))});
    }
    return state;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("nsga2 state: ") + e.what());
  }
}

}  // namespace organism::evolve
