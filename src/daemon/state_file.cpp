#include "daemon/state_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/file_writer.hpp"

namespace organism::daemon {

nlohmann::json read_state_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return nlohmann::json::object();
  try {
    auto j = nlohmann::json::parse(text.str());
    if (!j.is_object()) throw core::Error(fmt::format("{}: not a JSON object", path));
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("{}: not JSON ({}); remove it to start the evolution clock afresh", path, e.what()));
  }
}

void write_state_key(const std::string& path, const std::string& key, const nlohmann::json& value) {
  auto state = read_state_file(path);
  state[key] = value;
  data::AtomicFileWriter file(path);
  file.write(state.dump(2));
  file.write("\n");
  file.commit();
}

}  // namespace organism::daemon
