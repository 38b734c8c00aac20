"""Zero-copy where api.md claims it. Inputs: the module's hook _organism.input_address(array,
name) gives the address the engine reads a column at, which must be the caller's buffer for a
float64 C-contiguous array and not for float32 or strided ones. End to end, NumPy reports its
allocations to tracemalloc: the engine call on float64 columns (from a dict or a DataFrame)
allocates nothing traced, on float32 columns 8 bytes per bar per converted column. Outputs: the
arrays behind the result's Series are the C++ vectors' buffers, handed over in a capsule, not
copies owned by NumPy."""
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import organism
from organism import _frames, _organism

BARS = 1_000_000
PRICES = ["open", "high", "low", "close"]


@pytest.fixture(scope="module")
def bars():
    rng = np.random.default_rng(9)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, BARS)))
    return {"time": np.arange(BARS, dtype=np.int64) * 60_000, "open": close.copy(), "high": close * 1.001,
            "low": close * 0.999, "close": close, "volume": np.ones(BARS)}


def traced_peak(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def as_float32(bars):
    return {k: (v.astype(np.float32) if k != "time" else v) for k, v in bars.items()}


def test_input_address_is_the_callers_buffer():
    f64 = np.linspace(1, 2, 1000)
    assert _organism.input_address(f64, "close") == f64.ctypes.data
    for copied in (f64.astype(np.float32), np.linspace(1, 2, 2000)[::2], np.arange(1, 1001)):
        assert _organism.input_address(copied, "close") != copied.ctypes.data
    frame = pd.DataFrame({"close": f64, "open": f64 * 2})
    column = _frames.bars(frame)["close"]
    assert _organism.input_address(column, "close") == np.asarray(frame["close"]).ctypes.data


@pytest.mark.parametrize("kind", ["dict", "dataframe"])
def test_float64_inputs_are_read_in_place(bars, kind):
    wrap = dict if kind == "dict" else pd.DataFrame
    f64, f32 = wrap(bars), wrap(as_float32(bars))
    for name in PRICES:
        assert np.asarray(f64[name]).flags.c_contiguous and np.asarray(f64[name]).dtype == np.float64

    def engine(data):  # the C++ call alone: its outputs are C++ buffers, not traced
        return lambda: _organism.indicators_compute(_frames.bars(data), "1m", ["tr"], None, None)

    f64_peak, f32_peak = traced_peak(engine(f64)), traced_peak(engine(f32))
    converted = 8 * BARS * (len(PRICES) + 1)  # the four prices and volume
    assert f64_peak < 0.05 * converted, f64_peak
    assert f32_peak >= 0.9 * converted, f32_peak


def test_float32_results_equal_float64_of_the_same_values(bars):
    f32 = {k: v[:200_000] for k, v in as_float32(bars).items()}
    widened = {k: v.astype(np.float64) if k != "time" else v for k, v in f32.items()}
    a = organism.indicators.compute(f32, ["tr", "ema_20"], interval="1m")
    b = organism.indicators.compute(widened, ["tr", "ema_20"], interval="1m")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def capsule_owned(array):
    """True when the array's memory belongs to a PyCapsule (a C++ buffer handed over), not NumPy."""
    base = array
    while isinstance(base, np.ndarray):
        if base.base is None:
            return False
        base = base.base
    return type(base).__name__ == "PyCapsule"


def test_backtest_outputs_are_not_copied(bars):
    targets = np.where(np.arange(BARS) // 1000 % 2 == 0, 1.0, 0.0)
    result = organism.backtest(bars, targets=targets, interval="1m")
    for series in (result.equity, result.exposure):
        values = series.to_numpy()
        assert values.dtype == np.float64 and values.flags.c_contiguous
        assert capsule_owned(values), f"{series.name}: owned by NumPy, so it was copied"


def test_indicator_outputs_are_not_copied(bars):
    frame = organism.indicators.compute(bars, ["ema_20"], interval="1m")
    assert capsule_owned(frame["ema_20"].to_numpy())
