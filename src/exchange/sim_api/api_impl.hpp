// The state behind SimApi, shared by its split sources (info_api.cpp, exchange_api.cpp,
// feeds.cpp, control.cpp, sim_api.cpp). Internal to src/exchange/sim_api/.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exchange/sim_api/nonces.hpp"
#include "exchange/sim_api/render.hpp"
#include "exchange/sim_api/sim_api.hpp"

namespace organism::exchange::sim_api {

// The exchange's answer to a body it cannot read (PROTOCOL §11).
inline constexpr const char* kDeserializeError =
    "Failed to deserialize the JSON body into the target type";

// PROTOCOL §10: every address starts with 10000 requests, plus one per USDC traded.
inline constexpr std::uint64_t kInitialRequestBuffer = 10000;

// The liquidator named in the user channel's liquidation events: the simulator's backstop has no
// address of its own, so it is the zero address (docs/exchange-sim.md).
inline constexpr const char* kLiquidatorAddress = "0x0000000000000000000000000000000000000000";

inline Reply json_reply(const Json& body) { return Reply{200, body.dump()}; }
inline Reply unprocessable() { return Reply{422, kDeserializeError}; }

struct SimApi::Impl {
  Impl(sim::MarketReplay m, sim::Engine e, const core::Clock& clock, ApiOptions o)
      : market(std::move(m)), engine(std::move(e)), wall(clock), options(o) {
    const std::size_t n = engine.assets().size();
    book_dirty.assign(n, true);
    last_book_push.assign(n, INT64_MIN / 2);
    last_bbo.assign(n, std::string());
  }

  sim::MarketReplay market;
  sim::Engine engine;
  const core::Clock& wall;
  ApiOptions options;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> order_log{nullptr, &std::fclose};
  NonceBook nonces;
  std::map<hl::Address, hl::Address> agent_master;  // approved agent -> its master
  std::map<hl::Address, std::string> agent_name;
  std::map<hl::Address, std::uint64_t> requests_used;  // per account: orders and cancels count each

  // Faults set through control, in wall-clock ms (they model operator-visible time).
  TimeMs reject_orders_until = 0;
  TimeMs stale_book_until = 0;
  // The books as they were when staleBook began (per asset, kAggregationDepth levels, their
  // time): REST l2Book, bbo and a new subscriber's snapshot answer them while the fault runs, as a
  // stuck exchange would. Empty when no fault ever ran.
  std::vector<sim::BookView> frozen_books;
  bool book_stale() const { return wall.now() < stale_book_until; }
  // The book of `asset` to `depth` levels: the engine's, or the frozen one while staleBook runs.
  sim::BookView book_view(int asset, std::size_t depth) const;

  // Feed state: what changed since the last publish and what was last sent.
  std::vector<bool> book_dirty;
  std::vector<TimeMs> last_book_push;  // market time of the last l2Book push per asset
  std::vector<std::string> last_bbo;   // rendered bbo last sent per asset
  bool mids_dirty = true;
  std::map<std::string, std::string> last_candle;
  TimeMs last_candle_check = INT64_MIN;  // market time of the last candle check  // "candle:BTC:1m"
                                         // -> rendered data last sent

  const std::string& coin(int asset) const {
    return engine.assets()[static_cast<std::size_t>(asset)].coin;
  }
  bool valid_asset(int asset) const {
    return asset >= 0 && static_cast<std::size_t>(asset) < engine.assets().size();
  }

  // info_api.cpp
  Reply info(const Json& body);
  sim::AssetContext asset_context(int asset) const;  // the engine's, with the market's 24-hour figures
  Json all_mids() const;
  Json meta() const;
  // The l2Book reply's text (render_book_text); nullopt for an unknown coin.
  std::optional<std::string> l2_book(const std::string& coin, const Json& n_sig_figs,
                                     const Json& mantissa, std::size_t depth) const;
  Json bbo(int asset) const;
  Json user_fills_snapshot(const hl::Address& user) const;
  Json user_fundings_snapshot(const hl::Address& user) const;
  // exchange_api.cpp
  Reply exchange(const Json& body);
  // control.cpp
  Reply control(const Json& body);
};

// feeds_market.cpp: l2Book, bbo, allMids and candle messages for what changed since the last
// publish, appended to `out`.
std::string l2_book_key(const std::string& coin, int sig_figs, int mantissa, bool fast);
void publish_market(SimApi::Impl& api, const std::function<bool(const std::string&)>& wanted,
                    std::vector<FeedMessage>& out);

}  // namespace organism::exchange::sim_api
