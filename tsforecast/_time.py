"""The time axis: what kind of index a series has, and how far ahead a row lies.

Forecasters never require a pandas ``freq``. A DatetimeIndex whose spacing is
regular (``pd.infer_freq`` finds it, or every difference is equal) is counted on
that frequency; one without a regular spacing (stock prices on trading days with
holidays) is counted by position.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset


class TimeIndexWarning(UserWarning):
    """Rows could not be placed exactly on the training time axis."""


#: Index kinds recorded in ``index_kind_``.
INDEX_KINDS = ("datetime", "period", "integer", "position")


@dataclass(frozen=True)
class TimeAxis:
    """The fitted time axis: its kind, last label and step.

    ``step`` is a pandas offset for ``"datetime"``, the ordinal increment for
    ``"period"``, an int for ``"integer"``; for ``"position"`` it is the largest
    spacing of an irregular DatetimeIndex (a Timedelta, used to notice gaps), else ``None``.
    ``default_range`` is True for pandas' default ``RangeIndex(0, n)``, which
    carries no information about time.
    """

    kind: str
    last: Any
    step: Any
    n_seen: int
    default_range: bool = False

    @property
    def informative(self) -> bool:
        """Whether predict's X can locate itself on this axis."""
        return self.kind != "position" and not self.default_range


def _is_default_range(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def regular_step(index: pd.DatetimeIndex):
    """The regular spacing of a DatetimeIndex as a pandas offset, or None when it has none."""
    if index.freq is not None:
        return index.freq
    if len(index) >= 3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(index)
        if freq is not None:
            return to_offset(freq)
    deltas = (index[1:] - index[:-1]).unique()  # Timedeltas, whatever the index's resolution
    if len(deltas) == 1 and deltas[0] > pd.Timedelta(0):
        return to_offset(deltas[0])
    return None


def time_index_disorder(index: pd.Index) -> tuple[str, Any] | None:
    """How a time index breaks "one row per time step, in order", if it does.

    ``("duplicated", stamps)`` with up to five repeated stamps, ``("unsorted", where)`` with the
    position of the first row that does not come after the one before it, or None. The caller words
    the error: the library in terms of pandas, the command line in terms of the file.
    """
    if index.has_duplicates:
        return "duplicated", index[index.duplicated()].unique()[:5].tolist()
    if not index.is_monotonic_increasing:
        return "unsorted", int(np.flatnonzero(~(index[1:] > index[:-1]))[0]) + 1
    return None


def check_time_index(index: pd.Index, name: str) -> None:
    """Raise when a time index is unsorted or duplicated; data are never reordered."""
    kind, detail = time_index_disorder(index) or (None, None)
    if kind == "duplicated":
        raise ValueError(
            f"The index of {name} has duplicated time stamps, e.g. {detail}. Each row must "
            f"be one time step: aggregate duplicates first, e.g. `{name}.groupby(level=0).mean()`."
        )
    if kind == "unsorted":
        raise ValueError(
            f"The index of {name} is not sorted in increasing time order ({index[detail]!r} "
            f"at position {detail} follows {index[detail - 1]!r}). Sort it with `.sort_index()`; "
            "forecasters never reorder data silently."
        )


def fit_time_axis(index: pd.Index | None, n: int) -> tuple[TimeAxis, str | None]:
    """Build the time axis of a training series.

    Returns the axis and a warning text (or None) to emit once.
    """
    if index is None:
        return TimeAxis("position", n - 1, None, n), None
    if isinstance(index, pd.DatetimeIndex):
        step = regular_step(index)
        if step is None:
            msg = (
                "The DatetimeIndex has no regular frequency (e.g. trading days with "
                "holidays): forecast steps are counted by position, so predict's rows "
                "are taken as steps 1, 2, ... after the training end, and forecast(h) "
                "labels future rows by position (integers after the last training row)."
            )
            largest = (index[1:] - index[:-1]).max() if len(index) > 1 else None
            return TimeAxis("position", index[-1], largest, n), msg
        return TimeAxis("datetime", index[-1], step, n), None
    if isinstance(index, pd.PeriodIndex):
        ordinals = index.asi8
        deltas = np.unique(np.diff(ordinals))
        if len(deltas) > 1:
            msg = "The PeriodIndex is not evenly spaced: forecast steps are counted by position."
            return TimeAxis("position", index[-1], None, n), msg
        step = int(deltas[0]) if len(deltas) else 1
        return TimeAxis("period", index[-1], step, n), None
    if pd.api.types.is_integer_dtype(index.dtype):
        values = np.asarray(index, dtype=np.int64)
        deltas = np.unique(np.diff(values))
        if len(deltas) > 1:
            msg = "The integer index is not evenly spaced: forecast steps are counted by position."
            return TimeAxis("position", int(values[-1]), None, n), msg
        step = int(deltas[0]) if len(deltas) else 1
        return TimeAxis("integer", int(values[-1]), step, n, _is_default_range(index)), None
    return TimeAxis("position", index[-1] if len(index) else None, None, n), (
        f"An index of dtype {index.dtype} is not a time axis: forecast steps are counted by position."
    )


def index_kind(index: pd.Index) -> str:
    """``datetime``, ``period``, ``integer`` or ``other``."""
    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.PeriodIndex):
        return "period"
    if pd.api.types.is_integer_dtype(index.dtype):
        return "integer"
    return "other"


def steps_from_index(
    axis: TimeAxis, index: pd.Index | None, n_rows: int, name: str = "X", caller: str = "predict"
) -> tuple[np.ndarray, bool]:
    """Steps ahead (1 = the first step after the training end) for predict's or update's rows.

    ``name`` is the argument the index came from and ``caller`` the method, for the
    error messages. Returns ``(steps, located)``; ``located`` is False when the rows
    could not be placed on the time axis and were taken as steps ``1..n_rows``.
    """
    default = np.arange(1, n_rows + 1, dtype=np.int64)
    only_future = {
        "predict": "predict forecasts only the steps after the training end.",
        "update": "update appends only newly observed steps: leave out the rows it has already seen.",
    }[caller]
    if index is None or n_rows == 0 or _is_default_range(index):
        return default, False
    kind = index_kind(index)
    if axis.kind == "position":
        if kind == "datetime" and isinstance(axis.last, pd.Timestamp):
            check_time_index(index, name)
            if index[0] <= axis.last:
                raise ValueError(
                    f"{name}'s first time stamp {index[0]} is at or before the training end "
                    f"{axis.last}: {only_future}"
                )
            if axis.step is not None and index[0] - axis.last > axis.step:
                warnings.warn(
                    f"X starts {index[0] - axis.last} after the training end, more than any spacing "
                    f"seen in training ({axis.step}): on an index without a regular frequency that gap "
                    "cannot be counted, so X's rows are forecast as steps 1..h. To honour gaps, index "
                    "the data by row number (an integer index).",
                    TimeIndexWarning,
                    stacklevel=4,
                )
        return default, False
    if kind != axis.kind:
        return default, False
    check_time_index(index, name)
    if axis.kind == "datetime":
        if (index.tz is None) != (axis.last.tz is None):
            raise ValueError(f"{name}'s DatetimeIndex and the training index differ in time zone awareness.")
        if index[0] <= axis.last:
            raise ValueError(
                f"{name} starts at {index[0]}, at or before the training end {axis.last}: {only_future}"
            )
        grid = pd.date_range(start=axis.last, end=index[-1], freq=axis.step)
        steps = grid.get_indexer(index)
        bad = steps < 0
    elif axis.kind == "period":
        if index.freqstr != axis.last.freqstr:
            raise ValueError(
                f"{name}'s PeriodIndex has freq {index.freqstr}, the training index {axis.last.freqstr}."
            )
        offset = index.asi8 - axis.last.ordinal
        steps, rest = np.divmod(offset, axis.step)
        bad = rest != 0
        if (offset <= 0).any():
            raise ValueError(
                f"{name} starts at {index[0]}, at or before the training end {axis.last}: {only_future}"
            )
    else:
        offset = np.asarray(index, dtype=np.int64) - axis.last
        if (offset <= 0).any():
            raise ValueError(
                f"{name}'s index starts at {index[0]}, at or before the training end {axis.last}: "
                f"{only_future}"
            )
        steps, rest = np.divmod(offset, axis.step)
        bad = rest != 0
    if bad.any():
        raise ValueError(
            f"{name}'s index labels {list(index[bad][:5])} are off the training grid "
            f"(last label {axis.last}, step {axis.step}): each row must be a whole number of "
            "steps after the training end."
        )
    return np.asarray(steps, dtype=np.int64), True


def future_index(axis: TimeAxis, steps: np.ndarray, name: Any = None) -> pd.Index:
    """Labels of the given steps ahead on the fitted time axis."""
    steps = np.asarray(steps, dtype=np.int64)
    if axis.kind == "datetime":
        grid = pd.date_range(start=axis.last, periods=int(steps.max()) + 1, freq=axis.step, name=name)
        if np.array_equal(steps, np.arange(steps[0], steps[-1] + 1)):
            return grid[steps[0] :]  # a slice keeps the freq
        return grid[steps]
    if axis.kind == "period":
        return pd.PeriodIndex.from_ordinals(
            axis.last.ordinal + steps * axis.step, freq=axis.last.freq, name=name
        )
    if axis.kind == "integer":
        return pd.Index(axis.last + steps * axis.step, name=name)
    return pd.Index(axis.n_seen - 1 + steps, name=name)
