// Reading and writing the fields of the run records' JSON: non-finite numbers as null (JSON has
// no NaN or infinity) and read back as NaN, absent fields at their defaults (runs stored by older
// versions lack some). Used by the record files of src/runs/ only.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evolve/objectives.hpp"

namespace organism::runs::json_fields {

using Json = nlohmann::ordered_json;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The number, or null when it is not finite.
inline Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

// A number field; NaN when absent or null.
inline double number_at(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || !it->is_number() ? kNaN : it->get<double>();
}

// Any other field; `fallback` when absent or null.
template <class T>
T get_or(const Json& j, const char* key, T fallback = T{}) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : it->get<T>();
}

// An object field, or an empty object.
inline const Json& object_at(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  const auto it = j.find(key);
  return it == j.end() || !it->is_object() ? kEmpty : *it;
}

// Doubles that may be non-finite, as an array (null for a non-finite one) and back (NaN).
inline Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}
inline std::vector<double> numbers_from(const Json& j) {
  std::vector<double> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) out.push_back(v.is_number() ? v.get<double>() : kNaN);
  return out;
}

// Named metrics in their order, as an object of numbers.
inline Json metrics(const evolve::MetricValues& values) {
  Json out = Json::object();
  for (const auto& [name, v] : values) out[name] = number(v);
  return out;
}
inline evolve::MetricValues metrics_from(const Json& j) {
  evolve::MetricValues out;
  if (!j.is_object()) return out;
  for (const auto& [name, v] : j.items()) out.emplace_back(name, v.is_number() ? v.get<double>() : kNaN);
  return out;
}

}  // namespace organism::runs::json_fields
