// Exposures through the streaming Runtime (streamed_exposures.hpp).
#include "strategy/streamed_exposures.hpp"

#include <cmath>

#include "strategy/runtime.hpp"

namespace organism::strategy {

std::vector<double> streamed_exposures(const Genome& genome, const MarketView& market) {
  const auto& funding = market.funding_per_bar;
  const auto& sentiment = market.sentiment;
  Runtime runtime(genome, market.interval, {!funding.empty(), !sentiment.empty()});
  const double unknown = std::nan("");
  std::vector<double> target(market.bars.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    target[i] = runtime.on_bar(market.bars.bar(i), funding.empty() ? unknown : funding[i],
                               sentiment.empty() ? unknown : sentiment[i]);
  }
  return target;
}

}  // namespace organism::strategy
