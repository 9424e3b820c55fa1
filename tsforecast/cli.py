"""The ``tsforecast`` command line (also ``python -m tsforecast``).

``tsforecast demo`` backtests the forecasters on a bundled real data set and
prints a leaderboard.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from tsforecast import metrics

__all__ = ["main", "demo_models"]


def demo_models(seasonal_period: int, horizon: int) -> dict:
    """The demo's line-up: every forecaster with CPU-friendly settings.

    Parameters
    ----------
    seasonal_period : int
        Length of the season of the data.
    horizon : int
        Steps to forecast at each origin.

    Returns
    -------
    models : dict
        Display name -> unfitted forecaster.
    """
    import tsforecast as tsf

    models = {
        "naive (last)": tsf.NaiveForecaster("last"),
        "seasonal naive": tsf.NaiveForecaster("seasonal", seasonal_period=seasonal_period),
    }
    optional = {
        "ETS (auto)": ("ETSForecaster", {"seasonal_period": seasonal_period}),
        "ARIMA (auto)": ("ARIMAForecaster", {"seasonal_period": seasonal_period}),
        "Theta": ("ThetaForecaster", {"seasonal_period": seasonal_period}),
        "LSTM": ("LSTMForecaster", {"horizon": horizon, "seasonal_period": seasonal_period}),
        "GRU": ("GRUForecaster", {"horizon": horizon, "seasonal_period": seasonal_period}),
    }
    for label, (name, params) in optional.items():
        cls = getattr(tsf, name, None)
        if cls is not None:
            valid = {k: v for k, v in params.items() if k in cls().get_params()}
            models[label] = cls(**valid)
    return models


def _leaderboard(
    models: dict, y: pd.Series, *, horizon: int, folds: int, seasonal_period: int
) -> pd.DataFrame:
    X = pd.DataFrame(index=y.index)
    cv = TimeSeriesSplit(n_splits=folds, test_size=horizon)
    scoring = {
        "MAE": "neg_mean_absolute_error",
        "RMSE": "neg_root_mean_squared_error",
        "MASE": metrics.make_mase_scorer(seasonal_period),
        "sMAPE": metrics.get_scorer("smape"),
    }
    rows = []
    for label, model in models.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = cross_validate(model, X, y, cv=cv, scoring=scoring, error_score="raise")
        row = {"model": label}
        row.update({name: -result[f"test_{name}"].mean() for name in scoring})
        row["fit s/fold"] = result["fit_time"].mean()
        rows.append(row)
        print(f"  {label:<16} MASE {row['MASE']:.3f}  ({time.perf_counter() - start:.1f} s)", flush=True)
    return pd.DataFrame(rows).sort_values("MASE").reset_index(drop=True)


def _demo(args: argparse.Namespace) -> int:
    from tsforecast.datasets import load_etth1

    y = load_etth1()["OT"].iloc[-args.history - args.folds * args.horizon :]
    print(
        f"ETTh1 oil temperature (hourly, {len(y)} points, {y.index[0]} to {y.index[-1]}); "
        f"{args.folds} rolling origins, horizon {args.horizon}, seasonal period 24. "
        "Source: zhouhaoyi/ETDataset, CC BY-ND 4.0.",
        flush=True,
    )
    board = _leaderboard(
        demo_models(24, args.horizon), y, horizon=args.horizon, folds=args.folds, seasonal_period=24
    )
    print()
    print(board.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else board.to_string(index=False))
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tsforecast", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="backtest every forecaster on bundled real data (ETTh1)")
    demo.add_argument("--horizon", type=int, default=24, help="steps forecast at each origin (default 24)")
    demo.add_argument("--folds", type=int, default=5, help="rolling origins (default 5)")
    demo.add_argument("--history", type=int, default=1500, help="training points before the first origin")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    np.seterr(all="ignore")
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
