"""organism.backtest: `organism backtest` on arrays, with the CLI's options and results."""

import json

import pandas as pd

from . import _frames
from . import _organism


class BacktestResult:
    """One backtest. `metrics` is the object `organism backtest --json` prints; `equity`,
    `exposure` and `trades` are built from the engine's buffers when first read."""

    def __init__(self, raw, times):
        self._raw = raw
        self._times = times
        self._index = None
        self.metrics = json.loads(raw["document"])
        self.engine_seconds = raw["engine_seconds"]

    def _time_index(self):
        if self._index is None:
            self._index = _frames.time_index(self._times)
        return self._index

    @property
    def equity(self):
        """Equity at every bar's close (Series indexed by time)."""
        return pd.Series(self._raw["equity"], index=self._time_index(), name="equity", copy=False)

    @property
    def exposure(self):
        """Exposure held through every bar (Series indexed by time)."""
        return pd.Series(self._raw["exposure"], index=self._time_index(), name="exposure", copy=False)

    @property
    def trades(self):
        """The trades, with the columns of --trades-out (times as UTC datetimes)."""
        t = dict(self._raw["trades"])
        for column in ("entry_time", "exit_time"):
            t[column] = pd.to_datetime(t[column], unit="ms", utc=True)
        for column in ("side", "exit_reason"):
            t[column] = pd.Series(t[column], dtype=object)
        t["open"] = pd.Series(t["open"], dtype=bool)
        return pd.DataFrame(t)

    def __repr__(self):
        m = self.metrics
        return (f"<BacktestResult {m.get('bars')} bars: total_return {m.get('total_return'):.6g}, "
                f"sharpe {m.get('sharpe'):.4g}, max_drawdown {m.get('max_drawdown'):.4g}, trades {m.get('trades')}>")


def backtest(data=None, *, close=None, time=None, interval=None, targets=None, entries=None, exits=None,
             side="long", strategy=None, funding=None, funding_interval=None, sentiment=None, fees=None,
             maker_fee=None, slippage=None, fill=None, pay_funding=None, sl=0.0, tp=0.0, trail=0.0,
             init_cash=10_000.0, leverage=1.0, min_trade=0.0, rebalance="on_change", parity=None,
             bars_per_year=None, consistency_windows=12, timing=False, config=None, name=None):
    """Backtests one coin as `organism backtest` does and returns a BacktestResult.

    Bars: `data` (a DataFrame with close and optionally open, high, low, volume, and a `time`
    column or DatetimeIndex; or a dict of arrays), or `close` (+ `time`) arrays or a Series.
    Signal, exactly one of: `targets` (exposure per bar in [-1, 1]); `entries` and `exits`
    (bool arrays, vectorbt's form; `side` long or short); `strategy` (an organism.Strategy, a
    genome dict or JSON text: its exposures, and its risk block replaces sl, tp, trail and
    leverage).
    Costs: fees (taker), maker_fee, slippage, fill ("next_open" or "close"), pay_funding; None
    takes the backtest.* config default. `config` sets any config key, e.g.
    {"backtest.fill": "close"}. parity="vectorbt" selects vectorbt's from_signals semantics.
    timing=True adds bars_per_second to the metrics, measured as the CLI's --timing. `name` labels
    the series in the metrics (default "file:input:<interval>", as the CLI names a --data file)."""
    given = [targets is not None, entries is not None or exits is not None, strategy is not None]
    if sum(given) != 1:
        raise ValueError("give one of targets=, entries= and exits=, or strategy=")
    bars = _frames.bars(data, close=close, time=time)
    if targets is not None:
        signal = {"targets": _frames._array(targets)}
    elif strategy is not None:
        signal = {"strategy": _genome_text(strategy)}
    else:
        if entries is None or exits is None:
            raise ValueError("entries= and exits= go together")
        signal = {"entries": _frames._array(entries), "exits": _frames._array(exits), "side": side}
    run = {"init_cash": float(init_cash), "leverage": float(leverage), "min_trade": float(min_trade),
           "sl": float(sl), "tp": float(tp), "trail": float(trail), "rebalance": rebalance,
           "parity": parity or "", "bars_per_year": float(bars_per_year or 0),
           "consistency_windows": int(consistency_windows)}
    items = _frames.config_items(config, {
        "backtest.taker_fee": ("fees", fees), "backtest.maker_fee": ("maker_fee", maker_fee),
        "backtest.slippage": ("slippage", slippage), "backtest.fill": ("fill", fill),
        "backtest.funding": ("pay_funding", pay_funding)})
    raw = _organism.backtest(bars, interval, signal, run, items, _frames.series_columns(funding, ("rate",)),
                             funding_interval, _frames.series_columns(sentiment, ("value",)), name, bool(timing))
    return BacktestResult(raw, raw["time"])


def _genome_text(strategy):
    from .strategy import Strategy
    if isinstance(strategy, Strategy):
        return strategy.json
    if isinstance(strategy, dict):
        return json.dumps(strategy)
    if isinstance(strategy, str):
        return strategy
    raise ValueError(f"strategy must be an organism.Strategy, a genome dict or JSON text, not {type(strategy).__name__}")
