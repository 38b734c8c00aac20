#include "evolve/universe.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "evolve/split_check.hpp"
#include "strategy/family.hpp"
#include "strategy/gp/node.hpp"

namespace organism::evolve {

std::size_t default_embargo() {
  // Indicator lookbacks: every family's integer "...period" gene at its upper bound, and a rule
  // tree's longest indicator read through its longest lag. Filters and model windows are not
  // indicator lookbacks: they only decide whether to trade, from data before the bar anyway.
  double longest = strategy::gp::kMaxPeriod + strategy::gp::kMaxLag;
  for (const strategy::Family* f : strategy::all_families()) {
    for (const auto& spec : f->params()) {
      if (spec.type == strategy::ParamType::Int && spec.name.find("period") != std::string::npos) {
        longest = std::max(longest, spec.hi);
      }
    }
  }
  return static_cast<std::size_t>(longest);
}

void split_universe(Universe& universe, std::size_t embargo, std::size_t min_in_sample) {
  universe.embargo = embargo;
  for (auto& coin : universe.coins) {
    coin.splits = split_bars(coin.bars.size(), embargo);
    if (coin.splits.in_sample.size() < min_in_sample) {
      throw core::Error(fmt::format("{} has {} bars: its in-sample 60% ({} bars) is under the {} evolution needs",
                                    coin.label, coin.bars.size(), coin.splits.in_sample.size(), min_in_sample));
    }
  }
}

Universe split_market(data::Market market, std::size_t embargo) {
  Universe u;
  u.interval = market.interval;
  u.coins.reserve(market.coins.size());
  for (auto& coin : market.coins) u.coins.push_back({std::move(coin), {}});
  split_universe(u, embargo);
  // Every run is loaded here (evolve, resume, validate, report): a segment shorter than the
  // longest lookback is refused before anything is evaluated on it.
  for (const auto& coin : u.coins) {
    check_segment_lengths(coin.label, coin.bars.size(), embargo, coin.splits, default_embargo());
  }
  return u;
}

}  // namespace organism::evolve
