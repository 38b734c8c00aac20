// Helpers several benchmark files share: a synthetic universe for evolution and the process's
// peak resident memory. Header-only: bench/CMakeLists.txt compiles every .cpp as a benchmark file.
#pragma once

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <string>

#include "data/align.hpp"
#include "data/synth.hpp"
#include "evolve/engine.hpp"

namespace organism::bench {

// A synthetic market of `coins` coins and `bars` bars each, split as a run splits it; made once
// per process and shape.
inline const evolve::Universe& synthetic_universe(std::size_t coins, std::size_t bars) {
  static std::map<std::pair<std::size_t, std::size_t>, evolve::Universe> made;
  auto& u = made[{coins, bars}];
  if (!u.coins.empty()) return u;
  data::SynthOptions o;
  o.coins.clear();
  for (std::size_t i = 0; i < coins; ++i) o.coins.push_back(fmt::format("C{}", i));
  o.bars = bars;
  const auto market = data::generate_market(o);
  u.interval = o.interval;
  for (std::size_t i = 0; i < coins; ++i) {
    evolve::CoinMarket c;
    c.label = market.candles[i].key.label();
    c.bars = market.candles[i].bars;
    c.funding_per_bar = data::funding_per_bar(c.bars.time(), o.interval.nominal_ms(), market.funding[i]);
    u.coins.push_back(std::move(c));
  }
  evolve::split_universe(u, evolve::default_embargo());
  return u;
}

// The process's resident-memory high-water mark (VmHWM), in MiB.
inline double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace organism::bench
