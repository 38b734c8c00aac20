"""organism.indicators.compute against `organism indicators` on the real BTC 1h file: the same
columns in the same order and the same doubles, bit for bit (the CLI writes %.17g)."""
import numpy as np
import pandas as pd
import pytest

import organism
from conftest import read_csv, utc_index, write_csv

ONLY = ("ema_21,rsi_14,macd:12:26:9,atr_14,bb:20:2,sma_50,stoch:14:3:3,dmi:14,cci_20,willr_14,"
        "obv,vwap_session,log_return,zscore_20,donchian:20,ichimoku:9:26:52,tr,rvol_ann_24,volume_z_50")


def cli_indicators(cli, tmp_path, input_path, only=None):
    out = tmp_path / "indicators.csv"
    args = ["indicators", "--input", input_path, "--output", out]
    if only is not None:
        args += ["--only", only]
    cli.run(*args)
    return read_csv(out)


def assert_same(frame, expected):
    assert list(frame.columns) == list(expected.columns[1:])
    assert frame.index.equals(utc_index(expected["time"]))
    for name in frame.columns:
        ours, theirs = frame[name].to_numpy(), expected[name].to_numpy(dtype=np.float64)
        assert ours.dtype == np.float64, name
        assert np.array_equal(ours, theirs, equal_nan=True), (
            f"{name}: {np.sum(~((ours == theirs) | (np.isnan(ours) & np.isnan(theirs))))} values differ")


def test_only_columns_match_cli(cli, tmp_path, btc_path, btc):
    expected = cli_indicators(cli, tmp_path, btc_path, ONLY)
    assert len(expected) == 54613
    assert_same(organism.indicators.compute(btc, ONLY.split(",")), expected)
    assert_same(organism.indicators.compute(btc, ONLY), expected)  # a comma string works too


def test_default_set_matches_cli(cli, tmp_path, btc_path, btc):
    expected = cli_indicators(cli, tmp_path, btc_path)
    assert organism.indicators.default_columns() == list(expected.columns[1:])
    assert_same(organism.indicators.compute(btc), expected)


def test_dict_and_datetime_index_inputs(cli, tmp_path, btc_path, btc):
    expected = cli_indicators(cli, tmp_path, btc_path, ONLY)
    arrays = {name: btc[name].to_numpy() for name in btc.columns}
    assert_same(organism.indicators.compute(arrays, ONLY), expected)
    indexed = btc.drop(columns="time").set_index(utc_index(btc["time"]))
    assert_same(organism.indicators.compute(indexed, ONLY), expected)
    naive = btc.drop(columns="time").set_index(utc_index(btc["time"]).tz_localize(None))
    assert_same(organism.indicators.compute(naive, ONLY), expected)


def test_close_only_means_open_high_low_equal_close(cli, tmp_path, btc):
    bars = btc[["time", "close"]].iloc[:3000]
    expected = cli_indicators(cli, tmp_path, write_csv(tmp_path / "closes.csv", bars), ONLY)
    assert_same(organism.indicators.compute(bars, ONLY, interval="1h"), expected)


def test_catalogue_is_the_cli_list(cli):
    assert organism.indicators.catalogue().strip() == cli.run("indicators", "--list").stdout.strip()


def test_unknown_column_has_the_cli_message(cli, tmp_path, btc):
    message = cli.error("indicators", "--input", write_csv(tmp_path / "b.csv", btc.iloc[:200]),
                        "--output", tmp_path / "o.csv", "--only", "ema_21,bogus_3")
    with pytest.raises(ValueError) as info:
        organism.indicators.compute(btc.iloc[:200], ["ema_21", "bogus_3"])
    assert message.split(";")[0] in str(info.value)
    assert str(info.value).startswith("unknown indicator column 'bogus_3'")


@pytest.mark.parametrize("form", ["frame", "series"])
def test_funding_columns_match_cli(cli, tmp_path, shared, form):
    candles = shared / "data" / "ohlcv" / "hyperliquid" / "BTC-1h.csv.gz"
    rates = shared / "data" / "funding" / "hyperliquid" / "BTC.csv.gz"
    out = tmp_path / "funding.csv"
    cli.run("indicators", "--input", candles, "--funding", rates, "--output", out, "--only", "funding:24,ema_21")
    expected = read_csv(out)
    funding = read_csv(rates)
    if form == "series":
        funding = pd.Series(funding["rate"].to_numpy(), index=utc_index(funding["time"]), name="rate")
    frame = organism.indicators.compute(read_csv(candles), "funding:24,ema_21", funding=funding)
    assert frame["funding_rate"].notna().sum() > 1000
    assert_same(frame, expected)
