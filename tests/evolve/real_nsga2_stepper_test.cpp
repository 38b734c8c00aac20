// The real-vector NSGA-II one generation at a time: stopped at a middle generation, saved as JSON
// and continued, it ends bit for bit where the uninterrupted run ends; and the thread count used
// to evaluate a generation never changes a result.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "evolve/real_nsga2.hpp"

namespace organism::evolve {
namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_state(const RealNsga2State& a, const RealNsga2State& b) {
  if (a.generation != b.generation || a.evaluations != b.evaluations ||
      a.variables.size() != b.variables.size() || a.fitness.size() != b.fitness.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.variables.size(); ++i) {
    if (!same_bits(a.variables[i], b.variables[i]) ||
        !same_bits(a.fitness[i].objectives, b.fitness[i].objectives) ||
        std::memcmp(&a.fitness[i].violation, &b.fitness[i].violation, sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

RealNsga2Options small(std::uint64_t seed) {
  RealNsga2Options o;
  o.population = 20;
  o.generations = 12;
  o.seed = seed;
  return o;
}

TEST(RealNsga2Stepper, ResumedFromJsonAtAMiddleGenerationEqualsTheUninterruptedRun) {
  const auto problem = make_test_problem("zdt3");
  const auto options = small(5);
  const auto straight = run_real_nsga2(problem, options);
  EXPECT_EQ(straight.generation, 12u);
  EXPECT_EQ(straight.evaluations, 20u * 13u);

  auto first = real_nsga2_start(problem, options);
  for (int g = 0; g < 5; ++g) real_nsga2_step(problem, options, first);
  ASSERT_EQ(first.generation, 5u);
  // Through text, as a checkpoint is stored.
  const std::string saved = real_nsga2_state_json(first).dump();
  auto resumed = real_nsga2_state_from_json(nlohmann::json::parse(saved));
  EXPECT_TRUE(same_state(first, resumed));
  while (resumed.generation < options.generations) real_nsga2_step(problem, options, resumed);
  EXPECT_TRUE(same_state(straight, resumed));
  // The stop point is not special: a different seed gives a different run.
  EXPECT_FALSE(same_state(straight, run_real_nsga2(problem, small(6))));
}

TEST(RealNsga2Stepper, ThreadCountNeverChangesTheResult) {
  const auto problem = make_test_problem("dtlz2");
  auto options = small(9);
  options.threads = 1;
  const auto one = run_real_nsga2(problem, options);
  options.threads = 2;
  EXPECT_TRUE(same_state(one, run_real_nsga2(problem, options)));
  options.threads = 7;  // more threads than cores: slots still fill in any order
  EXPECT_TRUE(same_state(one, run_real_nsga2(problem, options)));
}

TEST(RealNsga2Stepper, NonFiniteObjectivesSurviveTheJsonRoundTrip) {
  RealNsga2State s;
  s.generation = 3;
  s.evaluations = 8;
  s.variables = {{0.1, 1.0 / 3.0}, {2e-300, -0.0}};
  s.fitness = {{{std::numeric_limits<double>::infinity(), -1.5}, 0},
               {{-std::numeric_limits<double>::infinity(), 0.2}, 1e9}};
  const auto back =
      real_nsga2_state_from_json(nlohmann::json::parse(real_nsga2_state_json(s).dump()));
  EXPECT_TRUE(same_state(s, back));
  nlohmann::json nan_member = real_nsga2_state_json(s);
  nan_member["population"][0]["objectives"][0] = "nan";
  EXPECT_TRUE(std::isnan(real_nsga2_state_from_json(nan_member).fitness[0].objectives[0]));
  nan_member["population"][0]["objectives"][0] = "lots";
  EXPECT_THROW(real_nsga2_state_from_json(nan_member), std::invalid_argument);
  EXPECT_THROW(real_nsga2_state_from_json(nlohmann::json{{"generation", 1}}),
               std::invalid_argument);
}

TEST(RealNsga2Stepper, AStateOfAnotherPopulationSizeIsRefused) {
  const auto problem = make_test_problem("zdt1");
  auto state = real_nsga2_start(problem, small(1));
  auto bigger = small(1);
  bigger.population = 24;
  EXPECT_THROW(real_nsga2_step(problem, bigger, state), std::invalid_argument);
}

}  // namespace
}  // namespace organism::evolve
