#include "core/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::core {

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys{
      {"db", "./organism.db", "path of the SQLite store"},
      {"log.level", "info", "trace, debug, info, warn, error or off (-v, -vv and -q change it)"},
      {"progress", "auto", "progress display: auto (bar on a terminal, lines otherwise), bar, lines or off"},
      {"data.venue", "", "venue used when a coin exists on several venues and --venue is not given"},
      {"import.skip_bad", "false", "skip and count bad rows instead of rejecting the file"},
      {"quality.outlier_sigmas", "10", "returns beyond this many robust standard deviations are outliers"},
      {"synth.coins", "BTC,ETH,SOL", "coins of the synthetic market"},
      {"synth.interval", "1h", "bar interval of the synthetic market"},
      {"synth.bars", "8760", "bars per coin of the synthetic market"},
      {"synth.seed", "1", "seed of the synthetic market"},
      {"synth.venue", "synth", "venue name the synthetic market is stored under"},
      {"synth.correlation", "0.6", "pairwise correlation of the synthetic coins' return shocks"},
      {"synth.start", "2020-01-01", "first bar of the synthetic market (UTC date or epoch ms)"},
      {"backtest.taker_fee", "0.0005", "taker fee, a fraction of fill value: every simulated fill is a market order and pays it"},
      {"backtest.maker_fee", "0.0002", "maker fee, a fraction of fill value (reported; market fills pay taker)"},
      {"backtest.slippage", "0.0005", "slippage, a fraction of price against the trader on every market fill"},
      {"backtest.fill", "next_open", "fill model: next_open (decision at t's close fills at t+1's open) or close"},
      {"backtest.funding", "on", "pay and receive hourly funding when the series has funding rates (on/off)"},
      {"evolve.coins", "BTC,ETH,SOL", "coins of the universe (each backtested; objectives aggregated across them)"},
      {"evolve.interval", "1h", "bar interval of the universe"},
      {"evolve.population", "200", "genomes in all (split evenly over the islands)"},
      {"evolve.generations", "50", "generations after the initial population"},
      {"evolve.islands", "1", "islands (ring migration of the best every evolve.migration_interval generations)"},
      {"evolve.migration_interval", "5", "generations between migrations"},
      {"evolve.migrants", "2", "best genomes each island sends to the next"},
      {"evolve.seed", "1", "seed of every random stream of the run"},
      {"evolve.threads", "0", "evaluation threads (0: all cores)"},
      {"evolve.objectives", "sharpe,consistency,max_drawdown,turnover", "metric names, each maximized or minimized by its nature"},
      {"evolve.aggregate", "mean", "objectives across coins: mean, or worst (the weakest coin)"},
      {"evolve.families", "", "genome families to search (empty: the seed families and rule trees; all: every family, ML included)"},
      {"evolve.min_trades", "10", "constraint: mean closed trades per coin in-sample"},
      {"evolve.max_drawdown", "0.5", "constraint: worst coin's in-sample max drawdown (at the target volatility)"},
      {"evolve.target_volatility", "0.20", "annualized volatility every curve is rescaled to before its metrics are taken (scale-free objectives)"},
      {"evolve.crossover_probability", "0.9", "chance a pair of parents is crossed"},
      {"evolve.sbx_eta", "15", "SBX distribution index"},
      {"evolve.mutation_eta", "20", "polynomial mutation distribution index"},
      {"evolve.mutation_rate", "-1", "per-gene mutation chance (negative: 1 / genes)"},
      {"evolve.family_switch", "0.02", "chance a mutated child becomes a random genome of another family"},
      {"evolve.cache_mb", "2048", "indicator cache size in MiB"},
      {"evolve.embargo", "auto", "bars between split segments (auto: the longest indicator lookback)"},
      {"evolve.mpi_timeout", "0", "under mpirun: seconds a rank may wait for the others in one exchange before it ends the job (0: no limit)"},
      {"evolve.distributed", "islands", "under mpirun: islands (each rank owns islands) or workers (rank 0 evolves, ranks evaluate)"},
      {"validate.on_evolve", "true", "validate the front at the end of organism evolve"},
      {"validate.gate_sharpe", "2", "gate: annualized Sharpe (mean over coins) above this in every stage"},
      {"validate.gate_max_drawdown", "0.10", "gate: max drawdown (mean over coins, at the run's target volatility) below this in every stage"},
      {"validate.gate_dsr", "0.95", "gate: held-out deflated Sharpe ratio above this"},
      {"validate.gate_pbo", "0.5", "gate: the run's probability of backtest overfitting below this"},
      {"validate.pbo_blocks", "16", "CSCV blocks S for PBO (even, 2..24)"},
      {"validate.wf_folds", "4", "walk-forward re-optimization folds over the last segment"},
      {"validate.wf_population", "40", "population of each walk-forward short evolution (at most the run's)"},
      {"validate.wf_generations", "10", "generations of each walk-forward short evolution (at most the run's)"},
      {"validate.perturbation_step", "0.10", "relative move of each numeric gene for the robustness neighbours"},
      {"validate.cost_multiplier", "2", "cost stress: fees and slippage multiplied by this"},
  };
  return keys;
}

std::string env_name(std::string_view key) {
  std::string out = "ORGANISM_";
  for (char c : key) {
    out += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

Config::Config() {
  for (const auto& key : config_keys()) {
    entries_.emplace(std::string(key.name), Entry{std::string(key.default_value), "default"});
  }
}

namespace {

// Keys that no longer exist, with what replaced them: an old config or environment naming one is
// told so, rather than "unknown key" or silence.
struct RemovedKey {
  std::string_view name, why;
};
constexpr RemovedKey kRemovedKeys[] = {
    {"validate.dsr_variance",
     "was removed: the dsr gate (validate.gate_dsr) now reads the held-out DSR, whose V is the null 1/(T-1) over "
     "the held-out bars, and the in-sample DSR uses the variance of the clustered trials; delete the key (see "
     "docs/validation.md)"},
};

const RemovedKey* removed_key(std::string_view key) {
  for (const auto& r : kRemovedKeys) {
    if (r.name == key) return &r;
  }
  return nullptr;
}

// A TOML scalar as the string a flag would give; nullopt for tables and other non-scalars.
std::optional<std::string> scalar_text(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return fmt::format("{}", *node.value<double>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  return std::nullopt;
}

void flatten(const toml::table& table, const std::string& prefix, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, path, out);
    } else if (const auto* arr = node.as_array()) {
      std::string joined;
      for (const auto& item : *arr) {
        auto text = scalar_text(item);
        if (!text) throw UsageError(fmt::format("{}: key '{}': arrays may hold only scalars", path, key));
        if (!joined.empty()) joined += ',';
        joined += *text;
      }
      out.emplace_back(key, joined);
    } else if (auto text = scalar_text(node)) {
      out.emplace_back(key, *text);
    } else {
      throw UsageError(fmt::format("{}: key '{}' has an unsupported value type", path, key));
    }
  }
}

}  // namespace

void Config::load_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    if (e.source().path == nullptr && where.line == 0) {
      throw UsageError(fmt::format("{}: {}", path, e.description()));
    }
    throw UsageError(fmt::format("{}:{}: {}", path, where.line, e.description()));
  }
  std::vector<std::pair<std::string, std::string>> values;
  flatten(table, "", path, values);
  for (auto& [key, value] : values) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (const auto* r = removed_key(key)) throw UsageError(fmt::format("{}: key '{}' {}", path, key, r->why));
      throw UsageError(fmt::format("{}: unknown key '{}' (see 'organism config show')", path, key));
    }
    it->second = Entry{std::move(value), "file " + path};
  }
}

void Config::load_env(const char* (*getenv_fn)(const char*)) {
  for (const auto& r : kRemovedKeys) {
    const std::string name = env_name(r.name);
    if (getenv_fn(name.c_str())) throw UsageError(fmt::format("environment {}: key '{}' {}", name, r.name, r.why));
  }
  for (auto& [key, entry] : entries_) {
    const std::string name = env_name(key);
    if (const char* value = getenv_fn(name.c_str())) entry = Entry{value, "env " + name};
  }
}

void Config::set(std::string_view key, std::string value, std::string source) {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::logic_error("unknown config key " + std::string(key));
  it->second = Entry{std::move(value), std::move(source)};
}

const Config::Entry& Config::entry(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::logic_error("unknown config key " + std::string(key));
  return it->second;
}

const std::string& Config::get(std::string_view key) const { return entry(key).value; }
const std::string& Config::source(std::string_view key) const { return entry(key).source; }

std::int64_t Config::get_int(std::string_view key) const {
  const auto& e = entry(key);
  if (auto v = parse_int64(trim(e.value))) return *v;
  throw UsageError(fmt::format("{} (from {}): '{}' is not a whole number", key, e.source, e.value));
}

double Config::get_double(std::string_view key) const {
  const auto& e = entry(key);
  if (auto v = parse_double(trim(e.value))) return *v;
  throw UsageError(fmt::format("{} (from {}): '{}' is not a number", key, e.source, e.value));
}

bool Config::get_bool(std::string_view key) const {
  const auto& e = entry(key);
  std::string v = to_lower(trim(e.value));
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v.empty()) return false;
  throw UsageError(fmt::format("{} (from {}): '{}' is not true or false", key, e.source, e.value));
}

std::vector<std::string> Config::get_list(std::string_view key) const {
  return split_list(get(key));
}

}  // namespace organism::core
