#include "exchange/sim_server/state_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "data/file_writer.hpp"

namespace organism::exchange::sim_server {

namespace {

constexpr const char* kFormat = "organism-exchange-sim-state/1";

nlohmann::ordered_json origin_json(const StateOrigin& o) {
  return {{"coins", o.coins}, {"interval", o.interval}, {"seed", o.seed}, {"firstBar", o.first_bar},
          {"lastBar", o.last_bar}};
}

}  // namespace

StateFile::StateFile(std::string dir, StateOrigin origin) : origin_(std::move(origin)) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw core::Error(fmt::format("--state-dir {}: cannot create the folder", dir));
  path_ = (std::filesystem::path(dir) / "state.json").string();
}

std::optional<nlohmann::ordered_json> StateFile::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json doc = core::parse_ordered_json(text.str(), path_);
  if (!doc.is_object() || doc.value("format", std::string{}) != kFormat || !doc.contains("origin") ||
      !doc.contains("state"))
    throw core::Error(fmt::format("{}: not an exchange-sim state file (format {})", path_, kFormat));
  const auto expected = origin_json(origin_);
  for (const auto& [key, value] : expected.items()) {
    const auto it = doc["origin"].find(key);
    if (it == doc["origin"].end() || *it != value)
      throw core::Error(fmt::format("{}: saved with {} {}, but this server has {} {} (use another --state-dir)",
                                    path_, key, it == doc["origin"].end() ? "none" : it->dump(), key, value.dump()));
  }
  return std::move(doc["state"]);
}

void StateFile::save(const nlohmann::ordered_json& api_state) const {
  nlohmann::ordered_json doc{{"format", kFormat}, {"origin", origin_json(origin_)}, {"state", api_state}};
  data::AtomicFileWriter writer(path_);
  writer.write(doc.dump());
  writer.write("\n");
  writer.commit();
}

}  // namespace organism::exchange::sim_server
