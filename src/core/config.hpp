// Effective configuration: documented defaults, overridden by a TOML file, then by ORGANISM_*
// environment variables, then by command-line flags. Built once by the CLI from the keys every
// layer declares (<layer>/config_keys.hpp) and passed down.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config_check.hpp"

namespace organism::core {

// A documented configuration key, declared by the layer that reads it. `name` is dotted
// ("synth.seed"): in TOML it is key `seed` in table `[synth]`; its environment variable is
// ORGANISM_SYNTH_SEED. `default_value` is produced from the layer's named default constant, the
// one its option struct is initialized with; `check` is the range every value must be in.
struct ConfigKey {
  std::string_view name;
  std::string default_value;
  std::string_view help;
  ConfigCheck check{};
};

// The keys of core itself: log.level and progress.
std::vector<ConfigKey> core_config_keys();

// "synth.seed" -> "ORGANISM_SYNTH_SEED".
std::string env_name(std::string_view key);

class Config {
 public:
  // Every key at its default. Duplicate names are a programming error (std::logic_error); a
  // default that fails its own check too, so a layer cannot declare one evolve would reject.
  explicit Config(std::vector<ConfigKey> keys);

  // Applies a TOML file. Unknown keys and values that are not scalars (or arrays of scalars,
  // joined by commas) are UsageErrors naming the file and key.
  void load_file(const std::string& path);
  // Applies ORGANISM_* variables; `getenv` is passed in so tests need not touch the process.
  void load_env(const char* (*getenv_fn)(const char*));
  // Sets a key from a flag or code; unknown keys are a programming error (std::logic_error).
  void set(std::string_view key, std::string value, std::string source);

  // Every read checks the value against its key's check first: a value out of range is a
  // UsageError naming the key, its source and the range, wherever the key is read.
  const std::string& get(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  // Comma-separated list, blanks trimmed, empties dropped.
  std::vector<std::string> get_list(std::string_view key) const;
  // Where the value came from: "default", "file PATH", "env NAME" or "flag --x".
  const std::string& source(std::string_view key) const;

  // The keys in declaration order (what `config show` prints).
  const std::vector<ConfigKey>& keys() const { return keys_; }
  // Throws the UsageError of the first key, in declaration order, whose value fails its check.
  void check_all() const;

 private:
  struct Entry {
    std::string value;
    std::string source;
    std::size_t key;  // index into keys_ (an index, not a pointer, so a copied Config stays valid)
  };
  const Entry& entry(std::string_view key) const;  // checked
  std::vector<ConfigKey> keys_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace organism::core
