"""Bad input raises ValueError with a message naming the column and the row (api.md), and bad
names and options raise the CLI's own message."""
import json

import numpy as np
import pandas as pd
import pytest

import organism
from conftest import write_csv

N = 100
T0 = 1_704_067_200_000
HOUR = 3_600_000


def bars(**changes):
    data = {"time": T0 + np.arange(N, dtype=np.int64) * HOUR, "close": 100 + np.sin(np.arange(N)),
            "volume": np.ones(N)}
    data.update(changes)
    return data


def with_value(column, row, value, dtype=np.float64):
    values = bars()[column].astype(dtype)
    values[row] = value
    return bars(**{column: values})


TARGETS = np.where(np.arange(N) % 10 < 5, 1.0, 0.0)

CASES = {
    "nan_close": (with_value("close", 3, np.nan), r"close\[3\]"),
    "inf_close": (with_value("close", 5, np.inf), r"close\[5\]"),
    "negative_close": (with_value("close", 7, -1.0), r"close\[7\]"),
    "zero_close": (with_value("close", 8, 0.0), r"close\[8\]"),
    "negative_volume": (with_value("volume", 2, -5.0), r"volume\[2\]"),
    "unsorted_time": (with_value("time", 5, T0 + 3 * HOUR, np.int64), r"time\[5\]"),
    "duplicate_time": (with_value("time", 6, T0 + 5 * HOUR, np.int64), r"time\[6\]"),
    "string_close": (bars(close=np.array([str(v) for v in bars()["close"]], dtype=object)), "close"),
    "complex_close": (bars(close=bars()["close"].astype(np.complex128)), "close"),
    # Which column is "wrong" is ambiguous here: the message must name one and both lengths.
    "short_close": (bars(close=bars()["close"][:-1]), r"(close|volume|time) has \d+ values but the bars have \d+"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_bars_raise_value_error(case):
    data, pattern = CASES[case]
    with pytest.raises(ValueError, match=pattern):
        organism.backtest(data, targets=TARGETS)
    with pytest.raises(ValueError, match=pattern):
        organism.indicators.compute(data, ["ema_5"])


def test_nan_close_message_says_not_finite():
    with pytest.raises(ValueError, match=r"close\[3\] = nan is not finite"):
        organism.backtest(with_value("close", 3, np.nan), targets=TARGETS)


def test_mismatched_signal_lengths():
    entries, exits = np.zeros(N - 1, bool), np.zeros(N, bool)
    with pytest.raises(ValueError, match=f"entries has {N - 1} values but the bars have {N}"):
        organism.backtest(bars(), entries=entries, exits=exits)
    with pytest.raises(ValueError, match=f"targets has {N + 1} values but the bars have {N}"):
        organism.backtest(bars(), targets=np.zeros(N + 1))
    with pytest.raises(ValueError, match=f"time has {N - 2} values but the bars have {N}"):
        organism.backtest(close=np.ones(N), time=bars()["time"][:-2], targets=TARGETS)


def test_empty_input():
    empty = {"time": np.array([], np.int64), "close": np.array([], np.float64)}
    with pytest.raises(ValueError, match="close|empty|no bars"):
        organism.backtest(empty, targets=np.array([]))
    with pytest.raises(ValueError, match="close|empty|no bars"):
        organism.indicators.compute(empty, ["ema_5"])


def test_exactly_one_signal_source():
    with pytest.raises(ValueError):
        organism.backtest(bars(), targets=TARGETS, entries=TARGETS > 0, exits=TARGETS == 0)
    with pytest.raises(ValueError):
        organism.backtest(bars())


def test_target_out_of_range_names_the_row():
    targets = TARGETS.copy()
    targets[4] = 1.5
    with pytest.raises(ValueError, match=r"targets\[4\]"):
        organism.backtest(bars(), targets=targets)


def cli_error(cli, tmp_path, *args, config=None):
    data = write_csv(tmp_path / "bars.csv", pd.DataFrame(bars()))
    genome = tmp_path / "g.json"
    genome.write_text(organism.Strategy.default("sma_trend").json)
    return cli.error("backtest", "--data", data, "--strategy", genome, *args, config=config)


def test_unknown_family_has_cli_message(cli):
    message = cli.error("strategy", "new", "--family", "nope")
    for call in (lambda: organism.Strategy.random("nope", seed=1), lambda: organism.Strategy.default("nope")):
        with pytest.raises(ValueError) as info:
            call()
        assert str(info.value) == message


def test_bad_genome_json_has_cli_message(cli, tmp_path):
    path = tmp_path / "bad.json"
    genome = {"family": "sma_trend", "params": {"period": "x"}}
    path.write_text(json.dumps(genome))
    expected = cli.error("strategy", "show", path).split(": ", 1)[1]  # without the file name
    for source in (genome, json.dumps(genome)):
        with pytest.raises(ValueError) as info:
            organism.Strategy.from_json(source)
        assert expected in str(info.value)
    with pytest.raises(ValueError, match="not valid JSON"):
        organism.Strategy.from_json("{not json")


@pytest.mark.parametrize("option,flag,value", [("fill", "--fill", "bogus"), ("rebalance", "--rebalance", "x"),
                                               ("parity", "--parity", "zipline")])
def test_bad_option_has_cli_message(cli, tmp_path, option, flag, value):
    message = cli_error(cli, tmp_path, flag, value)
    with pytest.raises(ValueError) as info:
        organism.backtest(bars(), targets=TARGETS, **{option: value})
    # The CLI names its flag; Python may name the keyword instead: compare what follows the name.
    tail = message.split(flag, 1)[1].lstrip("): ")
    assert tail and tail in str(info.value), (message, str(info.value))


def test_bad_config_value_has_cli_message(cli, tmp_path):
    toml = tmp_path / "bad.toml"
    toml.write_text("[backtest]\ntaker_fee = 2\n")
    message = cli_error(cli, tmp_path, config=toml)
    assert message.startswith("backtest.taker_fee")
    with pytest.raises(ValueError) as info:
        organism.backtest(bars(), targets=TARGETS, config={"backtest.taker_fee": 2})
    text = str(info.value)
    assert text.startswith("backtest.taker_fee") and text.endswith(message.split("):", 1)[1].strip()), text
    with pytest.raises(ValueError, match="backtest.no_such_key"):
        organism.backtest(bars(), targets=TARGETS, config={"backtest.no_such_key": 1})
