// What `organism evolve` and `organism validate` share: their options read from the config
// (evolve.*, validate.*), and what they print (generation lines, the gate summary; the front
// table is monitor::front_table) and write (the run JSON). The workflow itself is the run service's (src/runs/).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "monitor/front_table.hpp"
#include "runs/config_options.hpp"
#include "runs/run_service.hpp"
#include "validate/validation.hpp"

namespace organism::cli {

// The options themselves (evolve.*, validate.*, evaluation) are read by runs/config_options.hpp.

// The progress callbacks of a run: generation lines and validation lines on stderr, unless
// progress is off.
runs::Callbacks progress_callbacks(const Context& ctx);
// "1m05s" (what is left, or how long a run took); "?" when unknown.
std::string format_seconds(double seconds);

// The validation's summary: the gates, how many failed each, and the first `top` survivors.
void print_validation_summary(const runs::ValidationOutcome& outcome, std::size_t top);
// Writes JSON indented by 2 and a newline to `path`, atomically (all or nothing).
void write_json_file(const std::string& path, const nlohmann::ordered_json& json);

}  // namespace organism::cli
