// Asset ids from `meta` and `spotMeta` (PROTOCOL §3.1, §12): coin name <-> the integer asset of
// signed actions, with each asset's szDecimals. Used by the client to build orders and by tests
// that check the simulator's meta.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::hl {

inline constexpr std::uint32_t kSpotAssetOffset = 10'000;

struct AssetInfo {
  std::string coin;         // "BTC"; spot: "PURR/USDC" or "@107"
  std::uint32_t asset = 0;  // perp: index in meta.universe; spot: 10000 + pair index
  int sz_decimals = 0;      // spot: the base token's
  bool perp = true;
  int max_leverage = 0;  // perps only
  bool only_isolated = false;
  bool delisted = false;
};

class AssetDirectory {
 public:
  // The first perp dex's universe. The asset is the array position, delisted entries included
  // (never filter before indexing). Throws WireError naming a malformed entry.
  static AssetDirectory from_meta(const Json& meta);
  // Adds the spot pairs of a spotMeta response. Throws WireError naming a malformed entry.
  void add_spot_meta(const Json& spot_meta);

  const AssetInfo* by_coin(std::string_view coin) const;         // nullptr when unknown
  const AssetInfo* by_asset(std::uint32_t asset) const;          // nullptr when unknown
  const std::vector<AssetInfo>& all() const { return assets_; }  // perps, then spot pairs

 private:
  void add(AssetInfo info);
  std::vector<AssetInfo> assets_;
  std::map<std::string, std::size_t, std::less<>> by_coin_;
  std::map<std::uint32_t, std::size_t> by_asset_;
};

}  // namespace organism::exchange::hl
