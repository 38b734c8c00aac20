"""organism.Store against a store the CLI filled: candles equal to the imported rows and to
`organism data export`, series equal to `organism data list --json`, funding equal to its file,
and a missing store refused with the CLI's message."""
import gzip

import numpy as np
import pandas as pd
import pytest

import organism
from conftest import head_bars, ms, read_csv, utc_index, write_csv

PRICES = ["open", "high", "low", "close", "volume"]


@pytest.fixture(scope="module")
def store(cli, shared, tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    (folder / "ohlcv" / "binance").mkdir(parents=True)
    (folder / "funding" / "hyperliquid").mkdir(parents=True)
    bars = head_bars(shared, "BTC", 3000)
    candles = write_csv(folder / "ohlcv" / "binance" / "BTC-1h.csv", bars)
    with gzip.open(shared / "data" / "funding" / "hyperliquid" / "BTC.csv.gz", "rt") as f:
        funding = read_csv(f, nrows=500)
    rates = write_csv(folder / "funding" / "hyperliquid" / "BTC.csv", funding)
    db = folder / "market.db"
    cli.run("data", "import", candles, rates, db=db)
    return {"db": db, "bars": bars, "funding": funding, "dir": folder}


def test_candles_equal_the_imported_rows(store):
    candles = organism.Store(str(store["db"])).candles("BTC", "1h")
    bars = store["bars"]
    assert list(candles.columns) == PRICES + ["trades"]
    assert candles.index.equals(utc_index(bars["time"]))
    for name in PRICES:
        assert np.array_equal(candles[name].to_numpy(np.float64), bars[name].to_numpy(np.float64)), name


def test_candles_equal_cli_export(cli, store):
    out = store["dir"] / "export.csv"
    cli.run("data", "export", "--coin", "BTC", "--interval", "1h", "--venue", "binance", "--out", out, db=store["db"])
    exported = read_csv(out)
    candles = organism.Store(str(store["db"])).candles("BTC", "1h", venue="binance")
    assert np.array_equal(ms(candles.index), exported["time"].to_numpy())
    for name in exported.columns[1:]:
        assert np.array_equal(candles[name].to_numpy(np.float64), exported[name].to_numpy(np.float64)), name


def test_series_lists_the_import(cli, store):
    series = organism.Store(str(store["db"])).series()
    listed = cli.json("data", "list", "--json", db=store["db"])
    assert list(series.columns)[:6] == ["venue", "coin", "interval", "bars", "first", "last"]
    assert len(series) == len(listed) == 1
    row, expected = series.iloc[0], listed[0]
    assert (row["venue"], row["coin"], row["interval"], row["bars"]) == ("binance", "BTC", "1h", 3000)
    assert ms([row["first"], row["last"]]).tolist() == [expected["first"], expected["last"]]


def test_funding_equals_its_file(store):
    funding = organism.Store(str(store["db"])).funding("BTC")
    expected = store["funding"]
    assert np.array_equal(ms(funding.index), expected["time"].to_numpy())
    assert np.array_equal(funding["rate"].to_numpy(np.float64), expected["rate"].to_numpy(np.float64))


def test_missing_store_has_the_cli_message(cli, tmp_path):
    missing = tmp_path / "nowhere.db"
    message = cli.error("data", "list", db=missing)
    with pytest.raises((ValueError, organism.Error)) as info:
        organism.Store(str(missing))
    assert str(info.value) == message
    assert not missing.exists()


def test_unknown_series_raises(store):
    with pytest.raises((ValueError, organism.Error), match="ETH"):
        organism.Store(str(store["db"])).candles("ETH", "1h")
