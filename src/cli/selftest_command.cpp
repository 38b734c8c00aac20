// `organism selftest nsga2`: runs the optimizer on a test problem with a known Pareto front and
// reports the hypervolume it reached, so a user can see the engine works before trusting it.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "evolve/real_nsga2.hpp"
#include "evolve/test_problems.hpp"

namespace organism::cli {
namespace {

struct Nsga2Args {
  std::string problem = "zdt1";
  std::size_t population = 100;
  std::size_t generations = 250;
  std::uint64_t seed = 1;
  bool json = false;
};

void run_nsga2(const Nsga2Args& a) {
  const auto names = evolve::test_problem_names();
  if (std::find(names.begin(), names.end(), a.problem) == names.end()) {
    throw core::UsageError(fmt::format(
        "--problem: unknown problem '{}'; choose zdt1, zdt2, zdt3 or dtlz2", a.problem));
  }
  if (a.population < 4 || a.population % 2 != 0) {
    throw core::UsageError(
        fmt::format("--population must be even and at least 4, got {}", a.population));
  }
  if (a.generations < 1) throw core::UsageError("--generations must be at least 1");

  const auto problem = evolve::make_test_problem(a.problem);
  evolve::RealNsga2Options options;
  options.population = a.population;
  options.generations = a.generations;
  options.seed = a.seed;
  const auto start = std::chrono::steady_clock::now();
  const auto result = evolve::run_real_nsga2(problem, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto front = evolve::first_front_objectives(result);
  const std::vector<double> reference(problem.objectives, evolve::kSelftestReference);
  const double hv = evolve::hypervolume(front, reference);
  const double true_hv = evolve::true_front_hypervolume(a.problem);
  if (a.json) {
    nlohmann::ordered_json out;
    out["problem"] = a.problem;
    out["hypervolume"] = hv;
    out["true_front_hypervolume"] = true_hv;
    out["front_size"] = front.size();
    out["evaluations"] = result.evaluations;
    out["seconds"] = seconds;
    out["population"] = a.population;
    out["generations"] = a.generations;
    out["seed"] = a.seed;
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print(
      "NSGA-II on {} ({} variables, {} objectives): population {}, generations {}, seed {}\n",
      a.problem, problem.variables(), problem.objectives, a.population, a.generations, a.seed);
  fmt::print("  evaluations   {}\n", result.evaluations);
  fmt::print("  first front   {} points\n", front.size());
  fmt::print(
      "  hypervolume   {:.4f}  (true front {:.4f}: {:.1f}%; reference point {} per objective)\n",
      hv, true_hv, 100.0 * hv / true_hv, evolve::kSelftestReference);
  fmt::print("  seconds       {:.3f}\n", seconds);
}

}  // namespace

void add_selftest_command(CLI::App& app, Registry& registry) {
  CLI::App* cmd =
      app.add_subcommand("selftest", "check the optimizer on problems with known answers");
  cmd->require_subcommand(1);

  auto a = std::make_shared<Nsga2Args>();
  CLI::App* nsga2 = cmd->add_subcommand(
      "nsga2", "run NSGA-II on a test problem and report the hypervolume of its final front");
  nsga2->add_option(
      "--problem", a->problem,
      "zdt1, zdt2, zdt3 (30 variables, 2 objectives) or dtlz2 (12 variables, 3 objectives); "
      "default zdt1");
  nsga2->add_option("--population", a->population, "population size, even and >= 4 (default 100)");
  nsga2->add_option("--generations", a->generations,
                    "generations after the random start (default 250)");
  nsga2->add_option("--seed", a->seed, "random seed; one seed gives one result (default 1)");
  nsga2->add_flag(
      "--json", a->json,
      "print one JSON object: problem, hypervolume, true_front_hypervolume, front_size, "
      "evaluations, seconds, population, generations, seed");
  nsga2->footer(
      "\nHypervolume: of the final population's first front, all objectives minimized, reference\n"
      "point 1.1 in every objective; the true front's value is printed beside it (ZDT1 0.8767).\n"
      "Operators: SBX (eta 15, probability 0.9) and polynomial mutation (eta 20, probability\n"
      "1/variables). See docs/evolution.md, 'The optimizer'.");
  registry.on(nsga2, [a](Context&) { run_nsga2(*a); });
}

}  // namespace organism::cli
