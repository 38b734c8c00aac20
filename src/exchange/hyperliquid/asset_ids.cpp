#include "exchange/hyperliquid/asset_ids.hpp"

#include "exchange/hyperliquid/wire_fields.hpp"

namespace organism::exchange::hl {

using namespace wire_fields;

namespace {

std::string numbered(std::string_view what, std::size_t k) {
  return std::string(what) + " " + std::to_string(k);
}

int small_int(const Json& value, std::string_view name, std::string_view where) {
  const std::uint32_t v = as_u32(value, name, where);
  if (v > 1000) fail(where, name, "a small non-negative integer");
  return static_cast<int>(v);
}

bool optional_flag(const Json& entry, std::string_view name, std::string_view where) {
  const Json* flag = optional(entry, name);
  return flag != nullptr && as_bool(*flag, name, where);
}

}  // namespace

AssetDirectory AssetDirectory::from_meta(const Json& meta) {
  if (!meta.is_object()) throw WireError("meta: expected an object");
  const Json& universe = as_array(required(meta, "universe", "meta"), "universe", "meta");
  AssetDirectory out;
  for (std::size_t k = 0; k < universe.size(); ++k) {
    const std::string where = numbered("meta universe", k);
    const Json& entry = universe[k];
    if (!entry.is_object()) throw WireError(where + ": expected an object");
    AssetInfo info;
    info.coin = as_string(required(entry, "name", where), "name", where);
    info.asset = static_cast<std::uint32_t>(k);
    info.sz_decimals = small_int(required(entry, "szDecimals", where), "szDecimals", where);
    info.max_leverage = small_int(required(entry, "maxLeverage", where), "maxLeverage", where);
    info.only_isolated = optional_flag(entry, "onlyIsolated", where);
    info.delisted = optional_flag(entry, "isDelisted", where);
    out.add(std::move(info));
  }
  return out;
}

void AssetDirectory::add_spot_meta(const Json& spot_meta) {
  if (!spot_meta.is_object()) throw WireError("spotMeta: expected an object");
  const Json& tokens = as_array(required(spot_meta, "tokens", "spotMeta"), "tokens", "spotMeta");
  const Json& universe =
      as_array(required(spot_meta, "universe", "spotMeta"), "universe", "spotMeta");
  // Token index -> szDecimals; a token's index is its own field, not its position.
  std::map<std::uint32_t, int> token_decimals;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string where = numbered("spotMeta token", k);
    if (!tokens[k].is_object()) throw WireError(where + ": expected an object");
    token_decimals[as_u32(required(tokens[k], "index", where), "index", where)] =
        small_int(required(tokens[k], "szDecimals", where), "szDecimals", where);
  }
  for (std::size_t k = 0; k < universe.size(); ++k) {
    const std::string where = numbered("spotMeta pair", k);
    const Json& pair = universe[k];
    if (!pair.is_object()) throw WireError(where + ": expected an object");
    const Json& pair_tokens = as_array(required(pair, "tokens", where), "tokens", where);
    if (pair_tokens.size() != 2) fail(where, "tokens", "[base, quote]");
    const auto base = token_decimals.find(as_u32(pair_tokens[0], "tokens", where));
    if (base == token_decimals.end()) fail(where, "tokens", "a listed base token");
    AssetInfo info;
    info.coin = as_string(required(pair, "name", where), "name", where);
    info.asset = kSpotAssetOffset + as_u32(required(pair, "index", where), "index", where);
    info.sz_decimals = base->second;
    info.perp = false;
    add(std::move(info));
  }
}

void AssetDirectory::add(AssetInfo info) {
  if (by_coin_.count(info.coin) != 0 || by_asset_.count(info.asset) != 0) {
    throw WireError("asset " + info.coin + ": listed twice");
  }
  by_coin_.emplace(info.coin, assets_.size());
  by_asset_.emplace(info.asset, assets_.size());
  assets_.push_back(std::move(info));
}

const AssetInfo* AssetDirectory::by_coin(std::string_view coin) const {
  const auto it = by_coin_.find(coin);
  return it == by_coin_.end() ? nullptr : &assets_[it->second];
}

const AssetInfo* AssetDirectory::by_asset(std::uint32_t asset) const {
  const auto it = by_asset_.find(asset);
  return it == by_asset_.end() ? nullptr : &assets_[it->second];
}

}  // namespace organism::exchange::hl
