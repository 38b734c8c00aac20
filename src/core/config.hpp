// Effective configuration: documented defaults, overridden by a TOML file, then by ORGANISM_*
// environment variables, then by command-line flags. Built once by the CLI and passed down.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace organism::core {

// A documented configuration key. `name` is dotted ("synth.seed"): in TOML it is key `seed` in
// table `[synth]`; its environment variable is ORGANISM_SYNTH_SEED.
struct ConfigKey {
  std::string_view name;
  std::string_view default_value;
  std::string_view help;
};

// Every key organism reads, with its default. The one list that docs/configuration.md mirrors.
const std::vector<ConfigKey>& config_keys();

// "synth.seed" -> "ORGANISM_SYNTH_SEED".
std::string env_name(std::string_view key);

class Config {
 public:
  Config();  // every key at its default

  // Applies a TOML file. Unknown keys and values that are not scalars (or arrays of scalars,
  // joined by commas) are UsageErrors naming the file and key.
  void load_file(const std::string& path);
  // Applies ORGANISM_* variables; `getenv` is passed in so tests need not touch the process.
  void load_env(const char* (*getenv_fn)(const char*));
  // Sets a key from a flag or code; unknown keys are a programming error (std::logic_error).
  void set(std::string_view key, std::string value, std::string source);

  const std::string& get(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  // Comma-separated list, blanks trimmed, empties dropped.
  std::vector<std::string> get_list(std::string_view key) const;
  // Where the value came from: "default", "file PATH", "env NAME" or "flag --x".
  const std::string& source(std::string_view key) const;

 private:
  struct Entry {
    std::string value;
    std::string source;
  };
  const Entry& entry(std::string_view key) const;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace organism::core
