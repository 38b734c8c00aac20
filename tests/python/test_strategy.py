"""organism.Strategy against `organism strategy`: the same families and genome JSON, a JSON round
trip, and exposures equal to the targets `organism backtest --strategy` trades on. The honest
comparison for the latter: with a neutral risk block (no stops, leverage 1) and the regime's
Fear & Greed filter off, the genome's exposures written as a time,target file must give the CLI
the very backtest its own --strategy run gives, and in Python backtest(targets=exposures) must
equal backtest(strategy=...)."""
import json

import numpy as np
import pandas as pd
import pytest

import organism
from conftest import utc_index, write_csv

SEEDS = [0, 1, 7]
# (family, seed or None for the defaults): genomes that trade on BTC 1h.
TRADERS = [("sma_trend", None), ("ema_cross", 2), ("atr_stop", 2), ("ichimoku_cloud", 2), ("vol_scaling", 2),
           ("tree", 2), ("svm_classifier", None)]


@pytest.fixture(scope="module")
def families(cli):
    return cli.run("strategy", "families").stdout.split()


def test_families_match_cli(families):
    assert organism.Strategy.families() == families
    assert len(families) >= 10


def test_random_and_default_json_match_cli(cli, families):
    for family in families:
        default = cli.run("strategy", "new", "--family", family).stdout
        assert organism.Strategy.default(family).json.rstrip("\n") == default.rstrip("\n"), family
        for seed in SEEDS:
            text = cli.run("strategy", "new", "--family", family, "--random", "--seed", seed).stdout
            strategy = organism.Strategy.random(family, seed=seed)
            assert strategy.json.rstrip("\n") == text.rstrip("\n"), (family, seed)
            assert strategy.id == json.loads(text)["id"]
            assert strategy.family == family


def test_random_draws_differ_by_seed():
    a, b = organism.Strategy.random("sma_trend", seed=1), organism.Strategy.random("sma_trend", seed=2)
    assert a.json != b.json and a.id != b.id


def test_json_round_trip(families):
    for family in families:
        strategy = organism.Strategy.random(family, seed=3)
        for source in (strategy.json, strategy.to_dict(), json.loads(strategy.json)):
            again = organism.Strategy.from_json(source)
            assert again.json == strategy.json and again.id == strategy.id
        assert strategy.to_dict() == json.loads(strategy.json)
        assert family in repr(strategy)


def test_describe_is_the_cli_rule(cli, tmp_path):
    strategy = organism.Strategy.default("sma_trend")
    path = tmp_path / "g.json"
    path.write_text(strategy.json)
    shown = cli.run("strategy", "show", path).stdout
    assert strategy.describe().strip() == shown.strip()


def neutral(family, seed):
    strategy = organism.Strategy.default(family) if seed is None else organism.Strategy.random(family, seed=seed)
    genome = strategy.to_dict()
    genome["risk"].update(stop_loss=0.0, take_profit=0.0, trailing=0.0, leverage=1.0)
    genome["regime"]["fg_on"] = False
    return organism.Strategy.from_json(genome)


def without_strategy(metrics):
    return {k: v for k, v in metrics.items() if k != "strategy"}


@pytest.mark.parametrize("family,seed", TRADERS)
def test_exposures_are_what_the_cli_trades(cli, tmp_path, btc, family, seed):
    strategy = neutral(family, seed)
    exposures = strategy.exposures(btc)
    assert isinstance(exposures, pd.Series) and exposures.name == "exposure"
    assert exposures.index.equals(utc_index(btc["time"]))
    assert np.all(np.abs(exposures.to_numpy()) <= 1)

    bars = write_csv(tmp_path / "bars.csv", btc)
    genome = tmp_path / "genome.json"
    genome.write_text(strategy.json)
    targets = write_csv(tmp_path / "targets.csv", pd.DataFrame({"time": btc["time"], "target": exposures.to_numpy()}))
    by_strategy = cli.json("backtest", "--data", bars, "--strategy", genome, "--json")
    by_targets = cli.json("backtest", "--data", bars, "--signals", targets, "--json")
    assert by_strategy["trades"] > 0
    assert without_strategy(by_targets) == without_strategy(by_strategy)

    from_targets = organism.backtest(btc, targets=exposures.to_numpy())
    from_strategy = organism.backtest(btc, strategy=strategy)
    assert without_strategy(from_targets.metrics) == without_strategy(from_strategy.metrics)
    assert np.array_equal(from_targets.equity.to_numpy(), from_strategy.equity.to_numpy())
