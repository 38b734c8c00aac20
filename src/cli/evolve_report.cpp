// What `organism evolve` and `organism validate` print while a run goes (generation lines,
// validation progress) and the JSON file they write (evolve_support.hpp).
#include <fmt/format.h>

#include <cmath>

#include "cli/evolve_support.hpp"
#include "data/file_writer.hpp"

namespace organism::cli {
namespace {

void print_generation(const runs::GenerationReport& g) {
  const auto& st = g.stats;
  const auto& o = g.options;
  std::string best;
  for (std::size_t i = 0; i < o.objectives.size(); ++i) {
    best += fmt::format(" {} {}", o.objectives[i].metric,
                        std::isfinite(st.best[i]) ? fmt::format("{:.3g}", st.best[i]) : "-");
  }
  const double rate = g.seconds_this_generation > 0 ? static_cast<double>(st.evaluated) / g.seconds_this_generation : 0;
  const double left = g.seconds_per_generation * (o.generations - st.generation);
  // Failed evaluations are shown only when there are some (their reasons are in the log).
  const std::string failed = st.failed > 0 ? fmt::format("  failed {}", st.failed) : std::string();
  fmt::print(stderr, "gen {}/{}  best{}  front {}  feasible {}{}  evaluated {} (reused {})  {:.0f} eval/s  left {}\n",
             st.generation, o.generations, best, st.front_size, st.feasible, failed, st.evaluated, st.reused, rate,
             format_seconds(left));
}

}  // namespace

std::string format_seconds(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
}

runs::Callbacks progress_callbacks(const Context& ctx) {
  if (ctx.progress == core::ProgressMode::Off) return {};
  return {print_generation, [](const std::string& line) { fmt::print(stderr, "{}\n", line); }};
}

void write_json_file(const std::string& path, const nlohmann::ordered_json& json) {
  data::AtomicFileWriter file(path);
  file.write(json.dump(2));
  file.write("\n");
  file.commit();
}

}  // namespace organism::cli
