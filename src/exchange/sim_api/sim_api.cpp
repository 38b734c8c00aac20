// SimApi's entry points: bodies parsed once (depth-limited), errors mapped to the exchange's
// replies, request weights, the market clock, and the state saved for --state-dir.
#include "exchange/sim_api/sim_api.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "exchange/sim_api/request_fields.hpp"
#include "exchange/hyperliquid/rate_limits.hpp"
#include "exchange/hyperliquid/wire.hpp"
#include "exchange/sim_api/api_impl.hpp"

namespace organism::exchange::sim_api {

namespace {

// Request bodies nest a few levels (an order batch: 5); 32 leaves room and keeps parsing cheap.
constexpr int kMaxBodyDepth = 32;

std::optional<Json> parse_body(std::string_view body) {
  try {
    Json parsed = core::parse_ordered_json(body, "request body", kMaxBodyDepth);
    if (!parsed.is_object()) return std::nullopt;
    return parsed;
  } catch (const core::Error&) {
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

SimApi::SimApi(sim::MarketReplay market, sim::Engine engine, const core::Clock& wall_clock,
               ApiOptions options)
    : impl_(std::make_unique<Impl>(std::move(market), std::move(engine), wall_clock, options)) {
  if (!options.order_log.empty()) {
    impl_->order_log.reset(std::fopen(options.order_log.c_str(), "a"));
    if (!impl_->order_log) {
      throw core::Error(fmt::format("order log {}: cannot open for appending", options.order_log));
    }
  }
  // The opening tick: the replay feeds the tick at now() on its first move only, and
  // advance_to() moves only forward, so the market at `from` (book, mids, prices) is fed here and
  // market time stays `from`. restore() replaces engine and market with saved ones as they were.
  impl_->market.advance_to(impl_->market.now(), impl_->engine);
  impl_->engine.on_clock(impl_->market.now());
}

SimApi::~SimApi() = default;
SimApi::SimApi(SimApi&&) noexcept = default;
SimApi& SimApi::operator=(SimApi&&) noexcept = default;

bool SimApi::run_wall_clock() {
  return impl_->engine.fire_scheduled_cancels(impl_->wall.now(), impl_->market.now()) > 0;
}

Reply SimApi::info(std::string_view body) {
  run_wall_clock();
  const auto parsed = parse_body(body);
  if (!parsed) return unprocessable();
  try {
    return impl_->info(*parsed);
  } catch (const BadRequest&) {
    return unprocessable();
  } catch (const nlohmann::json::exception&) {
    return unprocessable();
  }
}

Reply SimApi::exchange(std::string_view body) {
  run_wall_clock();
  const auto parsed = parse_body(body);
  if (!parsed) return unprocessable();
  try {
    return impl_->exchange(*parsed);
  } catch (const BadRequest&) {
    return unprocessable();
  } catch (const hl::WireError&) {  // the envelope or a modelled action: hl's parser
    return unprocessable();
  } catch (const nlohmann::json::exception&) {
    return unprocessable();
  }
}

Reply SimApi::control(std::string_view body) {
  run_wall_clock();
  const auto parsed = parse_body(body);
  if (!parsed) return Reply{400, "control: the body must be a JSON object with a \"type\""};
  try {
    return impl_->control(*parsed);
  } catch (const BadRequest& e) {
    return Reply{400, std::string("control: ") + e.what()};
  } catch (const nlohmann::json::exception& e) {
    return Reply{400, std::string("control: ") + e.what()};
  }
}

int SimApi::info_weight(std::string_view body, std::size_t items_returned) const {
  const auto parsed = parse_body(body);
  const auto type_it = parsed ? parsed->find("type") : Json::const_iterator{};
  if (!parsed || type_it == parsed->end() || !type_it->is_string()) return 20;
  const std::string type = type_it->get<std::string>();
  return hl::info_weight(type) + hl::info_extra_weight(type, items_returned);
}

int SimApi::exchange_weight(std::string_view body) const {
  const auto parsed = parse_body(body);
  if (!parsed) return 1;
  const auto action = parsed->find("action");
  if (action == parsed->end() || !action->is_object()) return 1;
  std::size_t batch = 0;
  for (const char* list : {"orders", "cancels", "modifies"}) {
    const auto it = action->find(list);
    if (it != action->end() && it->is_array()) batch = it->size();
  }
  return hl::exchange_weight(batch);
}

TimeMs SimApi::market_time() const { return impl_->market.now(); }

void SimApi::advance_to(TimeMs t) {
  if (t <= impl_->market.now()) return;
  impl_->market.advance_to(t, impl_->engine);
  impl_->engine.on_clock(t);
}

Json SimApi::state() const {
  const Impl& api = *impl_;
  Json agents = Json::object();
  for (const auto& [agent, master] : api.agent_master) {
    const auto name = api.agent_name.find(agent);
    agents[agent.hex()] =
        Json{{"master", master.hex()}, {"name", name == api.agent_name.end() ? "" : name->second}};
  }
  Json used = Json::object();
  for (const auto& [user, n] : api.requests_used) used[user.hex()] = n;
  return Json{{"version", 1},
              {"engine", Json(api.engine.to_json())},
              {"market", Json(api.market.to_json())},
              {"nonces", Json(api.nonces.to_json())},
              {"agents", agents},
              {"requestsUsed", used}};
}

void SimApi::restore(const Json& state) {
  Impl& api = *impl_;
  if (state.value("version", 0) != 1) throw core::Error("simulator state: unknown version");
  const auto address = [](const std::string& hex) {
    const auto parsed = hl::Address::parse(hex);
    if (!parsed) throw core::Error("simulator state: bad address " + core::quoted_text(hex));
    return *parsed;
  };
  api.engine = sim::Engine::from_json(nlohmann::json(state.at("engine")), api.engine.assets(),
                                      api.engine.config());
  api.market.restore(nlohmann::json(state.at("market")));
  api.nonces.restore(nlohmann::json(state.at("nonces")));
  api.agent_master.clear();
  api.agent_name.clear();
  for (const auto& [agent, entry] : state.at("agents").items()) {
    api.agent_master[address(agent)] = address(entry.at("master").get<std::string>());
    api.agent_name[address(agent)] = entry.at("name").get<std::string>();
  }
  api.requests_used.clear();
  for (const auto& [user, n] : state.at("requestsUsed").items())
    api.requests_used[address(user)] = n.get<std::uint64_t>();
  api.book_dirty.assign(api.book_dirty.size(), true);
  api.mids_dirty = true;
}

}  // namespace organism::exchange::sim_api
