// WebSocket subscriptions (PROTOCOL §4.2-4.3): parsing into routing keys, the snapshots a new
// subscriber gets, and the rendering of engine events into channel messages.
#include <map>

#include "core/text.hpp"
#include "exchange/sim_api/request_fields.hpp"
#include "exchange/sim_api/api_impl.hpp"
#include "exchange/sim_api/book_aggregation.hpp"

namespace organism::exchange::sim_api {

namespace {

constexpr std::size_t kFastBookLevels = 5;

std::string message(std::string_view channel, const Json& data) {
  return Json{{"channel", channel}, {"data", data}}.dump();
}

}  // namespace

std::optional<Subscription> SimApi::parse_subscription(const Json& request,
                                                       std::string& error) const {
  const Impl& api = *impl_;
  error = "Invalid subscription " + request.dump();
  if (!request.is_object() || !request.contains("type") || !request["type"].is_string())
    return std::nullopt;
  const std::string type = request["type"].get<std::string>();
  Subscription sub{request, {}, type, false};
  try {
    auto coin_of = [&]() {
      const std::string coin = string_field(request, "coin");
      if (!api.engine.asset_of(coin)) throw BadRequest("unknown coin");
      return coin;
    };
    auto user_of = [&]() {
      const auto user = hl::Address::parse(string_field(request, "user"));
      if (!user) throw BadRequest("bad user");
      sub.user_specific = true;
      return user->hex();
    };
    if (type == "allMids") {
      if (const auto it = request.find("dex"); it != request.end() && !it->is_null() && *it != "")
        return std::nullopt;
      sub.key = "allMids";
    } else if (type == "l2Book") {
      const std::string coin = coin_of();
      const auto spec = aggregation_of(request.value("nSigFigs", Json(nullptr)),
                                       request.value("mantissa", Json(nullptr)));
      const Json fast = request.value("fast", Json(false));
      if (!fast.is_boolean()) return std::nullopt;
      sub.key = l2_book_key(coin, spec.sig_figs, spec.mantissa, fast.get<bool>());
    } else if (type == "bbo" || type == "trades") {
      sub.key = type + ":" + coin_of();
    } else if (type == "candle") {
      const std::string coin = coin_of();
      const std::string interval = string_field(request, "interval");
      if (!core::Interval::parse(interval)) return std::nullopt;
      sub.key = "candle:" + coin + ":" + interval;
    } else if (type == "orderUpdates" || type == "userFills" || type == "userFundings" ||
               type == "notification") {
      sub.key = type + ":" + user_of();
    } else if (type == "userEvents") {
      sub.channel = "user";
      sub.key = "user:" + user_of();
    } else {
      return std::nullopt;
    }
  } catch (const BadRequest&) {
    return std::nullopt;
  }
  error.clear();
  return sub;
}

std::vector<std::string> SimApi::snapshot(const Subscription& sub) const {
  const Impl& api = *impl_;
  const Json& request = sub.request;
  const std::string type = request.value("type", std::string());
  std::vector<std::string> out;
  if (type == "allMids") {
    out.push_back(message("allMids", Json{{"mids", api.all_mids()}}));
  } else if (type == "l2Book") {
    const bool fast = request.value("fast", Json(false)) == Json(true);
    const auto book =
        api.l2_book(request["coin"].get<std::string>(), request.value("nSigFigs", Json(nullptr)),
                    request.value("mantissa", Json(nullptr)), fast ? kFastBookLevels : 20);
    if (book) out.push_back(R"({"channel":"l2Book","data":)" + *book + "}");
  } else if (type == "bbo") {
    out.push_back(
        message("bbo", api.bbo(*api.engine.asset_of(request["coin"].get<std::string>()))));
  } else if (type == "candle") {
    const std::string coin = request["coin"].get<std::string>();
    const auto interval = *core::Interval::parse(request["interval"].get<std::string>());
    if (interval.nominal_ms() >= api.market.config().interval.nominal_ms()) {
      const auto now = api.market.now();
      const auto candles = api.market.candles(*api.engine.asset_of(coin), interval, now, now, 1);
      if (!candles.empty())
        out.push_back(message("candle", render_candle(coin, interval.name(), candles.back())));
    }
  } else if (type == "userFills") {
    out.push_back(message("userFills", api.user_fills_snapshot(*hl::Address::parse(
                                           request["user"].get<std::string>()))));
  } else if (type == "userFundings") {
    out.push_back(message("userFundings", api.user_fundings_snapshot(*hl::Address::parse(
                                              request["user"].get<std::string>()))));
  }
  return out;
}

namespace {

// Messages that accumulate over one publish (a trades array per coin, fills per user, ...), kept
// in the order their first event came. `wanted` is asked once per key.
class Batches {
 public:
  explicit Batches(const std::function<bool(const std::string&)>& wanted) : wanted_(wanted) {}
  bool wanted(const std::string& key) {
    const auto it = heard_.find(key);
    if (it != heard_.end()) return it->second;
    return heard_[key] = wanted_(key);
  }
  // The array at `path` (or the data itself) of the batch `batch`, created as `init` for `key`.
  Json& array(const std::string& batch, const std::string& key, const char* channel,
              const Json& init, const char* path) {
    auto it = index_.find(batch);
    if (it == index_.end()) {
      it = index_.emplace(batch, pending_.size()).first;
      pending_.push_back({key, channel, init});
    }
    Json& data = pending_[it->second].data;
    return path ? data[path] : data;
  }
  void single(const std::string& key, const char* channel, Json data) {
    pending_.push_back({key, channel, std::move(data)});
  }
  std::vector<FeedMessage> take() {
    std::vector<FeedMessage> out;
    out.reserve(pending_.size());
    for (auto& p : pending_) out.push_back({std::move(p.key), message(p.channel, p.data)});
    return out;
  }

 private:
  struct Pending {
    std::string key;
    const char* channel;
    Json data;
  };
  const std::function<bool(const std::string&)>& wanted_;
  std::map<std::string, bool> heard_;
  std::map<std::string, std::size_t> index_;
  std::vector<Pending> pending_;
};

}  // namespace

std::vector<FeedMessage> SimApi::publish(
    const std::function<bool(const std::string& key)>& wanted) {
  Impl& api = *impl_;
  Batches batches(wanted);
  for (const auto& event : api.engine.drain_events()) {
    if (const auto* trade_event = std::get_if<sim::TradeEvent>(&event)) {
      const std::string key = "trades:" + api.coin(trade_event->trade.asset);
      if (batches.wanted(key))
        batches.array(key, key, "trades", Json::array(), nullptr)
            .push_back(render_trade(api.coin(trade_event->trade.asset), trade_event->trade));
    } else if (const auto* update = std::get_if<sim::OrderUpdateEvent>(&event)) {
      const auto& order = update->order;
      const std::string key = "orderUpdates:" + order.user.hex();
      if (batches.wanted(key)) {
        batches.array(key, key, "orderUpdates", Json::array(), nullptr)
            .push_back(Json{{"order", render_open_order(api.coin(order.asset), order)},
                            {"status", sim::to_wire(order.state)},
                            {"statusTimestamp", order.status_time}});
      }
    } else if (const auto* fill_event = std::get_if<sim::FillEvent>(&event)) {
      const auto& fill = fill_event->fill;
      const std::string user = fill.user.hex();
      const Json rendered = render_fill(api.coin(fill.asset), fill);
      if (batches.wanted("userFills:" + user)) {
        batches
            .array("userFills:" + user, "userFills:" + user, "userFills",
                   Json{{"user", user}, {"fills", Json::array()}}, "fills")
            .push_back(rendered);
      }
      if (batches.wanted("user:" + user)) {
        batches
            .array("user:" + user, "user:" + user, "user", Json{{"fills", Json::array()}}, "fills")
            .push_back(rendered);
      }
    } else if (const auto* funding_event = std::get_if<sim::FundingEvent>(&event)) {
      const auto& p = funding_event->payment;
      const std::string user = p.user.hex();
      const Json rendered = render_funding(api.coin(p.asset), p);
      if (batches.wanted("userFundings:" + user)) {
        batches
            .array("userFundings:" + user, "userFundings:" + user, "userFundings",
                   Json{{"user", user}, {"fundings", Json::array()}}, "fundings")
            .push_back(rendered);
      }
      if (batches.wanted("user:" + user))
        batches.single("user:" + user, "user", Json{{"funding", rendered}});
    } else if (const auto* liquidation = std::get_if<sim::LiquidationEvent>(&event)) {
      const std::string user = liquidation->user.hex();
      if (batches.wanted("user:" + user)) {
        batches.single(
            "user:" + user, "user",
            Json{{"liquidation",
                  Json{{"lid", liquidation->lid},
                       {"liquidator", kLiquidatorAddress},
                       {"liquidated_user", user},
                       {"liquidated_ntl_pos", wire_number(liquidation->ntl_pos)},
                       {"liquidated_account_value", wire_number(liquidation->account_value)}}}});
      }
    } else if (const auto* cancel = std::get_if<sim::NonUserCancelEvent>(&event)) {
      const std::string user = cancel->user.hex();
      if (batches.wanted("user:" + user)) {
        batches
            .array("nonUserCancel:" + user, "user:" + user, "user",
                   Json{{"nonUserCancel", Json::array()}}, "nonUserCancel")
            .push_back(Json{{"coin", api.coin(cancel->asset)}, {"oid", cancel->oid}});
      }
    } else if (const auto* book_event = std::get_if<sim::BookEvent>(&event)) {
      if (api.valid_asset(book_event->asset))
        api.book_dirty[static_cast<std::size_t>(book_event->asset)] = true;
    }
  }
  std::vector<FeedMessage> out = batches.take();
  publish_market(api, wanted, out);
  return out;
}

}  // namespace organism::exchange::sim_api
