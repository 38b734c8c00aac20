#include "strategy/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace organism::strategy {

ParamSpec int_param(std::string name, int lo, int hi, int def, std::string help) {
  return {std::move(name), ParamType::Int, double(lo), double(hi), double(def), {},
          std::move(help)};
}

ParamSpec real_param(std::string name, double lo, double hi, double def, std::string help) {
  return {std::move(name), ParamType::Real, lo, hi, def, {}, std::move(help)};
}

ParamSpec choice_param(std::string name, std::vector<std::string> choices, int def,
                       std::string help) {
  const double hi = static_cast<double>(choices.size()) - 1;
  return {std::move(name),    ParamType::Choice, 0, hi, double(def),
          std::move(choices), std::move(help)};
}

ParamSpec bool_param(std::string name, bool def, std::string help) {
  return {std::move(name), ParamType::Bool, 0, 1, def ? 1.0 : 0.0, {}, std::move(help)};
}

double clamp_param(const ParamSpec& spec, double value) {
  if (std::isnan(value)) return spec.def;
  if (spec.type != ParamType::Real) value = std::round(value);
  return std::clamp(value, spec.lo, spec.hi);
}

ParamValues default_params(std::span<const ParamSpec> specs) {
  ParamValues v;
  for (const auto& s : specs) v.push_back(s.def);
  return v;
}

ParamValues random_params(std::span<const ParamSpec> specs, core::Rng& rng) {
  ParamValues v;
  for (const auto& s : specs) {
    if (s.type == ParamType::Real) {
      v.push_back(clamp_param(s, rng.uniform(s.lo, s.hi)));
    } else {
      const auto count = static_cast<std::uint64_t>(s.hi - s.lo) + 1;
      v.push_back(s.lo + static_cast<double>(rng.below(count)));
    }
    if (!s.evolved) v.back() = s.def;
  }
  return v;
}

ParamValues clamp_params(std::span<const ParamSpec> specs, ParamValues values) {
  values.resize(specs.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < specs.size(); ++i) values[i] = clamp_param(specs[i], values[i]);
  return values;
}

int find_param(std::span<const ParamSpec> specs, std::string_view name) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string format_param(const ParamSpec& spec, double value) {
  switch (spec.type) {
    case ParamType::Int:
      return fmt::format("{}", static_cast<long long>(value));
    case ParamType::Real:
      return fmt::format("{:g}", value);
    case ParamType::Choice:
      return spec.choices.at(static_cast<std::size_t>(value));
    case ParamType::Bool:
      return value != 0 ? "true" : "false";
  }
  return {};
}

}  // namespace organism::strategy
