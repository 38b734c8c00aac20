"""organism from Python: indicators, backtests, strategies, evolution and the store on NumPy
arrays and pandas DataFrames, at the C++ engine's speed (docs/python.md).

    import organism
    df = organism.Store("organism.db").candles("BTC", "1h")
    organism.indicators.compute(df, ["ema_21", "rsi_14"])
    organism.backtest(df, strategy=organism.Strategy.random("sma_trend", seed=1)).metrics
    organism.evolve({"BTC": df}, population=50, generations=5)

Every call releases the GIL for its C++ work. Bad input raises ValueError with the CLI's
message; other failures organism.Error; Ctrl-C during evolve KeyboardInterrupt."""

from . import indicators
from ._organism import Error, set_log_level
from .backtest import BacktestResult, backtest
from .evolve import evolve, front_frame
from .store import Store
from .strategy import Strategy

__all__ = ["BacktestResult", "Error", "Store", "Strategy", "backtest", "evolve", "front_frame", "indicators",
           "set_log_level"]
