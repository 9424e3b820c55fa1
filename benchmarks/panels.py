"""Accuracy on real panels: global neural models against per-series classical ones.

For every panel, a panel ``backtest`` (one cutoff for every series per fold, the last
``--folds`` blocks of ``horizon`` stamps) scores:

- global ``LSTMForecaster``, ``GRUForecaster``, ``TransformerForecaster``, ``TCNForecaster``,
  one network over all series, out of the box: only ``horizon`` and ``seasonal_period`` set
  (``random_state=0``);
- per-series ``ETSForecaster`` (automatic by AICc), ``ThetaForecaster`` and seasonal naive,
  one model per series (``seasonal_period`` set);

with MASE (scaled per series by its seasonal-naive in-sample error) and sMAPE averaged over
the series of each fold, as the M4 competition does, then over the folds.

Panels (real data; the series are cut to different lengths and starts so that the panel is
ragged, as real panels are):

- ``etth1``, ``etth2``: the 7 ETT columns (hourly), column j keeps its last 1,500 + 250 j
  hours; horizon 24, season 24;
- ``ili``: the 7 ILINet columns (weekly), column j drops its first 40 j weeks; horizon 12,
  season 52;
- ``exchange``: the 8 exchange rates (daily, /work/shared/data/exchange_rate.csv or the
  download loader), column j keeps its last 1,000 + 100 j days; horizon 30, season 1 (a
  random walk: MASE against the naive forecast);
- ``stocks``: the 5 monthly stock prices in long format (GOOG starts in 2004); horizon 6,
  season 12.

With ``--step S`` the cutoffs are ``S`` stamps apart (the last test block still ends with the
panel), so that the folds sample more than the last few weeks; ``--no-refit`` fits every model
once, at the first cutoff, and updates it through the later ones.

Run: ``python benchmarks/panels.py [--quick] [--panels etth1,ili] [--folds 3] [--step S]``. ``--quick``
trains the neural models for at most 3 epochs (not their defaults): a smoke run for this
2-core machine, whose figures say nothing about the defaults. Prints a table per panel and
logs to ``benchmarks/results/panels[_quick].log``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd
import torch
from sklearn.model_selection import TimeSeriesSplit

from tsforecast import (
    ETSForecaster,
    GRUForecaster,
    LSTMForecaster,
    NaiveForecaster,
    TCNForecaster,
    ThetaForecaster,
    TransformerForecaster,
)
from tsforecast.datasets import load_etth1, load_etth2, load_exchange_rate, load_ili, load_stocks_monthly
from tsforecast.model_selection import ExpandingWindowSplitter, backtest

RESULTS = Path(__file__).resolve().parent / "results"
SHARED = Path("/work/shared/data")


def _ragged(frame: pd.DataFrame, keep) -> pd.Series:
    """Columns of a wide frame as a panel; column j keeps ``keep(j, column)`` (a slice of rows)."""
    pieces = {column: frame[column].iloc[keep(j, column)] for j, column in enumerate(frame.columns)}
    return pd.concat(pieces, names=["series", "time"]).rename("y")


def _exchange() -> pd.DataFrame:
    """The eight daily exchange rates: ``shared/data`` beside the checkout, else the download loader."""
    for folder in (Path(__file__).resolve().parents[2] / "shared" / "data", SHARED):
        if (folder / "exchange_rate.csv").exists():
            frame = pd.read_csv(folder / "exchange_rate.csv", parse_dates=["date"], index_col="date")
            return frame.asfreq("D")
    return load_exchange_rate().asfreq("D")


def _stocks() -> pd.Series:
    """The shipped monthly stock prices in long format, (symbol, date); GOOG starts in 2004."""
    wide = load_stocks_monthly()
    return wide.stack().dropna().rename("y").rename_axis(["date", "symbol"]).swaplevel().sort_index()


#: name -> (panel builder, horizon, seasonal period)
PANELS = {
    "etth1": (lambda: _ragged(load_etth1(), lambda j, c: slice(-(1500 + 250 * j), None)), 24, 24),
    "etth2": (lambda: _ragged(load_etth2(), lambda j, c: slice(-(1500 + 250 * j), None)), 24, 24),
    "ili": (lambda: _ragged(load_ili(), lambda j, c: slice(40 * j, None)), 12, 52),
    "exchange": (lambda: _ragged(_exchange(), lambda j, c: slice(-(1000 + 100 * j), None)), 30, 1),
    "stocks": (_stocks, 6, 12),
}


def models(horizon: int, period: int, quick: bool) -> dict:
    neural = {} if not quick else {"max_epochs": 3}
    shared = {"horizon": horizon, "seasonal_period": period, "random_state": 0, **neural}
    out = {
        "LSTM (global)": LSTMForecaster(**shared),
        "GRU (global)": GRUForecaster(**shared),
        "Transformer (global)": TransformerForecaster(**shared),
        "TCN (global)": TCNForecaster(**shared),
        "ETS (per series)": ETSForecaster(seasonal_period=period),
        "Theta (per series)": ThetaForecaster(seasonal_period=period),
        "seasonal naive": NaiveForecaster(strategy="seasonal", seasonal_period=period),
    }
    return out


def run_panel(name: str, folds: int, quick: bool, refit: bool = True, step: int | None = None) -> str:
    build, horizon, period = PANELS[name]
    y = build()
    lengths = y.groupby(level=0).size()
    if step is None:  # the last ``folds`` blocks of ``horizon`` stamps
        cv = TimeSeriesSplit(n_splits=folds, test_size=horizon)
    else:  # cutoffs ``step`` stamps apart, the last test block ending with the panel
        n_stamps = y.index.get_level_values(1).unique().size
        cv = ExpandingWindowSplitter(n_stamps - horizon - (folds - 1) * step, horizon, step=step)
    rows = []
    for label, model in models(horizon, period, quick).items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter of the classical fits
            result = backtest(
                model, None, y, cv=cv, refit=refit, seasonal_period=period, scoring=["mase", "smape"]
            )
        summary = result.summary().iloc[0]
        rows.append(
            {
                "model": label,
                "MASE": summary["mase"],
                "sMAPE": summary["smape"],
                "seconds": time.perf_counter() - start,
            }
        )
        print(f"  {name}: {label} MASE {summary['mase']:.3f}", flush=True)
    table = pd.DataFrame(rows)
    naive = table.loc[table["model"] == "seasonal naive", "MASE"].iloc[0]
    table["MASE / seasonal naive"] = table["MASE"] / naive
    header = (
        f"\n## {name}: {len(lengths)} series of {lengths.min()}-{lengths.max()} points, horizon {horizon}, "
        f"season {period}, {folds} cutoffs {step or horizon} stamps apart, "
        f"{'refit at each' if refit else 'fitted at the first, updated'}\n"
    )
    return header + table.sort_values("MASE").to_markdown(index=False, floatfmt=".3f")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--panels", default=",".join(PANELS), help=f"comma-separated, from {','.join(PANELS)}"
    )
    parser.add_argument("--folds", type=int, default=3, help="cutoffs per panel (default 3)")
    parser.add_argument(
        "--step", type=int, default=None, help="stamps between cutoffs (default: horizon, contiguous tests)"
    )
    parser.add_argument("--quick", action="store_true", help="neural models train at most 3 epochs")
    parser.add_argument(
        "--no-refit",
        action="store_true",
        help="fit every model once, at the first cutoff, then update it (a third of the time at 3 cutoffs)",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument(
        "--log", type=Path, default=None, help="log file (default results/panels[_quick].log)"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    title = f"# benchmarks/panels.py{' --quick (3 epochs: not the defaults)' if args.quick else ''}"
    refit = not args.no_refit
    panels = (run_panel(name, args.folds, args.quick, refit, args.step) for name in args.panels.split(","))
    text = "\n".join([title, *panels])
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (args.log or RESULTS / f"panels{'_quick' if args.quick else ''}.log").write_text(text + "\n")


if __name__ == "__main__":
    main()
