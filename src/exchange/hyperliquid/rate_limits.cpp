// The weight table of PROTOCOL §10.
#include "exchange/hyperliquid/rate_limits.hpp"

#include <algorithm>

namespace organism::exchange::hl {

int info_weight(std::string_view type) {
  if (type == "l2Book" || type == "allMids" || type == "clearinghouseState" || type == "orderStatus" ||
      type == "spotClearinghouseState" || type == "exchangeStatus") {
    return 2;
  }
  if (type == "userRole") return 60;
  return 20;
}

int info_extra_weight(std::string_view type, std::size_t items) {
  const auto n = static_cast<int>(std::min<std::size_t>(items, 1'000'000));
  if (type == "candleSnapshot") return n / 60;
  if (type == "recentTrades" || type == "historicalOrders" || type == "userFills" || type == "userFillsByTime" ||
      type == "fundingHistory" || type == "userFunding" || type == "nonUserFundingUpdates" ||
      type == "twapHistory" || type == "userTwapSliceFills" || type == "userTwapSliceFillsByTime" ||
      type == "delegatorHistory" || type == "delegatorRewards" || type == "validatorStats") {
    return n / 20;
  }
  return 0;
}

}  // namespace organism::exchange::hl
