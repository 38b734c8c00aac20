// Typed parameters of a rule family: each a name, a type (int, real, choice, bool), bounds and a
// default. Used by the families (their specs), the genome (clamping, JSON) and evolution
// (mutation).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"

namespace organism::strategy {

enum class ParamType { Int, Real, Choice, Bool };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Real;
  double lo = 0;  // Choice: 0; Bool: 0
  double hi = 1;  // Choice: choices.size() - 1; Bool: 1
  double def = 0;
  std::vector<std::string> choices;  // Choice only, by index
  std::string help;
  // false: a bound set from outside (the allocator, the user), never drawn or varied by
  // evolution; random draws give the default.
  bool evolved = true;
};

// Spec builders, so family files read as a table.
ParamSpec int_param(std::string name, int lo, int hi, int def, std::string help);
ParamSpec real_param(std::string name, double lo, double hi, double def, std::string help);
ParamSpec choice_param(std::string name, std::vector<std::string> choices, int def,
                       std::string help);
ParamSpec bool_param(std::string name, bool def, std::string help);

// Values in spec order, all as doubles (a choice is its index, a bool 0 or 1): one small
// contiguous vector is cheap to copy, mutate and hash, whatever the family.
using ParamValues = std::vector<double>;

// The value brought into its spec: NaN becomes the default, ints and choices are rounded, every
// value is clamped to [lo, hi].
double clamp_param(const ParamSpec& spec, double value);
ParamValues default_params(std::span<const ParamSpec> specs);
// Uniform within bounds (ints and choices uniform over their values, bools fair coins); a spec
// that is not evolved takes its default (its draw is still made, so the streams do not shift).
ParamValues random_params(std::span<const ParamSpec> specs, core::Rng& rng);
// Size must match and each value be clamped; other sizes take the defaults for missing values.
ParamValues clamp_params(std::span<const ParamSpec> specs, ParamValues values);
// Index of the named spec, or -1.
int find_param(std::span<const ParamSpec> specs, std::string_view name);
// The value as text: ints without decimals, choices by name, bools as true/false.
std::string format_param(const ParamSpec& spec, double value);

}  // namespace organism::strategy
