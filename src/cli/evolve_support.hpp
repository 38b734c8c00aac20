// What `organism evolve` and `organism validate` share: their options read from the config
// (evolve.*, validate.*), and what they print (generation lines, the gate summary; the front
// table is monitor::front_table) and write (the run JSON). The workflow itself is the run service's (src/runs/).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "monitor/front_table.hpp"
#include "runs/run_service.hpp"
#include "validate/validation.hpp"

namespace organism::cli {

// evolve.* (evolve_options.cpp). core::UsageError names a bad key.
evolve::EvolveOptions evolve_options(const core::Config& cfg);
std::size_t embargo(const core::Config& cfg);  // evolve.embargo: "auto" or bars
// evolve.cache_mb, evolve.threads and data.venue. Threads above the machine's cores are capped
// to them, with one warning saying so.
runs::EvaluationSettings evaluation_settings(const core::Config& cfg);
// validate.*, before they are fitted to a run (runs::options_for_run); a bad value is a
// core::UsageError naming the key.
validate::ValidationOptions validation_options(const core::Config& cfg);

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
