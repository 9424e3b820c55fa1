"""Rolling-origin backtests, time-ordered splits and window splitters.

A backtest replays history: at each forecast origin (the *cutoff*, the last
observed time step) a model is fitted on the data up to the cutoff, or moved
forward to it without retraining, and forecasts a block of later steps, which
is compared with what really happened. Any splitter whose folds are a
contiguous training block followed by a contiguous test block defines the
origins: :class:`~sklearn.model_selection.TimeSeriesSplit` (with ``gap`` and
``max_train_size``), or :class:`ExpandingWindowSplitter` and
:class:`SlidingWindowSplitter` for those who think in windows and horizons.

Panels (indexed by (series id, time)) are cut on their time axis by ``backtest``
whatever the splitter; scikit-learn's ``GridSearchCV`` and ``cross_validate`` need
:class:`ExpandingWindowSplitter` or :class:`SlidingWindowSplitter` to do the same
(``TimeSeriesSplit`` there counts rows, and on a panel sorted by series tests one
series and trains on the others).
"""

from __future__ import annotations

import inspect
import numbers
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import validate_params
from sklearn.utils.validation import _num_samples

from tsforecast import metrics as _metrics
from tsforecast._splitters import (
    _POSITIVE,
    ExpandingWindowSplitter,
    SlidingWindowSplitter,
    UntestedSeriesWarning,
    temporal_train_test_split,
)
from tsforecast.base import BaseForecaster, check_levels, coverage_label, interval_levels
from tsforecast.panel import is_panel

__all__ = [
    "BacktestResult",
    "ExpandingWindowSplitter",
    "SlidingWindowSplitter",
    "UntestedSeriesWarning",
    "backtest",
    "temporal_train_test_split",
]

#: Metrics of ``backtest(scoring=None)``.
DEFAULT_SCORING = ("mae", "rmse", "mase", "smape")
_SCORE_COLUMNS = (
    "model",
    "fold",
    "cutoff",
    "train_size",
    "test_size",
    "refit",
    "fit_seconds",
    "predict_seconds",
)


# -- scoring -----------------------------------------------------------------------------------

#: Losses computed for all folds at once, with the definitions of ``tsforecast.metrics``.
_VECTOR_LOSSES = ("mae", "mse", "rmse", "mape", "smape", "mase")
_LONG_NAMES = {
    "neg_mean_absolute_error": "mae",
    "neg_mean_squared_error": "mse",
    "neg_root_mean_squared_error": "rmse",
    "neg_mean_absolute_percentage_error": "mape",
    "neg_symmetric_mean_absolute_percentage_error": "smape",
    "neg_mean_absolute_scaled_error": "mase",
}


class _Replay(RegressorMixin, BaseEstimator):
    """Stands in for the fitted model inside a scorer: replays one fold's forecasts."""

    def __init__(self, y_pred=None):
        self.y_pred = y_pred

    def predict(self, X):  # noqa: D102
        return self.y_pred


class _Training:
    """The training block of every fold, and MASE scales computed from them."""

    def __init__(self, y: np.ndarray, starts: np.ndarray, stops: np.ndarray):
        self.y, self.starts, self.stops = y, starts, stops

    def block(self, i: int) -> np.ndarray:
        return self.y[self.starts[i] : self.stops[i]]

    def naive_mae(self, m: int) -> np.ndarray:
        """In-sample MAE of the seasonal-naive forecast per fold and target, (n_folds, k)."""
        sizes = self.stops - self.starts
        if (sizes <= m).any():
            raise ValueError(
                f"MASE with seasonal_period={m} needs more than {m} training steps per fold; "
                f"fold {int(np.argmin(sizes))} has n_samples={int(sizes.min())}."
            )
        diffs = np.abs(self.y[m:] - self.y[:-m])  # diffs[t - m] = |y[t] - y[t - m]|
        cum = np.vstack([np.zeros((1, self.y.shape[1])), np.cumsum(diffs, axis=0)])
        return (cum[self.stops - m] - cum[self.starts]) / (sizes - m)[:, None]


@dataclass(frozen=True)
class _Metric:
    """A metric column: a vectorised loss (``kind``), or a scorer called once per fold."""

    name: str
    greater_is_better: bool
    kind: str  # one of _VECTOR_LOSSES, or "scorer"
    scorer: Callable[..., float] | None = None
    seasonal_period: int = 1

    def per_fold(self, y_true: np.ndarray, y_pred: np.ndarray, bounds: np.ndarray, train: _Training):
        """Scores of every fold; rows ``bounds[i]:bounds[i + 1]`` of the (n, k) arrays are fold i's."""
        if self.scorer is not None:  # kind "scorer"
            sign, out = (1.0 if self.greater_is_better else -1.0), []
            for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
                replay = _Replay(y_pred[start:stop])
                replay.y_train_ = train.block(i)  # what the MASE scorer reads
                out.append(sign * float(self.scorer(replay, None, y_true[start:stop])))
            return np.array(out)
        err, counts, ratio = np.abs(y_pred - y_true), np.diff(bounds)[:, None], _metrics._safe_ratio

        def mean(values):  # per fold and target, (n_folds, k)
            return np.add.reduceat(values, bounds[:-1], axis=0) / counts

        per_target = {
            "mae": lambda: mean(err),
            "mse": lambda: mean(err**2),
            "rmse": lambda: np.sqrt(mean(err**2)),
            "mape": lambda: 100.0 * mean(ratio(err, np.abs(y_true))),
            "smape": lambda: 200.0 * mean(ratio(err, np.abs(y_true) + np.abs(y_pred))),
            "mase": lambda: ratio(mean(err), train.naive_mae(self.seasonal_period)),
        }[self.kind]()
        return per_target.mean(axis=1)


def _resolve_metric(name: str, spec: Any, seasonal_period: int) -> _Metric:
    kind = _LONG_NAMES.get(spec, spec) if isinstance(spec, str) else None
    if kind in _VECTOR_LOSSES:
        label = name[4:] if name == spec and name.startswith("neg_") else name
        return _Metric(label, False, kind, seasonal_period=int(seasonal_period))
    scorer = _metrics.get_scorer(spec)
    if not callable(scorer):
        raise ValueError(f"scoring entry {name!r} must be a metric name or a scorer callable, got {spec!r}.")
    loss = (
        name in _VECTOR_LOSSES
        or name.startswith("neg_")
        or getattr(scorer, "_sign", 1) < 0
        or isinstance(scorer, _metrics._MASEScorer)
    )
    return _Metric(name[4:] if loss and name.startswith("neg_") else name, not loss, "scorer", scorer)


def _resolve_scoring(scoring: Any, seasonal_period: int) -> list[_Metric]:
    scoring = DEFAULT_SCORING if scoring is None else scoring
    if isinstance(scoring, str):
        scoring = [scoring]
    elif callable(scoring):
        scoring = {"score": scoring}
    if isinstance(scoring, Mapping):
        items = list(scoring.items())
    elif isinstance(scoring, Sequence) and all(isinstance(s, str) for s in scoring):
        items = [(s, s) for s in scoring]
    else:
        raise ValueError(f"scoring must be a name, a list of names, a callable or a dict, got {scoring!r}.")
    if not items:
        raise ValueError("scoring is empty: give at least one metric.")
    metrics = [_resolve_metric(name, spec, seasonal_period) for name, spec in items]
    names = [m.name for m in metrics]
    clash = sorted({x for x in names if names.count(x) > 1} | (set(names) & set(_SCORE_COLUMNS)))
    if clash:
        raise ValueError(f"scoring gives the column names {clash} twice, or names taken by the table.")
    return metrics


# -- folds and the work on them ----------------------------------------------------------------


@dataclass(frozen=True)
class _Fold:
    number: int
    train_start: int
    train_stop: int  # exclusive: the cutoff is train_stop - 1
    test_start: int
    test_stop: int

    def shifted(self, offset: int) -> _Fold:
        return _Fold(
            self.number,
            *(v - offset for v in (self.train_start, self.train_stop, self.test_start, self.test_stop)),
        )


def _is_block(idx: np.ndarray) -> bool:
    return len(idx) > 0 and bool(np.all(np.diff(idx) == 1))


def _collect_folds(cv: Any, X: Any, y: Any) -> list[_Fold]:
    if not hasattr(cv, "split"):
        raise TypeError(
            "cv must be a splitter with a split method, e.g. TimeSeriesSplit(n_splits=5, test_size=24) "
            f"or ExpandingWindowSplitter(initial_window=..., horizon=...); got {cv!r}."
        )
    folds = []
    for number, (train, test) in enumerate(cv.split(X, y)):
        train, test = np.asarray(train), np.asarray(test)
        if not (_is_block(train) and _is_block(test)) or test[0] <= train[-1]:
            raise ValueError(
                f"Fold {number} of {cv!r} is not a contiguous training block followed by a contiguous "
                "test block: backtest needs time-ordered folds (TimeSeriesSplit, ExpandingWindowSplitter; "
                "no shuffling, no KFold)."
            )
        folds.append(_Fold(number, int(train[0]), int(train[-1]) + 1, int(test[0]), int(test[-1]) + 1))
    if not folds:
        raise ValueError(f"{cv!r} produced no fold.")
    return folds


def _segments(folds: list[_Fold], refit: bool | int) -> list[list[_Fold]]:
    """Group the folds: each group starts with a fit, the others move the origin forward."""
    k = 1 if refit is True else len(folds) if refit is False else int(refit)
    groups = [folds[i : i + k] for i in range(0, len(folds), k)]
    for group in groups:
        if any(b.train_stop < a.train_stop for a, b in zip(group[:-1], group[1:], strict=True)):
            raise ValueError(
                f"refit={refit!r} moves the model forward through the series, so the cutoffs must "
                "increase from fold to fold; this splitter's go backwards. Use refit=True."
            )
    return groups


def _rows(data: Any, start: int, stop: int) -> Any:
    return data.iloc[start:stop] if isinstance(data, (pd.Series, pd.DataFrame)) else data[start:stop]


def _can_update(estimator: Any) -> bool:
    if hasattr(estimator, "update") or hasattr(estimator, "predict_origins"):
        return True
    return isinstance(estimator, Pipeline) and _can_update(estimator.steps[-1][1])


def _update(model: Any, X_new: Any, y_new: Any) -> None:
    """``model.update(X_new, y_new)``, through a Pipeline's transformers to its final step."""
    if hasattr(model, "update"):
        model.update(X_new, y_new)
    else:  # a Pipeline (checked by _can_update)
        _update(model.steps[-1][1], model[:-1].transform(X_new), y_new)


def _predict(model: Any, X: Any, steps: np.ndarray) -> Any:
    """The forecasts of the test rows that are ``steps`` rows after the cutoff.

    A forecaster (also as a Pipeline's last step) is told the steps: the rows are known here,
    while its time index may not tell them (trading days: a holiday and a gap both show as a
    missing weekday). Any other regressor predicts from X.
    """
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    if not isinstance(final, BaseForecaster):
        return model.predict(X)
    if final is not model:
        X = model[:-1].transform(X)
    return final._predict_at(X, steps)


def _interval(model: Any, X: Any, steps: np.ndarray, coverages: np.ndarray) -> np.ndarray:
    """Bounds of shape (n_rows, k, 2, n_coverages): ``[..., 0, c]`` lower, ``[..., 1, c]`` upper.

    Like ``_predict``, a forecaster is told the steps of the rows.
    """
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    if not hasattr(final, "predict_interval"):
        raise TypeError(
            f"backtest(coverage=...) needs intervals, but {type(final).__name__} has no predict_interval: "
            "wrap it in tsforecast.ConformalForecaster(...) or leave coverage out."
        )
    if final is not model:
        X = model[:-1].transform(X)
    if isinstance(final, BaseForecaster):
        lower, upper = final._interval_steps(
            np.asarray(steps, dtype=np.int64), final._validate_X(X, reset=False), coverages
        )
    else:
        lower, upper = final.predict_interval(X, coverage=list(coverages))
    bounds = np.stack([np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)], axis=-2)
    return bounds.reshape(len(steps), -1, 2, len(coverages))


def _run_segment(
    estimator: Any, X: Any, y: Any, folds: list[_Fold], coverages: np.ndarray | None = None
) -> list[tuple]:
    """Fit on the first fold, then forecast every fold of the segment.

    Returns ``(fold number, y_pred of shape (h, k), fit or update seconds, predict seconds, bounds)``
    per fold; bounds (see ``_interval``) are None without ``coverages``.
    """
    model, first = clone(estimator), folds[0]
    t0 = time.perf_counter()
    model.fit(_rows(X, first.train_start, first.train_stop), _rows(y, first.train_start, first.train_stop))
    fit_seconds = time.perf_counter() - t0
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    if len(folds) > 1 and hasattr(final, "predict_origins") and _origins_give(final, coverages):
        return _batched(model, X, y, folds, fit_seconds, coverages)
    out, observed = [], first.train_stop
    for fold in folds:
        if fold.train_stop > observed:
            t0 = time.perf_counter()
            _update(model, _rows(X, observed, fold.train_stop), _rows(y, observed, fold.train_stop))
            fit_seconds, observed = time.perf_counter() - t0, fold.train_stop
        t0 = time.perf_counter()
        steps = np.arange(fold.test_start, fold.test_stop) - observed + 1  # rows after the cutoff
        X_test = _rows(X, fold.test_start, fold.test_stop)
        y_pred = np.asarray(_predict(model, X_test, steps), dtype=np.float64)
        y_pred = y_pred.reshape(fold.test_stop - fold.test_start, -1)
        bounds = None if coverages is None else _interval(model, X_test, steps, coverages)
        out.append((fold.number, y_pred, fit_seconds, time.perf_counter() - t0, bounds))
        fit_seconds = 0.0
    return out


def _run_segment_recording(*args: Any) -> tuple[list[tuple], list[tuple[type, str]]]:
    """:func:`_run_segment`, with the warnings it raised returned (they are re-issued once each)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _run_segment(*args)
    return result, [(w.category, str(w.message)) for w in caught]


def _warn_once_per_model(names: list[str], caught: list[list[tuple[type, str]]]) -> None:
    """Issue each distinct warning of a model once, saying in how many fits it arose.

    A backtest refits at every fold, and scikit-learn resets Python's once-per-location registry
    at every fit, so the same warning would otherwise repeat for every fold (or be lost in a
    worker process).
    """
    counts: dict[tuple[str, type, str], int] = {}
    for name, segment in zip(names, caught, strict=True):
        for category, message in dict.fromkeys(segment):  # once per fit
            counts[(name, category, message)] = counts.get((name, category, message), 0) + 1
    for (name, category, message), count in counts.items():
        where = f" [{name}: in {count} of {names.count(name)} fits]" if len(names) > 1 else ""
        warnings.warn(message + where, category, stacklevel=3)


def _origins_give(final: Any, coverages: np.ndarray | None) -> bool:
    """Whether ``predict_origins`` gives what is asked: points, or with coverages its quantiles too."""
    return coverages is None or "quantiles" in inspect.signature(final.predict_origins).parameters


def _batched(
    model: Any, X: Any, y: Any, folds: list[_Fold], fit_seconds: float, coverages: np.ndarray | None = None
) -> list[tuple]:
    """Every origin of a segment in one ``predict_origins`` call (see backtest's Notes).

    For a Pipeline, X goes through its fitted transformers and the final step forecasts. With
    coverages, a second batched call gives the quantiles of the bounds.
    """
    origins = np.array([f.train_stop for f in folds])  # rows of the segment where forecasts start
    n_steps = max(f.test_stop - f.train_stop for f in folds)
    last = int(origins.max())
    t0 = time.perf_counter()
    X_all = _rows(X, 0, last + n_steps)
    if isinstance(model, Pipeline):
        model, X_all = model.steps[-1][1], model[:-1].transform(X_all)
    pred = model.predict_origins(origins, n_steps, y=_rows(y, 0, last), X=X_all)
    pred = np.asarray(pred, dtype=np.float64).reshape(len(folds), n_steps, -1)
    band = None
    if coverages is not None:
        levels, lower, upper = interval_levels(coverages)
        q = model.predict_origins(origins, n_steps, y=_rows(y, 0, last), X=X_all, quantiles=list(levels))
        q = np.asarray(q, dtype=np.float64).reshape(len(folds), n_steps, -1, len(levels))
        band = np.stack([q[..., lower], q[..., upper]], axis=-2)  # (origin, step, k, 2, n_coverages)
    seconds = (time.perf_counter() - t0) / len(folds)
    return [
        (
            f.number,
            pred[i, f.test_start - f.train_stop : f.test_stop - f.train_stop],
            fit_seconds * (i == 0),
            seconds,
            None if band is None else band[i, f.test_start - f.train_stop : f.test_stop - f.train_stop],
        )
        for i, f in enumerate(folds)
    ]


# -- the result --------------------------------------------------------------------------------


@dataclass(repr=False)
class BacktestResult:
    """Forecasts and scores of a backtest of one or several models.

    Parameters
    ----------
    scores : DataFrame
        One row per model and fold: ``model``, ``fold``, ``cutoff`` (label of the
        last observed step), ``train_size`` (rows of the fold's training block),
        ``test_size``, ``refit`` (True where the model was fitted from scratch,
        False where it was moved forward without retraining), ``fit_seconds``
        (fit or update time), ``predict_seconds``, then one column per metric.
    predictions : DataFrame or None
        Tidy forecasts, one row per model, fold, step and target: ``model``,
        ``fold``, ``cutoff``, ``step`` (steps after the cutoff), ``time`` (label
        of the forecast row), ``target`` (column name; for a 1-D y its name or
        ``"y"``), ``y_true``, ``y_pred``, and with ``backtest(coverage=...)``
        ``lower_<pct>``, ``upper_<pct>`` per coverage. None if ``return_predictions=False``.
    metrics : list of str
        The metric columns of ``scores``, in the order given, then the interval
        columns of ``backtest(coverage=...)``: ``coverage_<pct>``, ``width_<pct>``,
        ``interval_score_<pct>`` per coverage.
    greater_is_better : dict of str to bool
        False for losses (MAE, RMSE, MASE, ...), which are reported positive.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import NaiveForecaster
    >>> from tsforecast.model_selection import ExpandingWindowSplitter, backtest
    >>> cv = ExpandingWindowSplitter(initial_window=8, horizon=1)
    >>> result = backtest(NaiveForecaster(), None, np.arange(10.0), cv=cv, scoring="mae")
    >>> result.scores[["fold", "cutoff", "mae"]]
       fold  cutoff  mae
    0     0       7  1.0
    1     1       8  1.0
    """

    scores: pd.DataFrame
    predictions: pd.DataFrame | None
    metrics: list[str]
    greater_is_better: dict[str, bool]

    def summary(self) -> pd.DataFrame:
        """Overall scores per model, best first: the leaderboard.

        Returns
        -------
        table : DataFrame
            Indexed by model: each metric's mean over the folds, ``n_folds`` and
            the total ``fit_seconds`` and ``predict_seconds``; sorted by the first
            metric (ascending for a loss).
        """
        grouped = self.scores.groupby("model", sort=False)
        table = grouped[self.metrics].mean()
        table["n_folds"] = grouped.size()
        table[["fit_seconds", "predict_seconds"]] = grouped[["fit_seconds", "predict_seconds"]].sum()
        first = self.metrics[0]
        return table.sort_values(first, ascending=not self.greater_is_better[first], kind="stable")

    def __repr__(self) -> str:
        sizes = self.scores.groupby("model", sort=False).size()
        models, n_folds = list(sizes.index), int(sizes.max())
        return f"BacktestResult(models={models}, n_folds={n_folds}, metrics={self.metrics})"


def _target_names(y: Any) -> list:
    if isinstance(y, pd.DataFrame):
        return list(y.columns)
    if np.ndim(y) == 1:
        return [y.name if isinstance(y, pd.Series) and y.name is not None else "y"]
    return list(range(np.shape(y)[1]))


def _model_name(estimator: Any) -> str:
    return type(estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator).__name__


def _interval_names(coverages: np.ndarray | None) -> dict[str, bool]:
    """The interval columns of the scores, per coverage, with whether greater is better."""
    names: dict[str, bool] = {}
    for label in [] if coverages is None else [coverage_label(c) for c in coverages]:
        # coverage is a measured fraction to compare with its nominal value, not a score to maximise
        names.update({f"coverage_{label}": True, f"width_{label}": False, f"interval_score_{label}": False})
    return names


def _interval_scores(y_true: np.ndarray, band: np.ndarray, bounds: np.ndarray, coverages) -> dict:
    """Per-fold coverage, mean width and interval score of each coverage, by tsforecast.metrics."""
    folds = list(zip(bounds[:-1], bounds[1:], strict=True))
    out = {}
    for c, nominal in enumerate(coverages):
        label, lower, upper = coverage_label(nominal), band[:, :, 0, c], band[:, :, 1, c]
        out[f"coverage_{label}"] = [
            _metrics.empirical_coverage(y_true[a:b], lower[a:b], upper[a:b]) for a, b in folds
        ]
        out[f"width_{label}"] = [_metrics.mean_interval_width(lower[a:b], upper[a:b]) for a, b in folds]
        out[f"interval_score_{label}"] = [
            _metrics.interval_score(y_true[a:b], lower[a:b], upper[a:b], coverage=nominal) for a, b in folds
        ]
    return out


def _bound_columns(band: np.ndarray | None, coverages) -> dict[str, np.ndarray]:
    """The tidy predictions' ``lower_<pct>``, ``upper_<pct>`` columns (none without bounds)."""
    if band is None:
        return {}
    return {
        f"{side}_{coverage_label(nominal)}": band[:, :, s, c].ravel()
        for c, nominal in enumerate(coverages)
        for s, side in enumerate(("lower", "upper"))
    }


def _assemble(
    runs, folds, index, y, metrics, return_predictions, coverages=None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The score table and the tidy predictions, all folds of a model at once."""
    y_arr = np.asarray(y, dtype=np.float64).reshape(_num_samples(y), -1)
    k, targets = y_arr.shape[1], np.array(_target_names(y), dtype=object)
    scores, parts = [], []
    for name, fold_runs, refit_folds in runs:
        order = [folds[number] for number, *_ in fold_runs]
        rows = np.concatenate([np.arange(f.test_start, f.test_stop) for f in order])
        y_true, y_pred = y_arr[rows], np.concatenate([r[1] for r in fold_runs])
        if y_pred.shape != y_true.shape:
            raise ValueError(f"{name!r} forecast {y_pred.shape[1]} series, but y has {k}.")
        bounds = np.concatenate([[0], np.cumsum([f.test_stop - f.test_start for f in order])])
        starts, stops = np.array([f.train_start for f in order]), np.array([f.train_stop for f in order])
        train = _Training(y_arr, starts, stops)
        cutoffs = index[train.stops - 1]
        table = pd.DataFrame(
            {  # the columns of _SCORE_COLUMNS
                "model": name,
                "fold": [f.number for f in order],
                "cutoff": cutoffs,
                "train_size": train.stops - train.starts,
                "test_size": np.diff(bounds),
                "refit": [f.number in refit_folds for f in order],
                "fit_seconds": [r[2] for r in fold_runs],
                "predict_seconds": [r[3] for r in fold_runs],
            }
        )
        for metric in metrics:
            table[metric.name] = metric.per_fold(y_true, y_pred, bounds, train)
        band = None if coverages is None else np.concatenate([r[4] for r in fold_runs])
        if band is not None:
            for column, values in _interval_scores(y_true, band, bounds, coverages).items():
                table[column] = values
        scores.append(table)
        if return_predictions:
            of_row = np.repeat(np.arange(len(order)), np.diff(bounds))
            parts.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "fold": np.repeat(table["fold"].to_numpy()[of_row], k),
                        "cutoff": np.repeat(np.asarray(cutoffs)[of_row], k),
                        "step": np.repeat(rows - train.stops[of_row] + 1, k),
                        "time": np.repeat(np.asarray(index[rows]), k),
                        "target": np.tile(targets, len(rows)),
                        "y_true": y_true.ravel(),
                        "y_pred": y_pred.ravel(),
                        **_bound_columns(band, coverages),
                    }
                )
            )
    return pd.concat(scores, ignore_index=True), (pd.concat(parts, ignore_index=True) if parts else None)


@validate_params(
    {
        "y": ["array-like"],
        "refit": ["boolean", _POSITIVE],
        "scoring": [str, callable, list, tuple, dict, None],
        "seasonal_period": [_POSITIVE],
        "n_jobs": [numbers.Integral, None],
        "return_predictions": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def backtest(
    estimator: Any | Mapping[str, Any],
    X: Any = None,
    y: Any = None,
    *,
    cv: Any,
    refit: bool | int = True,
    scoring: str | Callable | Sequence[str] | Mapping[str, str | Callable] | None = None,
    seasonal_period: int = 1,
    n_jobs: int | None = None,
    return_predictions: bool = True,
    coverage: float | Sequence[float] | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation of a forecaster, or a leaderboard of several.

    For every fold of ``cv`` (a training block ending at the *cutoff*, then a
    test block) the model forecasts the test block from the data observed up to
    the cutoff; the forecasts are scored against the truth. No value of ``y``
    after a fold's cutoff reaches that fold's forecasts; ``X`` holds features
    known in advance, so its test rows are passed to ``predict``.

    Parameters
    ----------
    estimator : estimator or dict of str to estimator
        A forecaster, or a Pipeline ending in one (any scikit-learn regressor
        works with ``refit=True``). A dict backtests each model on the same
        folds; its keys name the models in the tables.
    X : DataFrame, array-like of shape (n_samples, n_features) or None
        Exogenous features, one row per time step. ``None``: no features,
        ``pd.DataFrame(index=y.index)`` (for numpy y, indexed by position).
        Numpy X gets y's index, or positions, so forecasters see a gap between
        cutoff and test block.
    y : Series, DataFrame or array-like of shape (n_samples,) or (n_samples, n_targets)
        The series; several columns are several series (``target`` in the output).
        A panel indexed by (series id, time) is cut by time: ``cv`` splits its
        time axis (the sorted distinct stamps of all series), so each fold has
        one cutoff for every series and its test block is the panel's next
        stamps, not each series' own last points. Metrics are computed per
        series (MASE scaled per series) and averaged over the fold's series,
        as the M4 competition averages. Series with no rows at any fold's test
        stamps (they end before the first one) are not scored and are named in
        an :class:`UntestedSeriesWarning`; a backtest that scores nothing is a
        ``ValueError``. The tables gain ``n_series`` (scores) and ``series``
        (predictions) columns, and ``step`` counts the panel's stamps after
        the cutoff; ``refit`` is ``True`` or ``False`` (fit at the first
        cutoff, then each fitted series is updated; see
        :mod:`tsforecast._panel_backtest`).
    cv : splitter
        Yields contiguous (train, test) blocks in time order: ``TimeSeriesSplit``
        (``gap``, ``max_train_size`` included), :class:`ExpandingWindowSplitter`,
        :class:`SlidingWindowSplitter`.
    refit : bool or int, default=True
        - ``True``: fit a clone on every fold's training block;
        - ``False``: fit once on the first fold's training block, then move the
          fitted model forward to each later cutoff with ``update(X_new,
          y_new)``: no retraining, the rows observed since are appended to its
          history (with a sliding window it keeps the older rows too). A Pipeline
          transforms ``X_new`` with its fitted steps and updates its last one.
          A model with ``predict_origins`` (also as a Pipeline's last step)
          forecasts every origin in one batched call instead (see Notes);
        - an int ``k``: fit on folds 0, k, 2k, ... and move forward in between.
    scoring : str, callable, list of str or dict, default=None
        Metrics per fold; ``None`` means ``("mae", "rmse", "mase", "smape")``.
        Names: the losses ``"mae"``, ``"mse"``, ``"rmse"``, ``"mase"``,
        ``"smape"``, ``"mape"`` (in percent), or any name known to
        :func:`tsforecast.metrics.get_scorer` (``"neg_..."`` losses are reported
        positive and named without the prefix: ``"neg_mean_absolute_error"``
        gives ``mean_absolute_error``). A dict maps column names to names or scorers
        ``scorer(estimator, X, y)``, e.g. ``{"mase": make_mase_scorer(24)}``;
        scorers see the fold's forecasts and its training y, and losses (names
        of losses, ``neg_`` names, negative-sign scorers) are reported positive.
    seasonal_period : int, default=1
        Season length of the metric named ``"mase"``: its scale is the in-sample
        MAE of the seasonal-naive forecast on each fold's training block.
    n_jobs : int, default=None
        Fits run in parallel through :class:`joblib.Parallel` (all models and
        folds; the updates that follow a fit run in the same job). ``None`` is
        1 unless inside ``joblib.parallel_config`` (e.g. with a Dask backend).
    return_predictions : bool, default=True
        Keep the tidy forecasts in ``result.predictions``.
    coverage : float or sequence of float, default=None
        Also forecast prediction intervals of these nominal coverages (in
        (0, 1), increasing) with each model's ``predict_interval``: the
        predictions get ``lower_<pct>`` and ``upper_<pct>`` columns (e.g.
        ``lower_80``) and the scores, per coverage, ``coverage_<pct>`` (the
        fraction of the truth inside the band), ``width_<pct>`` (mean width)
        and ``interval_score_<pct>`` (Winkler), as defined in
        :mod:`tsforecast.metrics`. Models without intervals are refused; wrap
        them in :class:`~tsforecast.ConformalForecaster`. With coverage and
        ``refit=False``, a model whose ``predict_origins`` takes ``quantiles``
        (the neural forecasters) gives the bounds in a second batched call;
        others move forward with ``update`` fold by fold.

    Returns
    -------
    result : BacktestResult
        ``result.scores`` (per fold), ``result.predictions`` (tidy) and
        ``result.summary()`` (per model, best first: the leaderboard).

    Notes
    -----
    Batched origins: when ``refit`` is not True and the fitted model has
    ``predict_origins(origins, n_steps, y=..., X=...)`` (the neural
    forecasters), the forecasts from all cutoffs that follow one fit are made in
    one call, with ``y`` the observed rows up to the last cutoff and ``X`` the
    features through the last forecast row; the model reads only the rows before
    each origin. ``predict_seconds`` then shares the call's time equally.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import TimeSeriesSplit
    >>> from tsforecast import NaiveForecaster
    >>> from tsforecast.model_selection import backtest
    >>> y = np.tile([1.0, 2.0, 3.0, 4.0], 6)
    >>> models = {"last": NaiveForecaster(), "seasonal": NaiveForecaster("seasonal", seasonal_period=4)}
    >>> result = backtest(models, None, y, cv=TimeSeriesSplit(3, test_size=4), scoring=["mae", "rmse"])
    >>> result.summary()[["mae", "rmse", "n_folds"]]  # doctest: +NORMALIZE_WHITESPACE
              mae      rmse  n_folds
    model
    seasonal  0.0  0.000000        3
    last      1.5  1.870829        3
    """
    estimators = dict(estimator) if isinstance(estimator, Mapping) else {_model_name(estimator): estimator}
    if not estimators:
        raise ValueError("estimator is an empty dict: give at least one model.")
    for name, est in estimators.items():
        if refit is not True and refit != 1 and not _can_update(est):
            raise TypeError(
                f"refit={refit!r} moves a fitted model forward with update(X_new, y_new), which {name!r} "
                f"({type(est).__name__}) lacks: use refit=True."
            )
    metrics = _resolve_scoring(scoring, seasonal_period)
    coverages = None if coverage is None else check_levels(coverage, "coverage")[0]
    if is_panel(y):  # many series: one cutoff for all per fold, scores averaged over series
        from tsforecast._panel_backtest import backtest_panel

        return backtest_panel(estimators, X, y, cv, refit, metrics, coverages, n_jobs, return_predictions)
    n = _num_samples(y)
    pandas = [d for d in (y, X) if isinstance(d, (pd.Series, pd.DataFrame))]
    index = pandas[0].index if pandas else pd.RangeIndex(n)
    if X is not None and _num_samples(X) != n:
        raise ValueError(f"X and y have different numbers of time steps: {_num_samples(X)} and {n}.")
    if X is None:
        X = pd.DataFrame(index=index)
    elif not isinstance(X, (pd.Series, pd.DataFrame)):
        X = pd.DataFrame(np.asarray(X).reshape(n, -1), index=index)
    folds = _collect_folds(cv, X, y)
    tasks = []
    for name, est in estimators.items():
        for group in _segments(folds, refit):
            start, stop = group[0].train_start, max(f.test_stop for f in group)
            shifted = [f.shifted(start) for f in group]
            tasks.append((name, est, _rows(X, start, stop), _rows(y, start, stop), shifted, coverages))
    outputs = Parallel(n_jobs=n_jobs)(delayed(_run_segment_recording)(*task[1:]) for task in tasks)
    results = [result for result, _ in outputs]
    _warn_once_per_model([task[0] for task in tasks], [caught for _, caught in outputs])
    by_model: dict[str, tuple[list, set]] = {name: ([], set()) for name in estimators}
    for (name, _, _, _, group, _), res in zip(tasks, results, strict=True):
        by_model[name][0].extend(res)
        by_model[name][1].add(group[0].number)
    runs = [(name, res, refits) for name, (res, refits) in by_model.items()]
    scores, predictions = _assemble(runs, folds, index, y, metrics, return_predictions, coverages)
    greater_is_better = {m.name: m.greater_is_better for m in metrics} | _interval_names(coverages)
    return BacktestResult(scores, predictions, list(greater_is_better), greater_is_better)
