"""Market data between pandas/NumPy and the engine: the dicts of arrays `_organism` takes, and the
time indexes of what it returns. Float64 and int64 columns pass through without a copy."""

import numpy as np
import pandas as pd

_BAR_COLUMNS = ("open", "high", "low", "close", "volume")


def _ms(values):
    """Times as int64 ms since the epoch: ints pass as they are (the engine checks them), datetimes
    (naive = UTC) are converted."""
    if isinstance(values, pd.DatetimeIndex):
        return values.asi8 // 1_000_000
    if isinstance(values, pd.Series):
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            return pd.DatetimeIndex(values).asi8 // 1_000_000
        return values.to_numpy()
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return array.astype("datetime64[ms]").astype(np.int64)
    return array


def _array(values):
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy()
    return values


def bars(data=None, *, close=None, time=None, open=None, high=None, low=None, volume=None):
    """The dict of arrays the engine reads: from a DataFrame (columns open, high, low, close,
    volume; times from a `time` column or a DatetimeIndex), a dict of arrays, or `close` (an
    array, or a Series whose DatetimeIndex gives the times) and the other keywords."""
    out = {}
    if data is not None:
        if close is not None:
            raise ValueError("give data= or close=, not both")
        if isinstance(data, pd.DataFrame):
            for c in _BAR_COLUMNS:
                if c in data.columns:
                    out[c] = data[c].to_numpy()
            if "time" in data.columns:
                out["time"] = _ms(data["time"])
            elif isinstance(data.index, pd.DatetimeIndex):
                out["time"] = _ms(data.index)
        elif isinstance(data, dict):
            for c in _BAR_COLUMNS:
                if c in data and data[c] is not None:
                    out[c] = _array(data[c])
            if data.get("time") is not None:
                out["time"] = _ms(data["time"])
        else:
            raise ValueError(f"data must be a pandas DataFrame or a dict of arrays, not {type(data).__name__}")
    else:
        if close is None:
            raise ValueError("no close prices: give data= (a DataFrame) or close=")
        out["close"] = _array(close)
        for name, values in (("open", open), ("high", high), ("low", low), ("volume", volume)):
            if values is not None:
                out[name] = _array(values)
        if time is not None:
            out["time"] = _ms(time)
        elif isinstance(close, pd.Series) and isinstance(close.index, pd.DatetimeIndex):
            out["time"] = _ms(close.index)
    if "close" not in out:
        raise ValueError("no close prices: the data has no 'close' column")
    return out


def series_columns(data, value_names):
    """{time, <value>} from a DataFrame with a time column or DatetimeIndex, a Series indexed by
    time, or a dict (funding: rate; sentiment: value)."""
    if data is None:
        return None
    if isinstance(data, pd.Series):
        return {"time": _ms(data.index), value_names[0]: data.to_numpy()}
    if isinstance(data, pd.DataFrame):
        out = {"time": _ms(data["time"] if "time" in data.columns else data.index)}
        for name in value_names:
            if name in data.columns:
                out[name] = data[name].to_numpy()
        return out
    if isinstance(data, dict):
        return {k: (_ms(v) if k == "time" else _array(v)) for k, v in data.items()}
    raise ValueError(f"expected a DataFrame, Series or dict, not {type(data).__name__}")


def time_index(ms):
    """A UTC DatetimeIndex named `time` from int64 ms since the epoch."""
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(ms), unit="ms", utc=True), name="time")


def config_items(config, arguments):
    """(key, value, source) for the engine's config: the `config=` dict first, then the keyword
    arguments that name keys (those given win). Values are written as a config file would."""
    items = []
    for key, value in (config or {}).items():
        items.append((str(key), _config_text(value), f"config['{key}']"))
    for key, (argument, value) in arguments.items():
        if value is not None:
            items.append((key, _config_text(value), f"argument {argument}="))
    return items


def _config_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)
