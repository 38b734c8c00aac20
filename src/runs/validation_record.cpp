// The validation records and their JSON (validation_record.hpp). The field order is the order of
// the run JSON that `organism evolve --json-out` has always written.
#include "runs/validation_record.hpp"

#include <cmath>

#include "core/time.hpp"
#include "runs/json_fields.hpp"

namespace organism::runs {
namespace {

using namespace json_fields;

constexpr const char* kStageKeys[] = {"in_sample", "out_of_sample", "walk_forward"};

StageSummary stage_summary(const evolve::MetricValues& mean) {
  return {evolve::value_of(mean, "sharpe"), evolve::value_of(mean, "total_return"),
          evolve::value_of(mean, "max_drawdown"), evolve::value_of(mean, "trades")};
}

Json regimes_json(const std::vector<indicators::RegimeStats>& rows) {
  Json out = Json::array();
  for (const auto& r : rows) {
    out.push_back({{"regime", r.regime},
                   {"bars", r.bars},
                   {"mean_return", number(r.mean_return)},
                   {"total_return", number(r.total_return)},
                   {"sharpe", number(r.sharpe)}});
  }
  return out;
}

std::vector<indicators::RegimeStats> regimes_from_json(const Json& j) {
  std::vector<indicators::RegimeStats> out;
  const auto it = j.find("regimes");
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& r : *it) {
    out.push_back({get_or<std::string>(r, "regime"), get_or<std::int64_t>(r, "bars"), number_at(r, "mean_return"),
                   number_at(r, "total_return"), number_at(r, "sharpe")});
  }
  return out;
}

Json time_json(std::int64_t ms) { return {{"ms", ms}, {"utc", core::format_utc(ms)}}; }
std::int64_t time_from(const Json& j) { return get_or<std::int64_t>(j, "ms"); }

RiskHaltsRecord risk_halts_record(const validate::RiskHalts& h) {
  RiskHaltsRecord r;
  r.halted = static_cast<std::int64_t>(h.halted);
  r.segments = static_cast<std::int64_t>(h.segments.size());
  for (const auto& s : h.segments) {
    SegmentHaltRecord x;
    x.stage = std::string(evolve::stage_name(s.stage));
    x.coin = s.label;
    x.bars = static_cast<std::int64_t>(s.bars);
    x.halted = s.halted;
    if (s.halt_bar) x.halt_bar = static_cast<std::int64_t>(*s.halt_bar);
    x.halt_time = s.halt_time;
    x.reason = s.reason;
    x.bars_reducing = s.bars_reducing;
    x.bars_halted = s.bars_halted;
    r.per_segment.push_back(std::move(x));
  }
  return r;
}

Json risk_halts_json(const RiskHaltsRecord& r) {
  Json segments = Json::array();
  for (const auto& s : r.per_segment) {
    segments.push_back({{"stage", s.stage},
                        {"coin", s.coin},
                        {"bars", s.bars},
                        {"halted", s.halted},
                        {"halt_bar", s.halt_bar ? Json(*s.halt_bar) : Json(nullptr)},
                        {"halt_time", s.halted ? time_json(s.halt_time) : Json(nullptr)},
                        {"reason", s.reason},
                        {"bars_reducing", s.bars_reducing},
                        {"bars_halted", s.bars_halted}});
  }
  return {{"gate", false}, {"halted", r.halted}, {"segments", r.segments}, {"per_segment", segments}};
}

RiskHaltsRecord risk_halts_from_json(const Json& j) {
  RiskHaltsRecord r;
  r.halted = get_or<std::int64_t>(j, "halted");
  r.segments = get_or<std::int64_t>(j, "segments");
  const auto it = j.find("per_segment");
  if (it == j.end() || !it->is_array()) return r;
  for (const auto& s : *it) {
    SegmentHaltRecord x;
    x.stage = get_or<std::string>(s, "stage");
    x.coin = get_or<std::string>(s, "coin");
    x.bars = get_or<std::int64_t>(s, "bars");
    x.halted = get_or<bool>(s, "halted");
    if (const auto b = s.find("halt_bar"); b != s.end() && b->is_number_integer()) x.halt_bar = b->get<std::int64_t>();
    x.halt_time = time_from(object_at(s, "halt_time"));
    x.reason = get_or<std::string>(s, "reason");
    x.bars_reducing = get_or<std::int64_t>(s, "bars_reducing");
    x.bars_halted = get_or<std::int64_t>(s, "bars_halted");
    r.per_segment.push_back(std::move(x));
  }
  return r;
}

}  // namespace

MemberValidation member_validation_of(const validate::MemberValidation& m, const evolve::Universe& u) {
  const double annual = std::sqrt(u.interval.bars_per_year());
  const auto& ho = m.held_out;
  const auto& is = m.in_sample;
  MemberValidation r;
  // The gated DSR: held-out returns deflated by the clustered front under the null V = 1/(T-1).
  r.dsr = ho.deflated.dsr;
  r.psr = ho.deflated.psr;
  r.expected_max_sharpe = ho.deflated.expected_max_sharpe * annual;
  r.sharpe_per_bar = ho.sample.sharpe_per_bar;
  r.held_out_sharpe = ho.sample.sharpe_per_bar * annual;
  r.held_out_bars = ho.sample.bars;
  r.held_out_skew = ho.sample.skew;
  r.held_out_excess_kurtosis = ho.sample.excess_kurtosis;
  r.effective_front_members = ho.trials.trials;
  r.held_out_cluster = m.held_out_cluster;
  // In-sample returns deflated by the run's clustered trials.
  r.dsr_in_sample = is.deflated.dsr;
  r.effective_trials = is.trials.trials;
  r.in_sample_deflation = {is.deflated.psr,         is.deflated.expected_max_sharpe * annual,
                           is.sample.sharpe_per_bar * annual, is.sample.sharpe_per_bar, is.sample.bars,
                           is.trials.sharpe_variance_per_bar * annual * annual};
  r.wf_efficiency = m.wf_efficiency;
  r.annualized_log_return_in_sample = m.in_sample_annualized;
  r.annualized_log_return_walk_forward = m.walk_forward_annualized;
  r.cost_stress.multiplier = m.cost_stress.multiplier;
  r.cost_stress.sharpe = m.cost_stress.sharpe;
  r.cost_stress.total_return = m.cost_stress.total_return;
  for (std::size_t s = 0; s < 3; ++s) r.cost_stress.stages[s] = stage_summary(m.cost_stress.stages[s].mean);
  const auto& rb = m.robustness;
  r.robustness = {rb.perturbation_ratio, rb.neighbours, rb.own_sharpe, rb.neighbour_sharpe_median, rb.coin_dispersion, {}};
  for (std::size_t c = 0; c < rb.coin_sharpes.size() && c < u.coins.size(); ++c) {
    r.robustness.coin_sharpes_out_of_sample.emplace_back(u.coins[c].label, rb.coin_sharpes[c]);
  }
  for (std::size_t s = 0; s < 3; ++s) {
    for (std::size_t c = 0; c < m.stages[s].per_coin.size() && c < u.coins.size(); ++c) {
      const auto& x = m.stages[s].per_coin[c];
      r.per_coin[s].emplace_back(u.coins[c].label, CoinSummary{x.sharpe, x.total_return, x.max_drawdown, x.trades});
    }
  }
  r.risk_halts = risk_halts_record(m.risk_halts);
  r.regimes = m.regimes;
  for (const auto& g : m.gates) {
    r.gates.push_back({g.name, g.passed, g.value, g.threshold});
    if (!g.passed) r.failed.push_back(g.reason);
  }
  r.passed = m.passed;
  return r;
}

Json to_json(const MemberValidation& v) {
  Json j;
  j["dsr"] = number(v.dsr);
  j["psr"] = number(v.psr);
  j["expected_max_sharpe"] = number(v.expected_max_sharpe);
  j["sharpe_per_bar"] = number(v.sharpe_per_bar);
  j["held_out_sharpe"] = number(v.held_out_sharpe);
  j["held_out_bars"] = v.held_out_bars;
  j["held_out_skew"] = number(v.held_out_skew);
  j["held_out_excess_kurtosis"] = number(v.held_out_excess_kurtosis);
  j["effective_front_members"] = v.effective_front_members;
  j["held_out_cluster"] = v.held_out_cluster;
  j["dsr_in_sample"] = number(v.dsr_in_sample);
  j["effective_trials"] = v.effective_trials;
  const auto& d = v.in_sample_deflation;
  j["in_sample_deflation"] = {{"psr", number(d.psr)},
                              {"expected_max_sharpe", number(d.expected_max_sharpe)},
                              {"sharpe", number(d.sharpe)},
                              {"sharpe_per_bar", number(d.sharpe_per_bar)},
                              {"bars", d.bars},
                              {"sharpe_variance", number(d.sharpe_variance)}};
  j["wf_efficiency"] = number(v.wf_efficiency);
  j["annualized_log_return"] = {{"in_sample", number(v.annualized_log_return_in_sample)},
                                {"walk_forward", number(v.annualized_log_return_walk_forward)}};
  const auto& cs = v.cost_stress;
  Json stress = {{"multiplier", cs.multiplier}, {"sharpe", number(cs.sharpe)}, {"total_return", number(cs.total_return)}};
  for (std::size_t s = 0; s < 3; ++s) {
    const auto& st = cs.stages[s];
    stress["stages"][kStageKeys[s]] = {{"sharpe", number(st.sharpe)},
                                       {"total_return", number(st.total_return)},
                                       {"max_drawdown", number(st.max_drawdown)},
                                       {"trades", number(st.trades)}};
  }
  j["cost_stress"] = stress;
  const auto& rb = v.robustness;
  Json coin_sharpes = Json::object();
  for (const auto& [label, sharpe] : rb.coin_sharpes_out_of_sample) coin_sharpes[label] = number(sharpe);
  j["robustness"] = {{"perturbation_ratio", number(rb.perturbation_ratio)},
                     {"neighbours", rb.neighbours},
                     {"own_sharpe", number(rb.own_sharpe)},
                     {"neighbour_sharpe_median", number(rb.neighbour_sharpe_median)},
                     {"coin_dispersion", number(rb.coin_dispersion)},
                     {"coin_sharpes_out_of_sample", coin_sharpes}};
  Json per_coin = Json::object();
  for (std::size_t s = 0; s < 3; ++s) {
    Json coins = Json::object();
    for (const auto& [label, c] : v.per_coin[s]) {
      coins[label] = {{"sharpe", number(c.sharpe)},
                      {"total_return", number(c.total_return)},
                      {"max_drawdown", number(c.max_drawdown)},
                      {"trades", c.trades}};
    }
    per_coin[kStageKeys[s]] = coins;
  }
  j["per_coin"] = per_coin;
  if (v.risk_halts) j["risk_halts"] = risk_halts_json(*v.risk_halts);
  // Absent, like "risk_halts", from a record stored before regimes were measured: it writes back so.
  if (!v.regimes.empty()) j["regimes"] = regimes_json(v.regimes);
  Json gates = Json::object();
  for (const auto& g : v.gates) {
    gates[g.name] = {{"passed", g.passed}, {"value", g.value ? number(*g.value) : Json(nullptr)},
                     {"threshold", g.threshold}};
  }
  j["gates"] = gates;
  j["failed"] = v.failed;
  j["passed"] = v.passed;
  j["aliases"] = v.aliases;
  return j;
}

MemberValidation member_validation_from_json(const Json& j) {
  MemberValidation v;
  v.dsr = number_at(j, "dsr");
  v.psr = number_at(j, "psr");
  v.expected_max_sharpe = number_at(j, "expected_max_sharpe");
  v.sharpe_per_bar = number_at(j, "sharpe_per_bar");
  v.held_out_sharpe = number_at(j, "held_out_sharpe");
  v.held_out_bars = get_or<std::int64_t>(j, "held_out_bars");
  v.held_out_skew = number_at(j, "held_out_skew");
  v.held_out_excess_kurtosis = number_at(j, "held_out_excess_kurtosis");
  v.effective_front_members = get_or<std::int64_t>(j, "effective_front_members");
  v.held_out_cluster = get_or<std::size_t>(j, "held_out_cluster");
  v.dsr_in_sample = number_at(j, "dsr_in_sample");
  v.effective_trials = get_or<std::int64_t>(j, "effective_trials");
  const auto& d = object_at(j, "in_sample_deflation");
  v.in_sample_deflation = {number_at(d, "psr"),           number_at(d, "expected_max_sharpe"),
                           number_at(d, "sharpe"),        number_at(d, "sharpe_per_bar"),
                           get_or<std::int64_t>(d, "bars"), number_at(d, "sharpe_variance")};
  v.wf_efficiency = number_at(j, "wf_efficiency");
  const auto& alr = object_at(j, "annualized_log_return");
  v.annualized_log_return_in_sample = number_at(alr, "in_sample");
  v.annualized_log_return_walk_forward = number_at(alr, "walk_forward");
  const auto& cs = object_at(j, "cost_stress");
  v.cost_stress.multiplier = number_at(cs, "multiplier");
  v.cost_stress.sharpe = number_at(cs, "sharpe");
  v.cost_stress.total_return = number_at(cs, "total_return");
  const auto& stages = object_at(cs, "stages");
  for (std::size_t s = 0; s < 3; ++s) {
    const auto& st = object_at(stages, kStageKeys[s]);
    v.cost_stress.stages[s] = {number_at(st, "sharpe"), number_at(st, "total_return"), number_at(st, "max_drawdown"),
                               number_at(st, "trades")};
  }
  const auto& rb = object_at(j, "robustness");
  v.robustness.perturbation_ratio = number_at(rb, "perturbation_ratio");
  v.robustness.neighbours = get_or<std::size_t>(rb, "neighbours");
  v.robustness.own_sharpe = number_at(rb, "own_sharpe");
  v.robustness.neighbour_sharpe_median = number_at(rb, "neighbour_sharpe_median");
  v.robustness.coin_dispersion = number_at(rb, "coin_dispersion");
  for (const auto& [label, s] : object_at(rb, "coin_sharpes_out_of_sample").items()) {
    v.robustness.coin_sharpes_out_of_sample.emplace_back(label, s.is_number() ? s.get<double>() : kNaN);
  }
  const auto& per_coin = object_at(j, "per_coin");
  for (std::size_t s = 0; s < 3; ++s) {
    for (const auto& [label, c] : object_at(per_coin, kStageKeys[s]).items()) {
      v.per_coin[s].emplace_back(label, CoinSummary{number_at(c, "sharpe"), number_at(c, "total_return"),
                                                    number_at(c, "max_drawdown"), get_or<std::int64_t>(c, "trades")});
    }
  }
  // Absent from records validated before the halts were measured: they still load, without it.
  if (const auto it = j.find("risk_halts"); it != j.end() && it->is_object()) v.risk_halts = risk_halts_from_json(*it);
  v.regimes = regimes_from_json(j);  // empty in records stored before regimes were measured
  for (const auto& [name, g] : object_at(j, "gates").items()) {
    const double value = number_at(g, "value");
    v.gates.push_back({name, get_or<bool>(g, "passed"),
                       std::isnan(value) ? std::nullopt : std::optional<double>(value), number_at(g, "threshold")});
  }
  v.failed = get_or<std::vector<std::string>>(j, "failed");
  v.passed = get_or<bool>(j, "passed");
  v.aliases = get_or<std::vector<std::string>>(j, "aliases");
  return v;
}

RunValidation run_validation_of(const validate::RunValidation& v, const validate::ValidationOptions& options,
                                const evolve::Universe& u) {
  RunValidation r;
  if (v.pbo) r.pbo = v.pbo->pbo;
  r.pbo_detail.blocks = options.pbo_blocks;
  r.pbo_detail.strategies = v.pbo_strategies;
  r.pbo_detail.bars = v.pbo_bars;
  if (v.pbo) {
    r.pbo_detail.statistics = RunValidation::PboDetail::Statistics{
        v.pbo->combinations,      v.pbo->logit_mean,           v.pbo->logit_median,
        v.pbo->degradation_slope, v.pbo->degradation_intercept, v.pbo->probability_of_loss};
  } else {
    r.pbo_detail.note = v.pbo_note;
  }
  r.trials = v.trials.count;
  r.trial_sharpe_variance = v.trials.sharpe_variance;
  const auto& c = v.trial_clustering;
  r.trial_clustering = {c.trials,
                        c.clustered,
                        c.from_sample ? "trial_sample" : "final_populations",
                        c.from_sample && c.trials > static_cast<std::int64_t>(c.clustered),
                        c.clusters,
                        c.sharpe_variance_per_bar * u.interval.bars_per_year(),
                        c.sharpe_variance_per_bar,
                        c.silhouette,
                        c.structure,
                        c.block_bars,
                        v.effective_front_members,
                        c.note};
  const auto& wf = v.walk_forward;
  for (const auto& f : wf.folds) {
    r.walk_forward.folds.push_back({f.begin_time, f.end_time, f.train_begin_time, f.train_end_time, f.chosen_id,
                                    strategy::canonical_json(f.chosen), f.bars,
                                    evolve::value_of(f.train_metrics, "sharpe"),
                                    evolve::value_of(f.train_metrics, "total_return"), f.train_annualized,
                                    evolve::value_of(f.fold_metrics, "sharpe"),
                                    evolve::value_of(f.fold_metrics, "total_return"),
                                    evolve::value_of(f.fold_metrics, "max_drawdown"),
                                    evolve::value_of(f.fold_metrics, "trades"), f.fold_annualized});
  }
  r.walk_forward.stitched_equity = wf.stitched_equity;
  r.walk_forward.stitched_annualized = wf.stitched_annualized;
  r.walk_forward.in_sample_annualized = wf.in_sample_annualized;
  r.walk_forward.efficiency = wf.efficiency;
  r.walk_forward.evaluations = wf.evaluations;
  const auto& t = options.gates;
  r.gates = {t.sharpe, t.max_drawdown, t.dsr, t.pbo, t.cost_stress, options.cost_multiplier, options.perturbation_step,
             options.walk_forward.folds, options.walk_forward.population, options.walk_forward.generations};
  r.survivors = v.survivors;
  return r;
}

void put_json(Json& run, const RunValidation& v) {
  run["pbo"] = v.pbo ? Json(*v.pbo) : Json(nullptr);
  const auto& pd = v.pbo_detail;
  Json detail = {{"blocks", pd.blocks}, {"strategies", pd.strategies}, {"bars", pd.bars}};
  if (pd.statistics) {
    const auto& s = *pd.statistics;
    detail["combinations"] = s.combinations;
    detail["logit_mean"] = number(s.logit_mean);
    detail["logit_median"] = number(s.logit_median);
    detail["degradation_slope"] = number(s.degradation_slope);
    detail["degradation_intercept"] = number(s.degradation_intercept);
    detail["probability_of_loss"] = number(s.probability_of_loss);
  } else {
    detail["note"] = pd.note;
  }
  run["pbo_detail"] = detail;
  run["trials"] = v.trials;
  run["trial_sharpe_variance"] = number(v.trial_sharpe_variance);
  const auto& c = v.trial_clustering;
  Json clustering = {{"trials", c.trials},
                     {"clustered", c.clustered},
                     {"source", c.source},
                     {"sampled", c.sampled},
                     {"clusters", c.clusters},
                     {"sharpe_variance", number(c.sharpe_variance)},
                     {"sharpe_variance_per_bar", number(c.sharpe_variance_per_bar)},
                     {"silhouette", number(c.silhouette)},
                     {"structure", c.structure},
                     {"block_bars", c.block_bars},
                     {"effective_front_members", c.effective_front_members}};
  if (!c.note.empty()) clustering["note"] = c.note;
  run["trial_clustering"] = clustering;
  Json folds = Json::array();
  for (std::size_t i = 0; i < v.walk_forward.folds.size(); ++i) {
    const auto& f = v.walk_forward.folds[i];
    folds.push_back({{"fold", i + 1},
                     {"begin", time_json(f.begin)},
                     {"end", time_json(f.end)},
                     {"train_begin", time_json(f.train_begin)},
                     {"train_end", time_json(f.train_end)},
                     {"chosen", f.chosen},
                     {"genome", Json::parse(f.genome)},
                     {"bars", f.bars},
                     {"train", {{"sharpe", number(f.train_sharpe)},
                                {"total_return", number(f.train_total_return)},
                                {"annualized_log_return", number(f.train_annualized)}}},
                     {"metrics", {{"sharpe", number(f.sharpe)},
                                  {"total_return", number(f.total_return)},
                                  {"max_drawdown", number(f.max_drawdown)},
                                  {"trades", number(f.trades)},
                                  {"annualized_log_return", number(f.annualized)}}}});
  }
  const auto& wf = v.walk_forward;
  run["walk_forward"] = {{"folds", folds},
                         {"stitched_equity", numbers(wf.stitched_equity)},
                         {"stitched_annualized", number(wf.stitched_annualized)},
                         {"in_sample_annualized", number(wf.in_sample_annualized)},
                         {"efficiency", number(wf.efficiency)},
                         {"evaluations", wf.evaluations}};
  const auto& g = v.gates;
  run["gates"] = {{"sharpe", g.sharpe},
                  {"max_drawdown", g.max_drawdown},
                  {"dsr", g.dsr},
                  {"pbo", g.pbo},
                  {"cost_stress", g.cost_stress},
                  {"cost_multiplier", g.cost_multiplier},
                  {"perturbation_step", g.perturbation_step},
                  {"wf_folds", g.wf_folds},
                  {"wf_population", g.wf_population},
                  {"wf_generations", g.wf_generations}};
  run["survivors"] = v.survivors;
}

std::optional<RunValidation> run_validation_from_json(const Json& run) {
  if (!run.contains("survivors") && !run.contains("gates")) return std::nullopt;
  RunValidation v;
  const double pbo = number_at(run, "pbo");
  if (!std::isnan(pbo)) v.pbo = pbo;
  const auto& pd = object_at(run, "pbo_detail");
  v.pbo_detail.blocks = get_or<int>(pd, "blocks");
  v.pbo_detail.strategies = get_or<std::size_t>(pd, "strategies");
  v.pbo_detail.bars = get_or<std::size_t>(pd, "bars");
  if (pd.contains("combinations")) {
    v.pbo_detail.statistics = RunValidation::PboDetail::Statistics{
        get_or<std::int64_t>(pd, "combinations"), number_at(pd, "logit_mean"),
        number_at(pd, "logit_median"),            number_at(pd, "degradation_slope"),
        number_at(pd, "degradation_intercept"),   number_at(pd, "probability_of_loss")};
  } else {
    v.pbo_detail.note = get_or<std::string>(pd, "note");
  }
  v.trials = get_or<std::int64_t>(run, "trials");
  v.trial_sharpe_variance = number_at(run, "trial_sharpe_variance");
  const auto& c = object_at(run, "trial_clustering");
  v.trial_clustering = {get_or<std::int64_t>(c, "trials"),
                        get_or<std::size_t>(c, "clustered"),
                        get_or<std::string>(c, "source"),
                        get_or<bool>(c, "sampled"),
                        get_or<std::size_t>(c, "clusters"),
                        number_at(c, "sharpe_variance"),
                        number_at(c, "sharpe_variance_per_bar"),
                        number_at(c, "silhouette"),
                        get_or<bool>(c, "structure"),
                        get_or<std::size_t>(c, "block_bars"),
                        get_or<std::size_t>(c, "effective_front_members"),
                        get_or<std::string>(c, "note")};
  const auto& wf = object_at(run, "walk_forward");
  for (const auto& f : wf.value("folds", Json::array())) {
    const auto& train = object_at(f, "train");
    const auto& m = object_at(f, "metrics");
    v.walk_forward.folds.push_back({time_from(object_at(f, "begin")), time_from(object_at(f, "end")),
                                    time_from(object_at(f, "train_begin")), time_from(object_at(f, "train_end")),
                                    get_or<std::string>(f, "chosen"), f.value("genome", Json::object()).dump(),
                                    get_or<std::size_t>(f, "bars"), number_at(train, "sharpe"),
                                    number_at(train, "total_return"), number_at(train, "annualized_log_return"),
                                    number_at(m, "sharpe"), number_at(m, "total_return"), number_at(m, "max_drawdown"),
                                    number_at(m, "trades"), number_at(m, "annualized_log_return")});
  }
  v.walk_forward.stitched_equity = numbers_from(wf.value("stitched_equity", Json::array()));
  v.walk_forward.stitched_annualized = number_at(wf, "stitched_annualized");
  v.walk_forward.in_sample_annualized = number_at(wf, "in_sample_annualized");
  v.walk_forward.efficiency = number_at(wf, "efficiency");
  v.walk_forward.evaluations = get_or<std::int64_t>(wf, "evaluations");
  const auto& g = object_at(run, "gates");
  v.gates = {number_at(g, "sharpe"),          number_at(g, "max_drawdown"),    number_at(g, "dsr"),
             number_at(g, "pbo"),             number_at(g, "cost_stress"),     number_at(g, "cost_multiplier"),
             number_at(g, "perturbation_step"), get_or<int>(g, "wf_folds"), get_or<int>(g, "wf_population"),
             get_or<int>(g, "wf_generations")};
  v.survivors = get_or<std::size_t>(run, "survivors");
  return v;
}

}  // namespace organism::runs
