// The configuration loaded again exactly as at start (defaults, --config file, ORGANISM_*
// environment, the command's flags, every key checked): `organism run` reloads it on SIGHUP.
// app.cpp installs the loader; kept out of context.hpp, which every command file includes.
#pragma once

#include <functional>

#include "core/config.hpp"

namespace organism::cli {

void set_config_loader(std::function<core::Config()> loader);
// core::Error when no loader is installed; the loader's own errors (a bad file) otherwise.
core::Config reload_config();

}  // namespace organism::cli
