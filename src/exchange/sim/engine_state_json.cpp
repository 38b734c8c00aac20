// The engine's whole state as JSON (for --state-dir): accounts, live and finished orders with
// each book level's FIFO order, fills, ids, scheduled cancels and the last tick per asset.
// Doubles are written shortest-round-trip, so from_json(to_json()) continues bit for bit.
#include <algorithm>

#include "exchange/sim/engine_impl.hpp"

namespace organism::exchange::sim {

namespace {

using nlohmann::json;

json address_json(const Address& a) { return a.hex(); }
Address address_from(const json& j) {
  auto a = Address::parse(j.get<std::string>());
  if (!a) throw std::invalid_argument("engine state: bad address " + j.get<std::string>());
  return *a;
}
template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}
template <typename T>
std::optional<T> optional_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<T>();
}

json levels_json(const std::vector<Level>& levels) {
  json out = json::array();
  for (const Level& l : levels) out.push_back({l.px, l.sz, l.n});
  return out;
}
std::vector<Level> levels_from(const json& j) {
  std::vector<Level> out;
  for (const json& l : j) out.push_back({l[0].get<Units>(), l[1].get<Units>(), l[2].get<int>()});
  return out;
}

json order_json(const OrderInfo& o) {
  json trigger = nullptr;
  if (o.trigger)
    trigger = {{"is_market", o.trigger->is_market},
               {"px", o.trigger->trigger_px},
               {"tp", o.trigger->take_profit}};
  return {{"oid", o.oid},
          {"user", address_json(o.user)},
          {"asset", o.asset},
          {"buy", o.is_buy},
          {"px", o.limit_px},
          {"sz", o.sz},
          {"orig_sz", o.orig_sz},
          {"time", o.timestamp},
          {"reduce_only", o.reduce_only},
          {"tif", static_cast<int>(o.tif)},
          {"trigger", trigger},
          {"position_tpsl", o.is_position_tpsl},
          {"cloid", optional_json(o.cloid)},
          {"state", static_cast<int>(o.state)},
          {"status_time", o.status_time}};
}
OrderInfo order_from(const json& j) {
  OrderInfo o;
  o.oid = j["oid"];
  o.user = address_from(j["user"]);
  o.asset = j["asset"];
  o.is_buy = j["buy"];
  o.limit_px = j["px"];
  o.sz = j["sz"];
  o.orig_sz = j["orig_sz"];
  o.timestamp = j["time"];
  o.reduce_only = j["reduce_only"];
  o.tif = static_cast<Tif>(j["tif"].get<int>());
  if (!j["trigger"].is_null())
    o.trigger = Trigger{j["trigger"]["is_market"], j["trigger"]["px"], j["trigger"]["tp"]};
  o.is_position_tpsl = j["position_tpsl"];
  o.cloid = optional_from<std::string>(j["cloid"]);
  o.state = static_cast<OrderState>(j["state"].get<int>());
  o.status_time = j["status_time"];
  return o;
}

json fill_json(const Fill& f) {
  return {{"asset", f.asset},
          {"px", f.px},
          {"sz", f.sz},
          {"buy", f.is_buy},
          {"time", f.time},
          {"start", f.start_position},
          {"dir", f.dir},
          {"pnl", f.closed_pnl},
          {"hash", f.hash},
          {"oid", f.oid},
          {"crossed", f.crossed},
          {"fee", f.fee},
          {"tid", f.tid},
          {"cloid", optional_json(f.cloid)},
          {"liquidation", f.liquidation}};
}
Fill fill_from(const json& j, const Address& user) {
  return Fill{user,
              j["asset"],
              j["px"],
              j["sz"],
              j["buy"],
              j["time"],
              j["start"],
              j["dir"],
              j["pnl"],
              j["hash"],
              j["oid"],
              j["crossed"],
              j["fee"],
              j["tid"],
              optional_from<std::string>(j["cloid"]),
              j["liquidation"]};
}

json account_json(const Account& a) {
  json positions = json::array(), leverage = json::array(), fills = json::array(),
       fundings = json::array();
  for (const auto& [asset, p] : a.positions)
    positions.push_back(
        {asset, p.szi, p.entry_px, p.iso_margin, p.cum_all, p.cum_since_open, p.cum_since_change});
  for (const auto& [asset, l] : a.leverage) leverage.push_back({asset, l.cross, l.leverage});
  for (const Fill& f : a.fills) fills.push_back(fill_json(f));
  for (const FundingPayment& f : a.fundings)
    fundings.push_back({f.asset, f.usdc, f.szi, f.rate, f.time});
  return {{"balance", a.balance},
          {"positions", positions},
          {"leverage", leverage},
          {"open", a.open},
          {"live_cloids", a.live_cloids},
          {"all_cloids", a.all_cloids},
          {"fills", fills},
          {"fundings", fundings},
          {"order_margin", a.order_margin},
          {"volume", a.volume},
          {"scheduled_cancel", optional_json(a.scheduled_cancel)},
          {"cancels_fired_day", a.cancels_fired_day},
          {"cancels_fired_today", a.cancels_fired_today}};
}
Account account_from(const json& j, const Address& user) {
  Account a;
  a.balance = j["balance"];
  for (const json& p : j["positions"])
    a.positions[p[0].get<int>()] = Position{p[1], p[2], p[3], p[4], p[5], p[6]};
  for (const json& l : j["leverage"]) a.leverage[l[0].get<int>()] = LeverageSetting{l[1], l[2]};
  a.open = j["open"].get<std::set<std::uint64_t>>();
  a.live_cloids = j["live_cloids"].get<std::map<std::string, std::uint64_t>>();
  a.all_cloids = j["all_cloids"].get<std::map<std::string, std::uint64_t>>();
  for (const json& f : j["fills"]) a.fills.push_back(fill_from(f, user));
  for (const json& f : j["fundings"]) a.fundings.push_back({user, f[0], f[1], f[2], f[3], f[4]});
  a.order_margin = j["order_margin"];
  a.volume = j["volume"];
  a.scheduled_cancel = optional_from<TimeMs>(j["scheduled_cancel"]);
  // States saved before the switch ran on the wall clock hold "schedule_day"/"schedules_today"
  // (schedules set, not fired) and a market-clock time, which would fire at once on the wall
  // clock: such a schedule is dropped and the count starts from zero.
  if (j.contains("schedules_today")) a.scheduled_cancel.reset();
  a.cancels_fired_day = j.value("cancels_fired_day", TimeMs{0});
  a.cancels_fired_today = j.value("cancels_fired_today", 0);
  return a;
}

template <typename It>
json side_json(It it, It end) {
  json out = json::array();
  for (; it != end; ++it) out.push_back({it->first, it->second});
  return out;
}

}  // namespace

nlohmann::json Engine::to_json() const {
  const Impl& im = *impl_;
  json accounts = json::array();
  for (const auto& [user, acc] : im.accounts)
    accounts.push_back({{"user", address_json(user)}, {"account", account_json(acc)}});
  // Live orders in oid order; book levels keep their own FIFO order (a triggered limit order
  // rests behind younger oids).
  std::vector<std::uint64_t> oids;
  for (const auto& [oid, order] : im.live) oids.push_back(oid);
  std::sort(oids.begin(), oids.end());
  json live = json::array();
  for (std::uint64_t oid : oids) {
    const LiveOrder& o = im.live.at(oid);
    live.push_back({{"info", order_json(o.info)},
                    {"parent", o.parent},
                    {"children", o.children},
                    {"group", o.group},
                    {"reserved", o.reserved_margin}});
  }
  oids.clear();
  for (const auto& [oid, info] : im.finished) oids.push_back(oid);
  std::sort(oids.begin(), oids.end());
  json finished = json::array();
  for (std::uint64_t oid : oids) finished.push_back(order_json(im.finished.at(oid)));
  json books = json::array();
  for (const AssetState& b : im.books) {
    books.push_back({{"bids", side_json(b.bids.begin(), b.bids.end())},
                     {"asks", side_json(b.asks.begin(), b.asks.end())},
                     {"syn_bids", levels_json(b.syn_bids)},
                     {"syn_asks", levels_json(b.syn_asks)},
                     {"triggers", b.triggers},
                     {"has_tick", b.has_tick},
                     {"tick_time", b.tick.time},
                     {"tick_price", b.tick.price},
                     {"mark", b.tick.mark_px},
                     {"oracle", b.tick.oracle_px},
                     {"funding", b.funding_rate},
                     {"last_trade_px", b.last_trade_px}});
  }
  return {{"next_oid", im.next_oid},
          {"next_trade", im.next_trade},
          {"next_lid", im.next_lid},
          {"accounts", accounts},
          {"live", live},
          {"finished", finished},
          {"books", books}};
}

Engine Engine::from_json(const nlohmann::json& state, std::vector<AssetSpec> assets,
                         EngineConfig config) {
  Engine engine(std::move(assets), config);
  Impl& im = *engine.impl_;
  if (state.at("books").size() != im.books.size())
    throw std::invalid_argument("engine state: the asset list differs from the saved one");
  im.next_oid = state["next_oid"];
  im.next_trade = state["next_trade"];
  im.next_lid = state["next_lid"];
  for (const json& a : state["accounts"]) {
    const Address user = address_from(a["user"]);
    im.accounts.emplace(user, account_from(a["account"], user));
  }
  for (const json& l : state["live"]) {
    LiveOrder o;
    o.info = order_from(l["info"]);
    o.parent = l["parent"];
    o.children = l["children"].get<std::vector<std::uint64_t>>();
    o.group = l["group"];
    o.reserved_margin = l["reserved"];
    im.live.emplace(o.info.oid, std::move(o));
  }
  for (const json& f : state["finished"]) {
    OrderInfo info = order_from(f);
    im.finished.emplace(info.oid, std::move(info));
  }
  for (std::size_t i = 0; i < im.books.size(); ++i) {
    const json& j = state["books"][i];
    AssetState& b = im.books[i];
    for (const bool bids : {true, false}) {
      for (const json& level : j[bids ? "bids" : "asks"]) {
        OrderFifo& fifo = (bids ? b.bids : b.asks)[level[0].get<Units>()];
        for (const json& oid : level[1]) {
          LiveOrder& o = im.live.at(oid.get<std::uint64_t>());
          o.level_pos = fifo.insert(fifo.end(), o.info.oid);
          o.on_book = true;
        }
      }
    }
    b.syn_bids = levels_from(j["syn_bids"]);
    b.syn_asks = levels_from(j["syn_asks"]);
    b.triggers = j["triggers"].get<std::set<std::uint64_t>>();
    b.has_tick = j["has_tick"];
    b.tick.time = j["tick_time"];
    b.tick.price = j["tick_price"];
    b.tick.mark_px = j["mark"];
    b.tick.oracle_px = j["oracle"];
    b.funding_rate = j["funding"];
    b.last_trade_px = j["last_trade_px"];
  }
  return engine;
}

}  // namespace organism::exchange::sim
