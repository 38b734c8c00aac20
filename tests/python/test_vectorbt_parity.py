"""The vectorbt fixture of ../shared/peers/vectorbt-btc1h reproduced from Python: from_signals on
BTC 1h closes with SMA(20)/SMA(100) crossovers, both variants, to 1e-9 relative at every bar and
the reference figures (tests/backtest/vectorbt_parity_test.cpp does the same in C++)."""
import json

import numpy as np
import pytest

import organism
from conftest import read_csv, utc_index

VARIANTS = {"plain": {}, "stops": {"sl": 0.02, "tp": 0.04}}


@pytest.fixture(scope="module")
def fixture(shared):
    folder = shared / "peers" / "vectorbt-btc1h"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return {
        "signals": read_csv(folder / "signals.csv.gz"),
        "equity": read_csv(folder / "equity.csv.gz"),
        "reference": json.loads((folder / "reference.json").read_text()),
    }


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_reproduces_vectorbt(fixture, variant):
    signals, equity = fixture["signals"], fixture["equity"]
    reference = {k: v[0] for k, v in fixture["reference"]["reference"][variant].items()}
    result = organism.backtest(close=signals["close"].to_numpy(), time=signals["time"].to_numpy(),
                               entries=signals["entry"].to_numpy(bool), exits=signals["exit"].to_numpy(bool),
                               parity="vectorbt", fees=0.0005, slippage=0.0005, bars_per_year=525600,
                               **VARIANTS[variant])
    theirs = equity[f"equity_{variant}"].to_numpy()
    ours = result.equity.to_numpy()
    assert len(ours) == len(theirs) == fixture["reference"]["params"]["n_bars"]
    assert result.equity.index.equals(utc_index(equity["time"]))
    relative = np.abs(ours - theirs) / theirs
    assert relative.max() <= 1e-9, f"bar {relative.argmax()}: {ours[relative.argmax()]} vs {theirs[relative.argmax()]}"

    m = result.metrics
    assert m["final_equity"] == pytest.approx(reference["final_value"], rel=1e-9)
    assert m["total_return"] == pytest.approx(reference["total_return"], rel=1e-9)
    assert m["fills"] == reference["orders"]
    assert m["trades"] == reference["trades_closed"]
    assert m["max_drawdown"] == pytest.approx(-reference["max_drawdown"], rel=1e-9)  # organism's is positive
    assert m["sharpe"] == pytest.approx(reference["sharpe"], rel=1e-9)
    assert m["fill_model"] == "close"
    # vectorbt's trades_all counts a position still open at the end; the trades table marks it open.
    assert len(result.trades) == reference["trades_all"]
    assert int((~result.trades["open"].astype(bool)).sum()) == reference["trades_closed"]
