"""Time-ordered splits: expanding and sliding window splitters, and a temporal train/test split.

Each fold is a contiguous training block followed, after ``gap`` steps, by a contiguous test
block: what :func:`tsforecast.model_selection.backtest` and scikit-learn's ``cross_validate``
and ``GridSearchCV`` need. Panels (indexed by (series id, time)) are cut by time, one cutoff for
every series: the splitters count the panel's distinct time stamps, never its rows (scikit-learn's
``TimeSeriesSplit`` counts rows, which on a panel sorted by series tests one series and trains on
the others). Series with no rows at any test stamp are named in an :class:`UntestedSeriesWarning`.
The public names are re-exported by :mod:`tsforecast.model_selection`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import RealNotInt, validate_parameter_constraints, validate_params
from sklearn.utils.validation import _num_samples

from tsforecast._constraints import Number
from tsforecast.panel import is_panel, panel_time_axis, split_by_time, time_cut

__all__ = [
    "ExpandingWindowSplitter",
    "SlidingWindowSplitter",
    "UntestedSeriesWarning",
    "temporal_train_test_split",
]

#: Integer constraints in scikit-learn's declarative validation, with booleans refused.
_POSITIVE = Number(numbers.Integral, 1, None, closed="left")
_NON_NEGATIVE = Number(numbers.Integral, 0, None, closed="left")


# -- series a time cut leaves untested -----------------------------------------------------------


class UntestedSeriesWarning(UserWarning):
    """Some series of a panel have no rows at the test stamps of a time cut, so nothing evaluates them.

    A panel is cut on its time axis (every stamp of any series), so the test stamps are the last
    stamps of the panel, not of each series: a series that ends before the first test stamp has
    no test rows and is left out of the scores.
    """


def stamp_text(value: Any) -> str:
    """A time stamp as text: a date alone when it falls at midnight."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


def warn_untested(
    index: pd.MultiIndex, tested: np.ndarray, first_test: Any, what: str, fix: str, stacklevel: int = 4
) -> None:
    """Warn naming the series of a panel with no row where ``tested`` (a mask of rows) is True.

    ``first_test`` is the first test stamp, ``what`` names the test part ("the test part"), and
    ``fix`` says what to do instead; ``stacklevel`` points at the user's call. Silent when every
    series has a tested row.
    """
    codes, ids = pd.factorize(index.get_level_values(0))
    untested = np.setdiff1d(np.arange(len(ids)), codes[tested])
    if not len(untested):
        return
    last = pd.Series(index.get_level_values(1)).groupby(codes).max()  # each series' last stamp
    ended = int((last.to_numpy()[untested] < first_test).sum())
    shown = ", ".join(f"{ids[c]!r} (last stamp {stamp_text(last[c])})" for c in untested[:5])
    more = f" and {len(untested) - 5} more" if len(untested) > 5 else ""
    warnings.warn(
        f"{len(untested)} of {len(ids)} series have no rows in {what}, so they are not evaluated: "
        f"{shown}{more}. Series ending before the first test stamp ({stamp_text(first_test)}): {ended} of "
        f"{len(untested)}. A panel "
        "is cut on its time axis (one cutoff for every series), so the test stamps are the last stamps of "
        f"any series, not of each series. {fix}",
        UntestedSeriesWarning,
        stacklevel=stacklevel,
    )


# -- splitters ---------------------------------------------------------------------------------


class _WindowSplitter(BaseCrossValidator):
    """Cutoffs every ``step`` steps from the first training window while a full test block fits."""

    _parameter_constraints: dict[str, list] = {
        "horizon": [_POSITIVE],
        "step": [_POSITIVE],
        "gap": [_NON_NEGATIVE],
    }

    def _train_start(self, stop: int) -> int:
        raise NotImplementedError

    def _stops(self, n_samples: int) -> np.ndarray:
        constraints = self._parameter_constraints
        params = {name: getattr(self, name) for name in constraints}
        validate_parameter_constraints(constraints, params, caller_name=type(self).__name__)
        first, horizon, gap = int(getattr(self, self._window_name)), int(self.horizon), int(self.gap)
        stops = np.arange(first, n_samples - gap - horizon + 1, int(self.step))
        if len(stops) == 0:
            raise ValueError(
                f"{type(self).__name__} finds no fold in n_samples={n_samples} time steps: one fold "
                f"needs {first} training + {gap} gap + {horizon} test steps = {first + gap + horizon}."
            )
        return stops

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the (train, test) positions of every fold, in time order; only ``len(X)`` is used.

        For a panel X (indexed by (series id, time)) the windows count the panel's distinct
        time stamps, and each fold holds the rows of every series at those stamps: one cutoff
        for every series, also inside ``GridSearchCV(..., cv=splitter)`` and ``cross_validate``.
        """
        if is_panel(X):
            yield from split_by_time(self, X)
            return
        gap, horizon = int(self.gap), int(self.horizon)
        for stop in self._stops(_num_samples(X)):
            yield np.arange(self._train_start(int(stop)), stop), np.arange(stop + gap, stop + gap + horizon)

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Return the number of folds, which depends on ``len(X)`` (X is required)."""
        if X is None:
            raise ValueError(f"{type(self).__name__}.get_n_splits needs X: the folds depend on its length.")
        return len(self._stops(len(panel_time_axis(X.index)[0]) if is_panel(X) else _num_samples(X)))


class ExpandingWindowSplitter(_WindowSplitter):
    """Expanding-window folds: training data from the start of the series to each cutoff.

    The first training block holds ``initial_window`` steps; each later cutoff
    is ``step`` steps further, while a full test block of ``horizon`` steps,
    ``gap`` steps after the cutoff, still fits (later steps are left unused).

    Parameters
    ----------
    initial_window : int
        Training steps of the first fold.
    horizon : int
        Test steps of every fold: steps ``gap + 1 .. gap + horizon`` after the cutoff.
    step : int, default=1
        Steps between consecutive cutoffs.
    gap : int, default=0
        Steps skipped between the cutoff and the test block.

    See Also
    --------
    SlidingWindowSplitter : Training blocks of a fixed length.
    sklearn.model_selection.TimeSeriesSplit : Folds anchored at the end of the series.

    Notes
    -----
    Panels: given X indexed by (series id, time), the windows count the panel's distinct
    time stamps and each fold takes every series' rows at them, so a fold has one cutoff for
    every series. Use these splitters (not scikit-learn's ``TimeSeriesSplit``, which counts
    rows) for ``GridSearchCV`` and ``cross_validate`` on panels; X must then be the panel
    (``pd.DataFrame(index=y.index)`` without features), since the folds are read from it.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast.model_selection import ExpandingWindowSplitter
    >>> for train, test in ExpandingWindowSplitter(initial_window=3, horizon=2, step=2).split(np.zeros(8)):
    ...     print(train, test)
    [0 1 2] [3 4]
    [0 1 2 3 4] [5 6]

    A grid search on a panel, each fold cut at one stamp for both series:

    >>> import pandas as pd
    >>> from sklearn.model_selection import GridSearchCV
    >>> from tsforecast import NaiveForecaster
    >>> stamps = pd.date_range("2024-01-01", periods=20, freq="D")
    >>> y = pd.concat({"a": pd.Series(np.arange(20.0), stamps), "b": pd.Series(np.ones(20), stamps)})
    >>> X = pd.DataFrame(index=y.index)
    >>> cv = ExpandingWindowSplitter(initial_window=12, horizon=4, step=4)
    >>> search = GridSearchCV(NaiveForecaster(), {"strategy": ["last", "mean"]}, cv=cv,
    ...                       scoring="neg_mean_absolute_error").fit(X, y)
    >>> search.best_params_
    {'strategy': 'last'}
    """

    _window_name = "initial_window"
    _parameter_constraints = {**_WindowSplitter._parameter_constraints, "initial_window": [_POSITIVE]}

    def __init__(self, initial_window: int, horizon: int, step: int = 1, gap: int = 0):
        self.initial_window = initial_window
        self.horizon = horizon
        self.step = step
        self.gap = gap

    def _train_start(self, stop: int) -> int:
        return 0


class SlidingWindowSplitter(_WindowSplitter):
    """Sliding-window folds: the last ``window`` steps up to each cutoff.

    Like :class:`ExpandingWindowSplitter`, but every training block has the
    same length, so old data leave the window as the cutoff moves.

    Parameters
    ----------
    window : int
        Training steps of every fold.
    horizon : int
        Test steps of every fold: steps ``gap + 1 .. gap + horizon`` after the cutoff.
    step : int, default=1
        Steps between consecutive cutoffs.
    gap : int, default=0
        Steps skipped between the cutoff and the test block.

    Notes
    -----
    Panels are cut by time, as by :class:`ExpandingWindowSplitter` (see its Notes): the
    splitter to give ``GridSearchCV`` and ``cross_validate`` for a panel.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast.model_selection import SlidingWindowSplitter
    >>> for train, test in SlidingWindowSplitter(window=3, horizon=1, step=2, gap=1).split(np.zeros(8)):
    ...     print(train, test)
    [0 1 2] [4]
    [2 3 4] [6]
    """

    _window_name = "window"
    _parameter_constraints = {**_WindowSplitter._parameter_constraints, "window": [_POSITIVE]}

    def __init__(self, window: int, horizon: int, step: int = 1, gap: int = 0):
        self.window = window
        self.horizon = horizon
        self.step = step
        self.gap = gap

    def _train_start(self, stop: int) -> int:
        return stop - int(self.window)


# -- temporal train/test split -----------------------------------------------------------------


def _n_rows(size: Any, n: int, name: str) -> int:
    """Rows of a part: ``size`` rows, or the fraction ``size`` of ``n`` rounded up (types checked)."""
    if size is None:
        return 0
    if isinstance(size, numbers.Integral):
        if int(size) >= n:
            raise ValueError(f"{name}={size} rows leave no training rows: n_samples={n}.")
        return int(size)
    return int(np.ceil(size * n))


_FRACTION = Number(RealNotInt, 0, 1, closed="neither")


def _per_series_rows(size: Any, lengths: np.ndarray) -> np.ndarray:
    """Rows of a part in each series: ``size`` rows, or the fraction ``size`` of its rows rounded up."""
    if size is None:
        return np.zeros(len(lengths), dtype=np.int64)
    if isinstance(size, numbers.Integral):
        return np.full(len(lengths), int(size), dtype=np.int64)
    return np.ceil(size * lengths).astype(np.int64)


def _cut_per_series(arrays: Sequence[Any], test_size: Any, validation_size: Any) -> list[Any]:
    """Panels' train, (validation,) and test parts: the last rows of each series (M4's hold-out)."""
    parts: list[Any] = []
    for array in arrays:
        _, position = panel_time_axis(array.index)  # checks the index's two levels
        codes, ids = pd.factorize(array.index.get_level_values(0))
        lengths = np.bincount(codes, minlength=len(ids))
        n_test, n_val = _per_series_rows(test_size, lengths), _per_series_rows(validation_size, lengths)
        short = np.flatnonzero(lengths - n_test - n_val < 1)
        if len(short):
            shown = ", ".join(f"{ids[c]!r} (n_samples={lengths[c]})" for c in short[:5])
            more = f" and {len(short) - 5} more" if len(short) > 5 else ""
            raise ValueError(
                f"per_series=True holds out the last test_size={test_size} (and validation_size="
                f"{validation_size}) rows of each series, which leaves no training rows in {len(short)} "
                f"series: {shown}{more}. Give a smaller test_size, or leave those series out."
            )
        order = np.lexsort((position, codes))  # by series, then time
        first_row = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # of each series, in that order
        sorted_codes = codes[order]
        from_end = np.empty(len(codes), dtype=np.int64)  # 0 for a series' last row
        from_end[order] = lengths[sorted_codes] - 1 - (np.arange(len(codes)) - first_row[sorted_codes])
        test, val = from_end < n_test[codes], from_end < (n_test + n_val)[codes]
        masks = [~val, val & ~test, test] if validation_size is not None else [~test, test]
        parts.extend(array.iloc[mask] for mask in masks)
    return parts


@validate_params(
    {
        "test_size": [_FRACTION, _POSITIVE],
        "validation_size": [_FRACTION, _NON_NEGATIVE, None],
        "per_series": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def temporal_train_test_split(
    *arrays: Any,
    test_size: float | int,
    validation_size: float | int | None = None,
    per_series: bool = False,
) -> list[Any]:
    """Split arrays into train, (validation) and test parts in time order.

    The last ``test_size`` rows are the test part, the ``validation_size`` rows
    before them the validation part, and the earlier rows the training part.
    Nothing is shuffled; pandas objects keep their index.

    Panels (indexed by (series id, time)) are cut by time: the panel's time
    axis is every distinct stamp of any series, sorted, and its last
    ``test_size`` stamps are the test part (the ``validation_size`` stamps
    before them the validation part), one cutoff for every series. These are
    the last stamps of the panel, not of each series: a series gets a test row
    for each of its stamps in that window, and a series that ends before the
    first test stamp gets none (an :class:`UntestedSeriesWarning` names such
    series). ``per_series=True`` holds out the last rows of each series
    instead, wherever it ends, as the M4 competition does.

    Parameters
    ----------
    *arrays : sequence of array-like, Series or DataFrame
        Arrays with the same number of rows (time steps), e.g. ``X, y``; or
        panels, all indexed by (series id, time).
    test_size : int or float
        Rows of the test part, or a fraction in (0, 1) of all rows (rounded up).
        For a panel cut by time: distinct time stamps, or a fraction of the
        panel's distinct time stamps (not of its rows), rounded up. With
        ``per_series=True``: rows of each series, or a fraction of each
        series' rows, rounded up per series.
    validation_size : int or float, default=None
        Rows of the validation part, or a fraction of all rows (rounded up);
        for panels counted as ``test_size`` is. ``None``: no validation part.
    per_series : bool, default=False
        Panels only: hold out the last ``test_size`` rows of each series (and
        the ``validation_size`` rows before them), so every series is tested
        from its own end; each series must keep a training row. The parts then
        have no common cutoff: series ending at different times are tested at
        different times.

    Returns
    -------
    splits : list
        Each array's train, (validation,) and test parts, in that order:
        ``[X_train, X_test, y_train, y_test]``, or with ``validation_size``
        ``[X_train, X_val, X_test, y_train, y_val, y_test]``.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast.model_selection import temporal_train_test_split
    >>> temporal_train_test_split(np.arange(10), test_size=2, validation_size=0.3)
    [array([0, 1, 2, 3, 4]), array([5, 6, 7]), array([8, 9])]

    A panel whose series end on different days, held out per series:

    >>> import pandas as pd
    >>> y = pd.concat({"a": pd.Series([1.0, 2, 3, 4], pd.date_range("2024-01-01", periods=4)),
    ...                "b": pd.Series([5.0, 6, 7], pd.date_range("2024-01-03", periods=3))})
    >>> y_train, y_test = temporal_train_test_split(y, test_size=1, per_series=True)
    >>> [(sid, str(t.date())) for sid, t in y_test.index]
    [('a', '2024-01-04'), ('b', '2024-01-05')]
    """
    if not arrays:
        raise ValueError("temporal_train_test_split needs at least one array.")
    if per_series and not all(is_panel(a) for a in arrays):
        raise ValueError(
            "per_series=True holds out the last rows of each series of a panel: give every array as "
            "a panel indexed by (series id, time), or leave per_series out."
        )
    if any(is_panel(a) for a in arrays):
        if not all(is_panel(a) for a in arrays):
            raise ValueError(
                "Panels are cut by time: give every array as a panel indexed by (series id, time)."
            )
        if per_series:
            return _cut_per_series(arrays, test_size, validation_size)
        axis = panel_time_axis(arrays[0].index)[0]
        n = len(axis)
        n_test, n_val = _n_rows(test_size, n, "test_size"), _n_rows(validation_size, n, "validation_size")
        parts = time_cut(arrays, n_test, n_val)  # checks that train and test are not empty
        first_test, index = axis[n - n_test], arrays[0].index
        warn_untested(
            index,
            index.get_level_values(1) >= first_test,
            first_test,
            f"the test part (the panel's last {n_test} distinct stamps)",
            "Split them separately, or hold out each series' own last rows: "
            "temporal_train_test_split(..., per_series=True).",
        )
        return parts
    lengths = sorted({_num_samples(a) for a in arrays})
    if len(lengths) > 1:
        raise ValueError(f"All arrays must have the same number of rows (time steps), got {lengths}.")
    n = lengths[0]
    n_test, n_val = _n_rows(test_size, n, "test_size"), _n_rows(validation_size, n, "validation_size")
    n_train = n - n_test - n_val
    if n_test < 1 or n_train < 1:
        raise ValueError(
            f"With n_samples={n} the parts would have train={n_train}, validation={n_val} and "
            f"test={n_test} rows; train and test need at least one."
        )
    bounds = [0, n_train, n_train + n_val, n] if validation_size is not None else [0, n_train, n]
    return [
        a[start:stop] if isinstance(a, list) else _safe_indexing(a, slice(start, stop))
        for a in arrays
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    ]
