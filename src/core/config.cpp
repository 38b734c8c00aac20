#include "core/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::core {

std::vector<ConfigKey> core_config_keys() {
  return {
      {"log.level", "info", "trace, debug, info, warn, error or off (-v, -vv and -q change it)",
       check::one_of({"trace", "debug", "info", "warn", "error", "off"})},
      {"progress", "auto", "progress display: auto (bar on a terminal, lines otherwise), bar, lines or off",
       check::one_of({"auto", "bar", "lines", "off"})},
      {"log.max_bytes", "10485760", "--log-file: rotate the log file when it reaches this size (bytes)",
       check::whole(at_least(1024))},
      {"log.files", "5", "--log-file: rotated files kept beside the current one (run.log: run.1.log ... run.N.log)",
       check::whole(closed(1, 1000))},
  };
}

std::string env_name(std::string_view key) {
  std::string out = "ORGANISM_";
  for (char c : key) {
    out += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

Config::Config(std::vector<ConfigKey> keys) : keys_(std::move(keys)) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const auto& key = keys_[i];
    if (!entries_.emplace(std::string(key.name), Entry{key.default_value, "default", i}).second) {
      throw std::logic_error("config key declared twice: " + std::string(key.name));
    }
  }
  // A default the key's own check refuses would fail every command; say so at once.
  try {
    check_all();
  } catch (const UsageError& e) {
    throw std::logic_error(std::string("config default out of its own range: ") + e.what());
  }
}

void Config::check_all() const {
  for (const auto& key : keys_) entry(key.name);
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
  // Read here rather than by toml::parse_file, so that a file that cannot be read is an I/O
  // error (exit 1) with the system's reason, as for every other input file, not a parse error.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  toml::table table;
  try {
    table = toml::parse(text.str(), path);
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
    it->second.value = std::move(value);
    it->second.source = "file " + path;
  }
}

void Config::load_env(const char* (*getenv_fn)(const char*)) {
  for (const auto& r : kRemovedKeys) {
    const std::string name = env_name(r.name);
    if (getenv_fn(name.c_str())) throw UsageError(fmt::format("environment {}: key '{}' {}", name, r.name, r.why));
  }
  for (auto& [key, entry] : entries_) {
    const std::string name = env_name(key);
    if (const char* value = getenv_fn(name.c_str())) {
      entry.value = value;
      entry.source = "env " + name;
    }
  }
}

void Config::set(std::string_view key, std::string value, std::string source) {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::logic_error("unknown config key " + std::string(key));
  it->second.value = std::move(value);
  it->second.source = std::move(source);
}

const Config::Entry& Config::entry(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::logic_error("unknown config key " + std::string(key));
  const auto& check = keys_[it->second.key].check;
  if (check.problem) {
    if (auto problem = check.problem(it->second.value)) {
      throw UsageError(fmt::format("{} (from {}): {}", key, it->second.source, *problem));
    }
  }
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
