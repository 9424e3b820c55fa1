"""Panels: many series stacked in one pandas object indexed by (series id, time).

A panel ``y`` is a Series (one target) or DataFrame (several targets) whose index has
two levels: the series id, then the time stamp. Series may have different lengths and
start dates; the rows of one series need not be contiguous (a long table sorted by time
and then id is a panel too), but within a series the time stamps must increase.
``X``, when given, is a DataFrame with exactly the same index.

Every forecaster accepts panels through :class:`~tsforecast.base.BaseForecaster`:

- ``fit`` splits the panel into its series, checks each (duplicated or unsorted stamps are
  errors naming the series), leaves out with one :class:`ShortSeriesWarning` the series
  shorter than the model's minimum (an error when none is long enough), and hands the
  series to the model's ``_fit_panel`` hook. The default hook fits one clone of the
  forecaster per series, in parallel through joblib; neural forecasters override it with
  one global network.
- ``predict(X)``, ``predict_quantiles``, ``predict_interval`` and ``forecast(X)`` take
  future rows in the same two-level form (any subset of the fitted series, any steps after
  each series' own end) and answer one row per row of X, in X's row order. The series' rows
  may be interleaved in any order, but within one series X's rows must be in increasing time
  order (rows out of order, or a repeated stamp, are refused naming the series).
- ``forecast(h)`` answers every fitted series' next ``h`` steps, indexed by (series, time).

Parallelism: per-series fits run through ``joblib.Parallel(n_jobs=...)``. ``n_jobs`` is the
estimator's own ``n_jobs`` parameter when it has one; otherwise ``None``, which joblib
resolves from the active ``joblib.parallel_config`` (one job by default). So
``with joblib.parallel_config(n_jobs=-1): model.fit(None, panel)`` uses every core, and
``parallel_config(backend="dask")`` runs the fits on a Dask cluster.
"""

from __future__ import annotations

import datetime
import numbers
import warnings
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from tsforecast._time import IrregularIndexWarning, TimeIndexWarning, regular_step, time_index_disorder
from tsforecast._validation import check_finite, check_numeric

__all__ = [
    "MixedFrequencyWarning",
    "PanelSeries",
    "ShortSeriesWarning",
    "is_panel",
    "is_panel_fitted",
    "split_panel",
]


class ShortSeriesWarning(UserWarning):
    """Some series of a panel are shorter than the model needs, so they were left out of fit."""


class MixedFrequencyWarning(TimeIndexWarning):
    """The series of a panel were sampled at different frequencies (e.g. monthly and daily).

    Each series is forecast on its own frequency, but a panel is cut by time as a whole
    (``backtest``, the splitters, ``temporal_train_test_split``: every stamp of any series is
    one step of the panel's time axis), so a fold of h steps would be h of the finest series'
    stamps for every series.
    """


def is_panel(obj: Any) -> bool:
    """Whether ``obj`` is a pandas object indexed by (series id, time)."""
    return isinstance(obj, (pd.Series, pd.DataFrame)) and isinstance(obj.index, pd.MultiIndex)


def is_panel_fitted(estimator: Any) -> bool:
    """Whether ``estimator`` was last fitted on a panel."""
    return hasattr(estimator, "series_ids_")


class _PanelData:
    """What the series of one split share: the panel's values, read once, and its index codes.

    ``y`` and ``X`` are read into numpy once (``to_numpy`` is a view for a single-dtype pandas
    object, so usually nothing is copied); a series takes its rows from them on demand.
    """

    __slots__ = ("X", "X_values", "index", "times", "y", "y_values")

    def __init__(self, y: pd.Series | pd.DataFrame | None, X: pd.DataFrame | None, index: pd.MultiIndex):
        self.y, self.X, self.index = y, X, index
        self.y_values = None if y is None else y.to_numpy()
        self.X_values = None if X is None else X.to_numpy()
        # a series' stamps are taken from the time level through its codes; a missing stamp
        # (code -1, which `take` would read as the last level value) needs the materialised level
        self.times = index.get_level_values(1) if _has_missing(index.codes[1]) else None

    def time(self, rows: slice | np.ndarray) -> pd.Index:
        if self.times is not None:
            return self.times[rows]
        level = self.index.levels[1]
        return level.take(self.index.codes[1][rows]).rename(self.index.names[1])


class PanelSeries:
    """One series of a panel: its id, the rows it holds in the panel, and its data.

    ``rows`` are the positions of the series' rows in the panel (increasing), ``time``
    its time stamps, ``y`` a Series or DataFrame indexed by ``time`` (None for
    predict's rows) and ``X`` a DataFrame indexed by ``time``. Nothing of the series is
    copied when the panel is split: ``time``, ``y`` and ``X`` are built from the panel
    each time they are read, and :meth:`y_values` / :meth:`X_values` give its rows as
    arrays (views of the panel's when its rows are contiguous), so splitting a panel of
    many series costs a few bytes per series, not per point.
    """

    __slots__ = ("_panel", "_rows", "freq", "id")

    def __init__(self, series_id: Hashable, panel: _PanelData, rows: slice | np.ndarray):
        self.id, self._panel, self._rows = series_id, panel, rows
        #: the panel's frequency, given to a DatetimeIndex too short to show its own (see fit_panel)
        self.freq: Any = None

    def __len__(self) -> int:
        rows = self._rows
        return rows.stop - rows.start if isinstance(rows, slice) else len(rows)

    @property
    def rows(self) -> np.ndarray:
        """Positions of the series' rows in the panel, increasing."""
        rows = self._rows
        return np.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows

    @property
    def time(self) -> pd.Index:
        """The series' time stamps (built from the panel's time level when read)."""
        time = self._panel.time(self._rows)
        if self.freq is not None:
            return pd.DatetimeIndex(time, freq=self.freq)
        return time

    @property
    def y(self) -> pd.Series | pd.DataFrame | None:
        """The series' targets indexed by ``time``; None for predict's rows (X alone was split)."""
        y, values = self._panel.y, self._panel.y_values
        if y is None or values is None:
            return None
        rows = np.array(values[self._rows])  # a copy: a model fitted on it never shares the caller's data
        if isinstance(y, pd.Series):
            return pd.Series(rows, index=self.time, name=y.name)
        return pd.DataFrame(rows, index=self.time, columns=y.columns)

    @property
    def X(self) -> pd.DataFrame:
        """The series' features indexed by ``time`` (no columns when the panel has no X)."""
        X, values = self._panel.X, self._panel.X_values
        if X is None or values is None:
            return pd.DataFrame(index=self.time)
        return pd.DataFrame(np.array(values[self._rows]), index=self.time, columns=X.columns)

    def y_values(self) -> np.ndarray:
        """The series' targets, float64 of shape (n_samples, n_targets): a view when it can be.

        Always C-ordered: numpy's sums along an axis depend on the memory layout in their last
        bits, and the statistics fitted on these rows must not depend on how the panel was built.
        """
        values = self._panel.y_values
        assert values is not None, "split_panel was given y, so every series has its y"
        return np.ascontiguousarray(values[self._rows], dtype=np.float64).reshape(len(self), -1)

    def X_values(self) -> np.ndarray:
        """The series' features, float64 of shape (n_samples, n_features), C-ordered as ``y_values``."""
        values = self._panel.X_values
        if values is None:
            return np.empty((len(self), 0))
        return np.ascontiguousarray(values[self._rows], dtype=np.float64)


def _describe(ids: list, limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _has_missing(codes: np.ndarray) -> bool:
    """Whether a MultiIndex level's codes mark a missing value (-1): a reduction, no mask of rows."""
    return len(codes) > 0 and int(codes.min()) < 0


def _check_levels(index: pd.MultiIndex, name: str) -> None:
    if index.nlevels != 2:
        raise ValueError(
            f"A panel {name} must be indexed by two levels, (series id, time); its index has "
            f"{index.nlevels} levels {list(index.names)}. Combine the id levels into one first "
            f"(e.g. `{name}.index = pd.MultiIndex.from_arrays([ids, times])`)."
        )
    if _has_missing(index.codes[0]):  # the level itself is never read
        raise ValueError(
            f"The series id level of {name} has missing values (NaN) at rows "
            f"{np.flatnonzero(index.codes[0] == -1)[:5].tolist()}: give every row a series id."
        )


def _series_order(index: pd.MultiIndex) -> tuple[list, np.ndarray, np.ndarray | None]:
    """The series of a panel, in the order their ids first appear, from the id level's codes.

    Returns the ids, the bounds of each series in the grouped row order (series ``j`` holds
    positions ``bounds[j]:bounds[j + 1]`` of it) and that order as row positions, or None when
    every series' rows are already contiguous (the grouped order is the panel's own: no copy).
    """
    codes = index.codes[0]
    if len(codes) == 0:
        return [], np.zeros(1, dtype=np.int64), None
    starts = np.concatenate([[0], np.flatnonzero(codes[1:] != codes[:-1]) + 1])
    block_codes = codes[starts]
    if len(np.unique(block_codes)) == len(block_codes):  # one block of rows per series
        order, id_codes, bounds = None, block_codes, np.append(starts, len(codes))
    else:  # interleaved rows (e.g. sorted by time, then id): group them, keeping each one's order
        id_codes_sorted, first = np.unique(codes, return_index=True)
        id_codes = id_codes_sorted[np.argsort(first)]
        rank = np.empty(int(id_codes_sorted[-1]) + 1, dtype=np.int64)
        rank[id_codes] = np.arange(len(id_codes))
        series_of_row = rank[codes]
        order = np.argsort(series_of_row, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(series_of_row))])
    # iterating a pandas Index gives Python scalars, as the ids' own values
    return list(index.levels[0].take(id_codes)), bounds, order


def _series_to_check(index: pd.MultiIndex, bounds: np.ndarray, order: np.ndarray | None) -> Sequence[int]:
    """The series whose stamps must be checked one by one: none when the codes show them in order.

    The time level of a MultiIndex holds each stamp once; when it is sorted, a series' stamps
    increase exactly when their codes do, so the whole panel is checked without materialising a
    stamp and only the first series out of order is read (to word its error). Missing stamps or
    a level that does not sort leave the codes silent: then every series is checked.
    """
    codes, level = index.codes[1], index.levels[1]
    if _has_missing(codes) or not level.is_monotonic_increasing:
        return range(len(bounds) - 1)
    grouped = codes if order is None else codes[order]
    bad = grouped[1:] <= grouped[:-1]
    bad[bounds[1:-1] - 1] = False  # the step from one series' last row to the next one's first
    if not bad.any():
        return []
    return [int(np.searchsorted(bounds, int(np.flatnonzero(bad)[0]), side="right")) - 1]


def _check_series_time(series_id: Hashable, time: pd.Index, name: str) -> None:
    kind, detail = time_index_disorder(time)
    if kind == "duplicated":
        raise ValueError(
            f"Series {series_id!r} of {name} has duplicated time stamps, e.g. {detail}. Each "
            f"(series, time) pair must be one row: aggregate duplicates first, e.g. "
            f"`{name}.groupby(level=[0, 1]).mean()`."
        )
    if kind == "unsorted":
        raise ValueError(
            f"Series {series_id!r} of {name} is not sorted in increasing time order "
            f"({time[detail]!r} follows {time[detail - 1]!r}). Sort the panel with "
            f"`{name}.sort_index()`; forecasters never reorder data silently."
        )


def _time_kind(stamp: Any) -> str:
    """What a stamp of an object-dtype time level is: a date, a period, an integer, ..."""
    if isinstance(stamp, (datetime.date, np.datetime64)):
        return "datetime"
    if isinstance(stamp, pd.Period):
        return f"period[{stamp.freqstr}]"
    if isinstance(stamp, numbers.Integral) and not isinstance(stamp, bool):
        return "integer"
    if isinstance(stamp, numbers.Real):
        return "float"
    if isinstance(stamp, str):
        return "text"
    return type(stamp).__name__


def _check_time_kinds(
    series: list[PanelSeries], index: pd.MultiIndex, bounds: np.ndarray, order: np.ndarray | None, name: str
) -> None:
    """Refuse a time level that mixes kinds of stamps (dates for some series, integers for others).

    pandas keeps such a level as objects, so no series would have a time axis: each would fall
    back to positions and forecasts would be labelled by row number. Only an object level can
    mix kinds, so a typed level (datetime, period, integer) costs nothing here.
    """
    level = index.levels[1]
    if level.dtype != object or len(level) == 0:
        return
    kinds = np.array([_time_kind(stamp) for stamp in level], dtype=object)
    codes = index.codes[1] if order is None else index.codes[1][order]
    per_series = []
    for begin, end in zip(bounds[:-1], bounds[1:], strict=True):
        present = codes[begin:end]
        present = present[present >= 0]
        per_series.append(tuple(sorted(set(kinds[np.unique(present)]))))
    counts: dict[tuple, int] = {}
    for found in per_series:
        counts[found] = counts.get(found, 0) + 1
    if len(counts) == 1 and len(per_series[0]) <= 1:
        return
    single = {found: n for found, n in counts.items() if len(found) == 1}
    usual = max(single, key=lambda found: single[found]) if single else ()  # the kind most series have
    odd: dict[tuple, list] = {}
    for part, found in zip(series, per_series, strict=True):
        if found != usual:
            odd.setdefault(found, []).append(part.id)
    example = {kind: level[int(np.flatnonzero(kinds == kind)[0])] for kind in set(kinds)}
    described = "; ".join(
        f"series {_describe(ids)} {'has' if len(ids) == 1 else 'have'} {' and '.join(found)} stamps "
        f"(e.g. {example[found[0]]!r})"
        for found, ids in odd.items()
    )
    others = (
        f", while {counts[usual]} other series have {' and '.join(usual)} stamps (e.g. {example[usual[0]]!r})"
        if usual
        else ""
    )
    raise ValueError(
        f"The time level of {name} mixes kinds of time stamps: {described}{others}. "
        "Every series needs the same kind of stamps to be forecast on its time axis: convert "
        "those series' times first (e.g. dates with `pd.to_datetime`, or row numbers for every "
        "series), or fit them as a separate panel."
    )


def _check_values(y: Any, X: Any) -> None:
    """Numeric, finite y and X: checked on the panel, so that the errors name the series."""
    for data, data_name in ((y, "y"), (X, "X")):
        if data is not None:
            check_numeric(data, data_name)
            check_finite(data, data_name)


def split_panel(y: Any, X: Any, name: str = "y") -> list[PanelSeries]:
    """Split a panel ``y`` (and ``X`` with the same index) into its series.

    With ``y=None`` only X is split (predict's future rows); ``name`` is then "X".
    Series come in the order their ids first appear; each keeps its rows' order,
    which must be increasing in time.
    """
    lead = y if y is not None else X
    lead_name = name if y is not None else "X"
    if not is_panel(lead):
        raise ValueError(
            f"{lead_name} is not a panel: index it by (series id, time) with a 2-level MultiIndex."
        )
    _check_levels(lead.index, lead_name)
    if y is not None and X is not None:
        if not is_panel(X):
            raise ValueError(
                "y is a panel indexed by (series id, time), so X must be a DataFrame with the same "
                f"2-level index, got {type(X).__name__}. Build it as `X = features.loc[y.index]`."
            )
        if not X.index.equals(y.index):
            raise ValueError(
                "X and y are panels with different indexes: each row of X must hold the features "
                "of the same (series id, time) row of y. Align them first: `X = X.reindex(y.index)` "
                "(and fill what is missing)."
            )
    if X is not None and not isinstance(X, pd.DataFrame):
        raise ValueError(f"X must be a DataFrame indexed by (series id, time), got {type(X).__name__}.")
    ids, bounds, order = _series_order(lead.index)
    data = _PanelData(y, X, lead.index)
    series = [
        PanelSeries(
            series_id,
            data,
            slice(int(begin), int(end)) if order is None else order[begin:end],
        )
        for series_id, begin, end in zip(ids, bounds[:-1], bounds[1:], strict=True)
    ]
    _check_time_kinds(series, lead.index, bounds, order, lead_name)
    for position in _series_to_check(lead.index, bounds, order):
        _check_series_time(series[position].id, series[position].time, lead_name)
    return series


def drop_panel_state(estimator: Any) -> None:
    """Forget a previous panel fit (called when the estimator is refitted on one series)."""
    for attribute in ("series_ids_", "estimators_", "short_series_", "index_names_"):
        estimator.__dict__.pop(attribute, None)


def _forget_fit(estimator: Any) -> None:
    for attribute in [a for a in vars(estimator) if a.endswith("_") and not a.startswith("__")]:
        delattr(estimator, attribute)


def _leave_out_short(estimator: Any, series: list[PanelSeries]) -> list[PanelSeries]:
    """The series long enough for the estimator; warn once naming those left out."""
    minimum = estimator._panel_min_length(np.array([len(s) for s in series]))
    short = [s for s in series if len(s) < minimum]
    if len(short) == len(series):
        longest = max(series, key=lambda s: len(s))
        raise ValueError(
            f"No series of the panel is long enough: {type(estimator).__name__} needs at least "
            f"{minimum} time steps with these parameters, and the longest series {longest.id!r} "
            f"has n_samples={len(longest)}. Give longer series or lower the window "
            "parameters (e.g. lookback, seasonal_period)."
        )
    if short:
        warnings.warn(
            f"{len(short)} of {len(series)} series are shorter than the {minimum} time steps "
            f"{type(estimator).__name__} needs and are left out of fit: "
            f"{', '.join(f'{s.id!r} (n_samples={len(s)})' for s in short[:5])}"
            f"{f' and {len(short) - 5} more' if len(short) > 5 else ''}. "
            "They cannot be forecast; give them more history or lower the window parameters.",
            ShortSeriesWarning,
            stacklevel=3,
        )
    estimator.short_series_ = {s.id: len(s) for s in short}
    return [s for s in series if len(s) >= minimum]


def _fit_one(estimator: Any, part: PanelSeries) -> Any:
    return estimator.fit(part.X, part.y)


def fit_per_series(estimator: Any, series: list[PanelSeries]) -> None:
    """The default ``_fit_panel``: one fitted clone per series in ``estimators_``, through joblib."""
    n_jobs = estimator.get_params().get("n_jobs")
    fitted = Parallel(n_jobs=n_jobs)(delayed(_fit_one)(clone(estimator), part) for part in series)
    estimator.estimators_ = {part.id: model for part, model in zip(series, fitted, strict=True)}


def fit_panel(estimator: Any, X: Any, y: Any) -> Any:
    """``fit`` of any forecaster on a panel ``y`` (and ``X``)."""
    if not is_panel(y):
        raise ValueError(
            "X is a panel indexed by (series id, time), so y must be a Series or DataFrame with "
            f"the same 2-level index, got {type(y).__name__}."
        )
    if isinstance(y, pd.DataFrame) and y.shape[1] == 0:
        raise ValueError("y is a panel with no columns: give at least one target column.")
    _forget_fit(estimator)
    parts = split_panel(y, X)
    _check_values(y, X)
    series = _leave_out_short(estimator, parts)
    _lend_panel_frequency(series)
    short = estimator.short_series_
    estimator._fit_panel(series)
    estimator.short_series_ = short
    estimator.series_ids_ = np.array([s.id for s in series], dtype=object)
    estimator.index_names_ = list(y.index.names)
    estimator.n_targets_ = 1 if isinstance(y, pd.Series) else y.shape[1]
    estimator.target_names_ = np.array(
        [y.name] if isinstance(y, pd.Series) else list(y.columns), dtype=object
    )
    estimator._y_ndim = 1 if isinstance(y, pd.Series) else 2
    estimator.n_features_in_ = 0 if X is None else X.shape[1]
    if X is not None and X.shape[1] and all(isinstance(c, str) for c in X.columns):
        estimator.feature_names_in_ = np.asarray(X.columns, dtype=object)
    estimator.n_train_ = len(y)
    _warn_mixed_frequencies(estimator)
    return estimator


#: Fewest stamps from which a DatetimeIndex shows its frequency (``pd.infer_freq`` needs three).
_FEWEST_TO_INFER = 3
#: How many series' frequencies are read to find the panel's frequency for its shortest series.
_SERIES_TO_READ = 50


def _lend_panel_frequency(series: list[PanelSeries]) -> None:
    """Give the panel's frequency to datetime series too short to show their own.

    One or two stamps show no frequency (two show a spacing: 31 days, not "month start"), so
    such a series alone would be counted by position, or on a wrong spacing, and forecast with
    wrong labels. When the other series (the first ``_SERIES_TO_READ`` long enough) agree on one
    frequency and the short series' stamps lie on it, the series is fitted with that frequency.
    """
    short = [part for part in series if len(part) < _FEWEST_TO_INFER]
    if not short or not isinstance(short[0].time, pd.DatetimeIndex):
        return
    found = {}
    for part in [part for part in series if len(part) >= _FEWEST_TO_INFER][:_SERIES_TO_READ]:
        step = regular_step(part.time)
        if step is not None:
            found[step.freqstr] = step
    if len(found) != 1:
        return
    (freq,) = found.values()
    off_grid = []
    for part in short:
        try:
            pd.DatetimeIndex(part.time, freq=freq)  # pandas checks that the stamps lie on it
        except ValueError:
            off_grid.append(part)
            continue
        part.freq = freq
    if off_grid:
        warnings.warn(
            f"Series {_describe([part.id for part in off_grid])} have too few time stamps "
            f"({', '.join(str(len(part)) for part in off_grid[:5])}) to show a frequency, and they "
            f"are not on the {freq.freqstr!r} grid of the other series, so they are counted by "
            "position (forecasts labelled 1, 2, ...). Put their stamps on the panel's grid.",
            IrregularIndexWarning,
            stacklevel=4,
        )


def _frequency(model: Any) -> str | None:
    """A fitted series' frequency (``"MS"``, ``"D"``, ``"3M"`` for a period step), if it has one."""
    kind, step = getattr(model, "index_kind_", None), getattr(model, "index_step_", None)
    if kind == "datetime" and step is not None:
        return str(step.freqstr)
    if kind == "period":
        freq = model.last_index_.freqstr
        return freq if step == 1 else f"{step}x{freq}"
    return None


def _warn_mixed_frequencies(estimator: Any) -> None:
    """Warn, naming them, when the fitted series have different frequencies (monthly and daily)."""
    by_frequency: dict[str, list] = {}
    for series_id in estimator.series_ids_:
        freq = _frequency(estimator._series_model(series_id))
        if freq is not None:
            by_frequency.setdefault(freq, []).append(series_id)
    if len(by_frequency) < 2:
        return
    ordered = sorted(by_frequency.items(), key=lambda item: -len(item[1]))
    listed = "; ".join(f"{freq!r} for {len(ids)} series ({_describe(ids)})" for freq, ids in ordered)
    warnings.warn(
        f"The series of the panel have different frequencies: {listed}. Each series is fitted and "
        "forecast on its own frequency, but a panel is cut by time as a whole (backtest, the "
        "splitters and temporal_train_test_split count every stamp of any series as one step), "
        "so a fold of h steps holds h of the finest series' stamps for every series, and a "
        "global (neural) model mixes seasonalities. Fit each frequency as a panel of its own, e.g. "
        f"`y[y.index.get_level_values(0).isin(ids)]` with the ids of {ordered[-1][0]!r}.",
        MixedFrequencyWarning,
        stacklevel=4,
    )


# -- predicting, per series, answered in X's row order ---------------------------------------


def _future_series(estimator: Any, X: Any, method: str) -> list[PanelSeries]:
    """Split predict's X into its series, each one the estimator has fitted."""
    check_is_fitted(estimator)
    name = type(estimator).__name__
    if not is_panel_fitted(estimator):
        raise ValueError(
            f"X is a panel indexed by (series id, time), but {name} was fitted on one series: "
            "fit it on a panel y with the same index levels to forecast many series."
        )
    if not is_panel(X):
        what = "None" if X is None else type(X).__name__
        raise ValueError(
            f"{name} was fitted on a panel, so {method} needs X indexed by (series id, time) with "
            f"one row per (series, future step) to forecast, got {what}. Build it as e.g. "
            "`pd.DataFrame(index=pd.MultiIndex.from_product([ids, future_stamps]))`, or use "
            "forecast(h) for every series' next h steps."
        )
    swapped = _swapped_levels(estimator, X.index)
    if swapped:
        raise ValueError(
            f"X's index levels look swapped: its first level holds {swapped}, but {method} needs X "
            "indexed by (series id, time), as y was in fit. Pass `X.swaplevel().sort_index()` "
            "(or build the index with the series ids first)."
        )
    series = split_panel(None, X)
    _check_values(None, X if X.shape[1] else None)
    fitted = set(estimator.series_ids_)
    short = [s.id for s in series if s.id in estimator.short_series_]
    if short:
        raise ValueError(
            f"Series {_describe(short)} of X were too short to be fitted "
            f"(n_samples {[estimator.short_series_[i] for i in short[:5]]}), so {name} cannot forecast "
            "them: refit with more history for them, or leave their rows out of X."
        )
    unseen = [s.id for s in series if s.id not in fitted]
    if unseen:
        raise ValueError(
            f"Series {_describe(unseen)} of X were not seen in fit; {name} forecasts only the "
            f"{len(fitted)} fitted series (e.g. {_describe(list(estimator.series_ids_), 3)}). "
            "Leave those rows out of X, or refit with their history."
        )
    return series


def _swapped_levels(estimator: Any, index: pd.MultiIndex) -> str:
    """What X's first level holds when X looks indexed by (time, series id); "" when it does not.

    It looks swapped when no value of its first level is a fitted series id, and either its
    second level holds fitted ids or its first level holds dates (or periods) while the ids do not.
    """
    if index.nlevels != 2 or len(index) == 0:
        return ""
    known = set(estimator.series_ids_) | set(getattr(estimator, "short_series_", {}))
    first, second = index.levels
    if any(value in known for value in first):
        return ""
    dates = (pd.DatetimeIndex, pd.PeriodIndex)
    ids_look_like_times = any(isinstance(i, (datetime.date, np.datetime64, pd.Period)) for i in known)
    if isinstance(first, dates) and not ids_look_like_times:
        return f"time stamps (e.g. {first[0]!r})"
    if all(value in known for value in second):
        return f"values that are not fitted series ids (e.g. {first[0]!r}), its second level series ids"
    return ""


def _scatter(n_rows: int, parts: list[tuple[np.ndarray, Any]]) -> Any:
    """Put per-series results (arrays, or tuples of arrays) back at their rows of X."""
    first = parts[0][1]
    if isinstance(first, tuple):
        return tuple(_scatter(n_rows, [(rows, r[i]) for rows, r in parts]) for i in range(len(first)))
    out = np.empty((n_rows, *np.shape(first)[1:]))
    for rows, result in parts:
        out[rows] = result
    return out


def predict_panel(estimator: Any, X: Any, method: str, call: Callable[[Any, pd.DataFrame], Any]) -> Any:
    """Answer ``method`` for every row of a panel X, in X's row order.

    The rows of different series may come in any order (interleaved, e.g. sorted by time and
    then id), but within one series they must be in increasing time order without repeats:
    otherwise a ValueError names the series and the fix (``X.sort_index()``), as in fit.
    ``call(model, X_series)`` is the single-series answer of the model that forecasts a
    series (its fitted clone, or a view of the global model).
    """
    series = _future_series(estimator, X, method)
    if not series:  # no rows: the answer's shape, from any fitted series
        return call(estimator._series_model(estimator.series_ids_[0]), X.droplevel(0))
    parts = [(s.rows, call(estimator._series_model(s.id), s.X)) for s in series]
    return _scatter(len(X), parts)


def forecast_panel(estimator: Any, h_or_X: Any, coverage: Any) -> pd.Series | pd.DataFrame:
    """``forecast`` on a panel: every series' next h steps, or X's rows, indexed by (series, time)."""
    if isinstance(h_or_X, (pd.Series, pd.DataFrame, np.ndarray)) or hasattr(h_or_X, "__array__"):
        series = _future_series(estimator, h_or_X, "forecast")
        pieces = [
            estimator._series_model(s.id).forecast(s.X, coverage=coverage).set_axis(s.rows) for s in series
        ]
        out = pd.concat(pieces).sort_index() if pieces else None
        if out is None:
            raise ValueError("forecast got X with no rows: give at least one (series, future step) row.")
        return out.set_axis(h_or_X.index)
    by_series = {
        sid: estimator._series_model(sid).forecast(h_or_X, coverage=coverage) for sid in estimator.series_ids_
    }
    out = pd.concat(by_series, names=estimator.index_names_)
    if isinstance(out, pd.Series):
        out.name = estimator.target_names_[0]
    return out


def update_panel(estimator: Any, X: Any, y: Any) -> Any:
    """``update`` on a panel: each series in y absorbs its new rows."""
    if not is_panel(y):
        raise ValueError(
            f"{type(estimator).__name__} was fitted on a panel, so update needs y indexed by "
            f"(series id, time), got {type(y).__name__}."
        )
    series = split_panel(y, X)
    _check_values(y, X)
    _future_series(estimator, pd.DataFrame(index=y.index), "update")
    for part in series:
        model = estimator._series_model(part.id)
        estimator._keep_series_model(part.id, model.update(part.X, part.y))
    estimator.n_train_ += len(y)
    return estimator


# -- cutting a panel by time: one cutoff for every series -------------------------------------


def panel_time_axis(index: pd.MultiIndex) -> tuple[pd.Index, np.ndarray]:
    """The panel's time axis (every stamp of any series, sorted) and each row's position on it."""
    _check_levels(index, "the panel")
    times = index.get_level_values(1)
    axis = times.unique().sort_values()
    return axis, axis.get_indexer(times)


def split_by_time(cv: Any, X: Any, y: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A splitter's folds on a panel, as row positions.

    The splitter splits the time axis and each fold takes the rows at its time positions,
    so one cutoff holds for every series (never a cut by row position).
    """
    axis, position = panel_time_axis(X.index)
    for train, test in cv.split(np.zeros((len(axis), 0))):
        yield np.flatnonzero(np.isin(position, train)), np.flatnonzero(np.isin(position, test))


def time_cut(arrays: Sequence[Any], n_test: int, n_val: int) -> list[Any]:
    """Panels' train, (validation,) and test parts, cut at the same time stamps.

    The last ``n_test`` stamps of the first panel's time axis are the test part, the
    ``n_val`` before them the validation part. Returns each array's parts in turn.
    """
    axis, _ = panel_time_axis(arrays[0].index)
    n_train = len(axis) - n_test - n_val
    if n_test < 1 or n_train < 1:
        raise ValueError(
            f"The panel has {len(axis)} distinct time stamps; train={n_train}, validation={n_val} and "
            f"test={n_test} of them leave train or test empty."
        )
    edges = [axis[n_train], axis[n_train + n_val]] if n_val else [axis[n_train]]
    parts: list[Any] = []
    for array in arrays:
        part = np.searchsorted(np.asarray(edges), array.index.get_level_values(1), side="right")
        parts.extend(array.iloc[part == p] for p in range(len(edges) + 1))
    return parts


# -- metrics of a panel: per series, then the mean over series ----------------------------------


def _target_values(part: PanelSeries) -> np.ndarray:
    """A series' y as an array; ``part`` comes from a panel split with its y."""
    assert part.y is not None, "split_panel was given y, so every series has its y"
    return part.y.to_numpy()


def mean_over_series(metric: Callable[..., Any], y_true: Any, y_pred: Any, **kwargs: Any) -> Any:
    """``metric`` computed on each series of a panel ``y_true``, averaged over the series.

    This is how the M4 competition scores many series: MASE scales each series by its own
    in-sample seasonal-naive error, so no series dominates by its units. ``y_pred`` is a panel
    with ``y_true``'s index, or an array with one row per row of ``y_true``; ``y_train``
    (for MASE) is a panel holding every series of ``y_true``; ``sample_weight`` has one weight
    per row of ``y_true``. Other keyword arguments go to ``metric`` unchanged.
    """
    if not is_panel(y_true):
        raise ValueError("mean_over_series needs y_true indexed by (series id, time).")
    if is_panel(y_pred) and not y_pred.index.equals(y_true.index):
        raise ValueError(
            "y_pred is a panel with another index than y_true: align it first, "
            "`y_pred = y_pred.reindex(y_true.index)`."
        )
    pred = np.asarray(y_pred, dtype=np.float64)
    if len(pred) != len(y_true):
        raise ValueError(f"y_pred has {len(pred)} rows, y_true {len(y_true)}: give one forecast per row.")
    history = None
    if kwargs.get("y_train") is not None:
        if not is_panel(kwargs["y_train"]):
            raise ValueError("y_true is a panel, so y_train must be a panel of the same series too.")
        history = {part.id: _target_values(part) for part in split_panel(kwargs["y_train"], None)}
    weights = kwargs.pop("sample_weight", None)
    values = []
    for part in split_panel(y_true, None):
        if history is not None:
            if part.id not in history:
                raise ValueError(f"Series {part.id!r} of y_true has no rows in y_train: give its history.")
            kwargs["y_train"] = history[part.id]
        if weights is not None:
            kwargs["sample_weight"] = np.asarray(weights)[part.rows]
        try:
            values.append(metric(_target_values(part), pred[part.rows], **kwargs))
        except ValueError as error:
            raise ValueError(f"Series {part.id!r}: {error}") from error
    mean = np.mean(np.asarray(values, dtype=np.float64), axis=0)
    return float(mean) if np.ndim(mean) == 0 else mean
