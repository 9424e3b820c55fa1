"""Accuracy of MSTLForecaster against seasonal naive and single-season ETS on real multi-season series.

Protocol
--------
- Series (all real): ETTh1 ``OT`` and ETTh2 ``OT`` (hourly oil temperature, all 17420 rows),
  NOAA hourly ``WetBulbCelsius`` (``load_weather_hourly``, 35064 rows), each with seasons
  ``[24, 168]``; Seattle daily ``temp_max`` (1461 rows) with seasons ``[7, 365.25]``.
- Rolling origins: ``--origins`` (default 20) cutoffs ``step`` apart (hourly: 168 hours;
  daily: 14 days), the last test block ending at the series' end, run by
  :func:`tsforecast.model_selection.backtest` with a :class:`SlidingWindowSplitter`.
- Training window at each origin: a year of history (hourly: 8760 hours, so a weekly season
  is estimated from 52 weeks; daily: 1095 days, three yearly cycles). ``--window-hours 720``
  gives the older 30-day protocol of ``classical_speed.py``, where four weeks are too few for
  a weekly season.
- Horizon: hourly 168 steps, scored over the first 24 and all 168; daily 28 steps, scored
  over the first 7 and all 28 (the same forecasts, cut).
- MASE per origin: the forecast MAE divided by the in-sample MAE of the seasonal-naive
  forecast at the shortest season (24 or 7) on that origin's training window; the table
  shows the mean over origins.
- Models: ``MSTLForecaster(seasonal_period=seasons)`` (default settings), seasonal naive at
  the shorter and the longer season, and ETS(A,N,A) at the shorter season (single-season
  ETS; ETS fits no season longer than 24).

Usage::

    python benchmarks/mstl_accuracy.py                      # all series, about 7 minutes
    python benchmarks/mstl_accuracy.py --series etth1 --window-hours 720
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from tsforecast import ETSForecaster, MSTLForecaster, NaiveForecaster
from tsforecast.datasets import load_etth1, load_etth2, load_seattle_weather, load_weather_hourly
from tsforecast.model_selection import SlidingWindowSplitter, backtest

#: name -> (loader of the series, seasons, hourly?)
SERIES = {
    "etth1": (lambda: load_etth1()["OT"], [24, 168], True),
    "etth2": (lambda: load_etth2()["OT"], [24, 168], True),
    "wth": (lambda: load_weather_hourly()["WetBulbCelsius"], [24, 168], True),
    "seattle": (lambda: load_seattle_weather()["temp_max"], [7, 365.25], False),
}


def models(seasons: list[float]) -> dict:
    short, long = int(seasons[0]), int(round(seasons[1]))
    ets = ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=short)
    return {
        f"MSTL {seasons}": MSTLForecaster(seasonal_period=seasons),
        f"seasonal naive {short}": NaiveForecaster("seasonal", seasonal_period=short),
        f"seasonal naive {long}": NaiveForecaster("seasonal", seasonal_period=long),
        f"ETS(A,N,A) m={short}": ets,
    }


def evaluate(name: str, window: int, horizon: int, short_horizon: int, step: int, origins: int):
    """MASE over the first ``short_horizon`` and all ``horizon`` steps, per model."""
    load, seasons, _ = SERIES[name]
    y = load().astype(float)
    # exactly `origins` folds, the last test block ending at the series' end
    y = y.iloc[len(y) - (window + (origins - 1) * step + horizon) :]
    cv = SlidingWindowSplitter(window=window, horizon=horizon, step=step)
    m = int(seasons[0])
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")  # seasons left out and convergence notes count in the MASE
        result = backtest(models(seasons), None, y, cv=cv, scoring=["mae"])
    values = y.to_numpy()
    scales = []
    for train, _ in cv.split(values):
        block = values[train]
        scales.append(np.abs(block[m:] - block[:-m]).mean())
    pred = result.predictions.assign(
        step=lambda d: d.groupby(["model", "fold"]).cumcount() + 1,
        error=lambda d: (d["y_true"] - d["y_pred"]).abs(),
    )
    rows = {}
    for cut in (short_horizon, horizon):
        mae = pred[pred["step"] <= cut].groupby(["model", "fold"])["error"].mean().unstack("fold")
        rows[f"MASE h{cut}"] = (mae / np.array(scales)).mean(axis=1)
    table = pd.DataFrame(rows).loc[list(models(seasons))]
    table["fit s / origin"] = result.scores.groupby("model")["fit_seconds"].mean()
    return table, len(scales)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", nargs="+", default=list(SERIES), choices=list(SERIES))
    parser.add_argument("--origins", type=int, default=20)
    parser.add_argument("--window-hours", type=int, default=8760, help="hourly training window")
    parser.add_argument("--window-days", type=int, default=1095, help="daily training window")
    args = parser.parse_args(argv)
    for name in args.series:
        hourly = SERIES[name][2]
        window, horizon, short, step = (
            (args.window_hours, 168, 24, 168) if hourly else (args.window_days, 28, 7, 14)
        )
        start = time.perf_counter()
        table, n_folds = evaluate(name, window, horizon, short, step, args.origins)
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        print(
            f"\n{name}: {n_folds} origins {step} steps apart, sliding {window}-step training window, "
            f"horizon {horizon}; MASE scaled by the in-sample seasonal-naive ({SERIES[name][1][0]}) MAE\n"
        )
        print(f"| model | MASE h{short} | MASE h{horizon} | fit s / origin |")
        print("|---|---:|---:|---:|")
        for model, row in table.iterrows():
            print(f"| {model} | {row.iloc[0]:.3f} | {row.iloc[1]:.3f} | {row.iloc[2]:.2f} |")


if __name__ == "__main__":
    main()
