// A genome: a rule family with its parameters, the risk block every family shares and an optional
// regime filter; its exposures on a market, canonical JSON and id (its backtest config:
// evolve/genome_config.hpp).
// Used by the backtest and strategy commands, evolution, validation and the registry.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "strategy/family.hpp"
#include "strategy/gp/node.hpp"
#include "strategy/market.hpp"
#include "strategy/params.hpp"

namespace organism::strategy {

// Fractions of price (0: off) and a leverage cap, handed to the backtest; plus optional
// volatility targeting applied to the exposures. Bounds: risk_specs(). The drawdown stop (the
// breaker genes, bounds breaker_specs()): flat for dd_cooldown bars once the strategy's own equity
// at a close is dd_stop below its peak (backtest/drawdown_stop.hpp), in backtests and live alike.
struct RiskBlock {
  double stop_loss = 0;
  double take_profit = 0;
  double trailing = 0;
  double leverage = 1;
  bool vol_target_on = false;
  double vol_target = 0.5;  // annualized
  int vol_window = 24;      // bars of realized volatility
  double dd_stop = 0;       // fraction of peak equity (0: off; on: at least kMinDdStop)
  int dd_cooldown = 24;     // bars flat after it fires
};

// The smallest drawdown stop when on: tighter ones would fire on a bar's noise.
inline constexpr double kMinDdStop = 0.02;

// Trade only while realized volatility is below vol_k x its rolling median, and/or while the
// Fear & Greed value is inside [fg_low, fg_high]. Bounds: regime_specs().
struct RegimeFilter {
  bool vol_filter_on = false;
  double vol_k = 1.5;
  int vol_window = 24;      // bars of realized volatility
  int median_window = 240;  // bars of its rolling median
  bool fg_on = false;
  double fg_low = 20;
  double fg_high = 80;
};

// The family whose rule is a typed rule tree (strategy/gp) rather than a seed family's
// parameters: its genome has no params and a `rule` instead.
inline constexpr std::string_view kTreeFamily = "tree";

struct Genome {
  std::string family;
  ParamValues params;  // in the family's spec order, clamped (empty for the tree family)
  gp::Rule rule;       // the tree family's rule (unused by seed families)
  RiskBlock risk;
  RegimeFilter regime;
  int generation = 0;
};

// Specs of the risk and regime fields (names as in JSON), used for clamping, random draws and docs.
const std::vector<ParamSpec>& risk_specs();
const std::vector<ParamSpec>& regime_specs();
// dd_stop and dd_cooldown: written into the risk object of the JSON only when dd_stop is on (a
// genome without them keeps the bytes and id it had before they existed), never drawn by
// random_genome, and mutated only when on (evolve/variation.hpp), after every other draw.
const std::vector<ParamSpec>& breaker_specs();
// dd_stop within {0} or [kMinDdStop, 0.5], dd_cooldown within [1, 720] and at its default when
// dd_stop is off.
void clamp_breakers(RiskBlock& risk);

// Every family a genome can have: the twelve families in number order (ten seeds, two
// machine-learning families), then "tree".
std::vector<std::string> genome_families();

// The family's defaults, risk and regime off. The tree family's default rule is an EMA(12/26)
// crossover written as a tree (long on the cross above, short on the cross below).
Genome default_genome(const Family& family);
Genome default_genome(std::string_view family);
// Parameters, risk block and regime filter drawn uniformly within bounds (stops each on with
// probability 1/2, filters each on with probability 1/2).
Genome random_genome(const Family& family, core::Rng& rng);
// As above for any genome family; the tree family draws its rule by ramped half-and-half.
Genome random_genome(std::string_view family, core::Rng& rng);
// Every value brought within its bounds (clamp_param), the two F&G bounds sorted.
void clamp(Genome& genome);

// Target exposure per bar: the family's signal, then 0 wherever the regime filter is closed,
// then (vol targeting on) scaled by vol_target / realized annualized volatility, clamped to
// [-1, 1]. Bars whose filter or volatility is still undefined are 0. Pure; no look-ahead.
std::vector<double> exposures(const Genome& genome, const MarketView& market);
// The same written into `out` (one value per bar of the market, else std::invalid_argument), so
// that evaluation reuses one buffer per thread instead of allocating a column per genome.
void exposures(const Genome& genome, const MarketView& market, std::span<double> out);
// The regime mask alone: 1 where trading is allowed.
std::vector<double> regime_mask(const RegimeFilter& regime, const MarketView& market);

// Canonical JSON: keys sorted, ints as integers, choices by name, bools as true/false, reals in
// nlohmann's shortest round-trip form; one line, no spaces. Without the id. Every gene as it is,
// inactive ones included (checkpoints and MPI messages carry the whole genome, so a resumed run
// continues bit for bit); what the store and the run JSON keep is canonical_json(normalized(g)).
std::string canonical_json(const Genome& genome);
// Canonical JSON with "id" added, indented for people (what `strategy new` prints).
std::string to_json(const Genome& genome, int indent = 2);
// Parses a genome; values are clamped to their bounds, missing values take the defaults, an
// "id" key is accepted and ignored (recomputed); unknown keys, an unknown family or choice, or a
// value of the wrong JSON type throw core::Error naming the key.
Genome from_json(const std::string& text);

// The genome with its inactive genes at their defaults, so that genomes which run the same rule
// whatever their switched-off genes compare equal: a risk/regime switch that is off (a stop at 0,
// vol_target_on / vol_filter_on / fg_on false) resets the genes it governs (vol_target and the
// risk vol_window; vol_k, the regime vol_window and median_window; fg_low and fg_high), and the
// family resets its own (Family::inactive) and orders its order-free pairs
// (Family::canonicalize). Exposures and backtests are unchanged. The generation is kept.
Genome normalized(Genome genome);
// Genes that shape what the genome does: every gene that normalized() leaves free, less the
// switches that are off (a 0 stop, a false *_on, a family option at its off value). The
// leverage cap always counts. A tree's rule counts as no genes (its size is gp::node_count).
int active_genes(const Genome& genome);

// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the bytes.
std::uint64_t fnv1a64(std::string_view bytes);
// {family}_{generation}_{hash8}: hash8 = the first 8 of the 16 lowercase hex digits of
// fnv1a64 of the canonical JSON of normalized(genome) with generation set to 0, so one rule keeps
// its hash8 in every generation and genomes differing only in inactive genes share it.
std::string genome_id(const Genome& genome);
// The rule in words: the family's rule, then the risk block and the regime filter.
std::string describe(const Genome& genome);

}  // namespace organism::strategy
