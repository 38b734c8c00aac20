// The shared Hyperliquid test vectors (../shared/hyperliquid/vectors.json), read at run time.
// Used by the hl_* tests of the protocol layer; a test skips itself when the file is absent.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace organism::exchange::hl::test {

inline std::string vectors_path() { return ORGANISM_SHARED_DIR "/hyperliquid/vectors.json"; }

// ordered_json: the file's key order is the msgpack key order of each action.
inline std::optional<nlohmann::ordered_json> load_vectors() {
  std::ifstream in(vectors_path());
  if (!in) return std::nullopt;
  return nlohmann::ordered_json::parse(in);
}

}  // namespace organism::exchange::hl::test

// Declares `v` (the parsed vectors) or skips the test with the path it looked for.
#define HL_LOAD_VECTORS_OR_SKIP(v)                                                           \
  const auto v##_loaded = ::organism::exchange::hl::test::load_vectors();                    \
  if (!v##_loaded)                                                                           \
    GTEST_SKIP() << "no vectors file at " << ::organism::exchange::hl::test::vectors_path(); \
  const nlohmann::ordered_json& v = *v##_loaded
