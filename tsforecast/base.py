"""BaseForecaster: the forecaster contract, implemented once.

Rows of ``X`` and ``y`` are consecutive, equally spaced time steps. ``fit``
validates the data and records the time axis, then calls ``self._fit(y, X)``;
``predict`` turns X's rows into steps ahead and calls
``self._predict(steps, X)``. Subclasses implement only those two methods (and
optionally ``_min_train_size``, ``_update`` and ``_predict_quantiles``, the one
hook behind ``predict_quantiles``, ``predict_interval`` and
``forecast(coverage=...)``).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from scipy.stats import norm
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from tsforecast._time import (
    IrregularIndexWarning,
    TimeAxis,
    TimeIndexWarning,
    check_time_index,
    fit_time_axis,
    format_stamps,
    future_index,
    skipped_steps,
    steps_from_index,
)
from tsforecast._validation import check_finite, check_ndim, check_numeric, input_ndim, pandas_index
from tsforecast.panel import (
    PanelSeries,
    drop_panel_state,
    fit_panel,
    fit_per_series,
    forecast_panel,
    is_panel,
    is_panel_fitted,
    predict_panel,
    update_panel,
)

__all__ = [
    "BaseForecaster",
    "IgnoredFeaturesWarning",
    "IrregularIndexWarning",
    "TimeIndexWarning",
    "check_levels",
    "coverage_label",
    "interval_levels",
    "normal_quantiles",
]


class IgnoredFeaturesWarning(UserWarning):
    """X has feature columns, but the forecaster does not use X's values (``uses_exogenous`` False)."""


def check_levels(values: Any, name: str) -> tuple[np.ndarray, bool]:
    """Validate probabilities: ``quantiles`` or ``coverage`` values, each in (0, 1).

    Returns the values as a strictly increasing float64 array and whether a
    single number (not a sequence) was given. Anything else (a non-number,
    a value outside (0, 1), a duplicate, an unsorted sequence, an empty one)
    raises a ``ValueError`` that names ``name`` and the fix.
    """
    scalar = isinstance(values, numbers.Real) and not isinstance(values, bool)
    if isinstance(values, (str, bytes, bool)) or values is None:
        raise ValueError(f"{name} must be a number in (0, 1) or a sequence of them, got {values!r}.")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):  # ragged nesting
        raise ValueError(
            f"{name} must be a number in (0, 1) or a sequence of them, got {values!r}."
        ) from None
    if array.dtype.kind not in "iuf" or array.ndim > 1:
        raise ValueError(f"{name} must be a number in (0, 1) or a flat sequence of numbers, got {values!r}.")
    array = array.astype(np.float64).reshape(-1)
    if array.size == 0:
        raise ValueError(f"{name} is empty: give at least one value in (0, 1).")
    outside = array[~((array > 0) & (array < 1))]
    if outside.size:
        raise ValueError(
            f"{name} must lie strictly between 0 and 1, got {outside.tolist()} "
            + (
                "(for a 90% interval pass 0.9, not 90)."
                if "coverage" in name
                else "(the 95th percentile is 0.95)."
            )
        )
    if len(np.unique(array)) < len(array):
        raise ValueError(f"{name} has duplicated values {array.tolist()}: give each once.")
    if (np.diff(array) < 0).any():
        raise ValueError(f"{name} must be in increasing order, got {array.tolist()}: pass sorted({name}).")
    return array, scalar


def interval_levels(coverages: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The quantile levels of central intervals: sorted unique levels, then where each bound is.

    Coverage ``c`` runs from level ``(1 - c) / 2`` to ``(1 + c) / 2``; ``levels[lower[i]]`` and
    ``levels[upper[i]]`` are those of ``coverages[i]``. All bounds come from one sorted set, so
    wider coverages nest the narrower ones.
    """
    n = len(coverages)
    levels, where = np.unique(np.concatenate([(1 - coverages) / 2, (1 + coverages) / 2]), return_inverse=True)
    return levels, where[:n], where[n:]


def coverage_label(coverage: float) -> str:
    """The percent label of a coverage in column names: 0.9 -> ``"90"``, 0.975 -> ``"97.5"``."""
    return f"{round(100 * float(coverage), 6):g}"


def normal_quantiles(center: np.ndarray, scale: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Quantiles of normal distributions: ``center + scale * Phi^-1(q)``, shape ``center.shape + (n_q,)``."""
    return np.asarray(center)[..., None] + np.asarray(scale)[..., None] * norm.ppf(quantiles)


class BaseForecaster(RegressorMixin, BaseEstimator):
    """Base class of every tsforecast forecaster.

    A forecaster is a scikit-learn regressor whose rows are time steps:
    ``fit(X, y)`` learns from a series ``y`` (and exogenous features ``X``
    known in advance); ``predict(X)`` forecasts the future steps that X's rows
    stand for. See the package documentation for the full contract.

    Subclasses implement ``_fit(y, X)`` and ``_predict(steps, X)``:

    - ``_fit`` receives ``y`` as a float64 array of shape (n, n_targets) and
      ``X`` as a float64 array of shape (n, n_features) (possibly 0 columns);
    - ``_predict`` receives ``steps``, a strictly increasing int64 array of
      steps ahead (1 is the first step after the training end), and ``X`` of
      shape (len(steps), n_features); it returns (len(steps), n_targets).

    Attributes
    ----------
    n_features_in_ : int
        Number of exogenous features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when X has string column names.
    n_targets_ : int
        Number of series (columns of y).
    target_names_ : ndarray of shape (n_targets_,)
        Names of the series (DataFrame columns, Series name, or positions).
    index_kind_ : {"datetime", "period", "integer", "position"}
        How forecast steps are located in time.
    last_index_ : object
        Label of the last observed time step.
    index_step_ : object
        Spacing of the index: a pandas offset (for a DatetimeIndex with missing
        stamps, that of the grid most of its spacings follow: ``D``, ``B``, ...),
        a period or integer step; for an index counted by position, its largest
        spacing (or None).
    n_missing_stamps_ : int
        For a DatetimeIndex that lies on a grid with stamps missing (a daily series with
        gaps, trading days with holidays): how many grid stamps the observed rows lack;
        0 for a regular index. The rows are consecutive steps for the model either way.
    n_train_ : int
        Number of observed time steps (training rows plus rows given to ``update``).
    y_train_ : ndarray of shape (n_train_, n_targets_)
        The observed targets, the history that forecasts start from.
    """

    #: Whether the forecast depends on the values of X (exogenous regressors). Every forecaster
    #: validates X; only those that set this True use it. It is the one declaration read by the
    #: sktime adapter (``capability:exogenous``), the CLI and the docs: never inferred from a tag.
    uses_exogenous: ClassVar[bool] = False

    #: scikit-learn's declarative parameter checks, validated once when ``fit`` starts. Subclasses
    #: extend their parent's: ``{**Parent._parameter_constraints, "name": [...]}``.
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {}

    # -- hooks for subclasses -------------------------------------------------

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        raise NotImplementedError

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _has_flat_forecast(self) -> bool:
        """Whether, with these parameters, each row's forecast ignores its step and the other rows.

        True for a forecast that is the same at every step (or depends only on the row's own X):
        predicting rows in any order or one at a time then gives the same values, so such models
        pass scikit-learn's two row-order checks that every other forecaster fails by definition.
        Read by the common tests to choose the expected failures; never inferred from a tag.
        """
        return False

    def _min_train_size(self) -> int:
        """Fewest time steps ``fit`` accepts with the current parameters."""
        return 1

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        """Absorb newly observed rows (already appended to ``y_train_``)."""

    def _fit_panel(self, series: list[PanelSeries]) -> None:
        """Fit a panel's series (:mod:`tsforecast.panel`); by default one clone per series, via joblib."""
        fit_per_series(self, series)

    def _series_model(self, series_id) -> BaseForecaster:
        """The fitted single-series forecaster that answers for ``series_id`` of a panel."""
        return self.estimators_[series_id]

    def _keep_series_model(self, series_id, model: BaseForecaster) -> None:
        """Store ``model`` (after ``update``) as the one that answers for ``series_id``."""

    def _panel_min_length(self, lengths: np.ndarray) -> int:
        """Fewest time steps a panel series needs, given every series' length."""
        return self._min_train_size()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.allow_nan = False
        tags.regressor_tags.poor_score = True
        return tags

    # -- public API -------------------------------------------------------------

    def fit(self, X=None, y=None):
        """Fit the forecaster to a series.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features) or None
            Exogenous features, one row per time step. ``None`` means no
            features (``pd.DataFrame(index=y.index)``). A DataFrame's or y's
            index is the time axis (DatetimeIndex, PeriodIndex or integers).
        y : Series, DataFrame or array-like of shape (n_samples,) or (n_samples, n_targets)
            The series to forecast; several columns are several series. A
            pandas y (and X) indexed by (series id, time) is a panel of series of
            any lengths and starts (:mod:`tsforecast.panel`).

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        self._validate_params()
        if y is None:
            hint = ""
            if X is not None and (np.ndim(X) == 1 or np.shape(X)[-1:] == (1,)):
                hint = " X looks like a series: call fit(X=None, y=series) to forecast it."
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None.{hint}"
            )
        if is_panel(y) or is_panel(X):  # many series indexed by (series id, time)
            return fit_panel(self, X, y)
        drop_panel_state(self)
        for name, data in (("y", y), ("X", X)):
            check_ndim(data, name)
            check_numeric(data, name)
        if X is None:
            X = pd.DataFrame(index=y.index) if isinstance(y, (pd.Series, pd.DataFrame)) else None
        index = self._time_index(X, y)
        check_finite(y, "y")
        if X is not None:
            check_finite(X, "X")
        X_arr, y_arr = self._validate_fit_data(X, y)
        self._check_length(len(y_arr))
        if X_arr.shape[1] > 0 and not self.uses_exogenous:
            warnings.warn(
                f"{type(self).__name__} does not use the values of X: its forecasts depend on y alone, "
                f"so the {X_arr.shape[1]} feature column(s) are validated but ignored. To forecast "
                "from features use a model that uses them (ARIMAForecaster or a neural forecaster).",
                IgnoredFeaturesWarning,
                stacklevel=2,
            )
        axis, warning = fit_time_axis(index, len(y_arr))
        if warning is not None:
            warnings.warn(warning, stacklevel=2)
        self._set_time_axis(axis)
        if isinstance(y, pd.DataFrame):
            self.target_names_ = np.asarray(y.columns, dtype=object)
        elif isinstance(y, pd.Series):
            self.target_names_ = np.array([y.name], dtype=object)
        elif y_arr.ndim == 1:
            self.target_names_ = np.array([None], dtype=object)
        else:
            self.target_names_ = np.arange(y_arr.shape[1]).astype(object)
        self._y_ndim = y_arr.ndim
        y2 = np.asarray(y_arr, dtype=np.float64).reshape(len(y_arr), -1)
        self.n_targets_ = y2.shape[1]
        self.y_train_ = y2.copy()
        self.n_train_ = len(y2)
        self._fit(y2, X_arr)
        return self

    def predict(self, X) -> np.ndarray:
        """Forecast the future time steps that X's rows stand for.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_steps, n_features)
            One row per step to forecast. With a DatetimeIndex, PeriodIndex or
            integer index, each row's label places it after the training end
            (so gaps are honoured; on a date grid with missing stamps, such as
            trading days, steps are counted on the grid, with a warning when a
            left-out stamp may be a holiday); numpy rows, or a fresh
            ``RangeIndex(0, h)``, are steps 1..h.

        Returns
        -------
        y_pred : ndarray of shape (n_steps,) or (n_steps, n_targets)
            Forecasts, with the same ndim as the y seen in fit.
        """
        if is_panel_fitted(self) or is_panel(X):
            return predict_panel(self, X, "predict", lambda model, rows: model.predict(rows))
        steps, X_arr, _ = self._steps_and_features(X)
        return self._shape_output(self._predict_steps(steps, X_arr))

    def forecast(
        self, h_or_X: int | pd.DataFrame | np.ndarray, coverage: float | Sequence[float] | None = None
    ) -> pd.Series | pd.DataFrame:
        """Forecast as pandas, indexed by the future time stamps.

        Parameters
        ----------
        h_or_X : int or DataFrame or array-like
            The number of steps ``h`` to forecast (models fitted without
            exogenous features), or X for the future steps as in ``predict``.
        coverage : float or sequence of float, default=None
            Also return prediction intervals of these nominal coverages, each
            in (0, 1), several in increasing order (see :meth:`predict_interval`).

        Returns
        -------
        forecast : Series or DataFrame
            Without ``coverage``: a Series for a 1-D training y, else a
            DataFrame with the training column names. With ``coverage``: a
            DataFrame whose first column is the point forecast (named after the
            series, ``"y_pred"`` when it has no name) followed by ``lower_<pct>``
            and ``upper_<pct>`` per coverage (``lower_90``, ``upper_90``,
            ``lower_97.5``...); for a 2-D y, every series' point column is
            followed by ``<name>_lower_<pct>`` and ``<name>_upper_<pct>``. The
            index holds the future time stamps: the next stamps of the training
            grid (trading days: the next weekdays), or row numbers for an index
            that has no grid (counted by position).
        """
        check_is_fitted(self)
        coverages = None if coverage is None else check_levels(coverage, "coverage")[0]
        if is_panel_fitted(self) or is_panel(h_or_X):
            return forecast_panel(self, h_or_X, coverage)
        if input_ndim(h_or_X) == 0 and not (
            isinstance(h_or_X, numbers.Integral) and not isinstance(h_or_X, bool)
        ):
            whole = isinstance(h_or_X, numbers.Real) and float(h_or_X).is_integer() and float(h_or_X) >= 1
            hint = f" Use forecast({int(h_or_X)})." if whole and not isinstance(h_or_X, bool) else ""
            raise TypeError(
                "forecast's h_or_X must be h, a positive int number of steps, or X with one row per "
                f"future step (a DataFrame or 2-D array); got {h_or_X!r} of type "
                f"{type(h_or_X).__name__}.{hint}"
            )
        if isinstance(h_or_X, numbers.Integral):
            h = int(h_or_X)
            if h < 1:
                raise ValueError(f"h must be a positive number of steps, got {h}.")
            if self.n_features_in_ > 0:
                raise ValueError(
                    f"{type(self).__name__} was fitted with {self.n_features_in_} exogenous "
                    "features: pass X with one row per future step instead of h."
                )
            steps = np.arange(1, h + 1, dtype=np.int64)
            X_arr = np.empty((h, 0))
            labels = future_index(self._time_axis, steps)
        else:
            steps, X_arr, located = self._steps_and_features(h_or_X)
            index = pandas_index(h_or_X)
            labels = index if located and index is not None else future_index(self._time_axis, steps)
        values = self._predict_steps(steps, X_arr)
        if coverages is not None:
            return self._forecast_frame(values, steps, X_arr, labels, coverages)
        if self._y_ndim == 1:
            return pd.Series(values[:, 0], index=labels, name=self.target_names_[0])
        return pd.DataFrame(values, index=labels, columns=list(self.target_names_))

    def update(self, X=None, y=None):
        """Append newly observed time steps without retraining.

        The next forecast starts after the new rows. Parameters that were
        estimated in ``fit`` are kept; only the history moves forward.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_new, n_features) or None
            Exogenous features of the new rows.
        y : Series, DataFrame or array-like of shape (n_new,) or (n_new, n_targets)
            The newly observed values, directly following the last seen step.

        Returns
        -------
        self : object
        """
        check_is_fitted(self)
        if y is None:
            raise ValueError(f"{type(self).__name__}.update requires y, the newly observed values.")
        if is_panel_fitted(self):
            return update_panel(self, X, y)
        if len(y) == 0:
            raise ValueError(
                f"{type(self).__name__}.update got no rows: pass y (and X) for at least one newly "
                "observed step."
            )
        x_given = X is not None
        if X is None:
            X = (
                pd.DataFrame(index=y.index)
                if isinstance(y, (pd.Series, pd.DataFrame))
                else np.empty((len(y), 0))
            )
        check_finite(y, "y")
        index = self._time_index(X, y)
        steps, located = steps_from_index(self._time_axis, index, len(y), "X" if x_given else "y", "update")
        axis = self._time_axis
        skipped = skipped_steps(steps) if located else np.empty(0, dtype=np.int64)
        if len(skipped) and not axis.missing:
            raise ValueError(
                f"update's rows must directly follow the last seen step {self.last_index_}: "
                f"they are steps {steps[:3].tolist()}... ahead. Pass the missing rows too."
            )
        if len(skipped):  # a grid with stamps missing since fit (trading days: holidays)
            warnings.warn(
                IrregularIndexWarning(
                    f"update's rows leave out {len(skipped)} {axis.step.freqstr!r} time stamp(s) after "
                    f"the last seen step ({format_stamps(future_index(axis, skipped))}): as in fit, where "
                    f"{axis.missing} were missing, the rows are taken as consecutive steps. If those "
                    "stamps are missing data, fill them and pass them too."
                ),
                stacklevel=2,
            )
        X_arr = self._validate_X(X, reset=False)
        y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if y2.shape[1] != self.n_targets_:
            raise ValueError(f"update's y has {y2.shape[1]} columns, fit's had {self.n_targets_}.")
        if len(X_arr) != len(y2):
            raise ValueError(f"X and y have different lengths: {len(X_arr)} and {len(y2)} rows.")
        if located or (axis.kind == "position" and isinstance(index, pd.DatetimeIndex)):
            self.last_index_ = index[-1]
        elif axis.kind == "position":
            if not isinstance(axis.last, pd.Timestamp):
                self.last_index_ = axis.last + len(y2)
        else:
            self.last_index_ = future_index(axis, np.array([len(y2)]))[0]
        self.n_missing_stamps_ += len(skipped)
        self.y_train_ = np.vstack([self.y_train_, y2])
        self.n_train_ = len(self.y_train_)
        self._update(y2, X_arr)
        return self

    # -- uncertainty: quantiles and intervals (DESIGN.md section 6) ------------------------------

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        """Quantiles of the forecast: (len(steps), n_targets_, len(quantiles)), raw scale.

        ``steps`` and ``X`` as in ``_predict``; ``quantiles`` is a strictly
        increasing float array in (0, 1). Models with a predictive distribution
        override this one hook; the base validates, sorts and shapes.
        """
        raise NotImplementedError(
            f"{type(self).__name__} has no predictive distribution: it cannot give quantiles or "
            "intervals. Wrap it in tsforecast.ConformalForecaster(...) for calibrated intervals."
        )

    def _provides_intervals(self) -> bool:
        """Whether this forecaster has a predictive distribution (implements ``_predict_quantiles``).

        Read by the sktime adapter (``capability:pred_int``) and the CLI; wrappers whose answer
        depends on what they wrap override it.
        """
        return type(self)._predict_quantiles is not BaseForecaster._predict_quantiles

    def predict_quantiles(self, X, quantiles: float | Sequence[float] = (0.1, 0.5, 0.9)) -> np.ndarray:
        """Forecast quantiles of the future steps that X's rows stand for.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_steps, n_features)
            The future steps, as in :meth:`predict`.
        quantiles : float or sequence of float, default=(0.1, 0.5, 0.9)
            Probability levels, each in (0, 1), in increasing order.

        Returns
        -------
        y_quantiles : ndarray of shape (n_steps, n_quantiles) or (n_steps, n_targets, n_quantiles)
            ``y_quantiles[..., j]`` is the ``quantiles[j]`` quantile of each
            forecast; sorted along the last axis, so quantiles never cross.
            2-D for a 1-D training y, else 3-D.

        Examples
        --------
        >>> import numpy as np
        >>> from tsforecast import NaiveForecaster
        >>> model = NaiveForecaster().fit(None, np.array([1.0, 2.0, 1.0, 2.0, 1.0]))
        >>> model.predict_quantiles(np.empty((2, 0)), quantiles=[0.5]).round(3)
        array([[1.],
               [1.]])
        """
        levels, _ = check_levels(quantiles, "quantiles")
        if is_panel_fitted(self) or is_panel(X):
            return predict_panel(
                self, X, "predict_quantiles", lambda m, rows: m.predict_quantiles(rows, levels)
            )
        steps, X_arr, _ = self._steps_and_features(X)
        values = self._quantiles_steps(steps, X_arr, levels)
        return values[:, 0] if self._y_ndim == 1 else values

    def predict_interval(self, X, coverage: float | Sequence[float] = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Forecast central prediction intervals of the future steps X stands for.

        The interval of coverage ``c`` runs from the ``(1 - c) / 2`` quantile to
        the ``(1 + c) / 2`` quantile (see :meth:`predict_quantiles`).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_steps, n_features)
            The future steps, as in :meth:`predict`.
        coverage : float or sequence of float, default=0.9
            Nominal coverage, in (0, 1); several in increasing order.

        Returns
        -------
        lower, upper : ndarray
            For one coverage (a number), each shaped like ``predict``'s output:
            (n_steps,) or (n_steps, n_targets). For a sequence of coverages, a
            last axis is added, one entry per coverage in the order given:
            (n_steps, n_coverages) or (n_steps, n_targets, n_coverages). Wider
            coverages never give narrower intervals.

        Examples
        --------
        >>> import numpy as np
        >>> from tsforecast import NaiveForecaster
        >>> model = NaiveForecaster().fit(None, np.array([1.0, 2.0, 1.0, 2.0, 1.0]))
        >>> lower, upper = model.predict_interval(np.empty((2, 0)), coverage=0.9)
        >>> lower.shape, bool((lower < model.predict(np.empty((2, 0)))).all())
        ((2,), True)
        """
        coverages, scalar = check_levels(coverage, "coverage")
        if is_panel_fitted(self) or is_panel(X):
            return predict_panel(
                self, X, "predict_interval", lambda m, rows: m.predict_interval(rows, coverage)
            )
        steps, X_arr, _ = self._steps_and_features(X)
        lower, upper = self._interval_steps(steps, X_arr, coverages)
        if scalar:
            lower, upper = lower[..., 0], upper[..., 0]
        if self._y_ndim == 1:
            lower, upper = lower[:, 0], upper[:, 0]
        return lower, upper

    def _quantiles_steps(self, steps: np.ndarray, X: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """The hook's quantiles, checked for shape and sorted: (len(steps), n_targets_, n_q)."""
        expected = (len(steps), self.n_targets_, len(levels))
        if len(steps) == 0:
            return np.empty(expected)
        out = np.asarray(self._predict_quantiles(steps, X, levels), dtype=np.float64)
        if out.shape != expected:
            raise RuntimeError(
                f"{type(self).__name__}._predict_quantiles returned shape {out.shape}, expected "
                f"{expected} (steps, targets, quantiles)."
            )
        return np.sort(out, axis=-1)  # rearranged, so quantiles never cross

    def _interval_steps(
        self, steps: np.ndarray, X: np.ndarray, coverages: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds, each (len(steps), n_targets_, n_coverages), from one hook call."""
        levels, lower, upper = interval_levels(coverages)
        values = self._quantiles_steps(steps, X, levels)
        return values[..., lower], values[..., upper]

    def _forecast_frame(self, values, steps, X_arr, labels, coverages: np.ndarray) -> pd.DataFrame:
        """forecast(coverage=...)'s table: each series' point column, then its bounds."""
        lower, upper = self._interval_steps(steps, X_arr, coverages)
        columns: dict[Any, np.ndarray] = {}
        for j, name in enumerate(self.target_names_):
            if self._y_ndim == 1:
                prefix, point = "", ("y_pred" if name is None else name)
            else:
                prefix, point = f"{name}_", name
            columns[point] = values[:, j]
            for i, c in enumerate(coverages):
                columns[f"{prefix}lower_{coverage_label(c)}"] = lower[:, j, i]
                columns[f"{prefix}upper_{coverage_label(c)}"] = upper[:, j, i]
        return pd.DataFrame(columns, index=labels)

    # -- shared machinery ---------------------------------------------------------

    @property
    def _time_axis(self) -> TimeAxis:
        return TimeAxis(
            self.index_kind_, self.last_index_, self.index_step_, self.n_train_, self.n_missing_stamps_
        )

    def _set_time_axis(self, axis: TimeAxis) -> None:
        self.index_kind_ = axis.kind
        self.last_index_ = axis.last
        self.index_step_ = axis.step
        self.n_missing_stamps_ = axis.missing

    def _check_length(self, n: int) -> None:
        minimum = self._min_train_size()
        if n < minimum:
            raise ValueError(
                f"{type(self).__name__} needs at least {minimum} time steps with these "
                f"parameters, got n_samples={n}. Give a longer series or lower the window "
                "parameters (e.g. lookback, seasonal_period)."
            )

    @staticmethod
    def _time_index(X, y) -> pd.Index | None:
        """The time axis of (X, y): X's index unless it is a default RangeIndex."""
        x_index, y_index = pandas_index(X), pandas_index(y)
        # y first: without X, fit and update give X y's index, and the error must name y
        for name, idx in (("y", y_index), ("X", x_index)):
            if idx is not None:
                check_time_index(idx, name)
        candidates = [idx for idx in (x_index, y_index) if idx is not None]
        informative = [
            idx
            for idx in candidates
            if not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1)
        ]
        if (
            x_index is not None
            and y_index is not None
            and len(informative) == 2
            and len(x_index) == len(y_index)
            and not x_index.equals(y_index)
        ):
            raise ValueError(
                "X and y have different indexes: rows are time steps, so they must share "
                "their time stamps. Align them first (e.g. `X = X.loc[y.index]`)."
            )
        if informative:
            return informative[0]
        return candidates[0] if candidates else None

    @staticmethod
    def _zero_column_frame(X) -> bool:
        return isinstance(X, pd.DataFrame) and X.shape[1] == 0

    def _validate_fit_data(self, X, y):
        sized = X is not None and not issparse(X) and hasattr(X, "__len__") and hasattr(y, "__len__")
        if sized and len(X) != len(y):  # sparse X is refused by validate_data, with its own message
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: X has {len(X)} "
                f"rows and y has {len(y)}. Rows are time steps, so X needs one row for each "
                "row of y: align them first (e.g. `X = X.loc[y.index]`)."
            )
        if X is None or self._zero_column_frame(X):
            y_arr = validate_data(self, X="no_validation", y=y, multi_output=True, y_numeric=True)
            self.n_features_in_ = 0
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return np.empty((len(y_arr), 0)), y_arr
        X_arr, y_arr = validate_data(
            self, X, y, multi_output=True, y_numeric=True, dtype=np.float64, ensure_all_finite=False
        )
        return X_arr, y_arr

    def _validate_X(self, X, *, reset: bool) -> np.ndarray:
        check_ndim(X, "X")
        check_numeric(X, "X")
        if self._zero_column_frame(X):
            if self.n_features_in_ != 0:
                raise ValueError(
                    f"X has 0 features, but {type(self).__name__} is expecting "
                    f"{self.n_features_in_} features as input."
                )
            return np.empty((len(X), 0))
        if X is not None:
            check_finite(X, "X")
        if self.n_features_in_ == 0 and np.ndim(X) == 2 and np.shape(X)[1] == 0:
            return np.empty((np.shape(X)[0], 0))
        if self.n_features_in_ == 0:
            shape = np.shape(X)
            if len(shape) == 2 and shape[1] != 0:
                raise ValueError(
                    f"X has {shape[1]} features, but {type(self).__name__} is expecting 0 "
                    "features as input (it was fitted without X)."
                )
        try:
            return validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        except ValueError as err:
            if reset or "features, but" not in str(err):
                raise
            names = getattr(self, "feature_names_in_", None)
            seen = f" ({', '.join(map(str, names))})" if names is not None else ""
            raise ValueError(
                f"{err} Pass X with the {self.n_features_in_} feature column(s) seen in fit{seen}, "
                "one row per step, in the same order."
            ) from None

    def _steps_and_features(self, X, method: str = "predict"):
        check_is_fitted(self)
        if X is None:
            raise ValueError(
                f"{type(self).__name__}.{method} needs X with one row per step to forecast; "
                "use forecast(h) to forecast h steps of a model fitted without features."
            )
        if input_ndim(X) == 0:
            number = isinstance(X, numbers.Integral) and not isinstance(X, bool)
            raise TypeError(
                f"{type(self).__name__}.{method} takes X, one row per future step (a DataFrame or 2-D "
                f"array), not {X!r}"
                + (
                    f": to forecast the next {X} steps use forecast({X})."
                    if number
                    else ". To forecast h steps use forecast(h)."
                )
            )
        X_arr = self._validate_X(X, reset=False)
        axis = self._time_axis
        steps, located = steps_from_index(axis, pandas_index(X), len(X_arr))
        if not located and axis.kind in ("datetime", "period") and len(X_arr):
            warnings.warn(
                f"{type(self).__name__} was fitted on a {axis.kind} index but X has none that "
                "matches: its rows are taken as steps 1..h after the training end, so a gap "
                "between training and forecast cannot be seen. Pass X as a DataFrame indexed "
                "by the future time stamps.",
                TimeIndexWarning,
                stacklevel=3,
            )
        return steps, X_arr, located

    def _predict_at(self, X, steps: np.ndarray) -> np.ndarray:
        """``predict(X)`` for rows whose steps ahead the caller knows exactly.

        ``backtest`` knows each test row's position after the cutoff, which a date index
        with missing stamps (trading days) cannot tell: it passes the steps, and X's index
        is not read.
        """
        check_is_fitted(self)
        X_arr = self._validate_X(X, reset=False)
        steps = np.asarray(steps, dtype=np.int64)
        if len(steps) != len(X_arr) or (len(steps) and (steps[0] < 1 or (np.diff(steps) <= 0).any())):
            raise ValueError(f"steps must be increasing, from 1 on, one per row of X; got {steps[:5]}.")
        return self._shape_output(self._predict_steps(steps, X_arr))

    def _predict_steps(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        if len(steps) == 0:
            return np.empty((0, self.n_targets_))
        out = np.asarray(self._predict(steps, X), dtype=np.float64)
        return out.reshape(len(steps), self.n_targets_)

    def _shape_output(self, values: np.ndarray) -> np.ndarray:
        return values[:, 0] if self._y_ndim == 1 else values

    def _exog_path(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Exogenous rows for every step 1..max(steps).

        Models whose forecast needs X at every step (ARIMA regressors, neural
        covariates) call this. Steps that predict was not given (a gap, as in
        ``TimeSeriesSplit(gap=g)``) take the row of the next given step, with a
        warning, since their true values are unknown here.
        """
        horizon = int(steps[-1])
        path = np.empty((horizon, X.shape[1]))
        given = np.zeros(horizon, dtype=bool)
        path[steps - 1] = X
        given[steps - 1] = True
        if not given.all() and X.shape[1] > 0:
            missing = np.flatnonzero(~given) + 1
            warnings.warn(
                f"X has no rows for steps {missing[:5].tolist()}{'...' if len(missing) > 5 else ''} "
                "ahead; their exogenous values were filled from the next given row. Pass X "
                "for every step from 1 to forecast with the true values.",
                UserWarning,
                stacklevel=4,
            )
            next_given = np.where(given, np.arange(horizon), horizon)
            path = path[np.minimum.accumulate(next_given[::-1])[::-1]]
        return path
