// The market feeds: l2Book (every subscribed variant), bbo, allMids and candle, published at
// most every 500 ms of market time per asset, and held back while a staleBook fault runs.
#include "core/text.hpp"
#include "exchange/sim_api/api_impl.hpp"
#include "exchange/sim_api/book_aggregation.hpp"

namespace organism::exchange::sim_api {

namespace {

constexpr TimeMs kBookPushSpacingMs = 500;
constexpr std::size_t kBookLevels = 20;
constexpr std::size_t kFastBookLevels = 5;

std::string message(std::string_view channel, const Json& data) {
  return Json{{"channel", channel}, {"data", data}}.dump();
}

struct BookVariant {
  Aggregation spec;
  bool fast = false;
  std::string suffix;
};
// Every l2Book variant a client can subscribe to, so publish can ask whether anyone listens.
const std::vector<BookVariant>& book_variants() {
  static const std::vector<BookVariant> variants = [] {
    std::vector<BookVariant> out;
    for (bool fast : {false, true}) {
      const std::string f = fast ? ":fast" : "";
      out.push_back({{0, 1}, fast, f});
      for (int sig = 2; sig <= 5; ++sig)
        out.push_back({{sig, 1}, fast, ":sig" + std::to_string(sig) + f});
      out.push_back({{5, 2}, fast, ":sig5:m2" + f});
      out.push_back({{5, 5}, fast, ":sig5:m5" + f});
    }
    return out;
  }();
  return variants;
}

const std::vector<std::string>& interval_names_list() {
  static const std::vector<std::string> names = core::split_list(core::interval_names(), ' ');
  return names;
}

}  // namespace

std::string l2_book_key(const std::string& coin, int sig_figs, int mantissa, bool fast) {
  for (const auto& v : book_variants()) {
    if (v.spec.sig_figs == sig_figs && v.spec.mantissa == mantissa && v.fast == fast)
      return "l2Book:" + coin + v.suffix;
  }
  return "l2Book:" + coin;
}

void publish_market(SimApi::Impl& api, const std::function<bool(const std::string&)>& wanted,
                    std::vector<FeedMessage>& out) {
  const TimeMs now = api.market.now();
  const bool stale = api.book_stale();
  bool any_book = false;
  for (std::size_t i = 0; i < api.book_dirty.size() && !stale; ++i) {
    if (!api.book_dirty[i] || now < api.last_book_push[i] + kBookPushSpacingMs) continue;
    const int asset = static_cast<int>(i);
    const std::string& coin = api.coin(asset);
    api.book_dirty[i] = false;
    api.last_book_push[i] = now;
    any_book = true;
    std::optional<sim::BookView> deep;  // read once, aggregated per variant
    for (const auto& variant : book_variants()) {
      const std::string key = "l2Book:" + coin + variant.suffix;
      if (!wanted(key)) continue;
      if (!deep) deep = api.engine.book(asset, kAggregationDepth);
      const std::size_t depth = variant.fast ? kFastBookLevels : kBookLevels;
      sim::BookView book = *deep;
      if (variant.spec.sig_figs) {
        book = aggregate_book(book, variant.spec, depth);
      } else {
        if (book.bids.size() > depth) book.bids.resize(depth);
        if (book.asks.size() > depth) book.asks.resize(depth);
      }
      out.push_back({key, R"({"channel":"l2Book","data":)" + render_book_text(coin, book) + "}"});
    }
    const std::string bbo_key = "bbo:" + coin;
    if (wanted(bbo_key)) {
      // Only when the best levels changed, as the exchange sends it (time excluded from the check).
      const Json bbo = api.bbo(asset);
      std::string levels = bbo["bbo"].dump();
      if (levels != api.last_bbo[i]) {
        api.last_bbo[i] = std::move(levels);
        out.push_back({bbo_key, message("bbo", bbo)});
      }
    }
  }
  if (any_book) api.mids_dirty = true;
  if (api.mids_dirty && !stale && wanted("allMids")) {
    out.push_back({"allMids", message("allMids", Json{{"mids", api.all_mids()}})});
    api.mids_dirty = false;
  }
  // The bar in progress of every subscribed coin and interval, when it changed. Candles move only
  // with market time, so nothing is computed while it stands still.
  if (now == api.last_candle_check) return;
  api.last_candle_check = now;
  const TimeMs replay_ms = api.market.config().interval.nominal_ms();
  for (std::size_t i = 0; i < api.engine.assets().size(); ++i) {
    const std::string& coin = api.coin(static_cast<int>(i));
    for (const auto& name : interval_names_list()) {
      const std::string key = "candle:" + coin + ":" + name;
      if (!wanted(key)) continue;
      const auto interval = *core::Interval::parse(name);
      if (interval.nominal_ms() < replay_ms) continue;
      const auto candles = api.market.candles(static_cast<int>(i), interval, now, now, 1);
      if (candles.empty()) continue;
      std::string text = message("candle", render_candle(coin, name, candles.back()));
      std::string& last = api.last_candle[key];
      if (text == last) continue;
      last = text;
      out.push_back({key, std::move(text)});
    }
  }
}

}  // namespace organism::exchange::sim_api
