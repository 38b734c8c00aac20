"""The GIL is released during the C++ work: while a backtest of 3M bars runs in a thread, the
main thread keeps running Python. The main thread stamps the clock every 1024 increments; a
call that held the GIL would leave no stamp inside its own span (the main thread cannot run a
bytecode until the call returns), so stamps in the middle 80% of the call prove the release."""
import re
import threading
import time

import numpy as np
import pytest

import organism

BARS = 3_000_000


@pytest.fixture(scope="module")
def market():
    rng = np.random.default_rng(5)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, BARS)))
    targets = np.repeat(rng.choice([-1.0, 0.0, 1.0], BARS // 500), 500)
    return {"close": close, "time": np.arange(BARS, dtype=np.int64) * 60_000}, targets


def stamps_during(call):
    span, stamps = [], []

    def worker():
        start = time.perf_counter()
        call()
        span.extend([start, time.perf_counter()])

    thread = threading.Thread(target=worker)
    thread.start()
    count = 0
    while thread.is_alive():
        count += 1
        if count & 1023 == 0:
            stamps.append(time.perf_counter())
    thread.join()
    start, end = span
    margin = 0.1 * (end - start)
    inside = [s for s in stamps if start + margin < s < end - margin]
    return inside, end - start


@pytest.mark.slow
@pytest.mark.parametrize("what", ["backtest", "indicators"])
def test_main_thread_runs_during_the_call(market, what):
    data, targets = market
    if what == "backtest":
        call = lambda: organism.backtest(data, targets=targets, interval="1m")  # noqa: E731
    else:
        call = lambda: organism.indicators.compute(data, ["ema_50", "rsi_14", "bb:20:2"], interval="1m")  # noqa: E731
    inside, seconds = stamps_during(call)
    assert seconds > 0.05, f"the {what} call took only {seconds:.3f} s: too short to tell"
    # At least 5 stamps = 5,120 increments of the main thread while the C++ work ran.
    assert len(inside) >= 5, f"{len(inside)} stamps of the main thread in the middle of a {seconds:.2f} s call"


def test_the_method_sees_a_held_gil():
    """Control: a C call that keeps the GIL (the re engine backtracking) leaves no stamp inside."""
    inside, seconds = stamps_during(lambda: re.fullmatch(r"(a+)+b", "a" * 23))
    assert seconds > 0.05
    assert len(inside) == 0, f"{len(inside)} stamps inside a call that holds the GIL"
