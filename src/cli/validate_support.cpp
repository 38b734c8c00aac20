// Validation for the CLI: options, JSON, store states and the gate summary (validate_support.hpp).
#include "cli/validate_support.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>

#include "cli/evolve_support.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "lifecycle/lifecycle.hpp"

namespace organism::cli {
namespace {

using Json = nlohmann::ordered_json;

Json stage_json(const validate::StageResult& s, const char* const* names, std::size_t n) {
  Json j = Json::object();
  for (std::size_t i = 0; i < n; ++i) j[names[i]] = json_number(evolve::value_of(s.mean, names[i]));
  return j;
}

constexpr const char* kStageFields[] = {"sharpe", "total_return", "max_drawdown", "trades"};

std::string stage_key(std::size_t s) { return std::string(evolve::stage_name(kStages[s])); }

Json per_coin_json(const std::array<validate::StageResult, 3>& stages, const evolve::Universe& u) {
  Json out = Json::object();
  for (std::size_t s = 0; s < stages.size(); ++s) {
    Json coins = Json::object();
    for (std::size_t c = 0; c < stages[s].per_coin.size() && c < u.coins.size(); ++c) {
      const auto& m = stages[s].per_coin[c];
      coins[u.coins[c].label] = {{"sharpe", json_number(m.sharpe)},
                                 {"total_return", json_number(m.total_return)},
                                 {"max_drawdown", json_number(m.max_drawdown)},
                                 {"trades", m.trades}};
    }
    out[stage_key(s)] = coins;
  }
  return out;
}

Json trial_clustering_json(const validate::RunValidation& v, const evolve::Universe& u) {
  const auto& c = v.trial_clustering;
  const double bars_per_year = u.interval.bars_per_year();
  Json j = {{"trials", c.trials},
            {"clustered", c.clustered},
            {"source", c.from_sample ? "trial_sample" : "final_populations"},
            {"sampled", c.from_sample && c.trials > static_cast<std::int64_t>(c.clustered)},
            {"clusters", c.clusters},
            {"sharpe_variance", json_number(c.sharpe_variance_per_bar * bars_per_year)},
            {"sharpe_variance_per_bar", json_number(c.sharpe_variance_per_bar)},
            {"silhouette", json_number(c.silhouette)},
            {"structure", c.structure},
            {"block_bars", c.block_bars},
            {"effective_front_members", v.effective_front_members}};
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

Json time_json(std::int64_t ms) { return {{"ms", ms}, {"utc", core::format_utc(ms)}}; }

void print_summary(const validate::RunValidation& v, const validate::GateThresholds& t, std::size_t top) {
  std::map<std::string, std::size_t> failed;
  for (const auto& m : v.members) {
    for (const auto& g : m.gates) failed[g.name] += g.passed ? 0 : 1;
  }
  fmt::print("validation: {} of {} front members passed every gate and are now 'validated' (PBO {}, {} trials in {} "
             "clusters, {} independent front members, walk-forward efficiency {:.3g})\n",
             v.survivors, v.members.size(), v.pbo ? fmt::format("{:.3f}", v.pbo->pbo) : "n/a", v.trials.count,
             v.trial_clustering.clusters, v.effective_front_members, v.walk_forward.efficiency);
  if (!v.trial_clustering.note.empty()) fmt::print("note: {}\n", v.trial_clustering.note);
  const std::map<std::string, std::string> rule = {
      {"sharpe_in_sample", fmt::format("> {:g}", t.sharpe)},  {"sharpe_out_of_sample", fmt::format("> {:g}", t.sharpe)},
      {"sharpe_walk_forward", fmt::format("> {:g}", t.sharpe)}, {"max_drawdown", fmt::format("< {:g}", t.max_drawdown)},
      {"dsr", fmt::format("> {:g}", t.dsr)},                  {"pbo", fmt::format("< {:g}", t.pbo)},
      {"cost_stress", fmt::format("> {:g} return", t.cost_stress)}};
  fmt::print("{:<22} {:>14} {:>8}\n", "gate", "threshold", "failed");
  for (const char* name : validate::kGateNames) fmt::print("{:<22} {:>14} {:>8}\n", name, rule.at(name), failed[name]);
  std::size_t shown = 0;
  for (const auto& m : v.members) {
    if (!m.passed || shown++ >= top) continue;
    fmt::print("validated {}: Sharpe {:.2f} / {:.2f} / {:.2f}, DSR {:.3f}, WF efficiency {:.2f}\n", m.id,
               evolve::value_of(m.stages[0].mean, "sharpe"), evolve::value_of(m.stages[1].mean, "sharpe"),
               evolve::value_of(m.stages[2].mean, "sharpe"), m.held_out.deflated.dsr, m.wf_efficiency);
  }
}

}  // namespace

validate::ValidationOptions validation_options(const core::Config& cfg, const evolve::EvolveOptions& run) {
  validate::ValidationOptions o;
  o.gates.sharpe = cfg.get_double("validate.gate_sharpe");
  o.gates.max_drawdown = cfg.get_double("validate.gate_max_drawdown");
  o.gates.dsr = cfg.get_double("validate.gate_dsr");
  o.gates.pbo = cfg.get_double("validate.gate_pbo");
  o.pbo_blocks = static_cast<int>(cfg.get_int("validate.pbo_blocks"));
  o.walk_forward.folds = static_cast<int>(cfg.get_int("validate.wf_folds"));
  const auto population = cfg.get_int("validate.wf_population");
  const auto generations = cfg.get_int("validate.wf_generations");
  if (population < 4 || population % 2) throw core::UsageError("validate.wf_population must be even and at least 4");
  if (generations < 0) throw core::UsageError("validate.wf_generations must be 0 or more");
  // The run's population is valid for its islands; halved to stay even on one island if odd.
  o.walk_forward.population = static_cast<int>(std::min<std::int64_t>(population, run.population / 2 * 2));
  o.walk_forward.generations = static_cast<int>(std::min<std::int64_t>(generations, run.generations));
  o.perturbation_step = cfg.get_double("validate.perturbation_step");
  o.cost_multiplier = cfg.get_double("validate.cost_multiplier");
  validate::check_options(o);
  return o;
}

Json member_validation_json(const validate::MemberValidation& m, const evolve::Universe& u) {
  const double annual = std::sqrt(u.interval.bars_per_year());
  const auto& ho = m.held_out;
  const auto& is = m.in_sample;
  Json j;
  // The gated DSR: held-out returns deflated by the clustered front under the null V = 1/(T-1).
  j["dsr"] = json_number(ho.deflated.dsr);
  j["psr"] = json_number(ho.deflated.psr);
  j["expected_max_sharpe"] = json_number(ho.deflated.expected_max_sharpe * annual);
  j["sharpe_per_bar"] = json_number(ho.sample.sharpe_per_bar);
  j["held_out_sharpe"] = json_number(ho.sample.sharpe_per_bar * annual);
  j["held_out_bars"] = ho.sample.bars;
  j["held_out_skew"] = json_number(ho.sample.skew);
  j["held_out_excess_kurtosis"] = json_number(ho.sample.excess_kurtosis);
  j["effective_front_members"] = ho.trials.trials;
  j["held_out_cluster"] = m.held_out_cluster;
  // In-sample returns deflated by the run's clustered trials.
  j["dsr_in_sample"] = json_number(is.deflated.dsr);
  j["effective_trials"] = is.trials.trials;
  j["in_sample_deflation"] = {{"psr", json_number(is.deflated.psr)},
                              {"expected_max_sharpe", json_number(is.deflated.expected_max_sharpe * annual)},
                              {"sharpe", json_number(is.sample.sharpe_per_bar * annual)},
                              {"sharpe_per_bar", json_number(is.sample.sharpe_per_bar)},
                              {"bars", is.sample.bars},
                              {"sharpe_variance", json_number(is.trials.sharpe_variance_per_bar * annual * annual)}};
  j["wf_efficiency"] = json_number(m.wf_efficiency);
  j["annualized_log_return"] = {{"in_sample", json_number(m.in_sample_annualized)},
                                {"walk_forward", json_number(m.walk_forward_annualized)}};
  Json stress = {{"multiplier", m.cost_stress.multiplier},
                 {"sharpe", json_number(m.cost_stress.sharpe)},
                 {"total_return", json_number(m.cost_stress.total_return)}};
  for (std::size_t s = 0; s < 3; ++s) stress["stages"][stage_key(s)] = stage_json(m.cost_stress.stages[s], kStageFields, 4);
  j["cost_stress"] = stress;
  Json coin_sharpes = Json::object();
  for (std::size_t c = 0; c < m.robustness.coin_sharpes.size() && c < u.coins.size(); ++c) {
    coin_sharpes[u.coins[c].label] = json_number(m.robustness.coin_sharpes[c]);
  }
  j["robustness"] = {{"perturbation_ratio", json_number(m.robustness.perturbation_ratio)},
                     {"neighbours", m.robustness.neighbours},
                     {"own_sharpe", json_number(m.robustness.own_sharpe)},
                     {"neighbour_sharpe_median", json_number(m.robustness.neighbour_sharpe_median)},
                     {"coin_dispersion", json_number(m.robustness.coin_dispersion)},
                     {"coin_sharpes_out_of_sample", coin_sharpes}};
  j["per_coin"] = per_coin_json(m.stages, u);
  Json gates = Json::object();
  Json reasons = Json::array();
  for (const auto& g : m.gates) {
    gates[g.name] = {{"passed", g.passed}, {"value", g.value ? json_number(*g.value) : Json(nullptr)},
                     {"threshold", g.threshold}};
    if (!g.passed) reasons.push_back(g.reason);
  }
  j["gates"] = gates;
  j["failed"] = reasons;
  j["passed"] = m.passed;
  return j;
}

Json walk_forward_json(const validate::WalkForwardResult& wf) {
  Json folds = Json::array();
  for (std::size_t i = 0; i < wf.folds.size(); ++i) {
    const auto& f = wf.folds[i];
    folds.push_back({{"fold", i + 1},
                     {"begin", time_json(f.begin_time)},
                     {"end", time_json(f.end_time)},
                     {"train_begin", time_json(f.train_begin_time)},
                     {"train_end", time_json(f.train_end_time)},
                     {"chosen", f.chosen_id},
                     {"genome", Json::parse(strategy::canonical_json(f.chosen))},
                     {"bars", f.bars},
                     {"train", {{"sharpe", json_number(evolve::value_of(f.train_metrics, "sharpe"))},
                                {"total_return", json_number(evolve::value_of(f.train_metrics, "total_return"))},
                                {"annualized_log_return", json_number(f.train_annualized)}}},
                     {"metrics", {{"sharpe", json_number(evolve::value_of(f.fold_metrics, "sharpe"))},
                                  {"total_return", json_number(evolve::value_of(f.fold_metrics, "total_return"))},
                                  {"max_drawdown", json_number(evolve::value_of(f.fold_metrics, "max_drawdown"))},
                                  {"trades", json_number(evolve::value_of(f.fold_metrics, "trades"))},
                                  {"annualized_log_return", json_number(f.fold_annualized)}}}});
  }
  Json equity = Json::array();
  for (double e : wf.stitched_equity) equity.push_back(json_number(e));
  return {{"folds", folds},
          {"stitched_equity", equity},
          {"stitched_annualized", json_number(wf.stitched_annualized)},
          {"in_sample_annualized", json_number(wf.in_sample_annualized)},
          {"efficiency", json_number(wf.efficiency)},
          {"evaluations", wf.evaluations}};
}

validate::RunValidation validate_run(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                                     const evolve::Evaluator& evaluator, Json& run_json, const Context& ctx,
                                     std::size_t top) {
  const auto options = validation_options(ctx.config, engine.options());
  std::vector<evolve::Individual> population;
  for (const auto& island : engine.islands()) population.insert(population.end(), island.begin(), island.end());
  validate::TrialSummary trials{engine.trials().count, engine.trials().variance(), std::nullopt};
  if (const auto* sample = engine.trial_sample()) trials.sample = sample->genomes();
  const bool show = ctx.progress != core::ProgressMode::Off;
  const auto progress = [show](const std::string& line) {
    if (show) fmt::print(stderr, "{}\n", line);
  };
  const auto v = validate::validate_front(evaluator, front, population, engine.options(), trials, options, progress);

  const auto& u = evaluator.universe();
  std::map<std::string, const validate::MemberValidation*> by_id;
  for (const auto& m : v.members) by_id[m.id] = &m;
  for (auto& member : run_json["front"]) {
    const auto it = by_id.find(member.value("id", ""));
    if (it == by_id.end()) continue;
    member["validation"] = member_validation_json(*it->second, u);
    // The store keeps the validation as the strategy's evidence: its aliases go with it.
    member["validation"]["aliases"] = member.value("aliases", Json::array());
  }
  run_json["pbo"] = v.pbo ? Json(v.pbo->pbo) : Json(nullptr);
  Json detail = {{"blocks", options.pbo_blocks}, {"strategies", v.pbo_strategies}, {"bars", v.pbo_bars}};
  if (v.pbo) {
    detail["combinations"] = v.pbo->combinations;
    detail["logit_mean"] = json_number(v.pbo->logit_mean);
    detail["logit_median"] = json_number(v.pbo->logit_median);
    detail["degradation_slope"] = json_number(v.pbo->degradation_slope);
    detail["degradation_intercept"] = json_number(v.pbo->degradation_intercept);
    detail["probability_of_loss"] = json_number(v.pbo->probability_of_loss);
  } else {
    detail["note"] = v.pbo_note;
  }
  run_json["pbo_detail"] = detail;
  run_json["trials"] = v.trials.count;
  run_json["trial_sharpe_variance"] = json_number(v.trials.sharpe_variance);
  run_json["trial_clustering"] = trial_clustering_json(v, u);
  run_json["walk_forward"] = walk_forward_json(v.walk_forward);
  const auto& t = options.gates;
  run_json["gates"] = {{"sharpe", t.sharpe},         {"max_drawdown", t.max_drawdown}, {"dsr", t.dsr},
                       {"pbo", t.pbo},               {"cost_stress", t.cost_stress},
                       {"cost_multiplier", options.cost_multiplier}, {"perturbation_step", options.perturbation_step},
                       {"wf_folds", options.walk_forward.folds}, {"wf_population", options.walk_forward.population},
                       {"wf_generations", options.walk_forward.generations}};
  run_json["survivors"] = v.survivors;
  print_summary(v, t, top);
  return v;
}

void validate_evolved(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                      const evolve::Evaluator& evaluator, Json& run_json, const Context& ctx) {
  if (ctx.config.get_bool("validate.on_evolve")) validate_run(engine, front, evaluator, run_json, ctx);
}

void save_validation(data::Store& store, const Json& run_json) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& member : run_json.at("front")) {
    if (!member.contains("validation")) continue;
    const auto& v = member.at("validation");
    lifecycle::record_validation(store, member.at("id").get<std::string>(), v.at("passed").get<bool>(), v.dump(), now);
  }
}

}  // namespace organism::cli
