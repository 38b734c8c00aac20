// organism.evolve: the run `organism evolve` makes, on bars handed over as arrays. The bars go
// into a store (a temporary one unless the caller names one), and the run is created, stepped,
// checkpointed and finished by the run service exactly as the CLI's run_evolve does, with the
// CLI's config keys. The run executes on a thread of its own while the caller's thread waits
// with the GIL held only briefly: it delivers progress to the callback and polls for Ctrl-C,
// which raises the run's cancellation token (the run stops at its next backtest, saved as
// interrupted) and then re-raises KeyboardInterrupt.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <variant>

#include <pybind11/stl.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arrays.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "data/store.hpp"
#include "module.hpp"
#include "runs/config_options.hpp"
#include "runs/records.hpp"
#include "runs/run_service.hpp"

namespace organism::python {
namespace {

// The venue the bars are stored under; data.venue picks it when the store has the coin elsewhere too.
constexpr const char* kVenue = "python";

// A generation as the callback gets it, copied out of the run's thread.
struct GenerationEvent {
  int generation = 0, generations = 0;
  std::int64_t evaluated = 0, reused = 0, failed = 0;
  std::size_t front_size = 0, feasible = 0;
  std::vector<std::pair<std::string, double>> best;
  double seconds = 0, eta_seconds = 0;
};
using Event = std::variant<GenerationEvent, std::string>;  // a string: a validation progress line

// What the run's thread hands back: progress events, then its end (a result or an exception).
class RunChannel {
 public:
  void push(Event event) {
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
  }
  void finish(std::string result, std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    result_ = std::move(result);
    error_ = error;
    done_ = true;
    changed_.notify_all();
  }
  // Waits up to `timeout` for an event or the end; returns the events so far.
  std::deque<Event> wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return done_ || !events_.empty(); });
    return std::exchange(events_, {});
  }
  bool done() {
    const std::lock_guard lock(mutex_);
    return done_;
  }
  std::string result() { return result_; }
  std::exception_ptr error() { return error_; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> events_;
  bool done_ = false;
  std::string result_;
  std::exception_ptr error_;
};

// A store for the run: the caller's file, or a temporary one removed with this object.
class RunStore {
 public:
  explicit RunStore(const std::string& path) {
    if (!path.empty()) {
      store_.emplace(data::Store::open(path));
      return;
    }
    std::string dir = (std::filesystem::temp_directory_path() / "organism-evolve.XXXXXX").string();
    if (!mkdtemp(dir.data())) throw core::Error(fmt::format("cannot create a temporary directory {}", dir));
    temp_dir_ = dir;
    store_.emplace(data::Store::open((temp_dir_ / "organism.db").string()));
  }
  ~RunStore() {
    store_.reset();
    std::error_code ignored;
    if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ignored);
  }
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;
  data::Store& store() { return *store_; }

 private:
  std::filesystem::path temp_dir_;
  std::optional<data::Store> store_;
};

GenerationEvent generation_event(const runs::GenerationReport& g) {
  GenerationEvent e;
  e.generation = g.stats.generation;
  e.generations = g.options.generations;
  e.evaluated = g.stats.evaluated;
  e.reused = g.stats.reused;
  e.failed = g.stats.failed;
  e.front_size = g.stats.front_size;
  e.feasible = g.stats.feasible;
  for (std::size_t i = 0; i < g.options.objectives.size() && i < g.stats.best.size(); ++i) {
    e.best.emplace_back(g.options.objectives[i].metric, g.stats.best[i]);
  }
  e.seconds = g.seconds_this_generation;
  e.eta_seconds = g.seconds_per_generation * (g.options.generations - g.stats.generation);
  return e;
}

py::dict to_python(const Event& event) {
  py::dict out;
  if (const auto* line = std::get_if<std::string>(&event)) {
    out["stage"] = "validation";
    out["message"] = *line;
    return out;
  }
  const auto& g = std::get<GenerationEvent>(event);
  out["stage"] = "generation";
  out["generation"] = g.generation;
  out["generations"] = g.generations;
  out["evaluated"] = g.evaluated;
  out["reused"] = g.reused;
  out["front_size"] = g.front_size;
  out["feasible"] = g.feasible;
  out["failed"] = g.failed;
  py::dict best;
  for (const auto& [name, value] : g.best) best[py::str(name)] = value;
  out["best"] = best;
  out["seconds"] = g.seconds;
  out["eta_seconds"] = g.eta_seconds;
  return out;
}

// The run itself, on the run's thread: run_evolve of the CLI (cli/evolve_command.cpp) for a new run.
std::string evolve_run(data::Store& store, const core::Config& cfg, const std::atomic<bool>& cancel,
                       RunChannel& channel) {
  const core::WallClock clock;
  const runs::RunService service(store, clock);
  const auto validation = runs::validation_options(cfg);
  auto options = runs::new_run_options(cfg, validation);
  auto universe = runs::new_run_universe(cfg);
  service.read_history(options, cfg.get_list("evolve.warm_start"), universe.market.interval);
  auto claimed = service.create(options, universe, cfg.get("data.venue"));
  runs::Callbacks callbacks{[&](const runs::GenerationReport& g) { channel.push(generation_event(g)); },
                            [&](const std::string& line) { channel.push(line); }};
  runs::Processes processes;
  runs::RunSession session(service, std::move(claimed.record), std::move(claimed.checkpoint),
                           runs::evaluation_settings(cfg), processes, cancel, callbacks, std::move(claimed.universe));
  const auto finished = session.run_to_end(cfg.get_double("evolve.time_budget_seconds"),
                                           cfg.get_bool("validate.on_evolve") ? std::optional(validation) : std::nullopt);
  return runs::to_json(finished->result).dump();
}

std::string evolve(const py::dict& data_by_coin, const std::optional<std::string>& interval, const py::dict& funding_by_coin,
                   ConfigItems items, const std::string& store_path, const py::object& callback) {
  if (data_by_coin.empty()) throw core::UsageError("no coins: data_by_coin is empty");
  std::vector<std::string> coins;
  std::vector<std::unique_ptr<BarArrays>> bars;
  for (const auto& [coin, columns] : data_by_coin) {
    coins.push_back(coin.cast<std::string>());
    try {
      bars.push_back(std::make_unique<BarArrays>(columns.cast<py::dict>(), interval));
    } catch (const core::UsageError& e) {
      throw core::UsageError(fmt::format("{}: {}", coins.back(), e.what()));
    }
    if (bars.back()->interval() != bars.front()->interval()) {
      throw core::UsageError(fmt::format("{} is {} bars but {} is {}: give every coin one interval", coins.back(),
                                         bars.back()->interval().name(), coins.front(), bars.front()->interval().name()));
    }
  }
  const auto bar_interval = bars.front()->interval();
  // Funding rates per coin, stored beside the bars so that the run pays them as the CLI's would.
  std::vector<data::FundingSeries> funding;
  for (const auto& [coin, columns] : funding_by_coin) {
    const auto name = coin.cast<std::string>();
    if (std::find(coins.begin(), coins.end(), name) == coins.end()) {
      throw core::UsageError(fmt::format("funding for {}, which is not in data_by_coin", name));
    }
    try {
      funding.push_back(funding_from(columns.cast<py::dict>(), std::nullopt));
    } catch (const core::UsageError& e) {
      throw core::UsageError(fmt::format("{} funding: {}", name, e.what()));
    }
    funding.back().venue = kVenue;
    funding.back().coin = name;
  }
  // The caller's keys first, then what the package derives: the coins, the interval and the venue.
  items.emplace_back("evolve.coins", fmt::format("{}", fmt::join(coins, ",")), "data_by_coin");
  items.emplace_back("evolve.interval", bar_interval.name(), "interval");
  items.emplace_back("data.venue", kVenue, "organism.evolve");
  const auto cfg = research_config(items);
  runs::evolve_options(cfg);  // bad evolve.* values fail before anything is written
  RunStore run_store(store_path);
  for (std::size_t c = 0; c < coins.size(); ++c) {
    run_store.store().upsert_candles({kVenue, coins[c], bar_interval}, bars[c]->view());
  }
  for (const auto& f : funding) run_store.store().upsert_funding(f);

  std::atomic<bool> cancel{false};
  RunChannel channel;
  std::thread runner([&] {
    try {
      channel.finish(evolve_run(run_store.store(), cfg, cancel, channel), nullptr);
    } catch (...) {
      channel.finish("", std::current_exception());
    }
  });
  // Ends the run's thread whatever leaves this function: raised cancel, then joined without the GIL.
  struct Join {
    std::thread& thread;
    std::atomic<bool>& cancel;
    ~Join() {
      cancel = true;
      py::gil_scoped_release unlocked;
      if (thread.joinable()) thread.join();
    }
  } join{runner, cancel};

  while (true) {
    std::deque<Event> events;
    bool done = false;
    {
      py::gil_scoped_release unlocked;
      events = channel.wait(std::chrono::milliseconds(100));
      done = channel.done();
    }
    // Events pushed between the wait and the end are still queued: the last round takes them.
    if (done) {
      for (auto& e : channel.wait(std::chrono::milliseconds(0))) events.push_back(std::move(e));
    }
    for (const auto& e : events) {
      if (!callback.is_none()) callback(to_python(e));  // an exception here ends the run (Join)
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: KeyboardInterrupt
    if (done) break;
  }
  if (channel.error()) std::rethrow_exception(channel.error());
  return channel.result();
}

}  // namespace

void bind_evolve(py::module_& m) {
  m.def("evolve", &evolve, py::arg("data_by_coin"), py::arg("interval"), py::arg("funding_by_coin"), py::arg("config"),
        py::arg("store"), py::arg("callback"));
}

}  // namespace organism::python
