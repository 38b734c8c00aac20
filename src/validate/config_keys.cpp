// The validate.* configuration keys (config_keys.hpp).
#include "validate/config_keys.hpp"

#include <fmt/format.h>

#include <string>

#include "core/config.hpp"
#include "core/text.hpp"
#include "evolve/config_keys.hpp"
#include "validate/pbo.hpp"
#include "validate/validation.hpp"

namespace organism::validate {

namespace {

namespace check = core::check;

// An even whole number in [lo, hi]: PBO's blocks split in halves, a walk-forward population in
// pairs of parents.
core::ConfigCheck even(std::int64_t lo, std::int64_t hi) {
  std::string rule = fmt::format("an even whole number in [{}, {}]", lo, hi);
  return check::custom(rule, [=](const std::string& value) -> std::optional<std::string> {
    const auto v = core::parse_int64(core::trim(value));
    if (v && *v >= lo && *v <= hi && *v % 2 == 0) return std::nullopt;
    return fmt::format("'{}' is not {}", value.substr(0, 40), rule);
  });
}

}  // namespace

std::vector<core::ConfigKey> config_keys() {
  using core::format_number;
  const ValidationOptions d;
  const auto count = [](double lo) {
    return check::whole(core::closed(lo, evolve::kMaxConfigCount));
  };
  // A gate may be set where it always passes (a probability gate below 0 or above 1), which
  // tests and exploratory runs use; only values where it could never pass are refused.
  return {
      {"validate.on_evolve", defaults::kOnEvolve ? "true" : "false",
       "validate the front at the end of organism evolve", check::boolean()},
      {"validate.gate_sharpe", format_number(d.gates.sharpe),
       "gate: annualized Sharpe (mean over coins) above this in every stage", check::number({})},
      {"validate.gate_max_drawdown", format_number(d.gates.max_drawdown),
       "gate: max drawdown (mean over coins, at the run's target volatility) below this in every "
       "stage",
       check::number(core::above(0), "above 1: always passes")},
      {"validate.gate_dsr", format_number(d.gates.dsr),
       "gate: held-out deflated Sharpe ratio above this",
       check::number({.hi = 1, .hi_open = true}, "negative: always passes")},
      {"validate.gate_pbo", format_number(d.gates.pbo),
       "gate: the run's probability of backtest overfitting below this",
       check::number(core::above(0), "above 1: always passes")},
      {"validate.pbo_blocks", std::to_string(d.pbo_blocks), "CSCV blocks S for PBO",
       even(2, kMaxPboBlocks)},
      {"validate.wf_folds", std::to_string(d.walk_forward.folds),
       "walk-forward re-optimization folds over the last segment", count(1)},
      {"validate.wf_population", std::to_string(d.walk_forward.population),
       "population of each walk-forward short evolution (at most the run's)",
       even(4, static_cast<std::int64_t>(evolve::kMaxConfigCount))},
      {"validate.wf_generations", std::to_string(d.walk_forward.generations),
       "generations of each walk-forward short evolution (at most the run's)", count(0)},
      {"validate.perturbation_step", format_number(d.perturbation_step),
       "relative move of each numeric gene for the robustness neighbours",
       check::number({0, 1, true, true})},
      {"validate.cost_multiplier", format_number(d.cost_multiplier),
       "cost stress: fees and slippage multiplied by this", check::number(core::at_least(1))},
  };
}

}  // namespace organism::validate
