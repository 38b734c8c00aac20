// The error texts the simulated exchange answers with: PROTOCOL.md §11's where it lists one, else
// a clear text of our own (marked "ours"; docs/exchange-sim.md lists them). Used by the engine and
// by the tests, which assert these exact strings.
#pragma once

#include <string>
#include <string_view>

namespace organism::exchange::sim::texts {

// PROTOCOL §11 (the exchange's own texts).
inline constexpr std::string_view kTick = "Price must be divisible by tick size.";
inline constexpr std::string_view kMinValue = "Order must have minimum value of $10.";
inline constexpr std::string_view kMargin = "Insufficient margin to place order.";
inline constexpr std::string_view kReduceOnly = "Reduce only order would increase position.";
inline constexpr std::string_view kIocNoMatch =
    "Order could not immediately match against any resting orders.";
inline constexpr std::string_view kCancelMissing =
    "Order was never placed, already canceled, or filled.";
inline constexpr std::string_view kSwitchLeverageType =
    "Cannot switch leverage type with open position.";
// "Post only order would have immediately matched, bbo was {bid}@{ask}."
inline std::string alo_rejected(const std::string& bid, const std::string& ask) {
  return "Post only order would have immediately matched, bbo was " + bid + "@" + ask + ".";
}

// Ours: PROTOCOL.md gives no text for these.
inline constexpr std::string_view kBadAsset = "Invalid asset.";
inline constexpr std::string_view kBadSize = "Order has invalid size.";
inline constexpr std::string_view kDuplicateCloid = "Cloid is already used by an open order.";
inline constexpr std::string_view kTooManyOrders = "Too many open orders.";
inline constexpr std::string_view kParentNotPlaced = "Parent order was not placed.";
inline constexpr std::string_view kBadLeverage = "Invalid leverage value.";
inline constexpr std::string_view kCrossNotAllowed = "Cross margin is not allowed for this asset.";
inline constexpr std::string_view kLeverageMargin = "Insufficient margin to change leverage.";
inline constexpr std::string_view kNoIsolatedPosition = "No isolated position for this asset.";
inline constexpr std::string_view kIsolatedMarginRemoval =
    "Insufficient isolated margin to remove.";
inline constexpr std::string_view kScheduleTooSoon =
    "Scheduled cancel time must be at least 5 seconds in the future.";
inline constexpr std::string_view kScheduleTooMany =
    "Too many scheduled cancels today (at most 10 per UTC day).";

}  // namespace organism::exchange::sim::texts
