// The paper broker over the simulator's engine: books in, orders matched after the latency, the
// state saved before an answer that changed the account (the rules are in book_broker.hpp).
#include "exec/book_broker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <variant>

#include "core/error.hpp"
#include "data/file_writer.hpp"
#include "exchange/client/info_client.hpp"
#include "exec/engine_convert.hpp"

namespace organism::exec {

namespace sim = exchange::sim;
using nlohmann::json;

namespace {

constexpr const char* kStateFormat = "organism-paper-broker";
constexpr int kStateVersion = 1;

sim::EngineConfig engine_config(const BookBrokerOptions& options) {
  sim::EngineConfig config = options.engine;
  config.starting_balance = options.capital;
  return config;
}

void check_options(const std::vector<sim::AssetSpec>& assets, const BookBrokerOptions& options) {
  if (assets.empty()) throw core::UsageError("paper broker: no coins to trade");
  if (!(options.capital > 0) || !std::isfinite(options.capital))
    throw core::UsageError(
        fmt::format("paper broker: capital must be > 0, got {}", options.capital));
  if (options.latency_ms < 0)
    throw core::UsageError(
        fmt::format("paper broker: latency must be >= 0 ms, got {}", options.latency_ms));
}

exchange::hl::AssetDirectory directory_of(const std::vector<sim::AssetSpec>& assets) {
  json universe = json::array();
  for (const sim::AssetSpec& a : assets)
    universe.push_back({{"name", a.coin},
                        {"szDecimals", a.sz_decimals},
                        {"maxLeverage", a.max_leverage},
                        {"onlyIsolated", a.only_isolated}});
  return exchange::hl::AssetDirectory::from_meta(json{{"universe", universe}});
}

json levels_json(const std::vector<sim::Level>& levels) {
  json out = json::array();
  for (const sim::Level& l : levels) out.push_back({l.px, l.sz, l.n});
  return out;
}

std::vector<sim::Level> levels_from(const json& j) {
  std::vector<sim::Level> out;
  for (const json& l : j)
    out.push_back({l.at(0).get<sim::Units>(), l.at(1).get<sim::Units>(), l.at(2).get<int>()});
  return out;
}

// Events that change what the account holds or what the exchange knows of its orders.
bool touches_account(const sim::Event& event) {
  return !std::holds_alternative<sim::TradeEvent>(event) &&
         !std::holds_alternative<sim::BookEvent>(event);
}

}  // namespace

exchange::hl::Address BookBroker::paper_address() {
  return *exchange::hl::Address::parse("0x7061706572000000000000000000000000000000");
}

BookBroker::BookBroker(std::vector<sim::AssetSpec> assets, BookBrokerOptions options)
    : BookBroker(assets, options, sim::Engine(assets, engine_config(options))) {}

BookBroker::BookBroker(std::vector<sim::AssetSpec> assets, BookBrokerOptions options,
                       sim::Engine engine)
    : specs_(std::move(assets)),
      options_(std::move(options)),
      engine_(std::move(engine)),
      user_(paper_address()) {
  check_options(specs_, options_);
  directory_ = directory_of(specs_);
  engine_.ensure_account(user_);
  engine_.drain_events();
}

BookBroker BookBroker::restore(std::vector<sim::AssetSpec> assets, BookBrokerOptions options) {
  const std::string path = options.state_path;
  if (path.empty() || !std::filesystem::exists(path))
    return BookBroker(std::move(assets), std::move(options));
  check_options(assets, options);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    throw core::Error(fmt::format("{}: cannot read the paper broker's state", path));
  try {
    const json state = json::parse(text.str());
    if (state.at("format") != kStateFormat || state.at("version") != kStateVersion)
      throw core::Error("not a paper broker state of version 1");
    sim::Engine engine = sim::Engine::from_json(state.at("engine"), assets, engine_config(options));
    BookBroker broker(std::move(assets), std::move(options), std::move(engine));
    broker.book_clock_ = state.at("book_clock").get<core::TimeMs>();
    broker.stale_book_matches_ = state.at("stale_book_matches").get<std::uint64_t>();
    for (const auto& [coin, book] : state.at("books").items())
      broker.books_[broker.asset_of(coin)] =
          Book{book.at("time").get<core::TimeMs>(), levels_from(book.at("bids")),
               levels_from(book.at("asks"))};
    return broker;
  } catch (const std::exception& e) {
    throw core::Error(
        fmt::format("{}: the paper broker's state does not load: {}", path, e.what()));
  }
}

void BookBroker::save(const std::string& path) const {
  json books = json::object();
  for (const auto& [asset, book] : books_)
    books[coin_of(asset)] = {
        {"time", book.time}, {"bids", levels_json(book.bids)}, {"asks", levels_json(book.asks)}};
  const json state{{"format", kStateFormat},
                   {"version", kStateVersion},
                   {"book_clock", book_clock_},
                   {"stale_book_matches", stale_book_matches_},
                   {"books", books},
                   {"engine", engine_.to_json()}};
  data::AtomicFileWriter writer(path);
  writer.write(state.dump());
  writer.commit();
}

int BookBroker::asset_of(const std::string& coin) const {
  const auto asset = engine_.asset_of(coin);
  if (!asset) throw core::Error(fmt::format("paper broker: coin '{}' is not traded here", coin));
  return *asset;
}

const std::string& BookBroker::coin_of(int asset) const {
  return specs_.at(static_cast<std::size_t>(asset)).coin;
}

void BookBroker::move_clock(core::TimeMs time) { book_clock_ = std::max(book_clock_, time); }

void BookBroker::after_engine_call(bool force_save) {
  const std::vector<sim::Event> events = engine_.drain_events();
  const bool changed = force_save || std::any_of(events.begin(), events.end(), touches_account);
  if (changed && !options_.state_path.empty()) save(options_.state_path);
}

void BookBroker::feed(int asset, const sim::MarketTick& tick) {
  const auto previous = books_.find(asset);
  if (previous != books_.end() && tick.time < previous->second.time)
    throw core::Error(fmt::format("paper broker: book of {} at {} is older than the last one ({})",
                                  coin_of(asset), tick.time, previous->second.time));
  books_[asset] = Book{tick.time, tick.bids, tick.asks};
  move_clock(tick.time);
  engine_.on_market(asset, tick);
  after_engine_call();
}

void BookBroker::on_book(const std::string& coin, core::TimeMs time, std::vector<sim::Level> bids,
                         std::vector<sim::Level> asks) {
  const int asset = asset_of(coin);
  if (bids.empty() && asks.empty()) return;
  sim::MarketTick tick;
  tick.time = time;
  // The mid when both sides exist; a one-sided book is priced at its only touch.
  if (!bids.empty() && !asks.empty())
    tick.price = (bids.front().px + asks.front().px) / 2;
  else
    tick.price = bids.empty() ? asks.front().px : bids.front().px;
  tick.mark_px = exchange::hl::units_to_double(tick.price);
  tick.oracle_px = tick.mark_px;
  tick.bids = std::move(bids);
  tick.asks = std::move(asks);
  feed(asset, tick);
}

void BookBroker::on_book(const exchange::client::L2BookReply& book) {
  const auto levels = [](const std::vector<exchange::client::BookLevel>& side) {
    std::vector<sim::Level> out;
    out.reserve(side.size());
    for (const auto& level : side)
      out.push_back({units_of(level.price), units_of(level.size),
                     static_cast<int>(level.orders)});
    return out;
  };
  on_book(book.coin, book.time, levels(book.bids), levels(book.asks));
}

void BookBroker::on_tick(const std::string& coin, sim::MarketTick tick) {
  tick.prints.clear();  // the market's own tape: nothing the paper account needs
  feed(asset_of(coin), tick);
}

void BookBroker::settle_funding(const std::string& coin, double rate, core::TimeMs time) {
  engine_.settle_funding(asset_of(coin), rate, time);
  move_clock(time);
  after_engine_call();
}

core::TimeMs BookBroker::now() { return options_.clock ? options_.clock->now() : book_clock_; }

double BookBroker::reference_price(const std::string& coin) {
  const auto asset = engine_.asset_of(coin);
  const auto it = asset ? books_.find(*asset) : books_.end();
  if (it == books_.end() || it->second.bids.empty() || it->second.asks.empty())
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(it->second.bids.front().px + it->second.asks.front().px) / 2e8;
}

// Brings the market to the time a request sent now reaches the exchange; returns that time.
core::TimeMs BookBroker::arrival_time() {
  const core::TimeMs arrival = now() + options_.latency_ms;
  if (options_.latency_ms > 0 && source_) source_->feed_through(arrival, *this);
  move_clock(arrival);
  return options_.clock ? std::max(arrival, options_.clock->now()) : book_clock_;
}

std::vector<OrderOutcome> BookBroker::place(const std::vector<BrokerOrder>& orders) {
  std::vector<OrderOutcome> out(orders.size());
  if (orders.empty()) return out;
  const bool stale = options_.latency_ms > 0 && !source_;
  const core::TimeMs at = arrival_time();
  std::vector<sim::OrderRequest> requests;
  std::vector<std::size_t> request_index;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto asset = engine_.asset_of(orders[i].spec.coin);
    if (!asset) {
      out[i].cloid = orders[i].spec.cloid;
      out[i].error = fmt::format("paper broker: coin '{}' is not traded here", orders[i].spec.coin);
      continue;
    }
    requests.push_back(engine_convert::request_of(orders[i].spec, *asset));
    request_index.push_back(i);
  }
  if (stale) stale_book_matches_ += requests.size();
  if (!requests.empty()) {
    const auto statuses = engine_.place(user_, requests, sim::Grouping::Na, at);
    for (std::size_t k = 0; k < statuses.size() && k < request_index.size(); ++k)
      out[request_index[k]] = engine_convert::outcome_of(statuses[k]);
  }
  after_engine_call(stale);  // the stale count is state too
  return out;
}

std::vector<bool> BookBroker::cancel(const std::vector<exchange::client::CancelCloidRef>& orders) {
  std::vector<bool> out(orders.size(), false);
  if (orders.empty()) return out;
  const core::TimeMs at = arrival_time();
  std::vector<sim::CancelByCloidRequest> requests;
  std::vector<std::size_t> request_index;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto asset = engine_.asset_of(orders[i].coin);
    if (!asset) continue;
    requests.push_back({*asset, orders[i].cloid});
    request_index.push_back(i);
  }
  const auto statuses = engine_.cancel_by_cloid(user_, requests, at);
  for (std::size_t k = 0; k < statuses.size() && k < request_index.size(); ++k)
    out[request_index[k]] = statuses[k].ok;
  after_engine_call();
  return out;
}

std::optional<OrderStatusInfo> BookBroker::order_status(const std::string& cloid) {
  const auto order = engine_.order_by_cloid(user_, cloid);
  if (!order) return std::nullopt;
  return OrderStatusInfo{engine_convert::order_of(*order, coin_of(order->asset)),
                         sim::to_wire(order->state), order->status_time};
}

std::vector<OrderInfo> BookBroker::open_orders() {
  std::vector<OrderInfo> out;
  for (const sim::OrderInfo& order : engine_.open_orders(user_))
    out.push_back(engine_convert::order_of(order, coin_of(order.asset)));
  return out;
}

ClearinghouseState BookBroker::account() {
  return engine_convert::clearinghouse_of(engine_.clearinghouse(user_, now()), specs_);
}

std::vector<Fill> BookBroker::fills_since(core::TimeMs since) {
  std::vector<Fill> out;
  for (const sim::Fill& fill : engine_.fills(user_))
    if (fill.time >= since) out.push_back(engine_convert::fill_of(fill, coin_of(fill.asset)));
  return out;
}

std::vector<FundingPayment> BookBroker::funding_since(core::TimeMs since) {
  std::vector<FundingPayment> out;
  for (const sim::FundingPayment& payment : engine_.fundings(user_))
    if (payment.time >= since)
      out.push_back(engine_convert::funding_of(payment, coin_of(payment.asset)));
  return out;
}

void BookBroker::advance(core::TimeMs time) {
  if (source_) source_->feed_through(time, *this);
  move_clock(time);
  engine_.on_clock(time);
  after_engine_call();
}

}  // namespace organism::exec
