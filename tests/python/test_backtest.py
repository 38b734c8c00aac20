"""organism.backtest against `organism backtest` on the real BTC 1h file: the same JSON metrics,
equity, exposure and trades, bit for bit, for signal files, entries/exits and genomes under
several option sets. The CLI's JSON (nlohmann dump) prints shortest round-trip doubles, so the
floats are compared exactly."""
import numpy as np
import pandas as pd
import pytest

import organism
from conftest import ms, read_csv, utc_index, write_csv

# Python keyword options -> the same options as CLI flags.
OPTION_SETS = {
    "defaults": ({}, []),
    "costs_close_fill": (
        {"fees": 0.001, "maker_fee": 0.0001, "slippage": 0.0002, "fill": "close"},
        ["--fees", "0.001", "--maker-fee", "0.0001", "--slippage", "0.0002", "--fill", "close"]),
    "stops_leverage_cash": (
        {"sl": 0.03, "tp": 0.06, "trail": 0.05, "leverage": 2.0, "init_cash": 5000.0},
        ["--sl", "0.03", "--tp", "0.06", "--trail", "0.05", "--leverage", "2", "--init-cash", "5000"]),
    "every_bar": (
        {"rebalance": "every_bar", "min_trade": 25.0, "pay_funding": False, "bars_per_year": 17520.0,
         "consistency_windows": 6},
        ["--rebalance", "every_bar", "--min-trade", "25", "--no-funding", "--bars-per-year", "17520",
         "--consistency-windows", "6"]),
    "next_open_fill": ({"fill": "next_open", "slippage": 0.0}, ["--fill", "next_open", "--slippage", "0"]),
}
CONFIG = {"backtest.fill": "close", "backtest.slippage": 0.001, "backtest.taker_fee": 0.0007}
CONFIG_TOML = '[backtest]\nfill = "close"\nslippage = 0.001\ntaker_fee = 0.0007\n'


@pytest.fixture(scope="module")
def files(tmp_path_factory, btc):
    """The BTC bars under a neutral name, a time,target file and a time,entry,exit file."""
    folder = tmp_path_factory.mktemp("backtest")
    close = btc["close"]
    gap = close / close.rolling(50).mean() - 1
    targets = np.clip(np.round(gap.fillna(0).to_numpy() * 40) / 4, -1, 1)  # steps of 0.25
    fast, slow = close.rolling(20).mean(), close.rolling(100).mean()
    above = (fast > slow).to_numpy()
    entries = above & ~np.roll(above, 1)
    exits = ~above & np.roll(above, 1)
    entries[0] = exits[0] = False
    return {
        "dir": folder,
        "bars": write_csv(folder / "bars.csv", btc),
        "targets_csv": write_csv(folder / "targets.csv", pd.DataFrame({"time": btc["time"], "target": targets})),
        "signals_csv": write_csv(folder / "signals.csv", pd.DataFrame(
            {"time": btc["time"], "entry": entries.astype(int), "exit": exits.astype(int)})),
        "targets": targets, "entries": entries, "exits": exits,
    }


def cli_backtest(cli, files, name, *args, config=None):
    folder = files["dir"]
    equity, trades = folder / f"{name}-equity.csv", folder / f"{name}-trades.csv"
    doc = cli.json("backtest", "--data", files["bars"], "--json", "--equity-out", equity,
                   "--trades-out", trades, *args, config=config)
    return doc, read_csv(equity), read_csv(trades)


def assert_metrics(ours, theirs):
    """Every key and value; the series label is left to test_series_label_matches_cli, so that
    a label difference does not hide a difference in the numbers."""
    assert sorted(ours) == sorted(theirs)
    differ = {k: (ours[k], theirs[k]) for k in theirs if ours[k] != theirs[k] and k != "series"}
    assert not differ, f"metrics differ (python, cli): {differ}"


def assert_trades(trades, expected):
    assert list(trades.columns) == list(expected.columns)
    assert len(trades) == len(expected)
    for col in expected.columns:
        if col in ("entry_time", "exit_time"):
            assert np.array_equal(ms(trades[col]), expected[col].to_numpy(np.int64)), col
        elif col == "open":
            assert np.array_equal(trades[col].to_numpy(bool), expected[col].to_numpy(bool)), col
        elif expected[col].dtype == object:
            assert trades[col].tolist() == expected[col].tolist(), col
        else:
            assert np.array_equal(trades[col].to_numpy(np.float64), expected[col].to_numpy(np.float64)), col


def assert_same(result, cli_out):
    doc, equity, trades = cli_out
    assert_metrics(result.metrics, doc)
    assert result.equity.name == "equity" and result.exposure.name == "exposure"
    assert result.equity.index.equals(utc_index(equity["time"]))
    assert np.array_equal(result.equity.to_numpy(), equity["equity"].to_numpy(np.float64))
    assert np.array_equal(result.exposure.to_numpy(), equity["exposure"].to_numpy(np.float64))
    assert_trades(result.trades, trades)
    assert result.engine_seconds > 0


@pytest.mark.parametrize("case", list(OPTION_SETS))
def test_targets_match_cli(cli, files, btc, case):
    kwargs, flags = OPTION_SETS[case]
    expected = cli_backtest(cli, files, f"targets-{case}", "--signals", files["targets_csv"], *flags)
    assert expected[0]["trades"] > 100  # the signal trades: the comparison is not vacuous
    assert_same(organism.backtest(btc, targets=files["targets"], **kwargs), expected)


def test_config_dict_matches_cli_config_file(cli, files, btc):
    toml = files["dir"] / "costs.toml"
    toml.write_text(CONFIG_TOML)
    expected = cli_backtest(cli, files, "config", "--signals", files["targets_csv"], config=toml)
    assert expected[0]["fill_model"] == "close"
    assert_same(organism.backtest(btc, targets=files["targets"], config=CONFIG), expected)


@pytest.mark.parametrize("side", ["long", "short"])
def test_entries_exits_match_cli(cli, files, btc, side):
    expected = cli_backtest(cli, files, f"signals-{side}", "--signals", files["signals_csv"], "--side", side,
                            "--sl", "0.02")
    result = organism.backtest(btc, entries=files["entries"], exits=files["exits"], side=side, sl=0.02)
    assert_same(result, expected)


def test_vectorbt_parity_flag_matches_cli(cli, files, btc):
    expected = cli_backtest(cli, files, "parity", "--signals", files["signals_csv"], "--parity", "vectorbt",
                            "--bars-per-year", "525600", "--tp", "0.04")
    result = organism.backtest(btc, entries=files["entries"], exits=files["exits"], parity="vectorbt",
                               bars_per_year=525600, tp=0.04)
    assert_same(result, expected)


@pytest.mark.parametrize("family,seed,case", [("sma_trend", None, "defaults"), ("atr_stop", 3, "costs_close_fill"),
                                              ("ema_cross", 11, "every_bar")])
def test_genome_matches_cli(cli, files, btc, family, seed, case):
    args = ["strategy", "new", "--family", family] + ([] if seed is None else ["--random", "--seed", seed])
    genome = cli.run(*args).stdout
    path = files["dir"] / f"{family}.json"
    path.write_text(genome)
    kwargs, flags = OPTION_SETS[case]
    expected = cli_backtest(cli, files, f"genome-{family}", "--strategy", path, *flags)
    for strategy in (organism.Strategy.from_json(genome), genome):
        assert_same(organism.backtest(btc, strategy=strategy, **kwargs), expected)


def test_series_label_matches_cli(cli, files, btc):
    expected = cli_backtest(cli, files, "label", "--signals", files["targets_csv"])[0]
    assert organism.backtest(btc, targets=files["targets"]).metrics["series"] == expected["series"]


def test_timing_adds_bars_per_second(btc, files):
    result = organism.backtest(btc, targets=files["targets"], timing=True)
    assert result.metrics["bars_per_second"] > 0
    assert "bars_per_second" not in organism.backtest(btc, targets=files["targets"]).metrics
