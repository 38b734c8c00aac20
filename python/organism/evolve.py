"""organism.evolve: the run `organism evolve` makes, on DataFrames, with its front as a DataFrame."""

import json
import math
import sys

import pandas as pd

from . import _frames
from . import _organism


def evolve(data_by_coin, *, interval=None, funding=None, population=200, generations=50, seed=1, islands=1,
           threads=0, objectives=None, families=None, fees=None, slippage=None, fill=None, validate=True, store=None,
           callback=None, progress=None, config=None):
    """Evolves strategies on `data_by_coin` ({coin: DataFrame or dict of arrays}, one interval)
    exactly as `organism evolve` does on a store holding those bars: in-sample 60% of each coin,
    an embargo, NSGA-II, then (validate=True) the out-of-sample and walk-forward validation.

    Returns the front, one row per distinct member: id, family, generation, rule, genome
    (canonical JSON), objectives, violation, then <stage>.<metric> for in_sample, out_of_sample
    and walk_forward, then validation.<field>. `.attrs["run"]` holds the rest of the run.

    callback(progress) is called in this thread after every generation ({"stage": "generation",
    "generation", "generations", "best", "front_size", "evaluated", "seconds", "eta_seconds",
    ...}) and for validation lines ({"stage": "validation", "message"}); an exception it raises
    ends the run. Without a callback, progress=True (the default then) prints the CLI's
    generation lines on stderr. Ctrl-C stops the run at its next backtest and raises
    KeyboardInterrupt. `store`: a SQLite path to keep the run in (default: a temporary store; a
    given store gains the bars and funding as venue "python"). `funding`: {coin: rates} (a
    DataFrame with time and rate, or a Series indexed by time) that the run pays, as the CLI pays
    stored funding; without it, a warning says the coin pays none.
    `config`: any config key, e.g. {"evolve.min_trades": 5}."""
    if not isinstance(data_by_coin, dict):
        raise ValueError(f"data_by_coin must be a dict {{coin: DataFrame}}, not {type(data_by_coin).__name__}")
    bars = {str(coin): _frames.bars(data) for coin, data in data_by_coin.items()}
    rates = {str(coin): _frames.series_columns(r, ("rate",)) for coin, r in (funding or {}).items()}
    items = _frames.config_items(config, {
        "evolve.population": ("population", population), "evolve.generations": ("generations", generations),
        "evolve.seed": ("seed", seed), "evolve.islands": ("islands", islands), "evolve.threads": ("threads", threads),
        "evolve.objectives": ("objectives", objectives), "evolve.families": ("families", families),
        "backtest.taker_fee": ("fees", fees), "backtest.slippage": ("slippage", slippage),
        "backtest.fill": ("fill", fill), "validate.on_evolve": ("validate", validate)})
    if callback is None and (progress is None or progress):
        callback = _print_progress
    run = json.loads(_organism.evolve(bars, interval, rates, items, str(store) if store else "", callback))
    return front_frame(run)


def front_frame(run):
    """The front of a run's JSON (`organism evolve --json-out`) as a DataFrame."""
    rows = []
    for member in run.get("front", []):
        row = {
            "id": member["id"], "family": member["family"], "generation": member["generation"],
            "rule": member["rule"],
            "genome": _organism.strategy_parse(json.dumps(member["genome"]))["json"],
            "objectives": member["fitness"]["objectives"], "violation": member["fitness"]["violation"],
        }
        for stage, metrics in member["metrics"].items():
            for name, value in metrics.items():
                row[f"{stage}.{name}"] = value
        _flatten(member.get("validation"), "validation", row)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["run"] = {k: v for k, v in run.items() if k != "front"}
    return frame


def _flatten(value, prefix, row):
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}", row)
    elif value is not None:
        row[prefix] = value


def _print_progress(p):
    if p["stage"] == "validation":
        print(p["message"], file=sys.stderr, flush=True)
        return
    best = " ".join(f"{k} {v:.3g}" if math.isfinite(v) else f"{k} -" for k, v in p["best"].items())
    print(f"gen {p['generation']}/{p['generations']}  best {best}  front {p['front_size']}  "
          f"feasible {p['feasible']}  evaluated {p['evaluated']} (reused {p['reused']})  "
          f"left {p['eta_seconds']:.0f}s", file=sys.stderr, flush=True)
