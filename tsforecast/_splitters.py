"""Time-ordered splits: expanding and sliding window splitters, and a temporal train/test split.

Each fold is a contiguous training block followed, after ``gap`` steps, by a contiguous test
block: what :func:`tsforecast.model_selection.backtest` and scikit-learn's ``cross_validate``
need. Panels (indexed by (series id, time)) are cut by time, one cutoff for every series. The
public names are re-exported by :mod:`tsforecast.model_selection`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import RealNotInt, validate_parameter_constraints, validate_params
from sklearn.utils.validation import _num_samples

from tsforecast._constraints import Number
from tsforecast.panel import is_panel, panel_time_axis, split_by_time, time_cut

__all__ = ["ExpandingWindowSplitter", "SlidingWindowSplitter", "temporal_train_test_split"]

#: Integer constraints in scikit-learn's declarative validation, with booleans refused.
_POSITIVE = Number(numbers.Integral, 1, None, closed="left")
_NON_NEGATIVE = Number(numbers.Integral, 0, None, closed="left")


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

        For a panel X (indexed by (series id, time)) the windows count time stamps, and each
        fold holds the rows of every series at those stamps.
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

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast.model_selection import ExpandingWindowSplitter
    >>> for train, test in ExpandingWindowSplitter(initial_window=3, horizon=2, step=2).split(np.zeros(8)):
    ...     print(train, test)
    [0 1 2] [3 4]
    [0 1 2 3 4] [5 6]
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


@validate_params(
    {"test_size": [_FRACTION, _POSITIVE], "validation_size": [_FRACTION, _NON_NEGATIVE, None]},
    prefer_skip_nested_validation=True,
)
def temporal_train_test_split(
    *arrays: Any, test_size: float | int, validation_size: float | int | None = None
) -> list[Any]:
    """Split arrays into train, (validation) and test parts in time order.

    The last ``test_size`` rows are the test part, the ``validation_size`` rows
    before them the validation part, and the earlier rows the training part.
    Nothing is shuffled; pandas objects keep their index. Panels (indexed by
    (series id, time)) are cut by time: the last ``test_size`` distinct time
    stamps are the test part of every series.

    Parameters
    ----------
    *arrays : sequence of array-like, Series or DataFrame
        Arrays with the same number of rows (time steps), e.g. ``X, y``.
    test_size : int or float
        Rows of the test part, or a fraction in (0, 1) of all rows (rounded up).
    validation_size : int or float, default=None
        Rows of the validation part, or a fraction of all rows (rounded up);
        ``None``: no validation part.

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
    """
    if not arrays:
        raise ValueError("temporal_train_test_split needs at least one array.")
    if any(is_panel(a) for a in arrays):
        if not all(is_panel(a) for a in arrays):
            raise ValueError(
                "Panels are cut by time: give every array as a panel indexed by (series id, time)."
            )
        n = len(panel_time_axis(arrays[0].index)[0])
        n_test, n_val = _n_rows(test_size, n, "test_size"), _n_rows(validation_size, n, "validation_size")
        return time_cut(arrays, n_test, n_val)
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
