"""Exogenous features built from the time index: calendar and Fourier terms.

These transformers read only the *index* of the DataFrame they transform, so
they can build X for future rows: in
``Pipeline([("calendar", CalendarFeatures()), ("model", forecaster)])``,
``fit(pd.DataFrame(index=y.index), y)`` trains on calendar covariates and
``predict(pd.DataFrame(index=future_stamps))`` forecasts with the calendar of
the future stamps. The output is a DataFrame with the input's index (pandas
output by default; ``set_output(transform="default")`` keeps it, "polars"
converts it). By default the input's own columns come first, unchanged
(``passthrough=True``), so several feature builders can be chained.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.offsets import Tick
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from tsforecast._time import index_kind, regular_step

__all__ = ["CalendarFeatures", "FourierFeatures"]

#: Calendar features: (values from a DatetimeIndex, the cycle's length, the one-hot categories).
_CALENDAR: dict[str, tuple[Any, Any, range]] = {
    "minute": (lambda t: t.minute, 60, range(60)),
    "hour": (lambda t: t.hour, 24, range(24)),
    "dayofweek": (lambda t: t.dayofweek, 7, range(7)),
    "dayofmonth": (lambda t: t.day - 1, lambda t: t.days_in_month, range(1, 32)),
    "dayofyear": (lambda t: t.dayofyear - 1, lambda t: np.where(t.is_leap_year, 366, 365), range(1, 367)),
    "weekofyear": (lambda t: t.isocalendar().week.to_numpy(np.int64) - 1, 52.1775, range(1, 54)),
    "month": (lambda t: t.month - 1, 12, range(1, 13)),
    "quarter": (lambda t: t.quarter - 1, 4, range(1, 5)),
}
# one-hot columns are named by the usual label (hour 0-23, month 1-12, ...): shift back what was 0-based
_LABEL_OFFSET = {"dayofmonth": 1, "dayofyear": 1, "weekofyear": 1, "month": 1, "quarter": 1}


def _check_frame(transformer: BaseEstimator, X: Any) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{type(transformer).__name__} builds features from the time index, so X must be a pandas "
            f"DataFrame indexed by time (e.g. pd.DataFrame(index=y.index)); got {type(X).__name__}."
        )
    return X


def _feature_names_out(transformer: BaseEstimator, input_features: Any, own: list[str]) -> np.ndarray:
    check_is_fitted(transformer, "n_features_in_")
    if not transformer.passthrough:
        return np.asarray(own, dtype=object)
    names = getattr(transformer, "feature_names_in_", None)
    if names is None:
        names = [f"x{i}" for i in range(transformer.n_features_in_)]
    if input_features is not None:
        input_features = list(input_features)
        if len(input_features) != transformer.n_features_in_ or (
            hasattr(transformer, "feature_names_in_") and input_features != list(names)
        ):
            raise ValueError("input_features is not equal to feature_names_in_ (or of the wrong length).")
        names = input_features
    return np.asarray([*names, *own], dtype=object)


def _output(transformer: BaseEstimator, X: pd.DataFrame, values: np.ndarray, own: list[str]) -> pd.DataFrame:
    features = pd.DataFrame(values, index=X.index, columns=own)
    if transformer.passthrough and X.shape[1]:
        return pd.concat([X, features], axis=1)
    return features


class _TimeIndexTransformer(TransformerMixin, BaseEstimator):
    """Shared by the transformers that read the time index: tags and output names."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # needs a DataFrame with a time index, not an array
        return tags

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input column names; ``None`` uses ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            X's columns (when ``passthrough``), then the new features.
        """
        return _feature_names_out(self, input_features, self._names())


class CalendarFeatures(_TimeIndexTransformer):
    """Calendar features of the time index: hour, day of week, month, ... as sin/cos or one-hot.

    Parameters
    ----------
    features : sequence of str, default=("hour", "dayofweek", "month")
        Any of ``"minute"``, ``"hour"``, ``"dayofweek"`` (Monday=0),
        ``"dayofmonth"``, ``"dayofyear"``, ``"weekofyear"`` (ISO week),
        ``"month"``, ``"quarter"``.
    encoding : {"sincos", "onehot"}, default="sincos"
        ``"sincos"``: two columns per feature, ``{f}_sin`` and ``{f}_cos``, the
        position in its cycle as an angle (hour 23 is next to hour 0).
        ``"onehot"``: one 0/1 column per possible value, ``{f}_{value}`` (e.g.
        ``hour_0 .. hour_23``, ``month_1 .. month_12``): the categories are the
        calendar's, not the data's, so training and future rows always get the
        same columns.
    passthrough : bool, default=True
        Keep X's own columns (first, unchanged) in the output.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of the X seen in fit (may be 0).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Their names, when they are all strings.

    Notes
    -----
    X must be a DataFrame with a DatetimeIndex or a PeriodIndex (periods are
    taken at their start time); its values are not used. A numpy array has no
    time index, hence ``TypeError``. scikit-learn's generic estimator checks
    feed numpy arrays, so the tag ``input_tags.two_d_array = False`` makes
    ``check_estimator`` skip them; the tests run its data-free checks and
    check the rest of the contract (clone, pickle, ``set_output``) directly.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsforecast.preprocessing import CalendarFeatures
    >>> X = pd.DataFrame(index=pd.date_range("2024-01-01 22:00", periods=3, freq="h"))
    >>> CalendarFeatures(features=("hour",), encoding="sincos").fit_transform(X).round(3)
                         hour_sin  hour_cos
    2024-01-01 22:00:00    -0.500     0.866
    2024-01-01 23:00:00    -0.259     0.966
    2024-01-02 00:00:00     0.000     1.000
    """

    def __init__(
        self, features=("hour", "dayofweek", "month"), encoding: str = "sincos", passthrough: bool = True
    ):
        self.features = features
        self.encoding = encoding
        self.passthrough = passthrough

    def _check_params(self) -> list[str]:
        features = [self.features] if isinstance(self.features, str) else list(self.features)
        unknown = [f for f in features if f not in _CALENDAR]
        if unknown or not features or len(set(features)) != len(features):
            raise ValueError(
                f"features must be distinct names among {list(_CALENDAR)}, got {self.features!r}."
            )
        if self.encoding not in ("sincos", "onehot"):
            raise ValueError(f"encoding must be 'sincos' or 'onehot', got {self.encoding!r}.")
        return features

    def _names(self) -> list[str]:
        names = []
        for f in self._check_params():
            if self.encoding == "sincos":
                names += [f"{f}_sin", f"{f}_cos"]
            else:
                names += [f"{f}_{v}" for v in _CALENDAR[f][2]]
        return names

    def fit(self, X, y=None):
        """Check the parameters and record X's columns.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Indexed by a DatetimeIndex or PeriodIndex; may have no columns.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_params()
        validate_data(self, _check_frame(self, X), skip_check_array=True, reset=True)
        return self

    def transform(self, X) -> pd.DataFrame:
        """Build the calendar features of X's index.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Indexed by a DatetimeIndex or PeriodIndex, with the columns seen in fit.

        Returns
        -------
        X_out : DataFrame of shape (n_samples, n_features_out)
            X's index; X's columns (if ``passthrough``), then the features.
        """
        check_is_fitted(self, "n_features_in_")
        validate_data(self, _check_frame(self, X), skip_check_array=True, reset=False)
        index = X.index
        if isinstance(index, pd.PeriodIndex):
            index = index.to_timestamp(how="start")
        if not isinstance(index, pd.DatetimeIndex):
            raise TypeError(
                f"CalendarFeatures needs X indexed by a DatetimeIndex or PeriodIndex, got "
                f"{type(X.index).__name__} (dtype {X.index.dtype}): integer positions carry no calendar."
            )
        columns = []
        for f in self._check_params():
            get, cycle, categories = _CALENDAR[f]
            value = np.asarray(get(index), dtype=np.float64)
            if self.encoding == "sincos":
                length = np.asarray(cycle(index) if callable(cycle) else cycle, dtype=np.float64)
                angle = 2 * np.pi * value / length
                columns += [np.sin(angle), np.cos(angle)]
            else:
                label = value + _LABEL_OFFSET.get(f, 0)
                columns += [(label == v).astype(np.float64) for v in categories]
        values = np.column_stack(columns) if columns else np.empty((len(X), 0))
        return _output(self, X, values, self._names())


def _period_label(period: Any) -> str:
    return str(period).replace(" ", "")


class FourierFeatures(_TimeIndexTransformer):
    """Fourier terms of a seasonal cycle, from the time index.

    For ``k = 1 .. order`` the columns ``sin_{period}_{k}`` and
    ``cos_{period}_{k}`` are ``sin(2 pi k t / period)`` and ``cos(...)``, with
    ``t`` the time elapsed since the first row seen in fit (``reference_``).
    The phase therefore stays consistent between training rows and future rows.

    Parameters
    ----------
    period : float or str or Timedelta
        Length of the cycle: a number of steps of the training index's spacing
        (24 for a daily cycle in hourly data, 365.25 for a yearly cycle in daily
        data), or a duration (``"1D"``, ``"7D"``, ``pd.Timedelta(days=365.25)``;
        datetime and period indexes only). Give a duration when the index has
        no regular spacing (e.g. trading days with holidays).
    order : int, default=1
        Number of harmonics.
    passthrough : bool, default=True
        Keep X's own columns (first, unchanged) in the output.

    Attributes
    ----------
    reference_ : Timestamp, Period or int
        First index label seen in fit: the phase origin.
    step_ : Timedelta, DateOffset, int or None
        Spacing of the training index, the unit of a numeric ``period``
        (None when ``period`` is a duration).
    n_features_in_ : int
        Number of columns of the X seen in fit (may be 0).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Their names, when they are all strings.

    Notes
    -----
    Supported indexes: DatetimeIndex, PeriodIndex and integer indexes (whose
    labels are time positions: pass future rows with their true labels, e.g.
    ``n, n + 1, ...``, not a fresh ``RangeIndex(0, h)``). Numpy arrays have no
    index and raise ``TypeError`` (see :class:`CalendarFeatures` on scikit-learn's
    estimator checks).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsforecast.preprocessing import FourierFeatures
    >>> train = pd.DataFrame(index=pd.date_range("2024-01-01", periods=48, freq="h"))
    >>> future = pd.DataFrame(index=pd.date_range("2024-01-03 06:00", periods=2, freq="h"))
    >>> FourierFeatures(period=24).fit(train).transform(future).round(3)
                         sin_24_1  cos_24_1
    2024-01-03 06:00:00     1.000     0.000
    2024-01-03 07:00:00     0.966    -0.259
    """

    def __init__(self, period, order: int = 1, passthrough: bool = True):
        self.period = period
        self.order = order
        self.passthrough = passthrough

    def _names(self) -> list[str]:
        if not isinstance(self.order, numbers.Integral) or isinstance(self.order, bool) or self.order < 1:
            raise ValueError(f"order must be a positive integer, got {self.order!r}.")
        label = _period_label(self.period)
        return [f"{kind}_{label}_{k}" for k in range(1, int(self.order) + 1) for kind in ("sin", "cos")]

    def _duration(self) -> pd.Timedelta | None:
        """The period as a duration, or None when it is a number of steps."""
        if isinstance(self.period, numbers.Real) and not isinstance(self.period, bool):
            if not float(self.period) > 0:
                raise ValueError(f"period must be positive, got {self.period!r}.")
            return None
        try:
            duration = pd.Timedelta(self.period)
        except (TypeError, ValueError):
            raise ValueError(
                f"period must be a positive number of steps or a duration like '7D', got {self.period!r}."
            ) from None
        if duration <= pd.Timedelta(0):
            raise ValueError(f"period must be positive, got {self.period!r}.")
        return duration

    def fit(self, X, y=None):
        """Record the phase origin (the first label) and the spacing of X's index.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Indexed by time (DatetimeIndex, PeriodIndex or integers); may have no columns.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._names()
        duration = self._duration()
        index = _check_frame(self, X).index
        if len(index) == 0:
            raise ValueError("FourierFeatures needs at least one row (n_samples=0) to fit.")
        kind = _kind(index)
        if duration is not None and kind == "integer":
            raise ValueError(f"A duration period ({self.period!r}) needs a DatetimeIndex or PeriodIndex.")
        step = None
        if duration is None:
            step = _spacing(index, kind)
        validate_data(self, X, skip_check_array=True, reset=True)
        self.reference_, self.step_ = index[0], step
        return self

    def transform(self, X) -> pd.DataFrame:
        """Build the Fourier terms of X's index.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Indexed like the X seen in fit, with the same columns.

        Returns
        -------
        X_out : DataFrame of shape (n_samples, n_features_out)
            X's index; X's columns (if ``passthrough``), then the terms.
        """
        check_is_fitted(self, "reference_")
        validate_data(self, _check_frame(self, X), skip_check_array=True, reset=False)
        index = X.index
        kind, fit_kind = _kind(index), _kind(pd.Index([self.reference_]))
        if kind != fit_kind:
            raise TypeError(f"X's index is {kind}, but FourierFeatures was fitted on a {fit_kind} index.")
        duration = self._duration()
        if duration is not None:
            t = _elapsed(index, self.reference_, duration)  # in periods
        else:
            t = _elapsed_steps(index, self.reference_, self.step_) / float(self.period)
        k = np.arange(1, int(self.order) + 1)
        angle = 2 * np.pi * np.mod(t, 1.0)[:, None] * k  # (n, order)
        values = np.stack([np.sin(angle), np.cos(angle)], axis=2).reshape(len(index), -1)
        return _output(self, X, values, self._names())


def _kind(index: pd.Index) -> str:
    kind = index_kind(index)
    if kind == "other":
        raise TypeError(
            f"FourierFeatures needs X indexed by a DatetimeIndex, PeriodIndex or integer time positions, "
            f"got {type(index).__name__} (dtype {index.dtype})."
        )
    return kind


def _spacing(index: pd.Index, kind: str):
    """The regular step of a training index (a Tick/offset, a period multiple or an int)."""
    if kind == "period":
        deltas = np.unique(np.diff(index.asi8))
        return int(deltas.min()) if len(deltas) else 1
    if kind == "integer":
        deltas = np.diff(np.asarray(index, dtype=np.int64))
        return int(np.gcd.reduce(deltas)) if len(deltas) else 1
    freq = regular_step(index)
    if freq is None:
        raise ValueError(
            "The DatetimeIndex has no regular frequency (e.g. trading days with holidays), so a period "
            "in steps is ambiguous: give the period as a duration, e.g. period='7D'."
        )
    return freq


def _elapsed(index: pd.Index, reference, unit: pd.Timedelta) -> np.ndarray:
    """Time from the reference to every row, in units of ``unit`` (a duration)."""
    if isinstance(index, pd.PeriodIndex):
        index, reference = index.to_timestamp(how="start"), reference.to_timestamp(how="start")
    return np.asarray((index - reference) / unit, dtype=np.float64)


def _elapsed_steps(index: pd.Index, reference, step) -> np.ndarray:
    """Steps of the training spacing from the reference to every row (may be negative)."""
    if isinstance(index, pd.PeriodIndex):
        return (index.asi8 - reference.ordinal) / step
    if not isinstance(index, pd.DatetimeIndex):
        return (np.asarray(index, dtype=np.int64) - int(reference)) / step
    if isinstance(step, Tick):
        return _elapsed(index, reference, pd.Timedelta(step))
    # calendar offsets (months, business days): count positions on the offset's grid
    lo, hi = min(index[0], reference), max(index[-1], reference)
    grid = pd.date_range(lo, hi, freq=step)
    where = grid.get_indexer(index)
    if (where < 0).any() or grid.get_indexer([reference])[0] < 0:
        raise ValueError(f"X's time stamps are not on the training grid (freq {step.freqstr}).")
    return (where - grid.get_indexer([reference])[0]).astype(np.float64)
