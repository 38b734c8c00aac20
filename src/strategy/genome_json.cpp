// Canonical JSON of a genome, its parser and its id: the only text form a genome has, so the
// bytes must not depend on the platform or on the order fields were set in.
#include <fmt/format.h>

#include <cinttypes>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "strategy/genome.hpp"
#include "strategy/genome_fields.hpp"
#include "strategy/gp/json.hpp"

namespace organism::strategy {
namespace {

// nlohmann::json keeps object keys in a std::map: sorted, whatever the insertion order.
using Json = nlohmann::json;

Json section(std::span<const ParamSpec> specs, const ParamValues& values) {
  Json out = Json::object();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    const double v = values[i];
    switch (s.type) {
      case ParamType::Int:
        out[s.name] = static_cast<std::int64_t>(v);
        break;
      case ParamType::Real:
        out[s.name] = v;
        break;
      case ParamType::Choice:
        out[s.name] = s.choices.at(static_cast<std::size_t>(v));
        break;
      case ParamType::Bool:
        out[s.name] = v != 0;
        break;
    }
  }
  return out;
}

Json to_object(const Genome& g) {
  Json out = Json::object();
  out["family"] = g.family;
  out["generation"] = g.generation;
  if (g.family == kTreeFamily) {
    out["rule"] = gp::to_json(g.rule);
  } else {
    const Family& family = find_family(g.family);
    out["params"] = section(family.params(), clamp_params(family.params(), g.params));
  }
  out["risk"] = section(risk_specs(), risk_values(g.risk));
  // Only when on: a genome without the drawdown stop keeps the bytes, and so the id, it had
  // before the gene existed.
  if (g.risk.dd_stop > 0) out["risk"].update(section(breaker_specs(), breaker_values(g.risk)));
  out["regime"] = section(regime_specs(), regime_values(g.regime));
  return out;
}

std::string names(std::span<const ParamSpec> specs) {
  std::vector<std::string> n;
  for (const auto& s : specs) n.push_back(s.name);
  // The risk object holds the breaker genes too (to_object).
  if (specs.data() == risk_specs().data())
    for (const auto& s : breaker_specs()) n.push_back(s.name);
  return fmt::format("{}", fmt::join(n, ", "));
}

// Reads one section: missing keys keep `values` (the defaults), unknown keys are an error.
ParamValues read_section(const Json& j, std::string_view where, std::span<const ParamSpec> specs,
                         ParamValues values) {
  if (!j.is_object()) throw core::Error(fmt::format("genome: '{}' must be an object", where));
  for (const auto& [key, value] : j.items()) {
    const int k = find_param(specs, key);
    if (k < 0)
      throw core::Error(
          fmt::format("genome: unknown key '{}.{}' (known: {})", where, core::quoted_text(key), names(specs)));
    const auto& s = specs[static_cast<std::size_t>(k)];
    auto bad = [&](std::string_view want) {
      return core::Error(
          fmt::format("genome: '{}.{}' must be {}, got {}", where, key, want, core::quoted_json(value)));
    };
    double v = 0;
    switch (s.type) {
      case ParamType::Int:
      case ParamType::Real:
        if (!value.is_number()) throw bad("a number");
        v = value.get<double>();
        break;
      case ParamType::Bool:
        if (!value.is_boolean()) throw bad("true or false");
        v = value.get<bool>() ? 1 : 0;
        break;
      case ParamType::Choice: {
        if (!value.is_string()) throw bad(fmt::format("one of {}", fmt::join(s.choices, ", ")));
        const auto it = std::find(s.choices.begin(), s.choices.end(), value.get<std::string>());
        if (it == s.choices.end()) throw bad(fmt::format("one of {}", fmt::join(s.choices, ", ")));
        v = static_cast<double>(it - s.choices.begin());
        break;
      }
    }
    values[static_cast<std::size_t>(k)] = clamp_param(s, v);
  }
  return values;
}

}  // namespace

std::string canonical_json(const Genome& genome) { return to_object(genome).dump(); }

std::string to_json(const Genome& genome, int indent) {
  Json out = to_object(genome);
  out["id"] = genome_id(genome);
  return out.dump(indent);
}

Genome from_json(const std::string& text) {
  // Outside input: nesting limited and error quotes kept short (core/json_input.hpp).
  const Json j = core::parse_json(text, "genome");
  if (!j.is_object()) throw core::Error("genome: expected a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "family" && key != "generation" && key != "params" && key != "rule" && key != "risk" &&
        key != "regime" && key != "id") {
      throw core::Error(fmt::format(
          "genome: unknown key '{}' (known: family, generation, params, rule, risk, regime, id)", core::quoted_text(key)));
    }
  }
  if (!j.contains("family") || !j["family"].is_string())
    throw core::Error("genome: 'family' (a family name) is required");
  Genome g;
  g.family = j["family"].get<std::string>();
  if (j.contains("generation")) {
    if (!j["generation"].is_number_integer())
      throw core::Error("genome: 'generation' must be a whole number");
    g.generation = j["generation"].get<int>();
  }
  if (g.family == kTreeFamily) {
    // A rule tree instead of parameters.
    if (j.contains("params")) throw core::Error("genome: the tree family has a 'rule', not 'params'");
    if (!j.contains("rule")) throw core::Error("genome: the tree family needs a 'rule'");
    try {
      g.rule = gp::rule_from_json(j["rule"]);
    } catch (const core::UsageError& e) {
      throw core::Error(fmt::format("genome: rule: {}", e.what()));
    }
  } else {
    if (j.contains("rule")) throw core::Error("genome: only the tree family has a 'rule'");
    const Family* family = nullptr;
    try {
      family = &find_family(g.family);
    } catch (const core::UsageError&) {
      throw core::Error(fmt::format("genome: unknown family '{}'; families: {}", core::quoted_text(g.family),
                                    fmt::join(genome_families(), ", ")));
    }
    g.params = default_params(family->params());
    if (j.contains("params"))
      g.params = read_section(j["params"], "params", family->params(), g.params);
  }
  if (j.contains("risk")) {
    // The breaker genes share the risk object: read apart, with their own specs.
    Json risk = j["risk"], breakers = Json::object();
    if (risk.is_object()) {
      for (const auto& s : breaker_specs()) {
        if (!risk.contains(s.name)) continue;
        breakers[s.name] = risk[s.name];
        risk.erase(s.name);
      }
    }
    g.risk = risk_from_values(read_section(risk, "risk", risk_specs(), risk_values(g.risk)), g.risk);
    set_breakers(g.risk, read_section(breakers, "risk", breaker_specs(), breaker_values(g.risk)));
  }
  if (j.contains("regime")) {
    g.regime = regime_from_values(
        read_section(j["regime"], "regime", regime_specs(), regime_values(g.regime)));
  }
  clamp(g);
  return g;
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string genome_id(const Genome& genome) {
  Genome rule = normalized(genome);
  rule.generation = 0;
  const std::string hex = fmt::format("{:016x}", fnv1a64(canonical_json(rule)));
  return fmt::format("{}_{}_{}", genome.family, genome.generation, hex.substr(0, 8));
}

}  // namespace organism::strategy
