"""organism from Python in one page: indicators, a backtest of a genome and of entry/exit
signals, a small evolution, and the equity curve as a PNG (with matplotlib, if installed).

    PYTHONPATH=build/python /usr/bin/python3 examples/quickstart.py [equity.png]

Reads the Binance BTC and ETH 1h bars of ../shared/data (or $ORGANISM_SHARED). docs/python.md
walks through it with its output."""
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import organism

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ORGANISM_SHARED", REPO.parent / "shared"))


def load(coin):
    path = SHARED / "data" / "ohlcv" / "binance" / f"{coin}-1h.csv.gz"
    if not path.is_file():
        sys.exit(f"quickstart: {path} is missing (set ORGANISM_SHARED to the shared data folder)")
    return pd.read_csv(path)


def main(png):
    btc = load("BTC")
    print(f"BTC 1h: {len(btc):,} bars")

    # 1. Indicators: the CLI's column names, NaN during the warm-up.
    ind = organism.indicators.compute(btc, ["ema_21", "rsi_14", "macd:12:26:9", "atr_14"])
    print(ind.dropna().tail(3).round(2).to_string(), end="\n\n")

    # 2. A genome: the sma_trend family's defaults, backtested with the default costs.
    strategy = organism.Strategy.default("sma_trend")
    print(strategy.describe())
    result = organism.backtest(btc, strategy=strategy)
    show(f"{strategy.id} on BTC 1h", result)

    # 3. Entries and exits as vectorbt users have them: SMA(20) crossing SMA(100).
    fast, slow = btc["close"].rolling(20).mean(), btc["close"].rolling(100).mean()
    above = (fast > slow).to_numpy()
    before = np.concatenate([[False], above[:-1]])
    crossover = organism.backtest(btc, entries=above & ~before, exits=~above & before, fill="close")
    show("SMA(20)/SMA(100) crossover, close fills", crossover)
    print(crossover.trades.tail(3).to_string(), end="\n\n")

    # 4. A small evolution on BTC and ETH (the first 8,000 bars), then its front.
    data = {"BTC": btc.iloc[:8000], "ETH": load("ETH").iloc[:8000]}
    started = time.perf_counter()
    front = organism.evolve(data, population=16, generations=2, seed=7, callback=progress)
    print(f"evolved in {time.perf_counter() - started:.1f} s: {len(front)} distinct front members")
    columns = ["id", "in_sample.sharpe", "out_of_sample.sharpe", "out_of_sample.max_drawdown", "validation.dsr"]
    print(front[columns].round(3).to_string(index=False), end="\n\n")

    plot(result.equity, crossover.equity, png)


def show(title, result):
    m = result.metrics
    print(f"{title}: final equity {m['final_equity']:,.2f}, Sharpe {m['sharpe']:.2f}, "
          f"max drawdown {m['max_drawdown']:.1%}, {m['trades']} trades, fees {m['fees_paid']:,.2f} "
          f"({result.engine_seconds * 1000:.1f} ms in C++)\n")


def progress(p):
    if p["stage"] == "generation":
        print(f"  generation {p['generation']}/{p['generations']}: {p['evaluated']} evaluated, "
              f"front {p['front_size']}")


def plot(genome_equity, crossover_equity, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: the equity plot is skipped")
        return
    fig, ax = plt.subplots(figsize=(10, 4))
    genome_equity.plot(ax=ax, label="sma_trend (defaults)", logy=True)
    crossover_equity.plot(ax=ax, label="SMA(20)/SMA(100) crossover", logy=True)
    ax.set_ylabel("equity")
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print(f"equity plot written to {png}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "quickstart-equity.png")
