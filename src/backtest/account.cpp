#include "backtest/account.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace organism::backtest {
namespace {

// One bar of every leg from data::Bar rows, with the targets set at the last close, in the shape
// Account::advance reads.
template <class Target>
struct BarRows {
  std::span<const data::Bar> bars;
  std::span<const double> rates;
  std::span<const Target> targets;
  core::TimeMs time(std::size_t j) const { return bars[j].time; }
  double open(std::size_t j) const { return bars[j].open; }
  double high(std::size_t j) const { return bars[j].high; }
  double low(std::size_t j) const { return bars[j].low; }
  double close(std::size_t j) const { return bars[j].close; }
  double funding(std::size_t j) const { return rates[j]; }
  double target(std::size_t j) const { return targets[j].want; }
  bool rearmed(std::size_t j) const { return targets[j].rearmed; }
};

}  // namespace

Account::Account(const BacktestConfig& config, std::span<const double> weights)
    : config_(config), fill_(config.fill), cash_(config.initial_cash) {
  check_config(config);
  if (weights.empty()) throw core::UsageError("an account needs at least one leg");
  if (weights.size() > kMaxLegs)
    throw core::UsageError(fmt::format("an account has at most {} legs", kMaxLegs));
  legs_.reserve(weights.size());
  for (std::size_t j = 0; j < weights.size(); ++j) {
    if (!std::isfinite(weights[j]) || weights[j] < 0) {
      throw core::UsageError(fmt::format("leg {}: weight must be >= 0", j));
    }
    legs_.emplace_back(config, weights[j]);
  }
  targets_.resize(weights.size());
}

double Account::equity(std::span<const double> prices) const {
  if (prices.size() != legs_.size()) {
    throw core::UsageError(fmt::format("{} prices for {} legs", prices.size(), legs_.size()));
  }
  return mark<0>([&](std::size_t j) { return prices[j]; });
}

void Account::set_target(std::size_t j, double target, bool rearmed) {
  if (!std::isfinite(target))
    throw core::UsageError(fmt::format("leg {}: target is not finite", j));
  targets_.at(j) = {std::clamp(target, -1.0, 1.0), rearmed};
}

double Account::step(std::span<const data::Bar> bars, std::span<const double> funding) {
  if (liquidated_) return 0;
  if (bars.size() != legs_.size()) {
    throw core::UsageError(fmt::format("{} bars for {} legs", bars.size(), legs_.size()));
  }
  if (!funding.empty() && funding.size() != legs_.size()) {
    throw core::UsageError(
        fmt::format("{} funding rates for {} legs", funding.size(), legs_.size()));
  }
  const Rules r = rules_of(config_, !funding.empty());
  const BarRows<Target> rows{bars, funding, targets_};
  return with_flags(
      [&]<bool kStopLoss, bool kTakeProfit, bool kTrailing, bool kFunding, bool kNextOpen>() {
        constexpr Rules kRules{kStopLoss, kTakeProfit, kTrailing, kFunding};
        return advance < kRules, kNextOpen ? FillModel::NextOpen : FillModel::Close, 0 > (rows);
      },
      r.stop_loss, r.take_profit, r.trailing, r.funding, fill_ == FillModel::NextOpen);
}

double Account::desired_units(std::size_t j, double target, std::span<const double> prices) const {
  return legs_.at(j).desired_units(std::clamp(target, -1.0, 1.0), prices[j], equity(prices));
}

void Account::apply_fill(std::size_t j, double units, double price, double fee, double target,
                         core::TimeMs time) {
  legs_.at(j).apply_fill(units, price, fee, std::clamp(target, -1.0, 1.0), time, cash_);
}

void Account::book_funding(std::size_t j, double paid) { legs_.at(j).book_funding(paid, cash_); }

void Account::close_books(std::size_t j, double price, core::TimeMs time) {
  auto& book = legs_[j].book();
  if (auto open = book.marked_open(price, time)) book.closed().push_back(*open);
}

void Account::reuse_trade_buffer(std::size_t j, std::vector<Trade>&& buffer) {
  auto& closed = legs_[j].book().closed();
  buffer.clear();
  buffer.insert(buffer.end(), closed.begin(), closed.end());
  closed = std::move(buffer);
}

}  // namespace organism::backtest
