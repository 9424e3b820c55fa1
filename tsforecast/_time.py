"""The time axis: what kind of index a series has, and how far ahead a row lies.

Forecasters never require a pandas ``freq``. Rows are consecutive time steps; the index
only says where they lie in time, so that predict can place its rows and forecast can
label the future:

- A DatetimeIndex with a regular spacing (``pd.infer_freq`` finds it, or every difference
  is equal) is counted on that frequency.
- A DatetimeIndex whose stamps lie on a grid that most of its spacings follow, with some
  stamps absent (a daily series with two missing dates; trading days, which are business
  days with holidays absent), keeps that *dominant* frequency: ``index_kind_ == "datetime"``,
  ``index_step_`` the grid's offset (``D``, ``B``, ...), and one warning per fit names the
  absent stamps and the fix (``y.asfreq(freq)`` and a fill). The rows are still consecutive
  steps for the model (an absent stamp is not a step it has seen); predict counts its rows'
  steps on the grid after the training end, and ``forecast(h)`` labels the next grid stamps
  (for trading days: the next weekdays). A future stamp absent from predict's X can be a
  gap or a holiday: on such an axis, predict counts it as a step and warns that it cannot
  be sure. ``backtest`` knows the rows and passes the exact steps.
- Any other DatetimeIndex (no grid that half of the spacings follow) is counted by
  position (``"position"``): predict's rows are steps 1..h, with a warning when X starts
  after a gap, and ``forecast(h)`` labels future rows by row number.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import BusinessDay


class TimeIndexWarning(UserWarning):
    """Rows could not be placed exactly on the training time axis."""


class IrregularIndexWarning(TimeIndexWarning):
    """The training index is not a regular grid: stamps are absent, or there is no grid at all.

    Raised once per ``fit`` (or ``update``) about the data, not about a forecast; the command
    line reports it once for the file instead of once per model and fold.
    """


#: Index kinds recorded in ``index_kind_``.
INDEX_KINDS = ("datetime", "period", "integer", "position")


@dataclass(frozen=True)
class TimeAxis:
    """The fitted time axis: its kind, last label and step.

    ``step`` is a pandas offset for ``"datetime"``, the ordinal increment for
    ``"period"``, an int for ``"integer"``; for ``"position"`` it is the largest
    spacing of an irregular DatetimeIndex (a Timedelta, used to notice gaps), else ``None``.
    ``missing`` counts the stamps of a ``"datetime"`` grid that the observed index lacks.
    """

    kind: str
    last: Any
    step: Any
    n_seen: int
    missing: int = 0


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


def _candidate_offsets(index: pd.DatetimeIndex) -> list:
    """Offsets the index may be sampled on: its commonest spacing, and what short runs suggest.

    ``pd.infer_freq`` on a few runs of five stamps finds calendar offsets that no single
    spacing shows (business days across weekends, month ends of different lengths).
    """
    commonest = (index[1:] - index[:-1]).value_counts().idxmax()
    whole_days = commonest % pd.Timedelta(days=1) == pd.Timedelta(0)
    found = [to_offset(f"{commonest.days}D" if whole_days else commonest)]  # "D", not pandas' "24h"
    starts = (
        np.unique(np.linspace(0, len(index) - 5, num=20).astype(int)) if len(index) >= 5 else np.array([])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start in starts:
            freq = pd.infer_freq(index[start : start + 5])
            if freq is not None:
                found.append(to_offset(freq))
    return list(dict.fromkeys(found))


def dominant_grid(index: pd.DatetimeIndex) -> tuple[Any, pd.DatetimeIndex] | None:
    """The grid an irregular DatetimeIndex lies on, and the stamps of it the index lacks.

    A grid qualifies when every stamp lies on it and at least half of the spacings are one
    grid step; of those that qualify, the one with the fewest absent stamps wins (trading
    days: business days, not calendar days). Returns ``(offset, absent stamps)`` or None.
    """
    if len(index) < 3:
        return None
    span = index[-1] - index[0]
    best = None
    for offset in _candidate_offsets(index):
        week = (index[0] + 7 * offset) - index[0]  # seven steps: a fair size for calendar offsets
        if week <= pd.Timedelta(0) or span / (week / 7) > 4 * len(index) + 10:
            continue  # a grid finer than the data would be mostly absent stamps (and large)
        grid = pd.date_range(index[0], index[-1], freq=offset)
        positions = grid.get_indexer(index)
        if (positions < 0).any() or np.mean(np.diff(positions) == 1) < 0.5:
            continue
        if best is None or len(grid) < len(best[1]):
            best = (offset, grid, positions)
    if best is None:
        return None
    offset, grid, positions = best
    absent = np.ones(len(grid), dtype=bool)
    absent[positions] = False
    return offset, grid[absent]


def format_stamps(stamps: pd.DatetimeIndex, limit: int = 5) -> str:
    shown = ", ".join(str(s.date()) if s == s.normalize() else str(s) for s in stamps[:limit])
    return shown + (f" and {len(stamps) - limit} more" if len(stamps) > limit else "")


def _absent_stamps_message(offset, absent: pd.DatetimeIndex, n: int) -> str:
    freq = offset.freqstr
    trading = (
        " (on trading days the missing weekdays are holidays, and the future rows are the next weekdays)"
        if isinstance(offset, BusinessDay)
        else ""
    )
    return (
        f"The DatetimeIndex lies on a {freq!r} grid with {len(absent)} of its time stamps missing "
        f"({format_stamps(absent)}): its {n} rows are taken as consecutive steps, so the model sees "
        f"no gap there; predict counts steps and forecast(h) labels the future on the {freq!r} "
        f"grid{trading}. If those stamps are missing data, fill them first: "
        f"`y = y.asfreq({freq!r}).interpolate()` (or `.ffill()`), and the same `asfreq` for X."
    )


def time_index_disorder(index: pd.Index) -> tuple[str | None, Any]:
    """How a time index breaks "one row per time step, in order", if it does.

    ``("duplicated", stamps)`` with up to five repeated stamps, ``("unsorted", where)`` with the
    position of the first row that does not come after the one before it, or ``(None, None)``. The
    caller words the error: the library in terms of pandas, the command line in terms of the file.
    """
    if index.has_duplicates:
        return "duplicated", index[index.duplicated()].unique()[:5].tolist()
    if not index.is_monotonic_increasing:
        return "unsorted", int(np.flatnonzero(~(index[1:] > index[:-1]))[0]) + 1
    return None, None


def check_time_index(index: pd.Index, name: str) -> None:
    """Raise when a time index is unsorted or duplicated; data are never reordered."""
    kind, detail = time_index_disorder(index)
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


def fit_time_axis(index: pd.Index | None, n: int) -> tuple[TimeAxis, IrregularIndexWarning | None]:
    """Build the time axis of a training series.

    Returns the axis and the warning to emit once about it (or None).
    """
    if index is None:
        return TimeAxis("position", n - 1, None, n), None
    if isinstance(index, pd.DatetimeIndex):
        step = regular_step(index)
        if step is not None:
            return TimeAxis("datetime", index[-1], step, n), None
        grid = dominant_grid(index)
        if grid is not None:
            offset, absent = grid
            message = _absent_stamps_message(offset, absent, n)
            return TimeAxis("datetime", index[-1], offset, n, len(absent)), IrregularIndexWarning(message)
        msg = (
            "The DatetimeIndex has no regular frequency, and no grid that most of its spacings "
            "follow: forecast steps are counted by position, so predict's rows are taken as steps "
            "1, 2, ... after the training end, and forecast(h) labels future rows by position "
            "(integers after the last training row)."
        )
        largest = (index[1:] - index[:-1]).max() if len(index) > 1 else None
        return TimeAxis("position", index[-1], largest, n), IrregularIndexWarning(msg)
    if isinstance(index, pd.PeriodIndex):
        ordinals = index.asi8
        deltas = np.unique(np.diff(ordinals))
        if len(deltas) > 1:
            msg = "The PeriodIndex is not evenly spaced: forecast steps are counted by position."
            return TimeAxis("position", index[-1], None, n), IrregularIndexWarning(msg)
        step = int(deltas[0]) if len(deltas) else 1
        return TimeAxis("period", index[-1], step, n), None
    if pd.api.types.is_integer_dtype(index.dtype):
        values = np.asarray(index, dtype=np.int64)
        deltas = np.unique(np.diff(values))
        if len(deltas) > 1:
            msg = "The integer index is not evenly spaced: forecast steps are counted by position."
            return TimeAxis("position", int(values[-1]), None, n), IrregularIndexWarning(msg)
        step = int(deltas[0]) if len(deltas) else 1
        return TimeAxis("integer", int(values[-1]), step, n), None
    return TimeAxis("position", index[-1] if len(index) else None, None, n), IrregularIndexWarning(
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
    steps = np.asarray(steps, dtype=np.int64)
    if axis.kind == "datetime" and axis.missing and caller == "predict":
        _warn_skipped_stamps(axis, steps, name)
    return steps, True


def skipped_steps(steps: np.ndarray) -> np.ndarray:
    """The steps from 1 to ``steps[-1]`` that ``steps`` (strictly increasing) leaves out."""
    given = np.zeros(int(steps[-1]) + 1, dtype=bool)
    given[steps] = True
    return np.flatnonzero(~given[1:]) + 1


def _warn_skipped_stamps(axis: TimeAxis, steps: np.ndarray, name: str) -> None:
    """Say that grid stamps absent from predict's rows were counted as steps, on a gappy axis.

    In training some grid stamps were absent (holidays of trading days, or missing data), so an
    absent future stamp may be no step of the series at all: then the rows are later steps
    than counted. Only the rows' positions could tell, and ``backtest`` passes those.
    """
    skipped = skipped_steps(steps)
    if len(skipped) == 0:
        return
    stamps = future_index(axis, skipped)
    warnings.warn(
        f"{name} leaves out {len(skipped)} {axis.step.freqstr!r} time stamp(s) after the training end "
        f"({format_stamps(stamps)}): they are counted as forecast steps, so {name}'s rows are steps "
        f"{steps[:5].tolist()}{'...' if len(steps) > 5 else ''}. The training index lacked "
        f"{axis.missing} stamps of this grid (e.g. holidays), so this cannot be sure: if a left-out "
        "stamp is no step of the series (a holiday), the forecasts are for later steps than meant. "
        "backtest counts the rows exactly; for the next rows after the training end use forecast(h) "
        f"or give {name} every row from the first step on.",
        TimeIndexWarning,
        stacklevel=5,
    )


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
