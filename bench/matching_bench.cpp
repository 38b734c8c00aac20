// The simulated exchange's matching engine on one core: a populated book (about 2,000 resting
// orders of 20 users around a 2000 price plus 20 synthetic levels a side), then a seeded stream of
// resting GTC places (45%), cancels of a random live order (45%) and small crossing IOCs (10%).
// Operations per second = items/s; the target is 200,000.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "exchange/sim/sim_engine.hpp"

namespace {

using namespace organism;
using namespace organism::exchange::sim;

Units units(double x) { return std::llround(x * 1e8); }

MarketTick deep_tick(TimeMs t) {
  MarketTick k;
  k.time = t;
  k.price = units(2000);
  k.mark_px = k.oracle_px = 2000;
  for (int i = 0; i < 20; ++i) {
    k.bids.push_back({units(1999.5 - 0.5 * i), units(50), 3});
    k.asks.push_back({units(2000.5 + 0.5 * i), units(50), 3});
  }
  return k;
}

Address user(int i) {
  Address a;
  a.bytes[0] = 0xAB;
  a.bytes[19] = static_cast<std::uint8_t>(i + 1);
  return a;
}

struct Live {
  Address who;
  std::uint64_t oid;
};

OrderRequest resting(core::Rng& rng) {
  OrderRequest r;
  r.is_buy = rng.bernoulli(0.5);
  const double offset = 1 + static_cast<double>(rng.below(100));  // 1 to 100 dollars away
  r.px = units(r.is_buy ? 2000 - offset : 2000 + offset);
  r.sz = units(0.01 * static_cast<double>(1 + rng.below(50)));
  return r;
}

void BM_matching_place_cancel(benchmark::State& state) {
  EngineConfig config;
  config.starting_balance = 1e12;  // margin never binds: the benchmark measures matching
  Engine engine({AssetSpec{"ETH", 4, 50, false}}, config);
  TimeMs now = 1'700'000'000'000;
  engine.on_market(0, deep_tick(now));
  core::Rng rng(42);
  std::vector<Live> live;
  for (int i = 0; i < 2000; ++i) {
    const Address who = user(i % 20);
    const OrderRequest r = resting(rng);
    const OrderStatus st = engine.place(who, std::span(&r, 1), Grouping::Na, now).at(0);
    if (st.kind == OrderStatus::Kind::Resting) live.push_back({who, st.oid});
  }
  engine.drain_events();
  std::int64_t ops = 0;
  for (auto _ : state) {
    const double pick = rng.uniform();
    const Address who = user(static_cast<int>(rng.below(20)));
    if (pick < 0.45 || live.empty()) {
      const OrderRequest r = resting(rng);
      const OrderStatus st = engine.place(who, std::span(&r, 1), Grouping::Na, now).at(0);
      if (st.kind == OrderStatus::Kind::Resting) live.push_back({who, st.oid});
    } else if (pick < 0.90) {
      const std::size_t k = rng.below(live.size());
      const CancelRequest c{0, live[k].oid};
      benchmark::DoNotOptimize(engine.cancel(live[k].who, std::span(&c, 1), now));
      live[k] = live.back();
      live.pop_back();
    } else {
      OrderRequest r;
      r.is_buy = rng.bernoulli(0.5);
      r.px = units(r.is_buy ? 2002 : 1998);
      r.sz = units(0.01 * static_cast<double>(1 + rng.below(20)));
      r.tif = Tif::Ioc;
      benchmark::DoNotOptimize(engine.place(who, std::span(&r, 1), Grouping::Na, now));
    }
    if (++ops % 1024 == 0) {
      engine.drain_events();
      now += 1000;
      engine.on_market(0, deep_tick(now));  // fresh synthetic liquidity, as the replay brings
    }
  }
  state.SetItemsProcessed(ops);
  state.counters["resting"] = static_cast<double>(live.size());
}
BENCHMARK(BM_matching_place_cancel);

}  // namespace
