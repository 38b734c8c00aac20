"""organism.Strategy: a genome, as `organism strategy new` prints it and backtest(strategy=...)
trades it."""

import json

import pandas as pd

from . import _frames
from . import _organism


class Strategy:
    """A strategy genome: its family, parameters, risk block and regime filter (docs/strategies.md)."""

    def __init__(self, info):
        self._info = dict(info)

    @staticmethod
    def families():
        """Every family a genome can have (`organism strategy families`)."""
        return list(_organism.strategy_families())

    @classmethod
    def from_json(cls, genome):
        """A genome from JSON text or a dict; values are clamped to their bounds and missing ones
        take the defaults; unknown keys or families raise ValueError naming them."""
        text = json.dumps(genome) if isinstance(genome, dict) else genome
        if not isinstance(text, str):
            raise ValueError(f"genome must be JSON text or a dict, not {type(genome).__name__}")
        return cls(_organism.strategy_parse(text))

    @classmethod
    def random(cls, family, seed=0):
        """A genome drawn within the family's bounds: `organism strategy new --family F --random --seed S`."""
        return cls(_organism.strategy_new(family, int(seed)))

    @classmethod
    def default(cls, family):
        """The family's defaults: `organism strategy new --family F`."""
        return cls(_organism.strategy_new(family, None))

    @property
    def id(self):
        return self._info["id"]

    @property
    def family(self):
        return self._info["family"]

    @property
    def json(self):
        """The canonical JSON, with its id, as `organism strategy new` prints it."""
        return self._info["json"]

    def to_dict(self):
        return json.loads(self._info["json"])

    def describe(self):
        """The rule in words, with the risk block and the regime filter."""
        return self._info["description"]

    def exposures(self, data, *, interval=None, funding=None, funding_interval=None, sentiment=None):
        """Target exposure decided at each bar's close (Series indexed by time): what
        backtest(strategy=self) trades."""
        bars = _frames.bars(data)
        values = _organism.strategy_exposures(self.json, bars, interval, _frames.series_columns(funding, ("rate",)),
                                              funding_interval, _frames.series_columns(sentiment, ("value",)))
        index = _frames.time_index(bars["time"]) if "time" in bars else None
        return pd.Series(values, index=index, name="exposure", copy=False)

    def __eq__(self, other):
        return isinstance(other, Strategy) and other.json == self.json

    def __hash__(self):
        return hash(self.json)

    def __repr__(self):
        return f"<Strategy {self.id}: {self.describe()}>"
