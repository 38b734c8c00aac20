"""organism.indicators: indicator columns of bars, as `organism indicators` writes them."""

import pandas as pd

from . import _frames
from . import _organism


def compute(data, columns=None, *, interval=None, funding=None, funding_interval=None):
    """Indicator columns of `data` (a DataFrame or dict of arrays; see organism.backtest) as a
    DataFrame indexed by time, one float64 column per name, NaN during warm-up.

    columns: names or specs as `organism indicators --only` takes them ("ema_21", "rsi_14",
    "macd:12:26:9"), a list or a comma-separated string; None for the default set.
    funding: rates (DataFrame/dict with time and rate, or a Series indexed by time) for the
    funding_* columns. Values are bit for bit the CLI's."""
    if isinstance(columns, str):
        columns = [c for c in columns.split(",") if c.strip()]
    bars = _frames.bars(data)
    result = _organism.indicators_compute(bars, interval, list(columns or []),
                                          _frames.series_columns(funding, ("rate",)), funding_interval)
    index = _frames.time_index(bars["time"]) if "time" in bars else None
    frame = pd.DataFrame(dict(result), index=index, copy=False)
    return frame


def default_columns():
    """The columns compute() gives without `columns`."""
    return list(_organism.indicators_default_columns())


def catalogue():
    """Every column form, as `organism indicators --list` prints it."""
    return _organism.indicators_catalogue()
