"""organism.Store: a store's market data as DataFrames."""

import pandas as pd

from . import _frames
from . import _organism


class Store:
    """An existing store (a SQLite file or a postgresql:// URL), read as `organism data export`
    writes it."""

    def __init__(self, path):
        self._store = _organism.Store(str(path))

    @property
    def path(self):
        return self._store.path

    def series(self):
        """The stored candle series: venue, coin, interval, bars, first, last, gaps, missing."""
        rows = self._store.series()
        frame = pd.DataFrame(rows, columns=["venue", "coin", "interval", "bars", "first", "last", "gaps", "missing"])
        for column in ("first", "last"):
            frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
        return frame

    def candles(self, coin, interval, venue=None):
        """One series' bars (open, high, low, close, volume, trades; trades -1 when unknown),
        indexed by time. `venue` is needed only when the coin is stored on several."""
        raw = self._store.candles(coin, interval, venue or "")
        columns = {c: raw[c] for c in ("open", "high", "low", "close", "volume", "trades")}
        frame = pd.DataFrame(columns, index=_frames.time_index(raw["time"]))
        frame.attrs["venue"] = raw["venue"]
        return frame

    def funding(self, coin, venue=None):
        """Funding rates per settlement (column rate), indexed by time."""
        raw = self._store.funding(coin, venue or "")
        frame = pd.DataFrame({"rate": raw["rate"]}, index=_frames.time_index(raw["time"]))
        frame.attrs.update(venue=raw["venue"], interval_ms=raw["interval_ms"])
        return frame

    def __repr__(self):
        return f"<organism.Store {self.path}>"
