// STORE.daemon.json: the daemon's small state file, one JSON object whose top-level keys belong to
// different writers ("evolution": the worker's clock, "daemon": the status the monitor reads).
// Each writer replaces only its key, atomically (a new file renamed over the old one); all
// writers run on the daemon's one loop thread, so read-modify-write never races.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace organism::daemon {

// The file's object; {} when it is missing or empty. core::Error naming the file when it is not a
// JSON object (the caller decides whether to go on).
nlohmann::json read_state_file(const std::string& path);
// Sets `key` to `value`, keeping the other keys as they are.
void write_state_key(const std::string& path, const std::string& key, const nlohmann::json& value);

}  // namespace organism::daemon
