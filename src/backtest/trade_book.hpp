// Bookkeeping of one leg's trades: the trade in progress (average entry, realized pnl on resizes,
// fees and funding), closed into a Trade when the position goes flat or flips. Used by Position.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "backtest/trade.hpp"

namespace organism::backtest {

class TradeBook {
 public:
  // Takes `buffer` to hold the closed trades (cleared; its capacity is reused across runs).
  explicit TradeBook(std::vector<Trade> buffer = {}) : closed_(std::move(buffer)) { closed_.clear(); }

  // A fill from `from` units to `to` units (signed) at `price`, paying `fee`.
  void fill(double from, double to, double price, double fee, core::TimeMs time, ExitReason reason) {
    if (from != 0 && (to == 0 || (to > 0) != (from > 0))) {
      // Closing (or the closing half of a flip): the fee splits by the units each half trades.
      const double closing_fee = to == 0 ? fee : fee * std::abs(from) / (std::abs(from) + std::abs(to));
      realize(std::abs(from), price);
      open_.fees += closing_fee;
      finish(price, time, reason);
      fee -= closing_fee;
      from = 0;
    }
    if (to == 0) return;
    if (from == 0) {
      open_ = Trade{};
      open_.entry_time = time;
      open_.entry_price = price;
      open_.side = to > 0 ? 1 : -1;
      open_.size = std::abs(to);
      size_ = std::abs(to);
      realized_ = 0;
      open_.fees = fee;
      return;
    }
    open_.fees += fee;
    const double add = std::abs(to) - std::abs(from);
    if (add > 0) {  // increase: average the entry price
      open_.entry_price = (open_.entry_price * size_ + price * add) / (size_ + add);
      size_ += add;
      open_.size = std::max(open_.size, size_);
    } else {  // partial reduction: realize the part closed
      realize(-add, price);
      size_ += add;
    }
  }

  void add_funding(double paid) { open_.funding += paid; }
  bool has_open() const { return size_ > 0; }
  double entry_price() const { return open_.entry_price; }

  const std::vector<Trade>& closed() const { return closed_; }
  std::vector<Trade>& closed() { return closed_; }

  // The trade in progress marked at `price` without exit costs (open = true); nullopt when flat.
  std::optional<Trade> marked_open(double price, core::TimeMs time) const {
    if (!has_open()) return std::nullopt;
    Trade t = open_;
    t.exit_price = price;
    t.exit_time = time;
    t.pnl = realized_ + open_.side * (price - open_.entry_price) * size_ - t.fees - t.funding;
    t.reason = ExitReason::EndOfData;
    t.open = true;
    return t;
  }

 private:
  void realize(double units, double price) { realized_ += open_.side * (price - open_.entry_price) * units; }
  void finish(double price, core::TimeMs time, ExitReason reason) {
    open_.exit_price = price;
    open_.exit_time = time;
    open_.reason = reason;
    open_.pnl = realized_ - open_.fees - open_.funding;
    closed_.push_back(open_);
    size_ = 0;
    realized_ = 0;
  }

  std::vector<Trade> closed_;
  Trade open_{};
  double size_ = 0;      // current |units|
  double realized_ = 0;  // price pnl realized so far
};

}  // namespace organism::backtest
