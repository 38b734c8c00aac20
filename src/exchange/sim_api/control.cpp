// The control request (docs/exchange-sim.md): stepping the market clock when --speed is 0, the
// replay's status, and the API-level faults (rejectOrders, flashMove, staleBook, regimeBreak).
#include <cmath>

#include "exchange/sim_api/request_fields.hpp"
#include "exchange/sim_api/api_impl.hpp"
#include "exchange/sim_api/book_aggregation.hpp"

namespace organism::exchange::sim_api {

namespace {

constexpr std::uint64_t kMaxSteps = 10'000'000;  // one request cannot pin the process for hours

Json status_of(const SimApi::Impl& api) {
  return Json{{"marketTime", api.market.now()},
              {"nextTick", api.market.next_tick()},
              {"end", api.market.end()},
              {"finished", api.market.finished()}};
}

TimeMs seconds_field(const Json& body) {
  const Json& seconds = field(body, "seconds");
  if (!seconds.is_number() || !(seconds.get<double>() >= 0) || seconds.get<double>() > 1e9) {
    throw BadRequest("\"seconds\" must be a number of seconds >= 0");
  }
  return static_cast<TimeMs>(std::llround(seconds.get<double>() * 1000));
}

}  // namespace

Reply SimApi::Impl::control(const Json& body) {
  const std::string type = string_field(body, "type");
  if (type == "status") return json_reply(status_of(*this));
  if (type == "advance") {
    std::uint64_t steps = 1;
    if (body.contains("steps")) steps = uint_field(body, "steps");
    if (steps > kMaxSteps)
      throw BadRequest("\"steps\" must be at most " + std::to_string(kMaxSteps));
    for (std::uint64_t k = 0; k < steps && !market.finished(); ++k) {
      const TimeMs next = market.next_tick();
      market.advance_to(next, engine);
      engine.on_clock(next);
    }
    return json_reply(status_of(*this));
  }
  if (type == "advanceTo") {
    const TimeMs t = int_field(body, "time");
    if (t > market.now()) {
      market.advance_to(t, engine);
      engine.on_clock(t);
    }
    return json_reply(status_of(*this));
  }
  if (type == "fault") {
    const std::string fault = string_field(body, "fault");
    if (fault == "rejectOrders") {
      reject_orders_until = wall.now() + seconds_field(body);
    } else if (fault == "staleBook") {
      const TimeMs seconds = seconds_field(body);
      // A fault that starts freezes the books; one that extends a running fault keeps them.
      if (!book_stale()) {
        frozen_books.clear();
        for (std::size_t i = 0; i < engine.assets().size(); ++i)
          frozen_books.push_back(engine.book(static_cast<int>(i), kAggregationDepth));
      }
      stale_book_until = wall.now() + seconds;
    } else if (fault == "flashMove") {
      const std::string coin_name = string_field(body, "coin");
      const auto asset = engine.asset_of(coin_name);
      if (!asset) throw BadRequest("unknown coin \"" + coin_name + "\"");
      const Json& percent = field(body, "percent");
      if (!percent.is_number() || !(std::fabs(percent.get<double>()) < 100)) {
        throw BadRequest("\"percent\" must be a number between -100 and 100 (exclusive)");
      }
      market.inject_flash_move(*asset, percent.get<double>() / 100);
    } else if (fault == "regimeBreak") {
      const std::string coin_name = string_field(body, "coin");
      const auto asset = engine.asset_of(coin_name);
      if (!asset) throw BadRequest("unknown coin \"" + coin_name + "\"");
      const Json& exponent = field(body, "exponent");
      if (!exponent.is_number()) throw BadRequest("\"exponent\" must be a number");
      try {
        // From the current market time: the next bar open, or now when the market stands on one.
        const auto kept = market.add_regime_break(*asset, market.now(), exponent.get<double>());
        return json_reply(Json{{"status", "ok"}, {"time", kept.time}});
      } catch (const std::invalid_argument& e) {
        throw BadRequest(e.what());
      }
    } else {
      throw BadRequest("unknown fault \"" + fault +
                       "\" (known: rejectOrders, staleBook, flashMove, regimeBreak)");
    }
    return json_reply(Json{{"status", "ok"}});
  }
  throw BadRequest("unknown control type \"" + type +
                   "\" (known: status, advance, advanceTo, fault)");
}

}  // namespace organism::exchange::sim_api
