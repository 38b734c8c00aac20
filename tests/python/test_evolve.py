"""organism.evolve: a small evolution on BTC and ETH 1h (the first 8,000 real bars) is
deterministic, equals `organism evolve` on a store holding the same bars, reports progress
through the callback, propagates the callback's exception, keeps the run in store=, and stops
within seconds on Ctrl-C."""
import json
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

import organism
from conftest import REPO, head_bars, read_csv, write_csv

COINS = ["BTC", "ETH"]
BARS = 8000
RUN = {"population": 12, "generations": 2, "seed": 7, "threads": 1}
STAGES = ["in_sample", "out_of_sample", "walk_forward"]


@pytest.fixture(scope="module")
def bars(shared):
    return {coin: head_bars(shared, coin, BARS) for coin in COINS}


@pytest.fixture(scope="module")
def front(bars):
    return organism.evolve(bars, **RUN)


@pytest.fixture(scope="module")
def cli_run(cli, bars, tmp_path_factory):
    """`organism evolve` of the same run on a store holding the same bars."""
    folder = tmp_path_factory.mktemp("evolve")
    (folder / "ohlcv" / "binance").mkdir(parents=True)
    files = [write_csv(folder / "ohlcv" / "binance" / f"{coin}-1h.csv", frame) for coin, frame in bars.items()]
    db = folder / "market.db"
    cli.run("data", "import", *files, db=db)
    out = folder / "run.json"
    cli.run("evolve", "--coins", ",".join(COINS), "--interval", "1h", "--population", RUN["population"],
            "--generations", RUN["generations"], "--seed", RUN["seed"], "--threads", RUN["threads"],
            "--json-out", out, db=db)
    return json.loads(out.read_text())


def test_front_is_deterministic(bars, front):
    again = organism.evolve(bars, **RUN)
    assert len(front) > 0
    pd.testing.assert_frame_equal(again, front, check_exact=True)


def test_front_columns(front):
    for name in ["id", "family", "generation", "rule", "genome", "objectives", "violation"]:
        assert name in front.columns, name
    for stage in STAGES:
        assert f"{stage}.sharpe" in front.columns and f"{stage}.max_drawdown" in front.columns
    assert front["id"].is_unique
    assert front.attrs["run"]["seed"] == RUN["seed"]
    assert "front" not in front.attrs["run"]


def test_front_equals_cli(front, cli_run):
    members = cli_run["front"]
    assert front["id"].tolist() == [m["id"] for m in members]
    run = front.attrs["run"]
    assert run["evaluations"] == cli_run["evaluations"]
    assert run["universe"]["coins"] == cli_run["universe"]["coins"]
    for row, member in zip(front.to_dict("records"), members):
        assert row["family"] == member["family"] and row["rule"] == member["rule"]
        assert list(row["objectives"]) == member["fitness"]["objectives"]
        assert row["violation"] == member["fitness"]["violation"]
        genome = json.loads(row["genome"])
        genome.pop("id", None)
        assert genome == member["genome"]
        # api.md: the genome column is canonical JSON text, as Strategy.json and `strategy new` print it.
        canonical = organism.Strategy.from_json(member["genome"] | {"id": member["id"]}).json
        assert row["genome"] == canonical, (row["genome"][:80], canonical[:80])
        for stage in STAGES:
            for metric, value in member["metrics"][stage].items():
                assert row[f"{stage}.{metric}"] == value, (member["id"], stage, metric)
        assert row["validation.dsr"] == member["validation"]["dsr"]


def test_funding_is_paid_as_the_cli_pays_stored_funding(cli, shared, tmp_path):
    """funding={coin: rates}: the same run as `organism evolve` on a store holding the bars and
    the same funding files, and a different one from the run without funding. The last 8,000
    bars: Binance's funding file starts in 2022."""
    bars = {coin: read_csv(shared / "data" / "ohlcv" / "binance" / f"{coin}-1h.csv.gz").tail(BARS).reset_index(drop=True)
            for coin in COINS}
    rates = {coin: read_csv(shared / "data" / "funding" / "binance" / f"{coin}.csv.gz") for coin in COINS}
    (tmp_path / "ohlcv" / "binance").mkdir(parents=True)
    (tmp_path / "funding" / "binance").mkdir(parents=True)
    files = [write_csv(tmp_path / "ohlcv" / "binance" / f"{coin}-1h.csv", frame) for coin, frame in bars.items()]
    files += [write_csv(tmp_path / "funding" / "binance" / f"{coin}.csv", frame) for coin, frame in rates.items()]
    db = tmp_path / "market.db"
    cli.run("data", "import", *files, db=db)
    out = tmp_path / "run.json"
    cli.run("evolve", "--coins", ",".join(COINS), "--interval", "1h", "--population", RUN["population"],
            "--generations", RUN["generations"], "--seed", RUN["seed"], "--threads", RUN["threads"],
            "--json-out", out, db=db, config=None)
    expected = json.loads(out.read_text())
    paid = organism.evolve(bars, funding=rates, **RUN, validate=False, progress=False)
    unpaid = organism.evolve(bars, **RUN, validate=False, progress=False)
    assert paid["id"].tolist() == [m["id"] for m in expected["front"]]
    for row, member in zip(paid.to_dict("records"), expected["front"]):
        for metric, value in member["metrics"]["in_sample"].items():
            assert row[f"in_sample.{metric}"] == value, (member["id"], metric)
    # Funding moves the in-sample equity of at least one member that the two fronts share.
    shared_ids = set(paid["id"]) & set(unpaid["id"])
    assert shared_ids
    moved = [i for i in shared_ids
             if paid.set_index("id").loc[i, "in_sample.final_equity"] != unpaid.set_index("id").loc[i, "in_sample.final_equity"]]
    assert moved


def test_funding_for_an_unknown_coin_is_refused(bars):
    with pytest.raises(ValueError, match="funding for SOL, which is not in data_by_coin"):
        organism.evolve(bars, funding={"SOL": pd.Series([0.0001], index=pd.to_datetime([0], utc=True))}, **RUN)


def test_callback_once_per_generation(bars):
    calls = []
    organism.evolve(bars, **RUN, validate=False, callback=calls.append)
    generations = [c for c in calls if c["stage"] == "generation"]
    numbers = [c["generation"] for c in generations]
    assert numbers == sorted(set(numbers)) and numbers[-1] == RUN["generations"]
    assert len(numbers) in (RUN["generations"], RUN["generations"] + 1)
    for call in generations:
        assert call["generations"] == RUN["generations"]
        assert call["evaluated"] >= 0 and call["front_size"] >= 1 and isinstance(call["best"], dict)
        assert {"reused", "feasible", "failed", "seconds", "eta_seconds"} <= set(call)


def test_validation_progress_reaches_the_callback(bars):
    calls = []
    organism.evolve(bars, **RUN, callback=calls.append)
    messages = [c["message"] for c in calls if c["stage"] == "validation"]
    assert messages and all(isinstance(m, str) and m for m in messages)


def test_callback_exception_propagates(bars):
    class Stop(Exception):
        pass

    calls = []

    def callback(progress):
        calls.append(progress)
        raise Stop("enough")

    with pytest.raises(Stop, match="enough"):
        organism.evolve(bars, **RUN, callback=callback)
    assert len(calls) == 1


def test_store_keeps_the_run(cli, bars, tmp_path):
    db = tmp_path / "kept.db"
    front = organism.evolve(bars, **RUN, store=str(db))
    listed = cli.json("strategy", "list", "--json", db=db)
    run_id = front.attrs["run"]["run"]
    assert sorted(s["id"] for s in listed if s["run"] == run_id) == sorted(front["id"])


CHILD = textwrap.dedent("""
    import sys, numpy as np, organism
    rng = np.random.default_rng(3)
    def coin():
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 20000)))
        return {"time": np.arange(20000, dtype=np.int64) * 3_600_000 + 1_577_836_800_000, "close": close,
                "volume": 1 + rng.random(20000)}
    def progress(p):
        print(p["stage"], p.get("generation"), flush=True)
    organism.evolve({"A": coin(), "B": coin()}, population=200, generations=50, seed=1, threads=1,
                    callback=progress)
    print("finished", flush=True)
""")


@pytest.mark.slow
def test_ctrl_c_stops_within_seconds():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO)
    try:
        seen = []  # the engine's warnings may come first (see the report: they go to stdout)
        while not (seen and seen[-1].startswith("generation")):
            line = child.stdout.readline()
            assert line, "".join(seen)
            seen.append(line)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = child.communicate(timeout=30)
        elapsed = time.monotonic() - sent
    finally:
        child.kill()
    assert "finished" not in out
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err, err
    assert elapsed < 5, f"stopped {elapsed:.1f} s after SIGINT"
