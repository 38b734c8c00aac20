// `organism strategy list|postmortem`: the stored strategies with their lifecycle state, and the
// post-mortem of a retired one (docs/lifecycle.md).
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "lifecycle/postmortem.hpp"
#include "lifecycle/state.hpp"
#include "monitor/api/records_json.hpp"

namespace organism::cli {
namespace {

void run_list(const std::string& state, bool json, Context& ctx) {
  if (!state.empty() && !lifecycle::parse_state(state)) {
    throw core::UsageError(
        fmt::format("--state: unknown state '{}' (testing, validated, paper, production, "
                    "decaying or retired)",
                    state));
  }
  auto store = data::Store::open_existing_for_update(ctx.db());
  std::vector<data::StrategyRecord> rows;
  for (auto& row : store.list_strategies()) {
    if (state.empty() || row.state == state) rows.push_back(std::move(row));
  }
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rows) out.push_back(monitor::api::strategy_row_json(r));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  // Columns as wide as their longest entry: ids and run ids are long and must stay whole.
  std::size_t id_w = 2, family_w = 6, run_w = 3;
  for (const auto& r : rows) {
    id_w = std::max(id_w, r.id.size());
    family_w = std::max(family_w, r.family.size());
    run_w = std::max(run_w, r.run_id.size());
  }
  const auto line = [&](std::string_view id, std::string_view st, std::string_view family,
                        std::string_view run, std::string_view created, std::string_view updated) {
    fmt::print("{:<{}}  {:<10}  {:<{}}  {:<{}}  {:<19}  {}\n", id, id_w, st, family, family_w, run,
               run_w, created, updated);
  };
  line("id", "state", "family", "run", "created (UTC)", "updated (UTC)");
  for (const auto& r : rows) {
    line(r.id, r.state, r.family, r.run_id, core::format_utc(r.created),
         core::format_utc(r.updated));
  }
  fmt::print("{} strateg{}\n", rows.size(), rows.size() == 1 ? "y" : "ies");
}

void run_postmortem(const std::string& id, bool json, Context& ctx) {
  auto store = data::Store::open_existing_for_update(ctx.db());
  const auto record = store.load_strategy(id);
  if (!record) throw core::Error(fmt::format("no strategy '{}' in store {}", id, store.path()));
  const auto pm = store.load_postmortem(id);
  if (!pm)
    throw core::Error(fmt::format("strategy {} is not retired (state {}): it has no post-mortem",
                                  id, record->state));
  const auto parsed = nlohmann::json::parse(pm->json, nullptr, false);
  if (parsed.is_discarded())
    throw core::Error(fmt::format("strategy {}: its stored post-mortem is not JSON", id));
  if (json) {
    fmt::print("{}\n", parsed.dump(2));
    return;
  }
  fmt::print("{}", lifecycle::to_text(lifecycle::postmortem_from_json(parsed)));
}

}  // namespace

void add_strategy_lifecycle_commands(CLI::App& strategy, Registry& registry) {
  auto state = std::make_shared<std::string>();
  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = strategy.add_subcommand(
      "list", "list the stored strategies: id, state, family, run, created, updated");
  list->add_option(
      "--state", *state,
      "only those in this state (testing, validated, paper, production, decaying, retired)");
  list->add_flag("--json", *list_json, "print a JSON array");
  registry.on(list, [state, list_json](Context& ctx) { run_list(*state, *list_json, ctx); });

  auto id = std::make_shared<std::string>();
  auto pm_json = std::make_shared<bool>(false);
  CLI::App* pm = strategy.add_subcommand(
      "postmortem",
      "print a retired strategy's post-mortem: why, when, age, regimes, live against validated");
  pm->add_option("id", *id, "strategy id")->required();
  pm->add_flag("--json", *pm_json, "print the stored record as JSON");
  registry.on(pm, [id, pm_json](Context& ctx) { run_postmortem(*id, *pm_json, ctx); });
}

}  // namespace organism::cli
