"""Backtests of panels: one cutoff for every series per fold, metrics averaged over series.

:func:`tsforecast.model_selection.backtest` hands a panel ``y`` (indexed by (series id,
time)) to :func:`backtest_panel`. The splitter cuts the panel's time axis (every stamp of
any series, sorted), so each fold has one cutoff stamp for all series; its training part
is every row up to the cutoff and its test part the rows at the fold's test stamps. Every
metric is computed per series and fold, with MASE scaled by each series' own in-sample
seasonal-naive error, and a fold's score is the mean over its series, the way the M4
competition averages. Test rows of series with no usable history before a cutoff (they
start later, or are shorter than the model needs) cannot be forecast: they are counted
in one warning, never scored silently as anything else. Series with no rows at any fold's
test stamps (they end before the first one: the folds cut the panel's last stamps, not each
series' own) are named in an :class:`~tsforecast.model_selection.UntestedSeriesWarning`, and
series on different time grids (monthly beside daily) in a warning of their own. A backtest
that could score nothing is an error saying why. With ``refit=False`` each model is
fitted once, at the first cutoff, and every series it fitted is updated with the rows observed
up to each later cutoff before that fold is forecast (series unseen at the fit stay unscored).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from tsforecast import model_selection as _ms
from tsforecast._splitters import stamp_text, warn_untested
from tsforecast.base import coverage_label
from tsforecast.panel import ShortSeriesWarning, panel_time_axis

__all__ = ["backtest_panel"]


def _fit_series_model(estimator: Any, X: Any, y: Any, train: np.ndarray) -> tuple[Any, float]:
    """A clone of ``estimator`` fitted on the training rows, with its fit seconds."""
    model = clone(estimator)
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # the backtest names the series it could not score, once
        warnings.simplefilter("ignore", ShortSeriesWarning)
        model.fit(X.iloc[train], y.iloc[train])
    return model, time.perf_counter() - t0


def _of_fitted(model: Any, y: Any, rows: np.ndarray) -> np.ndarray:
    """The rows (positions) that belong to series the model was fitted on."""
    fitted = set(model.series_ids_)
    return rows[np.fromiter((sid in fitted for sid in y.index.get_level_values(0)[rows]), bool, len(rows))]


def _forecast_fold(model: Any, X: Any, y: Any, test: np.ndarray, fit_seconds: float, coverages) -> tuple:
    """Forecast the test rows of the fitted series.

    Returns (scored test rows, y_pred (n, k), fit seconds, predict seconds, bounds or None).
    """
    test = _of_fitted(model, y, test)
    if not len(test):  # no fitted series has rows at this fold's test stamps
        k = 1 if y.ndim == 1 else y.shape[1]
        bounds = None if coverages is None else np.empty((0, k, 2, len(coverages)))
        return test, np.empty((0, k)), fit_seconds, 0.0, bounds
    t0 = time.perf_counter()
    X_test = X.iloc[test]
    y_pred = np.asarray(model.predict(X_test), dtype=np.float64).reshape(len(test), -1)
    bounds = None
    if coverages is not None:
        lower, upper = model.predict_interval(X_test, coverage=list(coverages))
        bounds = np.stack([lower, upper], axis=-2).reshape(len(test), -1, 2, len(coverages))
    return test, y_pred, fit_seconds, time.perf_counter() - t0, bounds


def _run_fold(estimator: Any, X: Any, y: Any, train: np.ndarray, test: np.ndarray, coverages) -> tuple:
    """Fit on the training rows, forecast the test rows of the fitted series (``refit=True``)."""
    model, fit_seconds = _fit_series_model(estimator, X, y, train)
    return _forecast_fold(model, X, y, test, fit_seconds, coverages)


def _run_folds_updated(estimator: Any, X: Any, y: Any, position: np.ndarray, folds: list, coverages) -> list:
    """``refit=False``: fit at the first cutoff, then update up to each later one and forecast.

    Each fitted series absorbs the rows observed up to the next cutoff (``update``) before
    that fold is forecast, so every fold is forecast from the same trained parameters.
    Returns one ``_forecast_fold`` result per fold.
    """
    first = folds[0]
    train = np.flatnonzero((position >= first.train_start) & (position < first.train_stop))
    model, seconds = _fit_series_model(estimator, X, y, train)
    out, seen = [], first.train_stop
    for fold in folds:
        if fold.train_stop > seen:  # rows between the previous cutoff and this one
            new = _of_fitted(model, y, np.flatnonzero((position >= seen) & (position < fold.train_stop)))
            t0 = time.perf_counter()
            if len(new):
                model.update(X.iloc[new], y.iloc[new])
            seconds, seen = time.perf_counter() - t0, fold.train_stop  # a later fold's "fit": its update
        test = np.flatnonzero((position >= fold.test_start) & (position < fold.test_stop))
        out.append(_forecast_fold(model, X, y, test, seconds, coverages))
    return out


def _warn_mixed_grids(times: pd.Index, codes: np.ndarray, ids: pd.Index, order: np.ndarray) -> None:
    """Warn when the series' stamps lie on different grids (e.g. monthly beside daily).

    A series' grid is read as the smallest spacing of its stamps (one pass over the rows sorted
    by series and time): series whose grids differ by half again or more are named.
    """
    values = np.asarray(times.asi8 if isinstance(times, pd.DatetimeIndex) else times)
    if not np.issubdtype(values.dtype, np.number) or len(values) < 2:
        return
    c, gaps = codes[order], np.diff(values[order]).astype(np.float64)  # exact int64 differences
    same = c[1:] == c[:-1]
    spacing = np.full(len(ids), np.inf)
    np.minimum.at(spacing, c[1:][same], gaps[same])
    known = np.isfinite(spacing) & (spacing > 0)
    if known.sum() < 2 or spacing[known].max() < 1.5 * spacing[known].min():
        return
    fine = np.flatnonzero(known & (spacing == spacing[known].min()))
    coarse = np.flatnonzero(known & (spacing >= 1.5 * spacing[known].min()))
    as_time = isinstance(times, pd.DatetimeIndex)

    def label(group: np.ndarray) -> str:
        gap = spacing[group[0]]
        gap_text = str(pd.Timedelta(int(gap), unit=getattr(times, "unit", "ns"))) if as_time else f"{gap:g}"
        more = f" and {len(group) - 3} more" if len(group) > 3 else ""
        return f"{gap_text} for {', '.join(repr(ids[g]) for g in group[:3])}{more}"

    warnings.warn(
        f"The series of this panel lie on different time grids: the smallest spacing of their stamps is "
        f"{label(fine)}, but {label(coarse[np.argsort(-spacing[coarse], kind='stable')])}. backtest cuts "
        "one time axis, the union of every series' stamps, so a fold's test block holds a different "
        "number of each series' own steps, and the predictions' step column counts the axis' stamps "
        "after the cutoff, not a series' own steps. Backtest the series of each frequency separately.",
        UserWarning,
        stacklevel=5,
    )


def _nothing_scored(unscored: dict, folds: list, axis: pd.Index, refit: bool) -> ValueError:
    """The error of a backtest that scored nothing: why, and what to change."""
    shown = ", ".join(f"{sid!r} (folds {sorted(f)})" for sid, f in list(unscored.items())[:5])
    more = f" and {len(unscored) - 5} more" if len(unscored) > 5 else ""
    cutoff = stamp_text(axis[folds[0].train_stop - 1])
    once = (
        f" With refit=False each model is fitted once, at the first cutoff ({cutoff}), so only the "
        "series long enough by then are ever forecast (refit=True fits every fold anew)."
        if not refit
        else ""
    )
    return ValueError(
        f"backtest could score nothing: in none of the {len(folds)} folds was any series with test rows "
        f"fitted before the fold's cutoff. The series with test rows, {shown}{more}, start after those "
        f"cutoffs or have too little history before them for the model.{once} Use a later first cutoff "
        "(a larger initial_window; fewer folds or a smaller test_size with TimeSeriesSplit), or give "
        "series long enough to be fitted at the first cutoff."
    )


def _series_and_folds(folds_of: dict[Any, set[int]], limit: int = 5) -> str:
    """``'a' (folds [0, 1]), 'b' (folds [2])``: the first ``limit`` series and their folds."""
    shown = ", ".join(f"{sid!r} (folds {sorted(f)})" for sid, f in list(folds_of.items())[:limit])
    return shown + (" and more" if len(folds_of) > limit else "")


def backtest_panel(
    estimators: dict, X: Any, y: Any, cv: Any, refit: Any, metrics: list, coverages, n_jobs, keep
):
    """``backtest`` of a panel y; arguments as there, already resolved (metrics, coverages)."""
    if refit is not True and refit is not False and refit not in (0, 1):
        raise ValueError(
            f"backtest of a panel refits every fold (refit=True) or fits once and updates "
            f"(refit=False); refit={refit!r}, refitting every few folds, is not supported for panels."
        )
    refit = bool(refit)
    axis, position = panel_time_axis(y.index)
    X = pd.DataFrame(index=y.index) if X is None else X
    folds = _ms._collect_folds(cv, np.zeros((len(axis), 0)), None)  # folds of time positions
    codes, ids = pd.factorize(y.index.get_level_values(0))
    key = codes.astype(np.int64) * len(axis) + position  # sorts rows by (series, time)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    tested = np.zeros(len(axis), dtype=bool)  # the time positions some fold tests
    for fold in folds:
        tested[fold.test_start : fold.test_stop] = True
    first_test = axis[min(fold.test_start for fold in folds)]
    warn_untested(
        y.index,
        tested[position],
        first_test,
        "any fold's test block",
        "Backtest them separately (e.g. backtest(model, None, y.loc[ids], cv=...)), or align the series' "
        "ends (cut the longer series to a common end) so that the folds test every series.",
        stacklevel=5,
    )
    _warn_mixed_grids(y.index.get_level_values(1), codes, ids, order)
    tasks = [
        (name, fold, est, np.flatnonzero((position >= fold.train_start) & (position < fold.train_stop)))
        for name, est in estimators.items()
        for fold in folds
    ]
    if refit:
        results = Parallel(n_jobs=n_jobs)(
            delayed(_run_fold)(
                est,
                X,
                y,
                train,
                np.flatnonzero((position >= f.test_start) & (position < f.test_stop)),
                coverages,
            )
            for _, f, est, train in tasks
        )
    else:  # one sequence of updates per model, in the order of ``tasks``
        sequences = Parallel(n_jobs=n_jobs)(
            delayed(_run_folds_updated)(est, X, y, position, folds, coverages) for est in estimators.values()
        )
        results = [result for sequence in sequences for result in sequence]
    y_arr = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    targets = np.array(_ms._target_names(y), dtype=object)
    scores: list[dict[str, Any]] = []
    parts: list[pd.DataFrame] = []
    unscored: dict[Any, set[int]] = {}
    # MASE scales each series by its in-sample seasonal-naive error: a series with no more than
    # seasonal_period training rows at a cutoff has none, and is left out of that fold's scores
    mase_needs = max((m.seasonal_period for m in metrics if m.kind == "mase"), default=0)
    unscaled: dict[Any, set[int]] = {}

    def segments(test: np.ndarray, fold: Any) -> tuple:
        """Test rows (sorted by series) cut into one segment per series, with its training rows.

        Returns (row codes, segment bounds, segment codes, starts, stops), the last two the
        series' training rows in the panel sorted by (series, time).
        """
        series_codes = codes[test]
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(series_codes)) + 1, [len(test)]])
        seg_codes = series_codes[bounds[:-1]]
        base = seg_codes.astype(np.int64) * len(axis)
        starts = np.searchsorted(sorted_key, base + fold.train_start)
        stops = np.searchsorted(sorted_key, base + fold.train_stop)
        return series_codes, bounds, seg_codes, starts, stops

    for (name, fold, _, _), (test, y_pred, fit_s, pred_s, band) in zip(tasks, results, strict=True):
        n_test = int(((position >= fold.test_start) & (position < fold.test_stop)).sum())
        if n_test > len(test):
            missing = np.setdiff1d(
                np.flatnonzero((position >= fold.test_start) & (position < fold.test_stop)), test
            )
            for sid in pd.unique(y.index.get_level_values(0)[missing]):
                unscored.setdefault(sid, set()).add(fold.number)
        if not len(test):  # nothing to score: the warning below names the series and folds
            continue
        by_series = np.argsort(key[test], kind="stable")  # segments: one per series of the fold
        test, y_pred = test[by_series], y_pred[by_series]
        band = None if band is None else band[by_series]
        series_codes, bounds, seg_codes, starts, stops = segments(test, fold)
        short = (stops - starts) <= mase_needs  # too little history for MASE's in-sample scale
        if short.any():
            for sid in ids[seg_codes[short]]:
                unscaled.setdefault(sid, set()).add(fold.number)
            kept = np.repeat(~short, np.diff(bounds))
            test, y_pred = test[kept], y_pred[kept]
            band = None if band is None else band[kept]
            if not len(test):
                continue
            series_codes, bounds, seg_codes, starts, stops = segments(test, fold)
        train = _ms._Training(y_arr[order], starts, stops)
        row = {
            "model": name,
            "fold": fold.number,
            "cutoff": axis[fold.train_stop - 1],
            "train_size": int(((position >= fold.train_start) & (position < fold.train_stop)).sum()),
            "test_size": len(test),
            "refit": refit or fold.number == folds[0].number,
            "fit_seconds": fit_s,
            "predict_seconds": pred_s,
            "n_series": len(seg_codes),
        }
        y_true = y_arr[test]
        for metric in metrics:
            row[metric.name] = float(np.mean(metric.per_fold(y_true, y_pred, bounds, train)))
        if band is not None:
            for column, values in _ms._interval_scores(y_true, band, bounds, coverages).items():
                row[column] = float(np.mean(values))
        scores.append(row)
        if keep:
            k = y_arr.shape[1]
            intervals = (
                {}
                if band is None
                else {
                    f"{side}_{coverage_label(nominal)}": band[:, :, s, c].ravel()
                    for c, nominal in enumerate(coverages)
                    for s, side in enumerate(("lower", "upper"))
                }
            )
            parts.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "fold": fold.number,
                        "cutoff": axis[fold.train_stop - 1],
                        "series": np.repeat(ids[series_codes], k),
                        "step": np.repeat(position[test] - fold.train_stop + 1, k),
                        "time": np.repeat(np.asarray(axis[position[test]]), k),
                        "target": np.tile(targets, len(test)),
                        "y_true": y_true.ravel(),
                        "y_pred": y_pred.ravel(),
                        **intervals,
                    }
                )
            )
    if not scores and unscaled:
        raise ValueError(
            f"Nothing could be scored: MASE with seasonal_period={mase_needs} needs more than "
            f"{mase_needs} training rows per series before a cutoff, and every series forecast had "
            f"fewer ({', '.join(repr(sid) for sid in list(unscaled)[:5])}). Use a later first cutoff, or "
            "score without 'mase'."
        )
    if not scores:
        raise _nothing_scored(unscored, folds, axis, refit)
    if unscaled:
        shown = _series_and_folds(unscaled)
        warnings.warn(
            f"MASE with seasonal_period={mase_needs} needs more than {mase_needs} training rows per "
            f"series before a cutoff; {len(unscaled)} series had fewer and were left out of those folds' "
            f"scores (every metric, so that all average over the same series): {shown}. Use a later "
            "first cutoff, or score without "
            "'mase' to keep them.",
            ShortSeriesWarning,
            stacklevel=4,
        )
    silent = [name for name in estimators if name not in {row["model"] for row in scores}]
    if unscored:
        shown = _series_and_folds(unscored)
        warnings.warn(
            f"Test rows of {len(unscored)} series were not forecast or scored, because the series had no "
            f"history long enough for the model before those folds' cutoffs: {shown}. Scores average "
            "over the series that were scored "
            "(the n_series column).",
            ShortSeriesWarning,
            stacklevel=4,
        )
    if silent:
        warnings.warn(
            f"Models {silent} scored no fold (no series they fitted had test rows), so they are missing "
            "from the scores and the summary. Use a later first cutoff, or series long enough for them.",
            ShortSeriesWarning,
            stacklevel=4,
        )
    greater = {m.name: m.greater_is_better for m in metrics} | _ms._interval_names(coverages)
    predictions = pd.concat(parts, ignore_index=True) if parts else None
    return _ms.BacktestResult(pd.DataFrame(scores), predictions, list(greater), greater)
