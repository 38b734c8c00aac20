// POST /info: every request type the simulator answers (PROTOCOL §3), in the exchange's shapes.
#include <algorithm>
#include <cmath>
#include <set>

#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/sim_api/request_fields.hpp"
#include "exchange/sim_api/api_impl.hpp"
#include "exchange/sim_api/book_aggregation.hpp"

namespace organism::exchange::sim_api {

namespace {

constexpr std::size_t kMaxCandles = 5000;        // PROTOCOL §3.5
constexpr std::size_t kMaxTimeRangeItems = 500;  // PROTOCOL §3.0 (funding history, user funding)
constexpr std::size_t kMaxFills = 2000;          // PROTOCOL §3.9
constexpr std::size_t kBookLevels = 20;

hl::Address user_param(const Json& body) {
  const auto user = hl::Address::parse(string_field(body, "user"));
  if (!user) throw BadRequest("bad user address");
  return *user;
}

// "dex": absent, null or "" is the first (and only) perp dex of the simulator.
void check_dex(const Json& body) {
  const auto it = body.find("dex");
  if (it == body.end() || it->is_null()) return;
  if (!it->is_string() || !it->get_ref<const std::string&>().empty())
    throw BadRequest("unknown dex");
}

std::optional<TimeMs> optional_time(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return int_field(body, name);
}

}  // namespace

Json SimApi::Impl::meta() const {
  Json universe = Json::array();
  std::set<int> leverages;
  for (const auto& spec : engine.assets()) {
    Json entry{{"name", spec.coin},
               {"szDecimals", spec.sz_decimals},
               {"maxLeverage", spec.max_leverage},
               {"marginTableId", spec.max_leverage}};
    if (spec.only_isolated) entry["onlyIsolated"] = true;
    universe.push_back(entry);
    leverages.insert(spec.max_leverage);
  }
  // One flat tier per leverage, keyed by the leverage, as the exchange's small tables are.
  Json tables = Json::array();
  for (int leverage : leverages) {
    tables.push_back(Json::array(
        {leverage, Json{{"description", ""},
                        {"marginTiers",
                         Json::array({Json{{"lowerBound", "0.0"}, {"maxLeverage", leverage}}})}}}));
  }
  return Json{{"universe", universe}, {"marginTables", tables}, {"collateralToken", 0}};
}

Json SimApi::Impl::all_mids() const {
  Json mids = Json::object();
  for (std::size_t i = 0; i < engine.assets().size(); ++i) {
    const auto book = engine.book(static_cast<int>(i), 1);
    double mid = hl::units_to_double(engine.last_price(static_cast<int>(i)));
    if (!book.bids.empty() && !book.asks.empty()) {
      mid = (hl::units_to_double(book.bids[0].px) + hl::units_to_double(book.asks[0].px)) / 2;
    }
    mids[engine.assets()[i].coin] = wire_number(mid);
  }
  return mids;
}

std::optional<std::string> SimApi::Impl::l2_book(const std::string& coin_name,
                                                 const Json& n_sig_figs, const Json& mantissa,
                                                 std::size_t depth) const {
  const auto asset = engine.asset_of(coin_name);
  if (!asset) return std::nullopt;
  const auto spec = aggregation_of(n_sig_figs, mantissa);  // throws BadRequest
  sim::BookView book = book_view(*asset, spec.sig_figs ? kAggregationDepth : depth);
  if (spec.sig_figs) book = aggregate_book(book, spec, depth);
  return render_book_text(coin_name, book);
}

sim::BookView SimApi::Impl::book_view(int asset, std::size_t depth) const {
  if (!book_stale() || static_cast<std::size_t>(asset) >= frozen_books.size())
    return engine.book(asset, depth);
  sim::BookView book = frozen_books[static_cast<std::size_t>(asset)];
  if (book.bids.size() > depth) book.bids.resize(depth);
  if (book.asks.size() > depth) book.asks.resize(depth);
  return book;
}

Json SimApi::Impl::bbo(int asset) const {
  const auto book = book_view(asset, 1);
  return Json{
      {"coin", coin(asset)},
      {"time", book.time},
      {"bbo", Json::array({book.bids.empty() ? Json(nullptr) : render_level(book.bids[0]),
                           book.asks.empty() ? Json(nullptr) : render_level(book.asks[0])})}};
}

Json SimApi::Impl::user_fills_snapshot(const hl::Address& user) const {
  Json fills = Json::array();
  const auto all = engine.fills(user);
  const std::size_t first = all.size() > kMaxFills ? all.size() - kMaxFills : 0;
  for (std::size_t i = first; i < all.size(); ++i)
    fills.push_back(render_fill(coin(all[i].asset), all[i]));
  return Json{{"isSnapshot", true}, {"user", user.hex()}, {"fills", fills}};
}

Json SimApi::Impl::user_fundings_snapshot(const hl::Address& user) const {
  Json fundings = Json::array();
  for (const auto& payment : engine.fundings(user))
    fundings.push_back(render_funding(coin(payment.asset), payment));
  return Json{{"isSnapshot", true}, {"user", user.hex()}, {"fundings", fundings}};
}

namespace {

Json candle_snapshot(const SimApi::Impl& api, const Json& body) {
  const Json& req = field(body, "req");
  const std::string coin_name = string_field(req, "coin");
  const auto interval = core::Interval::parse(string_field(req, "interval"));
  if (!interval) throw BadRequest("unknown interval");
  const TimeMs start = int_field(req, "startTime");
  const TimeMs end = optional_time(req, "endTime").value_or(api.market.now());
  const auto asset = api.engine.asset_of(coin_name);
  Json out = Json::array();
  // Intervals finer than the stored bars have no data here (the replay cannot split a bar).
  if (!asset || interval->nominal_ms() < api.market.config().interval.nominal_ms() || end < start)
    return out;
  for (const auto& candle : api.market.candles(*asset, *interval, start, end, kMaxCandles)) {
    out.push_back(render_candle(coin_name, interval->name(), candle));
  }
  return out;
}

Json funding_history(const SimApi::Impl& api, const Json& body) {
  const std::string coin_name = string_field(body, "coin");
  const TimeMs start = int_field(body, "startTime");
  const TimeMs end = optional_time(body, "endTime").value_or(api.market.now());
  Json out = Json::array();
  const auto asset = api.engine.asset_of(coin_name);
  if (!asset || end < start) return out;
  for (const auto& f : api.market.funding_history(*asset, start, end, kMaxTimeRangeItems)) {
    out.push_back(Json{{"coin", coin_name},
                       {"fundingRate", wire_number(f.rate)},
                       {"premium", wire_number(f.premium)},
                       {"time", f.time}});
  }
  return out;
}

Json clearinghouse_state(const SimApi::Impl& api, const hl::Address& user) {
  if (!api.engine.has_account(user)) {
    sim::ClearinghouseState empty;  // the exchange's answer for an address it has never seen
    empty.time = api.market.now();
    return render_clearinghouse(empty, api.engine.assets());
  }
  return render_clearinghouse(api.engine.clearinghouse(user, api.market.now()),
                              api.engine.assets());
}

Json user_fills(const SimApi::Impl& api, const Json& body, bool by_time) {
  const auto user = user_param(body);
  const auto all = api.engine.fills(user);  // oldest first
  Json out = Json::array();
  if (!by_time) {  // the 2000 most recent, newest first as the exchange lists them
    const std::size_t n = std::min(all.size(), kMaxFills);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& fill = all[all.size() - 1 - k];
      out.push_back(render_fill(api.coin(fill.asset), fill));
    }
    return out;
  }
  const TimeMs start = int_field(body, "startTime");
  const TimeMs end = optional_time(body, "endTime").value_or(INT64_MAX);
  for (const auto& fill : all) {  // from startTime on, oldest first, so pagination moves forward
    if (fill.time < start || fill.time > end) continue;
    if (out.size() == kMaxFills) break;
    out.push_back(render_fill(api.coin(fill.asset), fill));
  }
  return out;
}

Json user_funding(const SimApi::Impl& api, const Json& body) {
  const auto user = user_param(body);
  const TimeMs start = int_field(body, "startTime");
  const TimeMs end = optional_time(body, "endTime").value_or(INT64_MAX);
  Json out = Json::array();
  for (const auto& p : api.engine.fundings(user)) {
    if (p.time < start || p.time > end) continue;
    if (out.size() == kMaxTimeRangeItems) break;
    Json delta{{"type", "funding"},
               {"coin", api.coin(p.asset)},
               {"usdc", wire_number(p.usdc)},
               {"szi", wire_units(p.szi)},
               {"fundingRate", wire_number(p.rate)},
               {"nSamples", nullptr}};
    out.push_back(Json{{"time", p.time}, {"hash", "0x" + std::string(64, '0')}, {"delta", delta}});
  }
  return out;
}

Json order_status(const SimApi::Impl& api, const Json& body) {
  const auto user = user_param(body);
  const Json& oid = field(body, "oid");
  std::optional<sim::OrderInfo> order;
  if (oid.is_number_unsigned()) {
    order = api.engine.order(user, oid.get<std::uint64_t>());
  } else if (oid.is_string()) {
    order = api.engine.order_by_cloid(user, cloid_value(oid));
  } else {
    throw BadRequest("oid must be a number or a cloid");
  }
  if (!order) return Json{{"status", "unknownOid"}};
  return Json{{"status", "order"},
              {"order", Json{{"order", render_frontend_order(api.coin(order->asset), *order)},
                             {"status", sim::to_wire(order->state)},
                             {"statusTimestamp", order->status_time}}}};
}

Json open_orders(const SimApi::Impl& api, const Json& body, bool frontend) {
  check_dex(body);
  Json out = Json::array();
  for (const auto& order : api.engine.open_orders(user_param(body))) {
    out.push_back(frontend ? render_frontend_order(api.coin(order.asset), order)
                           : render_open_order(api.coin(order.asset), order));
  }
  return out;
}

}  // namespace

// The engine knows prices, funding and the users' open interest; the 24-hour figures are the
// replayed market's (the notional at the current price: the bars carry no VWAP).
sim::AssetContext SimApi::Impl::asset_context(int asset) const {
  sim::AssetContext ctx = engine.context(asset);
  ctx.prev_day_px = market.prev_day_price(asset);
  ctx.day_base_vlm = market.day_volume(asset);
  ctx.day_ntl_vlm = ctx.day_base_vlm * market.price(asset);
  ctx.premium = ctx.funding - sim::kHourlyFundingInterest;  // as fundingHistory derives it
  return ctx;
}

Reply SimApi::Impl::info(const Json& body) {
  const std::string type = string_field(body, "type");
  if (type == "meta") return check_dex(body), json_reply(meta());
  if (type == "metaAndAssetCtxs") {
    check_dex(body);
    Json ctxs = Json::array();
    for (std::size_t i = 0; i < engine.assets().size(); ++i) {
      ctxs.push_back(render_asset_context(asset_context(static_cast<int>(i))));
    }
    return json_reply(Json::array({meta(), ctxs}));
  }
  if (type == "spotMeta")
    return json_reply(Json{{"tokens", Json::array()}, {"universe", Json::array()}});
  if (type == "spotMetaAndAssetCtxs") {
    return json_reply(
        Json::array({Json{{"tokens", Json::array()}, {"universe", Json::array()}}, Json::array()}));
  }
  if (type == "perpDexs") return json_reply(Json::array({nullptr}));
  if (type == "allMids") return check_dex(body), json_reply(all_mids());
  if (type == "l2Book") {
    const auto book = l2_book(string_field(body, "coin"), body.value("nSigFigs", Json(nullptr)),
                              body.value("mantissa", Json(nullptr)), kBookLevels);
    return Reply{200, book ? *book : std::string("null")};  // an unknown coin's book is null
  }
  if (type == "candleSnapshot") return json_reply(candle_snapshot(*this, body));
  if (type == "fundingHistory") return json_reply(funding_history(*this, body));
  if (type == "clearinghouseState")
    return check_dex(body), json_reply(clearinghouse_state(*this, user_param(body)));
  if (type == "spotClearinghouseState")
    return (void)user_param(body), json_reply(Json{{"balances", Json::array()}});
  if (type == "openOrders") return json_reply(open_orders(*this, body, false));
  if (type == "frontendOpenOrders") return json_reply(open_orders(*this, body, true));
  if (type == "userFills") return json_reply(user_fills(*this, body, false));
  if (type == "userFillsByTime") return json_reply(user_fills(*this, body, true));
  if (type == "userFunding") return json_reply(user_funding(*this, body));
  if (type == "orderStatus") return json_reply(order_status(*this, body));
  if (type == "userRateLimit") {
    const auto user = user_param(body);
    const double volume = engine.has_account(user) ? engine.cumulative_volume(user) : 0.0;
    const auto used_it = requests_used.find(user);
    const std::uint64_t used = used_it == requests_used.end() ? 0 : used_it->second;
    return json_reply(Json{
        {"cumVlm", wire_number(volume)},
        {"nRequestsUsed", used},
        {"nRequestsCap", kInitialRequestBuffer + static_cast<std::uint64_t>(std::floor(volume))},
        {"nRequestsSurplus", 0}});
  }
  if (type == "userAbstraction") return (void)user_param(body), json_reply(Json("default"));
  if (type == "userRole") {
    const auto user = user_param(body);
    if (agent_master.contains(user)) {
      return json_reply(
          Json{{"role", "agent"}, {"data", Json{{"user", agent_master.at(user).hex()}}}});
    }
    return json_reply(Json{{"role", engine.has_account(user) ? "user" : "missing"}});
  }
  if (type == "maxBuilderFee") return (void)user_param(body), json_reply(Json(0));
  if (type == "exchangeStatus")
    return json_reply(Json{{"time", market.now()}, {"specialStatuses", nullptr}});
  throw BadRequest("unknown info type");
}

}  // namespace organism::exchange::sim_api
