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
    // The size is the position's units as the fill left them, never a running sum of changes:
    // a sum drifts by rounding, and after a cut to a tiny position it could reach 0 or below
    // while units remain, making the averaged entry price negative or infinite (a closed trade
    // metrics must refuse, which stopped whole evolution runs).
    const double held = std::abs(from), now = std::abs(to);
    if (now > held) {  // increase: average the entry price over the units now held
      open_.entry_price = (open_.entry_price * held + price * (now - held)) / now;
      open_.size = std::max(open_.size, now);
    } else {  // partial reduction: realize the part closed
      realize(held - now, price);
    }
    size_ = now;
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
  double size_ = 0;      // current |units|, exactly as the last fill left them
  double realized_ = 0;  // price pnl realized so far
};

}  // namespace organism::backtest
