"""Out-of-the-box accuracy: every forecaster with its defaults, fitted one series at a time.

Protocol (the M4 competition's, as issue 19 states it): per series, the model gets only
``horizon`` (neural models), ``seasonal_period`` and ``random_state``; it is fitted on the series
without its last ``horizon`` points and forecasts them. Scores per series: MASE (scaled by the
in-sample seasonal-naive MAE with the set's period, as M4 does), sMAPE (percent), and per set the
OWA against Naive2 (M4's seasonally adjusted naive: a classical multiplicative decomposition when
the 90% autocorrelation test finds a season, else the random walk):
``OWA = (mean sMAPE / mean sMAPE of Naive2 + mean MASE / mean MASE of Naive2) / 2``. Seconds per fit
(fit + predict) on the machine the run used, one torch thread.

Sets (``--sets``):

- ``m4_hourly`` / ``m4_weekly``: series sampled (fixed ``--seed``) from the M4 competition's
  Hourly (700-960 points, horizon 48, season 24) and Weekly (80-2,600 points, horizon 13, no
  season) training files, scored on the official test files. Read from ``--data-dir``
  (``Hourly-train.csv``, ``Hourly-test.csv``, ``Weekly-train.csv``, ``Weekly-test.csv`` from the
  GitHub repository Mcompetitions/M4-methods, ``Dataset/Train`` and ``Dataset/Test``); not shipped.
- ``ett_hourly``: shipped hourly series (ETTh1 and ETTh2 columns, WTH temperature, humidity and
  pressure), the last ``--hourly-length`` points of each, horizon 48, season 24.
- ``daily``: shipped daily series (Seattle temperatures and wind, the S&P 500 close, the eight
  exchange rates from ``--data-dir`` or ``shared/data``), the last 1,000 points, horizon 14, no season.
- ``ili_weekly``: the seven ILI columns (966 weeks), horizon 13, season 52.
- ``monthly``: the five monthly stock prices, horizon 12, season 12.

Besides the scores, every neural fit records the diagnostics that explain its defaults
(``--csv`` keeps them per series): the look-back chosen, the training and validation windows early
stopping had, ``best_epoch_`` (0: training never beat the initial network, whose forecast is the
window mean under ``normalization="instance"``) and the epochs run.

Run (from the repository root; quick first, then the full run)::

    PYTHONPATH=. nice python benchmarks/defaults.py --sets m4_weekly --n-series 4 --models LSTM,Naive
    PYTHONPATH=. nice python benchmarks/defaults.py --data-dir ../defaults-data --n-series 24 \\
        --csv benchmarks/results/defaults.csv | tee benchmarks/results/defaults.log
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tsforecast
from tsforecast import datasets
from tsforecast.metrics import mean_absolute_scaled_error, symmetric_mean_absolute_percentage_error
from tsforecast.models.neural import NeuralForecaster

NEURAL = ("LSTM", "GRU", "RNN", "Seq2Seq", "Transformer", "TCN")
CLASSICAL = ("Naive", "SeasonalNaive", "Naive2", "ETS", "ARIMA", "Theta")


@dataclass
class SeriesSet:
    """Series of one frequency, with the horizon and season every model gets."""

    name: str
    horizon: int
    seasonal_period: int
    series: list[tuple[str, np.ndarray, np.ndarray]]  # (id, train, test)


# -- data -------------------------------------------------------------------------------------------


def _m4(data_dir: Path, frequency: str, horizon: int, n_series: int, seed: int) -> list:
    train_file, test_file = data_dir / f"{frequency}-train.csv", data_dir / f"{frequency}-test.csv"
    if not train_file.exists() or not test_file.exists():
        raise FileNotFoundError(
            f"{train_file} or {test_file} is missing: copy them from the GitHub repository "
            "Mcompetitions/M4-methods (Dataset/Train, Dataset/Test) and pass their folder as --data-dir."
        )
    train = pd.read_csv(train_file, index_col=0)
    test = pd.read_csv(test_file, index_col=0)
    chosen = np.sort(
        np.random.default_rng(seed).choice(len(train), size=min(n_series, len(train)), replace=False)
    )
    out = []
    for row in chosen:
        y = train.iloc[row].dropna().to_numpy(dtype=np.float64)
        y_test = test.loc[train.index[row]].dropna().to_numpy(dtype=np.float64)[:horizon]
        out.append((train.index[row], y, y_test))
    return out


def _tail_split(named: dict[str, np.ndarray], horizon: int, length: int | None) -> list:
    out = []
    for name, values in named.items():
        values = np.asarray(values, dtype=np.float64)
        values = values[~np.isnan(values)]
        if length is not None:
            values = values[-(length + horizon) :]
        out.append((name, values[:-horizon], values[-horizon:]))
    return out


def _exchange(data_dir: Path | None) -> pd.DataFrame:
    candidates = [
        d / "exchange_rate.csv" for d in (data_dir, Path("../shared/data"), Path("/work/shared/data")) if d
    ]
    for path in candidates:
        if path.exists():
            return pd.read_csv(path, index_col=0)
    return datasets.load_exchange_rate()


def load_set(name: str, data_dir: Path | None, n_series: int, seed: int, hourly_length: int) -> SeriesSet:
    """The series of one benchmark set (at most ``n_series``, sampled with ``seed`` where sampled)."""
    if name == "m4_hourly":
        return SeriesSet(name, 48, 24, _m4(Path(data_dir or "."), "Hourly", 48, n_series, seed))
    if name == "m4_weekly":
        return SeriesSet(name, 13, 1, _m4(Path(data_dir or "."), "Weekly", 13, n_series, seed))
    if name == "ett_hourly":
        named = {f"ETTh1 {c}": v for c, v in datasets.load_etth1().items()}
        named |= {f"ETTh2 {c}": v for c, v in datasets.load_etth2().items()}
        wth = datasets.load_weather_hourly()
        named |= {f"WTH {c}": wth[c] for c in ("DryBulbCelsius", "RelativeHumidity", "StationPressure")}
        picked = dict(sorted(named.items())[:: max(1, len(named) // n_series)][:n_series])
        return SeriesSet(name, 48, 24, _tail_split(picked, 48, hourly_length))
    if name == "daily":
        seattle = datasets.load_seattle_weather()
        named = {f"seattle {c}": seattle[c] for c in ("temp_max", "temp_min", "wind")}
        named["sp500 close"] = datasets.load_sp500()["close"]
        named |= {f"exchange {c}": v for c, v in _exchange(data_dir).items()}
        return SeriesSet(name, 14, 1, _tail_split(dict(list(named.items())[:n_series]), 14, 1000))
    if name == "ili_weekly":
        named = dict(datasets.load_ili().items())
        return SeriesSet(name, 13, 52, _tail_split(dict(list(named.items())[:n_series]), 13, None))
    if name == "monthly":
        named = dict(datasets.load_stocks_monthly().items())
        return SeriesSet(name, 12, 12, _tail_split(dict(list(named.items())[:n_series]), 12, None))
    raise ValueError(f"unknown set {name!r}: choose among {SETS}")


SETS = ("m4_hourly", "m4_weekly", "ett_hourly", "daily", "ili_weekly", "monthly")


# -- Naive2 (M4's benchmark) ------------------------------------------------------------------------


def _seasonality_test(y: np.ndarray, m: int) -> bool:
    """M4's test: the lag-m autocorrelation exceeds 1.645 standard errors (90%, one-sided)."""
    if m <= 1 or len(y) < 3 * m:
        return False
    centred = y - y.mean()
    acf = np.array([np.dot(centred[: len(y) - k], centred[k:]) for k in range(m + 1)]) / np.dot(
        centred, centred
    )
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[1:m] ** 2)) / len(y))
    return abs(acf[m]) > limit


def naive2(y: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """The random walk on the seasonally adjusted series, re-seasonalised (M4's Naive2)."""
    if not _seasonality_test(y, m) or (y <= 0).any():
        return np.repeat(y[-1], horizon)
    from statsmodels.tsa.seasonal import seasonal_decompose

    indices = seasonal_decompose(y, period=m, model="multiplicative", two_sided=True).seasonal[:m]
    position = np.arange(len(y), len(y) + horizon) % m
    adjusted_last = y[-1] / indices[(len(y) - 1) % m]
    return adjusted_last * indices[position]


# -- models -----------------------------------------------------------------------------------------


def parse_model(spec: str) -> tuple[str, dict]:
    """``"LSTM"`` -> ("LSTM", {}); ``"LSTM(normalization=instance;shrinkage=0)"`` -> its parameters.

    Parameters set this way let a run compare a family's defaults with explicit settings (e.g.
    the defaults before ``normalization="auto"``) on the same series.
    """
    name, _, rest = spec.partition("(")
    params = {}
    for item in filter(None, rest.rstrip(")").split(";")):
        key, _, value = item.partition("=")
        try:
            params[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            params[key.strip()] = value.strip()
    return name, params


def make_model(spec: str, horizon: int, m: int, seed: int):
    """The forecaster ``spec`` names, with its defaults and only horizon, season and seed set."""
    season = m if m > 1 else None
    name, params = parse_model(spec)
    if name in NEURAL:
        cls = getattr(tsforecast, f"{name}Forecaster")
        return cls(horizon=horizon, seasonal_period=season, random_state=seed, device="cpu", **params)
    if name == "Naive":
        return tsforecast.NaiveForecaster(strategy="last")
    if name == "SeasonalNaive":
        return tsforecast.NaiveForecaster(strategy="seasonal", seasonal_period=m)
    if name == "ETS":
        return tsforecast.ETSForecaster(seasonal_period=m)
    if name == "ARIMA":
        return tsforecast.ARIMAForecaster(seasonal_period=m)
    if name == "Theta":
        return tsforecast.ThetaForecaster(seasonal_period=m)
    raise ValueError(f"unknown model {name!r}")


def diagnostics(model) -> dict:
    """What explains a neural default's forecast: look-back, windows, epochs, best epoch."""
    if not isinstance(model, NeuralForecaster):
        return {}
    n = model.n_train_
    val = model._validation_steps(n)
    horizon, lookback = int(model.horizon), model.lookback_
    out = {
        "n": n,
        "lookback": lookback,
        "train_windows": max(0, n - val - lookback - horizon + 1),
        "val_windows": max(0, val - horizon + 1) if val else 0,
        "epochs": len(model.history_),
        "best_epoch": model.best_epoch_,
    }
    # Whatever the adaptive defaults chose (attributes ending in "_" that they document), if any.
    for attr in ("normalization_", "shrinkage_"):
        if hasattr(model, attr):
            out[attr.rstrip("_")] = getattr(model, attr)
    return out


def run_one(name: str, series_set: SeriesSet, y: np.ndarray, horizon: int, seed: int):
    """Forecast of ``name`` for one series, seconds taken, diagnostics."""
    m = series_set.seasonal_period
    started = time.perf_counter()
    if name == "Naive2":
        return naive2(y, horizon, m), time.perf_counter() - started, {}
    model = make_model(name, horizon, m, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(None, y)
        pred = model.predict(np.empty((horizon, 0)))
    seconds = time.perf_counter() - started
    return (
        np.asarray(pred, dtype=np.float64).ravel(),
        seconds,
        {**diagnostics(model), **shrunk(model, horizon)},
    )


#: Shrinkages re-scored on every neural fit, by re-decoding the same trained network (no training):
#: 0 is the network alone, 1 its baseline (the naive forecast ``normalization_`` stands for).
SHRINKAGES = {"s0": 0.0, "s0.5": 0.5, "s1": 1.0}


def shrunk(model, horizon: int) -> dict:
    """Forecasts of the same fitted network at the shrinkages of ``SHRINKAGES`` (raw arrays)."""
    normalizer = getattr(model, "_normalizer", None)
    if normalizer is None or not hasattr(normalizer, "shrinkage") or model.normalization_ is None:
        return {}
    fitted, out = normalizer.shrinkage, {}
    try:
        for key, value in SHRINKAGES.items():
            normalizer.shrinkage = value
            out[key] = np.asarray(model.predict(np.empty((horizon, 0))), dtype=np.float64).ravel()
    finally:
        normalizer.shrinkage = fitted
    return out


def run_set(series_set: SeriesSet, models: list[str], seed: int, log: Callable[[str], None]) -> pd.DataFrame:
    rows = []
    h, m = series_set.horizon, series_set.seasonal_period
    for sid, y, y_test in series_set.series:
        for name in models:
            pred, seconds, diag = run_one(name, series_set, y, h, seed)
            scale_m = m if len(y) > m else 1
            mase = mean_absolute_scaled_error(y_test, pred, y_train=y, seasonal_period=scale_m)
            for key in SHRINKAGES:  # the MASE the same network would score at other shrinkages
                if key in diag:
                    diag[f"mase_{key}"] = round(
                        mean_absolute_scaled_error(y_test, diag.pop(key), y_train=y, seasonal_period=scale_m),
                        4,
                    )
            smape = symmetric_mean_absolute_percentage_error(y_test, pred)
            rows.append(
                {
                    "set": series_set.name,
                    "series": sid,
                    "model": name,
                    "mase": mase,
                    "smape": smape,
                    "seconds": seconds,
                    **diag,
                }
            )
            log(
                f"  {series_set.name} {sid} (n={len(y)}) {name}: MASE {mase:.3f} sMAPE {smape:.2f} "
                f"{seconds:.1f}s {diag if diag else ''}"
            )
    return pd.DataFrame(rows)


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per model: mean MASE, mean sMAPE, OWA vs Naive2, wins vs both naives, seconds."""
    table = frame.groupby("model", sort=False).agg(
        mase=("mase", "mean"), smape=("smape", "mean"), seconds=("seconds", "mean")
    )
    if "Naive2" in table.index:
        ref = table.loc["Naive2"]
        table["owa"] = 0.5 * (table["smape"] / ref["smape"] + table["mase"] / ref["mase"])
    pivot = frame.pivot_table(index="series", columns="model", values="mase")
    best_naive = pivot[[c for c in ("Naive", "SeasonalNaive") if c in pivot]].min(axis=1)
    naives = [c for c in ("Naive", "SeasonalNaive") if c in table.index]
    if naives:  # a run of neural models alone has no naive rows to compare with
        table["beats_naive_mean"] = table["mase"] < table.loc[naives, "mase"].min()
        table["series_won"] = [f"{int((pivot[c] < best_naive).sum())}/{len(pivot)}" for c in table.index]
    return table


def neural_diagnostics(frame: pd.DataFrame) -> pd.DataFrame | None:
    neural = frame[frame["model"].map(lambda spec: parse_model(spec)[0]).isin(NEURAL)]
    if neural.empty or "best_epoch" not in neural:
        return None
    return neural.groupby("model", sort=False).agg(
        kept_initial=("best_epoch", lambda s: f"{int((s == 0).sum())}/{len(s)}"),
        epochs=("epochs", "mean"),
        best_epoch=("best_epoch", "mean"),
        lookback=("lookback", "mean"),
        n=("n", "mean"),
        train_windows=("train_windows", "mean"),
        val_windows=("val_windows", "mean"),
        min_val_windows=("val_windows", "min"),
        **{f"mase_{key}": (f"mase_{key}", "mean") for key in SHRINKAGES if f"mase_{key}" in neural},
        **(
            {
                "normalization": (
                    "normalization",
                    lambda s: " ".join(f"{k}:{v}" for k, v in s.value_counts().items()),
                )
            }
            if "normalization" in neural
            else {}
        ),
    )


_ROW = re.compile(
    r"^  (?P<set>\S+) (?P<series>\S+) \(n=(?P<n>\d+)\) (?P<model>.+?): MASE (?P<mase>\S+) "
    r"sMAPE (?P<smape>\S+) (?P<seconds>\S+)s (?P<diag>.*)$"
)


def rows_from_log(path: Path) -> pd.DataFrame:
    """The per-series rows of a run's log (every series it finished, even if it was stopped)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        row = match.groupdict()
        diag = ast.literal_eval(row.pop("diag")) if row["diag"].strip() else {}
        rows.append(
            {
                **row,
                "mase": float(row["mase"]),
                "smape": float(row["smape"]),
                "seconds": float(row["seconds"]),
                **diag,
            }
        )
    return pd.DataFrame(rows)


def finished(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the series that every model of their set finished (a stopped run's are partial)."""
    models = frame.groupby("set")["model"].transform("nunique")
    per_series = frame.groupby(["set", "series"])["model"].transform("nunique")
    return frame[per_series == models]


def print_tables(frame: pd.DataFrame) -> None:
    for set_name, part in frame.groupby("set", sort=False):
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(
                f"\n### {set_name}: mean over {part['series'].nunique()} series "
                "(series_won: MASE below both naive forecasts)"
            )
            print(summarise(part).round(3).to_string())
            diag = neural_diagnostics(part)
            if diag is not None:
                print(f"\n### {set_name}: neural diagnostics (kept_initial: best_epoch_ == 0)")
                print(diag.round(2).to_string())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, among {SETS}")
    parser.add_argument(
        "--models",
        default=",".join(CLASSICAL + NEURAL),
        help="comma-separated; parameters allowed: 'LSTM(normalization=instance;shrinkage=0)'",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="folder with the M4 CSVs (and exchange_rate.csv)"
    )
    parser.add_argument("--n-series", type=int, default=24, help="series per set (sampled for M4)")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="score only the first LIMIT series of each set's sample (a quicker run on the same series)",
    )
    parser.add_argument("--seed", type=int, default=0, help="sampling seed and every model's random_state")
    parser.add_argument(
        "--hourly-length", type=int, default=960, help="points kept per shipped hourly series"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--csv", type=Path, default=None, help="write the per-series rows here")
    parser.add_argument(
        "--summarise-logs",
        nargs="+",
        type=Path,
        default=None,
        help="no run: print the tables of these runs' logs (series every model finished)",
    )
    args = parser.parse_args(argv)
    if args.summarise_logs:
        print_tables(finished(pd.concat([rows_from_log(path) for path in args.summarise_logs])))
        return
    torch.set_num_threads(args.threads)
    print("command: python " + " ".join(sys.argv), flush=True)
    print(
        f"torch threads {args.threads}, tsforecast {tsforecast.__version__} "
        f"from {Path(tsforecast.__file__).parent}, started {time.strftime('%Y-%m-%d %H:%M:%S')}",
        flush=True,
    )
    models = args.models.split(",")
    frames = []
    for set_name in args.sets.split(","):
        series_set = load_set(set_name, args.data_dir, args.n_series, args.seed, args.hourly_length)
        series_set.series = series_set.series[: args.limit]
        lengths = [len(y) for _, y, _ in series_set.series]
        print(
            f"\n## {set_name}: {len(lengths)} series, {min(lengths)}-{max(lengths)} points, "
            f"horizon {series_set.horizon}, season {series_set.seasonal_period}",
            flush=True,
        )
        frame = run_set(series_set, models, args.seed, lambda line: print(line, flush=True))
        frames.append(frame)
        print_tables(frame)
        if args.csv is not None:
            pd.concat(frames).to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
