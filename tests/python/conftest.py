"""Shared helpers of the Python binding tests: where ../shared and the CLI are, a CLI runner,
exact CSV reading and the real BTC 1h bars. Run with PYTHONPATH=build/python (docs/python.md)."""
import gzip
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir():
    """../shared (or ORGANISM_SHARED), or None when absent."""
    path = Path(os.environ.get("ORGANISM_SHARED", REPO.parent / "shared"))
    return path if (path / "data").is_dir() else None


def organism_bin():
    return Path(os.environ.get("ORGANISM_BIN", REPO / "build" / "bin" / "organism"))


def read_csv(path, **kwargs):
    """A CLI CSV with every number parsed to the bit (pandas' default parser is not exact)."""
    return pd.read_csv(path, float_precision="round_trip", **kwargs)


def ms(times):
    """int64 ms since epoch of a DatetimeIndex/Series of UTC datetimes (or ints, unchanged)."""
    values = pd.Series(times)
    if pd.api.types.is_datetime64_any_dtype(values):
        if values.dt.tz is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return values.astype("datetime64[ns]").astype(np.int64).to_numpy() // 1_000_000
    return values.astype(np.int64).to_numpy()


def utc_index(times_ms):
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(times_ms, dtype=np.int64), unit="ms", utc=True), name="time")


def write_csv(path, frame):
    """CSV the CLI reads back to the bit (repr of floats round-trips)."""
    frame.to_csv(path, index=False, float_format="%.17g")
    return path


class Cli:
    def __init__(self, binary):
        self.binary = binary

    def run(self, *args, check=True, db=None, config=None):
        argv = [str(self.binary), "-q"]
        if db is not None:
            argv += ["--db", str(db)]
        if config is not None:
            argv += ["--config", str(config)]
        argv += [str(a) for a in args]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr}")
        return proc

    def json(self, *args, **kwargs):
        return json.loads(self.run(*args, **kwargs).stdout)

    def error(self, *args, **kwargs):
        """The CLI's error message (stderr's 'organism: error: ' line, prefix removed)."""
        proc = self.run(*args, check=False, **kwargs)
        assert proc.returncode != 0, f"expected the CLI to fail: {args}"
        line = next(l for l in proc.stderr.splitlines() if "error: " in l)
        return line.split("error: ", 1)[1]


@pytest.fixture(scope="session")
def shared():
    path = shared_dir()
    if path is None:
        pytest.skip("../shared (or ORGANISM_SHARED) is absent: tests on the real data not run")
    return path


@pytest.fixture(scope="session")
def cli():
    binary = organism_bin()
    if not binary.is_file():
        pytest.skip(f"{binary} is not built (set ORGANISM_BIN)")
    return Cli(binary)


@pytest.fixture(scope="session")
def btc_path(shared):
    return shared / "data" / "ohlcv" / "binance" / "BTC-1h.csv.gz"


@pytest.fixture(scope="session")
def btc(btc_path):
    """The real Binance BTC 1h bars (54,613), columns time (ms), open, high, low, close, volume."""
    return read_csv(btc_path)


def head_bars(shared, coin, bars):
    """The first `bars` rows of a shared Binance 1h file."""
    with gzip.open(shared / "data" / "ohlcv" / "binance" / f"{coin}-1h.csv.gz", "rt") as f:
        return read_csv(f, nrows=bars)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: seconds of work (3M-bar GIL runs, the Ctrl-C child); -m 'not slow' skips")
