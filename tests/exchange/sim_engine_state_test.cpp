// Determinism and the state file of the simulated exchange: the same inputs give the same JSON,
// and an engine restored from to_json() continues exactly like the original.
#include <gtest/gtest.h>

#include <cmath>

#include "core/random.hpp"
#include "exchange/sim/sim_engine.hpp"
#include "exchange/sim_engine_fixture.hpp"

namespace organism::exchange::sim {
namespace {

using namespace testing;

// A seeded mix of ticks, orders (all kinds), cancels, modifies, funding and schedules, steps
// [from, to) of one fixed script.
void run_script(Engine& e, int from, int to) {
  for (int step = from; step < to; ++step) {
    core::Rng rng(7, {static_cast<std::uint64_t>(step)});
    const TimeMs now = kT0 + step * 1000;
    const double mid = std::round(2000 + 40 * std::sin(step * 0.3) + rng.uniform(-5, 5));
    e.on_market(0, tick(now, mid, {{mid - 0.5, 2}, {mid - 1, 5}}, {{mid + 0.5, 2}, {mid + 1, 5}}));
    const Address who = rng.bernoulli(0.5) ? user_a() : user_b();
    const double px = std::round(mid + rng.uniform(-10, 10));
    const double sz = 0.01 * static_cast<double>(1 + rng.below(100));
    const std::uint64_t kind = rng.below(6);
    if (kind == 0) {
      place1(e, who, limit(rng.bernoulli(0.5), px, sz, Tif::Ioc), now);
    } else if (kind == 1) {
      OrderRequest r = limit(rng.bernoulli(0.5), px, sz);
      if (rng.bernoulli(0.3))
        r.cloid = "0x000000000000000000000000000000" + std::to_string(10 + step % 90);
      place1(e, who, r, now);
    } else if (kind == 2) {
      const auto open = e.open_orders(who);
      if (!open.empty()) {
        const std::vector<CancelRequest> c{{0, open[rng.below(open.size())].oid}};
        e.cancel(who, c, now);
      }
    } else if (kind == 3) {
      const auto open = e.open_orders(who);
      if (!open.empty()) {
        const std::vector<ModifyRequest> m{{open.front().oid, limit(open.front().is_buy, px, sz)}};
        e.modify(who, m, now);
      }
    } else if (kind == 4) {
      const std::vector<OrderRequest> batch{limit(true, px, sz),
                                            trigger(false, px - 50, px - 100, sz, false),
                                            trigger(false, px + 50, px, sz, true, false)};
      e.place(who, batch, Grouping::NormalTpsl, now);
    } else {
      e.settle_funding(0, rng.uniform(-0.0002, 0.0002), now);
      e.schedule_cancel(who, now + 20'000, now);
    }
  }
}

TEST(SimEngineState, SameInputsGiveTheSameState) {
  Engine a = make_engine(), b = make_engine();
  run_script(a, 0, 200);
  run_script(b, 0, 200);
  EXPECT_EQ(a.to_json().dump(), b.to_json().dump());
  // The script did trade: fills, orders of every kind.
  EXPECT_GT(a.fills(user_a()).size() + a.fills(user_b()).size(), 20u);
}

TEST(SimEngineState, RestoredEngineContinuesIdentically) {
  Engine original = make_engine();
  run_script(original, 0, 120);
  const nlohmann::json saved = original.to_json();
  Engine restored = Engine::from_json(saved, eth_only(), EngineConfig{});
  EXPECT_EQ(restored.to_json().dump(), saved.dump());
  EXPECT_EQ(restored.open_orders(user_a()).size(), original.open_orders(user_a()).size());
  original.drain_events();
  run_script(original, 120, 240);
  run_script(restored, 120, 240);
  EXPECT_EQ(original.to_json().dump(), restored.to_json().dump());
  const auto fa = original.fills(user_a()), fb = restored.fills(user_a());
  ASSERT_EQ(fa.size(), fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) {
    EXPECT_EQ(fa[i].tid, fb[i].tid);
    EXPECT_EQ(fa[i].hash, fb[i].hash);
    EXPECT_EQ(fa[i].px, fb[i].px);
  }
  const auto ca = original.clearinghouse(user_a(), kT0), cb = restored.clearinghouse(user_a(), kT0);
  EXPECT_EQ(ca.margin_summary.account_value, cb.margin_summary.account_value);
  EXPECT_EQ(original.book(0).bids.size(), restored.book(0).bids.size());
}

TEST(SimEngineState, StateOfAnotherAssetListIsRefused) {
  Engine e = make_engine();
  std::vector<AssetSpec> two = eth_only();
  two.push_back(AssetSpec{"BTC", 5, 50, false});
  EXPECT_THROW(Engine::from_json(e.to_json(), two, EngineConfig{}), std::invalid_argument);
}

}  // namespace
}  // namespace organism::exchange::sim
