"""Input checks whose messages name the argument, the row and the fix.

``BaseForecaster`` runs them before scikit-learn's own validation, whose messages
("could not convert string to float: 'a'", "Input contains NaN") say neither which
argument is wrong nor where.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import issparse


def pandas_index(obj) -> pd.Index | None:
    return obj.index if isinstance(obj, (pd.Series, pd.DataFrame)) else None


def first_bad_rows(values: np.ndarray, index: pd.Index | None) -> list:
    rows = np.flatnonzero(~np.isfinite(values).reshape(len(values), -1).all(axis=1))[:5]
    return list(index[rows]) if index is not None else rows.tolist()


def input_ndim(obj) -> int | None:
    """Dimensions of array-like input without numpy's array functions (which some wrappers refuse)."""
    if hasattr(obj, "ndim"):
        return obj.ndim
    try:
        return np.asarray(obj).ndim
    except (TypeError, ValueError):  # ragged nested lists: sklearn's validation words that
        return None


def non_numeric_cell(obj) -> tuple[Any, Any, Any] | None:
    """``(row label, column, value)`` of the first value that is not a number, or None."""
    if isinstance(obj, (pd.Series, pd.DataFrame)):
        frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
    else:
        values = np.asarray(obj, dtype=object)
        frame = pd.DataFrame(values.reshape(len(values), -1))
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        # text that does not read as a number; other objects (dicts, dates) keep numpy's TypeError
        text = values.map(lambda v: isinstance(v, (str, bytes))).to_numpy(dtype=bool)
        bad = np.zeros(len(values), dtype=bool)
        bad[text] = pd.to_numeric(values[text], errors="coerce").isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            return frame.index[row], column, values.iloc[row]
    return None


def check_numeric(obj, name: str) -> None:
    """Raise a ValueError naming the argument, row and value when ``obj`` holds a non-number.

    Without it numpy's "could not convert string to float: 'a'" would not say which argument.
    """
    if obj is None or issparse(obj):
        return
    if isinstance(obj, (pd.Series, pd.DataFrame)):
        dtypes = list(obj.dtypes) if isinstance(obj, pd.DataFrame) else [obj.dtype]
        if all(pd.api.types.is_numeric_dtype(d) for d in dtypes):
            return
    else:
        if input_ndim(obj) not in (1, 2) or np.asarray(obj).dtype.kind in "biufc":
            return
    cell = non_numeric_cell(obj)
    if cell is None:
        return
    row, column, value = cell
    where = f"row {row}" + (f", column {column!r}" if input_ndim(obj) == 2 else "")
    fix = (
        "encode such features as numbers first (e.g. sklearn's OneHotEncoder in a Pipeline), or "
        "convert them with `pd.to_numeric`"
        if name == "X"
        else f"convert it first, e.g. `pd.to_numeric({name})`, and fill what cannot be read"
    )
    raise ValueError(f"{name} must be numeric, but it holds {value!r} at {where}: {fix}.")


def check_ndim(obj, name: str) -> None:
    """Refuse a y of more than 2 dimensions, or an X of more than 2 (1-D X gets sklearn's advice)."""
    if (input_ndim(obj) or 0) > 2:
        expected = (
            "1-D (one series) or 2-D (n_samples, n_series: several series in columns)"
            if name == "y"
            else "2-D (n_samples, n_features): one row per time step"
        )
        raise ValueError(f"{name} must be {expected}, got an array of shape {np.shape(obj)}.")


def check_finite(obj, name: str) -> None:
    """Raise a ValueError naming where NaN/inf are, before sklearn's generic message."""
    values = obj.to_numpy() if isinstance(obj, (pd.Series, pd.DataFrame)) else np.asarray(obj)
    if values.dtype.kind not in "fc" or values.size == 0:
        if values.dtype.kind == "O":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError):
                return
        else:
            return
    finite = np.isfinite(values)
    if finite.all():
        return
    kind = "NaN" if np.isnan(values).any() else "inf"
    index = pandas_index(obj)
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2:  # a panel: name the series
        raise ValueError(
            f"Input {name} contains {kind} (missing or infinite values) in "
            f"{_bad_rows_of_series(finite, index)}. Forecasters need gap-free series: fill the gaps "
            f"of each series first (e.g. `{name}.groupby(level=0).ffill()`, or an interpolation "
            "per series); rows are time steps, so they are never dropped silently."
        )
    raise ValueError(
        f"Input {name} contains {kind} (missing or infinite values) at rows "
        f"{first_bad_rows(values, index)}. Forecasters need a gap-free series: fill "
        f"the gaps first (e.g. `{name}.interpolate()` or `.ffill()`); rows are time steps, "
        "so they are never dropped silently."
    )


def _bad_rows_of_series(finite: np.ndarray, index: pd.MultiIndex, limit: int = 5) -> str:
    """``series 'a' at times [...], series 'b' at times [...]`` for the rows of a panel with NaN/inf."""
    rows = np.flatnonzero(~finite.reshape(len(finite), -1).all(axis=1))
    codes = index.codes[0][rows]
    _, first = np.unique(codes, return_index=True)
    series_codes = codes[np.sort(first)]  # the series in the order of their first bad row
    parts = []
    for code in series_codes[:limit]:
        bad = rows[codes == code]
        times = list(index[bad[:limit]].get_level_values(1))
        more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
        parts.append(f"series {index.levels[0][code]!r} at times {times}{more}")
    others = len(series_codes) - limit
    return ", ".join(parts) + (f" (and {others} more series)" if others > 0 else "")
