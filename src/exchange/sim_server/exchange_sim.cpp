#include "exchange/sim_server/exchange_sim.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "exchange/sim/market_loader.hpp"
#include "exchange/sim/regime_break.hpp"
#include "exchange/sim_api/sim_api.hpp"
#include "exchange/sim_server/server.hpp"
#include "exchange/sim_server/sim_api_handler.hpp"
#include "exchange/sim_server/state_file.hpp"

namespace organism::exchange::sim_server {

namespace {

StateOrigin origin_of(const ExchangeSimOptions& options, const sim::LoadedMarket& market) {
  StateOrigin origin;
  origin.coins = options.coins;
  origin.interval = market.interval.name();
  origin.seed = options.seed;
  bool first = true;
  for (const auto& coin : market.coins) {
    const auto times = coin.bars.time();
    if (times.empty()) continue;
    origin.first_bar = first ? times.front() : std::min(origin.first_bar, times.front());
    origin.last_bar = first ? times.back() : std::max(origin.last_bar, times.back());
    first = false;
  }
  return origin;
}

}  // namespace

std::string run_exchange_sim(const ExchangeSimOptions& options,
                             const std::function<void(std::uint16_t port)>& on_listening) {
  if (!(options.speed >= 0) || !std::isfinite(options.speed) || options.speed > 1e6)
    throw core::UsageError("--speed must be a number in 0..1000000");
  if (!(options.balance >= 0) || !std::isfinite(options.balance)) throw core::UsageError("--balance must be >= 0");
  if (options.coins.empty()) throw core::UsageError("--coins needs at least one coin");
  ServerOptions server_options;
  server_options.faults = parse_fault_spec(options.faults);
  server_options.port = options.port;
  server_options.speed = options.speed;
  server_options.seed = options.seed;
  server_options.ws_idle_ms = options.ws_idle_ms;
  server_options.rest_weight_per_minute = options.rest_weight_per_minute;
  server_options.handle_signals = true;

  const auto breaks = options.regime_breaks.empty()
                          ? std::vector<sim::RegimeBreakSpec>{}
                          : sim::parse_regime_breaks(options.regime_breaks);

  auto store = data::Store::open_existing(options.db);
  sim::LoadedMarket market = sim::load_market(store, options.coins, options.interval);
  sim::MarketConfig market_config;
  market_config.interval = market.interval;
  market_config.seed = options.seed;
  market_config.from = options.from ? *options.from : sim::default_from(market.coins);
  const StateOrigin origin = origin_of(options, market);

  std::vector<sim::AssetSpec> assets;
  for (const auto& coin : market.coins) assets.push_back(coin.spec);
  sim::EngineConfig engine_config;
  engine_config.starting_balance = options.balance;
  // A --from outside the data (or data the replay cannot use) is the user's to fix: a clear
  // error, not an internal one.
  std::optional<sim::MarketReplay> replay;
  try {
    replay.emplace(std::move(market.coins), market_config);
  } catch (const std::invalid_argument& e) {
    throw core::Error(fmt::format("exchange-sim: {}", e.what()));
  }
  for (std::size_t k = 0; k < breaks.size(); ++k) {
    const auto& b = breaks[k];
    const auto item = core::split_list(options.regime_breaks)[k];
    const auto it = std::find(options.coins.begin(), options.coins.end(), b.coin);
    if (it == options.coins.end()) {
      throw core::UsageError(fmt::format("--regime-break: bad item '{}': {} is not one of --coins", item, b.coin));
    }
    try {
      replay->add_regime_break(static_cast<int>(it - options.coins.begin()), b.time, b.exponent);
    } catch (const std::invalid_argument& e) {
      throw core::UsageError(fmt::format("--regime-break: bad item '{}': {}", item, e.what()));
    }
  }
  sim::Engine engine(std::move(assets), engine_config);
  // Nonces are checked against the wall clock: clients take them from it (PROTOCOL §8).
  core::WallClock wall;
  sim_api::SimApi api(std::move(*replay), std::move(engine), wall, sim_api::ApiOptions{!options.testnet, options.order_log});

  std::optional<StateFile> state_file;
  if (!options.state_dir.empty()) {
    state_file.emplace(options.state_dir, origin);
    if (auto saved = state_file->load()) {
      try {
        api.restore(*saved);
      } catch (const std::exception& e) {
        throw core::Error(fmt::format("{}: cannot restore the saved state: {}", state_file->path(), e.what()));
      }
    }
  }
  SimApiHandler handler(api);
  Server server(handler, server_options, state_file ? &*state_file : nullptr);
  on_listening(server.port());
  return server.run();
}

}  // namespace organism::exchange::sim_server
