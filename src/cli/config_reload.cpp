#include "cli/config_reload.hpp"

#include "core/error.hpp"

namespace organism::cli {
namespace {
std::function<core::Config()>& loader() {
  static std::function<core::Config()> installed;
  return installed;
}
}  // namespace

void set_config_loader(std::function<core::Config()> f) { loader() = std::move(f); }

core::Config reload_config() {
  if (!loader()) throw core::Error("no configuration loader installed");
  return loader()();
}

}  // namespace organism::cli
