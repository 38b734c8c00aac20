// The simulator's API in process, without sockets: an /info l2Book reply (parse, book, render),
// a signed GTC order plus its cancelByCloid through /exchange (parse, signer recovery, nonce,
// engine, reply), and one publish after a market tick with every feed key heard.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "exchange/hyperliquid/signing.hpp"
#include "exchange/sim_api/sim_api.hpp"

namespace {

using namespace organism;
using namespace organism::exchange;
using sim_api::Json;

constexpr core::TimeMs kFirstBar = 1'699'999'200'000;
constexpr core::TimeMs kWallNow = 1'760'000'000'000;

sim_api::SimApi make_api(const core::Clock& wall) {
  std::vector<sim::CoinMarketData> coins(2);
  coins[0].spec = {"BTC", 5, 50, false};
  coins[1].spec = {"ETH", 4, 50, false};
  for (int i = 0; i < 2000; ++i) {
    const double btc = 30000 + 30 * std::sin(i * 0.05), eth = 2000 + 2 * std::sin(i * 0.07);
    coins[0].bars.push_back(
        {kFirstBar + i * core::kMinuteMs, btc, btc + 20, btc - 20, btc + 1, 5, 40});
    coins[1].bars.push_back(
        {kFirstBar + i * core::kMinuteMs, eth, eth + 2, eth - 2, eth + 0.1, 50, 60});
  }
  sim::MarketConfig config;
  config.from = kFirstBar + 100 * core::kMinuteMs;
  sim::MarketReplay market(std::move(coins), config);
  sim::Engine engine({{"BTC", 5, 50, false}, {"ETH", 4, 50, false}}, sim::EngineConfig{});
  sim_api::SimApi api(std::move(market), std::move(engine), wall);
  api.control(R"({"type":"advance","steps":1})");
  return api;
}

void BM_sim_api_info_l2book(benchmark::State& state) {
  core::FixedClock wall(kWallNow);
  auto api = make_api(wall);
  const std::string body = R"({"type":"l2Book","coin":"BTC"})";
  for (auto _ : state) benchmark::DoNotOptimize(api.info(body));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sim_api_info_l2book);

// Envelopes are signed before timing (signing is the client's cost: BM_sign_l1_order).
void BM_sim_api_signed_order_cancel(benchmark::State& state) {
  core::FixedClock wall(kWallNow);
  auto api = make_api(wall);
  const auto key = hl::PrivateKey::from_hex(
      "0x0123456789012345678901234567890123456789012345678901234567890123");
  const std::size_t pairs = static_cast<std::size_t>(state.max_iterations);
  std::vector<std::string> orders, cancels;
  std::uint64_t nonce = static_cast<std::uint64_t>(kWallNow);
  for (std::size_t i = 0; i < pairs; ++i) {
    char cloid[40];
    std::snprintf(cloid, sizeof cloid, "0x%032zx", i + 1);
    const Json order{{"type", "order"},
                     {"orders", Json::array({Json{{"a", 0},
                                                  {"b", true},
                                                  {"p", std::to_string(29000 - int(i % 500))},
                                                  {"s", "0.01"},
                                                  {"r", false},
                                                  {"t", Json{{"limit", Json{{"tif", "Gtc"}}}}},
                                                  {"c", cloid}}})},
                     {"grouping", "na"}};
    const Json cancel{{"type", "cancelByCloid"},
                      {"cancels", Json::array({Json{{"asset", 0}, {"cloid", cloid}}})}};
    for (const auto* action : {&order, &cancel}) {
      ++nonce;
      const auto sig = hl::sign_l1_action(*action, nonce, std::nullopt, std::nullopt, true, key);
      (action == &order ? orders : cancels)
          .push_back(Json{
              {"action", *action},
              {"nonce", nonce},
              {"signature", sig.to_json()},
              {"vaultAddress",
               nullptr}}.dump());
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(api.exchange(orders[i]));
    benchmark::DoNotOptimize(api.exchange(cancels[i]));
    ++i;
  }
  state.SetItemsProcessed(2 * state.iterations());  // requests
}
BENCHMARK(BM_sim_api_signed_order_cancel)->Iterations(20000);

// Heard: per coin l2Book, bbo, trades and the 1m and 1h candles, plus allMids (a market-data
// client of each coin); items = messages rendered.
void BM_sim_api_publish_after_tick(benchmark::State& state) {
  core::FixedClock wall(kWallNow);
  auto api = make_api(wall);
  std::size_t messages = 0;
  const auto heard = [](const std::string& key) {
    for (const char* coin : {"BTC", "ETH"}) {
      const std::string c = coin;
      if (key == "l2Book:" + c || key == "bbo:" + c || key == "trades:" + c ||
          key == "candle:" + c + ":1m" || key == "candle:" + c + ":1h") {
        return true;
      }
    }
    return key == "allMids";
  };
  for (auto _ : state) {
    state.PauseTiming();
    api.control(R"({"type":"advance","steps":1})");
    state.ResumeTiming();
    messages += api.publish(heard).size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));  // messages rendered
}
BENCHMARK(BM_sim_api_publish_after_tick)->Iterations(1500);

}  // namespace
