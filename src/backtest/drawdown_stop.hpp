// The evolvable drawdown stop (the genome's risk genes dd_stop and dd_cooldown): a strategy whose
// own equity at a close is dd_stop below its peak since the last (re)arm goes flat for dd_cooldown
// decisions, then re-arms with the peak reset to the equity then. Used by the backtest loop
// (simulator.cpp) and the live trading loop (exec/trading_loop.cpp), so both decide alike.
#pragma once

namespace organism::backtest {

struct DrawdownStopRule {
  double fraction = 0;  // of the peak equity; 0: off
  int cooldown = 24;    // decisions (closes) held flat after it fires; at least 1
  constexpr bool on() const { return fraction > 0; }
};

class DrawdownStop {
 public:
  explicit DrawdownStop(DrawdownStopRule rule = {}) : rule_(rule) {}

  // Feeds the equity at a close; true when the targets decided at this close must be 0. The close
  // that fires counts as the first of the cooldown's decisions; the close after the last one
  // re-arms (its decision is the strategy's own again) with the peak reset to its equity.
  bool flat_after(double equity) {
    if (!rule_.on()) return false;
    if (left_ > 0) {
      if (--left_ > 0) return true;
      peak_ = equity;
      return false;
    }
    if (equity > peak_) peak_ = equity;
    if (peak_ > 0 && 1 - equity / peak_ >= rule_.fraction) {
      left_ = rule_.cooldown < 1 ? 1 : rule_.cooldown;
      ++fired_;
      return true;
    }
    return false;
  }

  bool flat() const { return left_ > 0; }
  int times_fired() const { return fired_; }

 private:
  DrawdownStopRule rule_;
  double peak_ = 0;
  int left_ = 0;  // decisions still to hold flat, this close's included
  int fired_ = 0;
};

}  // namespace organism::backtest
