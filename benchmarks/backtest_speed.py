"""Speed of a 1000-origin backtest without refitting, against a loop of 1000 predict calls.

Protocol:

- data: ETTh1 ``OT`` (real hourly oil temperature, shipped with tsforecast), the first
  ``initial + origins + horizon - 1`` rows;
- origins: ``ExpandingWindowSplitter(initial_window=initial, horizon=24, step=1)``, i.e.
  ``origins`` (default 1000) consecutive cutoffs, each forecasting the next 24 hours;
- every model is fitted once on the first ``initial`` rows (fit time reported apart);
- "backtest": ``backtest(model, None, y, cv=cv, refit=False, scoring="mae")``: its wall
  time minus its one fit, so scoring and the tidy tables are included; "of which
  forecasting": the time in the model's predict / update / predict_origins calls;
- "loop": the naive loop on a copy of the same fitted model: for each origin,
  ``update`` with the newly observed row, then one ``predict`` of the next 24 stamps;
- the two give the same forecasts (max |difference| reported);
- darts (with the LSTM): ``historical_forecasts(retrain=False)`` of an LSTM of the same
  size (``BlockRNNModel``: 2 layers, same lookback, horizon, hidden size, epochs and batch
  size; the series standardised with the training rows' mean and std, as darts does not
  normalise) on the same origins, in the same process, when darts is importable; otherwise a
  skip message. darts is not a dependency: to compare without touching the project venv,
  use a side venv that sees the project's packages, e.g.
  ``python -m venv /tmp/dartsenv && echo $PWD/.venv/lib/python3.11/site-packages >
  /tmp/dartsenv/lib/python3.11/site-packages/project.pth && /tmp/dartsenv/bin/pip install
  --no-deps darts && /tmp/dartsenv/bin/pip install pytorch-lightning xarray nfoursid holidays``
  then ``PYTHONPATH=$PWD /tmp/dartsenv/bin/python benchmarks/backtest_speed.py``;
- CPU, ``torch.set_num_threads(--threads)`` (default 2); wall-clock seconds from
  ``time.perf_counter``, the fastest of ``--repeats`` runs (default 3), after one untimed
  LSTM fit to warm torch up.

Run: ``python benchmarks/backtest_speed.py [--origins 1000] [--models naive,ets,theta,lstm]``.
Prints a markdown table; ratio = loop seconds / backtest seconds (higher: backtest faster).
"""

from __future__ import annotations

import argparse
import copy
import logging
import time
import warnings

import numpy as np
import pandas as pd

import tsforecast
from tsforecast import NaiveForecaster, ThetaForecaster
from tsforecast.datasets import load_etth1
from tsforecast.model_selection import ExpandingWindowSplitter, backtest

HORIZON, LOOKBACK, HIDDEN, PERIOD = 24, 96, 64, 24


def _lstm_class():
    found = getattr(tsforecast, "LSTMForecaster", None)
    if found is None:
        try:
            from tsforecast.models.rnn import LSTMForecaster as found  # noqa: N813
        except ImportError:
            return None
    return found


def make_models(names: list[str], epochs: int) -> dict:
    models = {}
    for name in names:
        if name == "naive":
            models["NaiveForecaster(seasonal, 24)"] = NaiveForecaster("seasonal", seasonal_period=PERIOD)
        elif name == "ets":
            ets = getattr(tsforecast, "ETSForecaster", None)
            if ets is None:
                from tsforecast.models.statistical import ETSForecaster as ets  # noqa: N813
            models["ETSForecaster(A,N,A; 24)"] = ets(
                error="add", trend=None, seasonal="add", seasonal_period=PERIOD
            )
        elif name == "theta":
            models["ThetaForecaster(24)"] = ThetaForecaster(seasonal_period=PERIOD)
        elif name == "lstm":
            lstm = _lstm_class()
            if lstm is None:
                print("LSTMForecaster does not exist yet: skipping the LSTM row.")
                continue
            models[f"LSTMForecaster({HIDDEN}x2, lookback {LOOKBACK}, horizon {HORIZON})"] = lstm(
                lookback=LOOKBACK,
                horizon=HORIZON,
                hidden_size=HIDDEN,
                num_layers=2,
                max_epochs=epochs,
                early_stopping=False,
                batch_size=256,
                random_state=0,
                device="cpu",
            )
        else:
            raise SystemExit(f"unknown model {name!r}")
    return models


def naive_loop(fitted, y: pd.Series, initial: int, origins: int) -> tuple[float, np.ndarray]:
    """One update and one predict call per origin, on a copy of the fitted model."""
    model = copy.deepcopy(fitted)
    index = y.index
    out = np.empty((origins, HORIZON))
    t0 = time.perf_counter()
    for i in range(origins):
        stop = initial + i  # rows observed at this origin
        if i:
            model.update(None, y.iloc[stop - 1 : stop])
        out[i] = model.predict(pd.DataFrame(index=index[stop : stop + HORIZON]))
    return time.perf_counter() - t0, out


def n_parameters(module) -> int:
    return sum(p.numel() for p in module.parameters())


def darts_row(y: pd.Series, initial: int, origins: int, epochs: int, repeats: int) -> dict | None:
    """darts' LSTM of the same size, historical_forecasts(retrain=False) on the same origins."""
    try:
        from darts import TimeSeries
        from darts.models import BlockRNNModel
    except ImportError:
        print("darts is not importable here: skipped darts' historical_forecasts(retrain=False).")
        return None
    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    mean, std = y.iloc[:initial].mean(), y.iloc[:initial].std()  # our LSTM normalises its windows
    series = TimeSeries.from_series(((y - mean) / std).astype(np.float32))
    model = BlockRNNModel(
        model="LSTM",
        input_chunk_length=LOOKBACK,
        output_chunk_length=HORIZON,
        hidden_dim=HIDDEN,
        n_rnn_layers=2,
        n_epochs=epochs,
        batch_size=256,
        random_state=0,
        pl_trainer_kwargs={"accelerator": "cpu", "enable_progress_bar": False, "enable_model_summary": False},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        model.fit(series[:initial], verbose=False)
        fit_seconds = time.perf_counter() - t0
        seconds = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            forecasts = model.historical_forecasts(
                series,
                start=initial,
                forecast_horizon=HORIZON,
                stride=1,
                retrain=False,
                last_points_only=False,
                verbose=False,
            )
            seconds = min(seconds, time.perf_counter() - t0)
    assert len(forecasts) == origins
    pred = np.stack([f.values()[:, 0] for f in forecasts]) * std + mean
    truth = y.to_numpy()[initial + np.arange(origins)[:, None] + np.arange(HORIZON)]
    return {
        "model": f"darts BlockRNNModel(LSTM {HIDDEN}x2, {LOOKBACK} -> {HORIZON}), "
        f"{n_parameters(model.model)} parameters",
        "backtest path": "historical_forecasts(retrain=False)",
        "fit (s)": round(fit_seconds, 2),
        "backtest (s)": round(seconds, 3),
        "of which forecasting (s)": round(seconds, 3),
        "loop of predict (s)": None,
        "ratio loop / backtest": None,
        "max |diff|": None,
        "MAE": round(float(np.abs(pred - truth).mean()), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=1000)
    parser.add_argument("--initial", type=int, default=2000, help="training rows before the first origin")
    parser.add_argument("--models", default="naive,ets,theta,lstm")
    parser.add_argument("--epochs", type=int, default=2, help="LSTM training epochs (speed, not accuracy)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="timings are the fastest of these runs")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        pass
    n = args.initial + args.origins + HORIZON - 1
    y = load_etth1()["OT"].iloc[:n]
    cv = ExpandingWindowSplitter(initial_window=args.initial, horizon=HORIZON, step=1)
    assert cv.get_n_splits(y) == args.origins
    models = make_models(args.models.split(","), args.epochs)
    if any(name.startswith("LSTM") for name in models):  # warm torch up (first-call costs), untimed
        _lstm_class()(lookback=24, horizon=4, hidden_size=8, max_epochs=1, device="cpu").fit(
            None, y.iloc[:200]
        )

    rows = []
    for name, model in models.items():
        t0 = time.perf_counter()
        fitted = copy.deepcopy(model).fit(None, y.iloc[: args.initial])
        fit_seconds = time.perf_counter() - t0
        if hasattr(fitted, "module_"):
            name = f"{name}, {n_parameters(fitted.module_)} parameters"
        backtest_seconds, forecasting_seconds, loop_seconds = np.inf, np.inf, np.inf
        for _ in range(args.repeats):  # the fastest of the repeats (the machine is shared)
            t0 = time.perf_counter()
            result = backtest(model, None, y, cv=cv, refit=False, scoring="mae")
            seconds = time.perf_counter() - t0 - result.scores["fit_seconds"].iloc[0]
            backtest_seconds = min(backtest_seconds, seconds)
            forecasting_seconds = min(forecasting_seconds, float(result.scores["predict_seconds"].sum()))
            seconds, looped = naive_loop(fitted, y, args.initial, args.origins)
            loop_seconds = min(loop_seconds, seconds)
        ours = result.predictions["y_pred"].to_numpy().reshape(args.origins, HORIZON)
        rows.append(
            {
                "model": name,
                "backtest path": "predict_origins"
                if hasattr(model, "predict_origins")
                else "update + predict",
                "fit (s)": round(fit_seconds, 2),
                "backtest (s)": round(backtest_seconds, 3),
                "of which forecasting (s)": round(forecasting_seconds, 3),
                "loop of predict (s)": round(loop_seconds, 3),
                "ratio loop / backtest": round(loop_seconds / backtest_seconds, 1),
                "max |diff|": f"{np.abs(ours - looped).max():.1e}",
                "MAE": round(float(result.scores["mae"].mean()), 3),
            }
        )
    if "lstm" in args.models.split(","):
        darts = darts_row(y, args.initial, args.origins, args.epochs, args.repeats)
        if darts is not None:
            rows.append(darts)
    print(f"\nETTh1 OT, {args.origins} origins x horizon {HORIZON}, CPU, {args.threads} torch threads\n")
    print(pd.DataFrame(rows).to_markdown(index=False))
    ours = [r for r in rows if r["model"].startswith("LSTMForecaster")]
    if ours and rows[-1]["model"].startswith("darts"):
        ratio = rows[-1]["backtest (s)"] / ours[0]["backtest (s)"]
        print(f"\nLSTM, darts historical_forecasts(retrain=False) / our backtest(refit=False): {ratio:.1f}x")


if __name__ == "__main__":
    main()
