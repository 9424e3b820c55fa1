"""Calibration of prediction intervals on real data: native intervals and ConformalForecaster.

Protocol:

- data (all shipped with tsforecast, see ``tsforecast.datasets``):
  - ETTh1 ``OT``: hourly oil temperature, the first 2024 hours; horizon 24;
    ``ExpandingWindowSplitter(initial_window=1200, horizon=24, step=4)``: 201 test windows;
  - S&P 500: daily log returns of the adjusted close in percent, 2000-2020 (5104 days); horizon 5;
    ``initial_window=1000, step=10``: 410 test windows (2004-2020: calm years, 2008, 2020);
  - Seattle daily maximum temperature (2012-2015, 1461 days); horizon 7;
    ``initial_window=730, step=3``: 242 test windows;
- every model is fitted once on the first training block and moved forward with ``update``
  (``backtest(..., refit=False, coverage=[0.8, 0.95])``), as a deployed forecaster would be:
  no refit, so a band calibrated at the start must hold for years of later data;
- "native": the model's own intervals where it has them at run time (naive residual formulas,
  statsmodels' ETS/ARIMA/Theta; a model without its own is listed in the output as skipped);
- "conformal": ``ConformalForecaster(model, horizon, method=...)`` with its defaults for the
  calibration (``n_windows=100`` origins, ``step=None``: spread by
  :func:`tsforecast.conformal.auto_step` over the last half of the first training block, ETTh1
  every 5 hours, S&P every 4 days, weather every 3 days; ``refit=False``) around ETS
  (``ETS(A,N,N)``: simple exponential smoothing, chosen for speed: the seasonal ETS re-filters
  its history at ~0.7 s an update) and around an LSTM (lookback 2x horizon, at least 48;
  hidden 32, 10 epochs, seed 0). ``--conformal-step test`` reproduces the earlier protocol
  (origins spaced like the test windows, ``n_windows`` ETTh1 200, S&P 250, weather 200:
  ``benchmarks/results/calibration.log``); ``--conformal-step 1`` the first published run
  (consecutive origins, ``benchmarks/results/calibration_conformal_step1.log``);
- scores over all test windows (``BacktestResult.summary()``): empirical coverage of the 80%
  and 95% intervals, mean width, interval (Winkler) score, MAE; seconds of wall time
  (fit, calibration, updates and forecasts);
- the S&P table also gives the 80% coverage per year of the cutoff, where the split mode drifts.

Run: ``python benchmarks/calibration.py [--datasets etth1,sp500,weather] [--models ...]
[--threads 1]``; ``--quick`` shrinks everything for a smoke test (figures then mean nothing).
Prints markdown tables.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsforecast import ConformalForecaster, ETSForecaster, NaiveForecaster, ThetaForecaster
from tsforecast.datasets import load_etth1, load_seattle_weather, load_sp500
from tsforecast.model_selection import ExpandingWindowSplitter, backtest

COVERAGES = (0.8, 0.95)


@dataclass
class DataSet:
    """One series and its rolling-origin protocol."""

    name: str
    y: np.ndarray
    horizon: int
    initial: int
    step: int
    n_windows: int  # conformal calibration origins of the earlier protocol (--conformal-step test)
    season: int
    cutoff_labels: pd.Index  # label of every row, to group coverage by period


def _datasets(quick: bool) -> dict[str, Callable[[], DataSet]]:
    def etth1():
        ot = load_etth1()["OT"].iloc[: 600 if quick else 2024]
        initial = 400 if quick else 1200
        return DataSet("ETTh1 OT (hourly)", ot.to_numpy(), 24, initial, 4, 40 if quick else 200, 24, ot.index)

    def sp500():
        close = load_sp500()["adjclose"]
        returns = 100 * np.log(close).diff().iloc[1:]
        returns = returns.iloc[:1500] if quick else returns
        initial = 1000
        return DataSet(
            "S&P 500 daily log returns (%)",
            returns.to_numpy(),
            5,
            initial,
            10,
            60 if quick else 250,
            1,
            returns.index,
        )

    def weather():
        temp = load_seattle_weather()["temp_max"]
        temp = temp.iloc[:900] if quick else temp
        return DataSet(
            "Seattle daily max temperature", temp.to_numpy(), 7, 730, 3, 60 if quick else 200, 1, temp.index
        )

    return {"etth1": etth1, "sp500": sp500, "weather": weather}


def _lstm(horizon: int, quick: bool):
    from tsforecast import LSTMForecaster

    return LSTMForecaster(
        lookback=max(2 * horizon, 48),
        horizon=horizon,
        hidden_size=32,
        max_epochs=2 if quick else 10,
        random_state=0,
    )


def _models(data: DataSet, quick: bool, conformal_step: str | None) -> dict[str, Callable[[], object]]:
    """Name -> builder; native entries only for models that have intervals of their own."""
    h = data.horizon
    naive = NaiveForecaster("seasonal", seasonal_period=data.season) if data.season > 1 else NaiveForecaster()
    ses = ETSForecaster(error="add", trend=None, seasonal=None)
    if conformal_step == "test":
        calibration = {"n_windows": data.n_windows, "step": data.step}
    elif conformal_step is not None:
        calibration = {"step": int(conformal_step)}
    else:
        calibration = {"n_windows": 40} if quick else {}  # the defaults

    def conformal(build, method):
        return lambda: ConformalForecaster(build(), horizon=h, method=method, **calibration)

    from tsforecast import ARIMAForecaster

    return {
        f"native {'seasonal naive' if data.season > 1 else 'naive'}": lambda: naive,
        "native ETS(A,N,N)": lambda: ses,
        "native ARIMA(2,0,1)": lambda: ARIMAForecaster(order=(2, 0, 1)),
        "native Theta": lambda: ThetaForecaster(seasonal_period=data.season),
        "native LSTM": lambda: _lstm(h, quick),
        "conformal ETS split": conformal(lambda: ses, "split"),
        "conformal ETS adaptive": conformal(lambda: ses, "adaptive"),
        "conformal LSTM split": conformal(lambda: _lstm(h, quick), "split"),
        "conformal LSTM adaptive": conformal(lambda: _lstm(h, quick), "adaptive"),
    }


def calibration_plan(data: DataSet, model: ConformalForecaster) -> tuple[int, int]:
    """``(origins, step)`` of the conformal model's calibration on the first training block."""
    horizon, step, first = model._calibration_plan(data.initial)
    return len(range(first, data.initial - horizon + 1, step)), step


def _run(data: DataSet, name: str, model) -> tuple[dict, pd.DataFrame]:
    cv = ExpandingWindowSplitter(initial_window=data.initial, horizon=data.horizon, step=data.step)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = backtest({name: model}, None, data.y, cv=cv, refit=False, scoring="mae", coverage=COVERAGES)
    seconds = time.perf_counter() - start
    row = result.summary().iloc[0]
    out = {"model": name, "windows": int(row["n_folds"]), "MAE": row["mae"]}
    for c in ("80", "95"):
        out[f"cover {c}%"] = 100 * row[f"coverage_{c}"]
        out[f"width {c}%"] = row[f"width_{c}"]
        out[f"IS {c}%"] = row[f"interval_score_{c}"]
    out["seconds"] = seconds
    return out, result.scores


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="etth1,sp500,weather")
    parser.add_argument("--models", default=None, help="comma-separated substrings of model names")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--conformal-step",
        default=None,
        help="steps between calibration origins: an int, or 'test' (the test step and the earlier "
        "n_windows); default: ConformalForecaster's own (step=None, n_windows=100)",
    )
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    tables = {}
    for key in args.datasets.split(","):
        data = _datasets(args.quick)[key]()
        rows, skipped, by_year = [], [], {}
        for name, build in _models(data, args.quick, args.conformal_step).items():
            if args.models and not any(part in name for part in args.models.split(",")):
                continue
            model = build()
            if not model._provides_intervals():
                skipped.append(name)
                continue
            row, scores = _run(data, name, model)
            if name.startswith("conformal"):
                row["calibration windows"], row["calibration step"] = calibration_plan(data, model)
            rows.append(row)
            print(
                f"  {data.name}: {name}: {row['cover 80%']:.1f}% / {row['cover 95%']:.1f}% covered "
                f"({row['seconds']:.0f} s)",
                flush=True,
            )
            if key == "sp500" and name.startswith("conformal"):
                years = pd.DatetimeIndex(data.cutoff_labels[scores["cutoff"].to_numpy()]).year
                by_year[name] = (100 * scores.groupby(years)["coverage_80"].mean()).round(1)
        table = pd.DataFrame(rows).set_index("model")
        tables[key] = table
        print(f"\n### {data.name}: horizon {data.horizon}, {table['windows'].max()} test windows\n")
        print(table.to_markdown(floatfmt=".3f"))
        if skipped:
            print(f"\nno intervals of their own at run time (skipped): {', '.join(skipped)}")
        conformal = table[table.index.str.startswith("conformal")]
        for nominal in (80, 95):
            off = (conformal[f"cover {nominal}%"] - nominal).abs()
            print(f"conformal rows within 5 points of {nominal}%: {int((off <= 5).sum())}/{len(off)}")
        if by_year:
            print("\n80% coverage per year of the cutoff (conformal):\n")
            print(pd.DataFrame(by_year).to_markdown())
        print(flush=True)
    return tables


if __name__ == "__main__":
    main()
