"""Zero-copy where api.md claims it. Inputs: NumPy reports its allocations to tracemalloc, so a
converted input column shows up in the traced peak of the call and one read in place does not;
the same call with float32 columns must allocate about 8 bytes per bar per column more than
with float64 ones (if float64 were copied too, the difference would vanish). Outputs: the
arrays behind the result's Series are the C++ vectors' buffers, handed over in a capsule, not
copies owned by NumPy."""
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import organism

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


@pytest.mark.parametrize("kind", ["dict", "dataframe"])
def test_float64_inputs_are_read_in_place(bars, kind):
    wrap = dict if kind == "dict" else pd.DataFrame
    f64, f32 = wrap(bars), wrap(as_float32(bars))
    for name in PRICES:
        assert np.asarray(f64[name]).flags.c_contiguous and np.asarray(f64[name]).dtype == np.float64
    compute = organism.indicators.compute
    f64_peak = traced_peak(lambda: compute(f64, ["tr"], interval="1m"))
    f32_peak = traced_peak(lambda: compute(f32, ["tr"], interval="1m"))
    converted = 8 * BARS * (len(PRICES) + 1)  # the four prices and volume
    assert f32_peak - f64_peak >= 0.9 * converted, (f64_peak, f32_peak)


def test_float32_results_equal_float64_of_the_same_values(bars):
    f32 = as_float32(bars)
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
