"""Forecast accuracy metrics and scorers.

Every metric follows scikit-learn's signature ``f(y_true, y_pred, *,
sample_weight=None, multioutput="uniform_average")``. ``y_true`` and ``y_pred``
have one row per time step: shape ``(n_steps,)`` or ``(n_steps, n_targets)``.
``mean_absolute_error``, ``mean_squared_error``, ``root_mean_squared_error``
and ``mean_pinball_loss`` are scikit-learn's own functions, re-exported.

Percentage metrics (MAPE, sMAPE) are on a percent scale: MAPE in 0-100+ and
sMAPE in 0-200, so scikit-learn's ``mean_absolute_percentage_error`` (a
fraction) is 100 times smaller than ours.

Panels: for a ``y_true`` indexed by (series id, time), MASE, sMAPE and MAPE are
computed per series and averaged over the series, as in the M4 competition
(MASE scaled by each series' own ``y_train``); :func:`mean_over_series` does the
same for any metric, e.g. ``mean_over_series(mean_absolute_error, y_true, y_pred)``.

Examples
--------
>>> from tsforecast.metrics import mean_absolute_error
>>> mean_absolute_error([1.0, 2.0, 3.0], [1.0, 2.0, 6.0])
1.0
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import get_scorer_names as _sklearn_get_scorer_names
from sklearn.metrics import (
    make_scorer,
    mean_absolute_error,
    mean_pinball_loss,
    mean_squared_error,
    root_mean_squared_error,
)
from sklearn.utils import check_array
from sklearn.utils._param_validation import StrOptions, validate_params

from tsforecast._constraints import Number
from tsforecast.panel import is_panel, is_panel_fitted, mean_over_series

__all__ = [
    "CRPS_QUANTILES",
    "INTERVAL_SCORERS",
    "SCORERS",
    "crps_from_quantiles",
    "empirical_coverage",
    "get_scorer",
    "get_scorer_names",
    "interval_score",
    "make_crps_scorer",
    "make_interval_scorer",
    "make_mase_scorer",
    "mean_interval_width",
    "mean_over_series",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_absolute_scaled_error",
    "mean_pinball_loss",
    "mean_quantile_loss",
    "mean_squared_error",
    "root_mean_squared_error",
    "symmetric_mean_absolute_percentage_error",
]

_MULTIOUTPUT_STRINGS = ("raw_values", "uniform_average")


def _as_float(y: ArrayLike, name: str, *, allow_nd: bool = False) -> np.ndarray:
    """Convert to a finite float64 array (NaN and inf raise ``ValueError``)."""
    return check_array(y, ensure_2d=False, allow_nd=allow_nd, dtype=np.float64, input_name=name)


def _check_targets(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    sample_weight: ArrayLike | None,
    multioutput: str | ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, str | np.ndarray]:
    """Validate the inputs of a metric; targets come back 2-D (n_steps, n_targets)."""
    y_true = _as_float(y_true, "y_true")
    y_pred = _as_float(y_pred, "y_pred")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_true and y_pred have different numbers of time steps (rows): "
            f"{y_true.shape[0]} != {y_pred.shape[0]}."
        )
    y_true = y_true.reshape(len(y_true), -1)
    y_pred = y_pred.reshape(len(y_pred), -1)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different numbers of targets (columns): "
            f"{y_true.shape[1]} != {y_pred.shape[1]}."
        )
    sample_weight = _check_weights(sample_weight, len(y_true))
    multioutput = _check_multioutput(multioutput, y_true.shape[1])
    return y_true, y_pred, sample_weight, multioutput


def _check_weights(sample_weight: ArrayLike | None, n_samples: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    sw = _as_float(sample_weight, "sample_weight")
    if sw.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape (n_samples,) = ({n_samples},), got {sw.shape}.")
    return _check_non_negative(sw, "sample_weight")


def _check_non_negative(weights: np.ndarray, name: str) -> np.ndarray:
    if np.any(weights < 0) or not np.any(weights > 0):
        raise ValueError(f"{name} must be non-negative and not all zero, got {weights.tolist()}.")
    return weights


def _check_multioutput(multioutput: str | ArrayLike, n_targets: int) -> str | np.ndarray:
    if isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT_STRINGS:
            raise ValueError(
                f"multioutput must be one of {_MULTIOUTPUT_STRINGS} or an array of "
                f"shape (n_targets,); got {multioutput!r}."
            )
        return multioutput
    weights = _as_float(multioutput, "multioutput")
    if weights.shape != (n_targets,):
        raise ValueError(
            f"There must be as many multioutput weights as targets: got weights of "
            f"shape {weights.shape} for {n_targets} target(s)."
        )
    return _check_non_negative(weights, "multioutput weights")


#: scikit-learn's declarative checks of the metrics' arguments (``validate_params``): one wording,
#: "The 'seasonal_period' parameter of make_mase_scorer must be an int in the range [1, inf)...".
_SEASON = [Number(Integral, 1, None, closed="left")]
_POINT_ARGUMENTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "multioutput": [StrOptions(set(_MULTIOUTPUT_STRINGS)), "array-like"],
}


def _weighted_mean(values: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Mean over axis 0; rows of weight 0 are dropped (so 0 * inf is not NaN)."""
    if weights is None:
        return values.mean(axis=0)
    keep = weights > 0
    return np.average(values[keep], weights=weights[keep], axis=0)


def _aggregate(per_target: np.ndarray, multioutput: str | np.ndarray) -> float | np.ndarray:
    if isinstance(multioutput, str) and multioutput == "raw_values":
        return per_target
    weights = None if isinstance(multioutput, str) else multioutput
    return float(_weighted_mean(per_target, weights))


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with ``0 / 0 = 0`` and ``x / 0 = inf`` for ``x > 0``."""
    out = np.where(num > 0, np.inf, 0.0)
    return np.divide(num, den, out=out, where=den > 0)


@validate_params(
    {**_POINT_ARGUMENTS, "y_train": ["array-like"], "seasonal_period": _SEASON},
    prefer_skip_nested_validation=True,
)
def mean_absolute_scaled_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    y_train: ArrayLike,
    seasonal_period: int = 1,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Mean absolute scaled error (MASE, Hyndman and Koehler, 2006).

    The MAE of the forecast divided, per target, by the in-sample MAE of the
    seasonal-naive forecast on the training series,
    ``mean(|y_train[t] - y_train[t - seasonal_period]|)``. Below 1 means better
    than the seasonal-naive forecast was in-sample.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_pred : array-like of shape (n_steps,) or (n_steps, n_targets)
        Forecast values.
    y_train : array-like of shape (n_train,) or (n_train, n_targets)
        Training series, in time order; needs more than ``seasonal_period`` rows.
    seasonal_period : int, default=1
        Season length ``m`` of the naive forecast used for scaling (1 = random walk).
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps (not of ``y_train``).
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    loss : float or ndarray of shape (n_targets,)
        Non-negative; ndarray when ``multioutput="raw_values"``. A target whose
        training series has a zero scale (it is constant, or exactly
        ``seasonal_period``-periodic) gets ``inf`` if its MAE is positive and
        ``0.0`` if its MAE is zero.

    Examples
    --------
    >>> from tsforecast.metrics import mean_absolute_scaled_error
    >>> y_train = [2.0, 4.0, 3.0, 5.0, 4.0]  # naive in-sample MAE: 1.5
    >>> mean_absolute_scaled_error([5.0, 6.0], [5.5, 5.0], y_train=y_train)
    0.5
    """
    if is_panel(y_true):
        return mean_over_series(
            mean_absolute_scaled_error,
            y_true,
            y_pred,
            y_train=y_train,
            seasonal_period=seasonal_period,
            sample_weight=sample_weight,
            multioutput=multioutput,
        )
    y_true, y_pred, sample_weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput)
    y_train = _as_float(y_train, "y_train")
    y_train = y_train.reshape(len(y_train), -1)
    if y_train.shape[1] != y_true.shape[1]:
        raise ValueError(
            f"y_train has {y_train.shape[1]} target(s) (columns) but y_true has {y_true.shape[1]}."
        )
    n_train, m = len(y_train), int(seasonal_period)
    if n_train <= m:
        raise ValueError(
            f"y_train has n_samples={n_train} time steps, but MASE with "
            f"seasonal_period={m} needs at least {m + 1}."
        )
    scale = np.abs(y_train[m:] - y_train[:-m]).mean(axis=0)
    mae = mean_absolute_error(y_true, y_pred, sample_weight=sample_weight, multioutput="raw_values")
    return _aggregate(_safe_ratio(mae, scale), multioutput)


@validate_params(_POINT_ARGUMENTS, prefer_skip_nested_validation=True)
def symmetric_mean_absolute_percentage_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Symmetric mean absolute percentage error (sMAPE, M4 competition definition).

    ``200 * mean(|y_true - y_pred| / (|y_true| + |y_pred|))``, in percent, in the
    range 0 to 200. A step where both values are 0 counts as 0 (a perfect forecast).

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_pred : array-like of shape (n_steps,) or (n_steps, n_targets)
        Forecast values.
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    loss : float or ndarray of shape (n_targets,)
        In [0, 200]; ndarray when ``multioutput="raw_values"``.

    Examples
    --------
    >>> from tsforecast.metrics import symmetric_mean_absolute_percentage_error
    >>> symmetric_mean_absolute_percentage_error([100.0, 0.0], [300.0, 0.0])
    50.0
    """
    if is_panel(y_true):
        return mean_over_series(
            symmetric_mean_absolute_percentage_error,
            y_true,
            y_pred,
            sample_weight=sample_weight,
            multioutput=multioutput,
        )
    y_true, y_pred, sample_weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput)
    terms = _safe_ratio(np.abs(y_true - y_pred), np.abs(y_true) + np.abs(y_pred))
    return _aggregate(200.0 * _weighted_mean(terms, sample_weight), multioutput)


@validate_params(_POINT_ARGUMENTS, prefer_skip_nested_validation=True)
def mean_absolute_percentage_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Mean absolute percentage error (MAPE), in percent.

    ``100 * mean(|y_true - y_pred| / |y_true|)``. Unlike scikit-learn's function
    of the same name, which returns a fraction, this one is in percent (same
    scale as :func:`symmetric_mean_absolute_percentage_error`). A step with
    ``y_true == 0`` counts as 0 if the forecast is exact and as ``inf`` otherwise.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_pred : array-like of shape (n_steps,) or (n_steps, n_targets)
        Forecast values.
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    loss : float or ndarray of shape (n_targets,)
        Non-negative, in percent; ndarray when ``multioutput="raw_values"``.

    Examples
    --------
    >>> from tsforecast.metrics import mean_absolute_percentage_error
    >>> mean_absolute_percentage_error([100.0, 200.0], [110.0, 150.0])
    17.5
    """
    if is_panel(y_true):
        return mean_over_series(
            mean_absolute_percentage_error,
            y_true,
            y_pred,
            sample_weight=sample_weight,
            multioutput=multioutput,
        )
    y_true, y_pred, sample_weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput)
    terms = _safe_ratio(np.abs(y_true - y_pred), np.abs(y_true))
    return _aggregate(100.0 * _weighted_mean(terms, sample_weight), multioutput)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred_quantiles": ["array-like"],
        "quantiles": ["array-like"],
        "sample_weight": ["array-like", None],
        "multioutput": [StrOptions(set(_MULTIOUTPUT_STRINGS)), "array-like"],
    },
    prefer_skip_nested_validation=True,
)
def mean_quantile_loss(
    y_true: ArrayLike,
    y_pred_quantiles: ArrayLike,
    quantiles: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Pinball loss averaged over several quantile forecasts.

    For each quantile ``q`` the loss is the one of
    :func:`mean_pinball_loss` with ``alpha=q``, ``max(q * d, (q - 1) * d)`` with
    ``d = y_true - y_pred``; the result is the mean over the quantiles.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_pred_quantiles : array-like of shape (n_steps, n_quantiles) or \
(n_steps, n_targets, n_quantiles)
        Quantile forecasts; the last axis follows ``quantiles``. The 2-D form is
        for a single target.
    quantiles : array-like of shape (n_quantiles,)
        Quantile levels, each in [0, 1].
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    loss : float or ndarray of shape (n_targets,)
        Non-negative; ndarray when ``multioutput="raw_values"``.

    Examples
    --------
    >>> from tsforecast.metrics import mean_quantile_loss
    >>> mean_quantile_loss([10.0, 20.0], [[8.0, 12.0], [18.0, 22.0]], [0.25, 0.75])
    0.5
    """
    q = _as_float(quantiles, "quantiles").reshape(-1)
    if np.any((q < 0) | (q > 1)):
        raise ValueError(f"quantiles must lie in [0, 1], got {q.tolist()}.")
    y_pred = _as_float(y_pred_quantiles, "y_pred_quantiles", allow_nd=True)
    if y_pred.ndim == 2:
        y_pred = y_pred[:, None, :]  # (n_steps, n_q) -> (n_steps, 1, n_q)
    if y_pred.ndim != 3 or y_pred.shape[2] != len(q):
        raise ValueError(
            f"y_pred_quantiles must have shape (n_steps, n_quantiles) or (n_steps, "
            f"n_targets, n_quantiles) with n_quantiles={len(q)}; got {y_pred.shape}."
        )
    y_true, _, sample_weight, multioutput = _check_targets(
        y_true, y_pred[:, :, 0], sample_weight, multioutput
    )
    diff = y_true[:, :, None] - y_pred  # (n_steps, n_targets, n_quantiles)
    loss = np.maximum(q * diff, (q - 1.0) * diff).mean(axis=2)
    return _aggregate(_weighted_mean(loss, sample_weight), multioutput)


def _wrapped(estimator: Any) -> Any:
    """The estimator a fitted search (``best_estimator_``) or a Pipeline (its final step) wraps, or None."""
    best = getattr(estimator, "best_estimator_", None)  # GridSearchCV and friends
    if best is not None:
        return best
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if isinstance(steps, list) and steps else None


def _find_y_train(estimator: Any) -> np.ndarray | None:
    """Training targets (original scale) of a fitted forecaster, through wrappers."""
    y_train = getattr(estimator, "y_train_", None)
    if y_train is not None:
        y_train = np.asarray(y_train, dtype=np.float64)
        return y_train.reshape(len(y_train), -1)
    if hasattr(estimator, "regressor_") and hasattr(estimator, "transformer_"):
        # TransformedTargetRegressor: the inner model saw transformed targets.
        inner = _find_y_train(estimator.regressor_)
        if inner is None:
            return None
        back = np.asarray(estimator.transformer_.inverse_transform(inner), np.float64)
        return back.reshape(len(inner), -1)
    inner = _wrapped(estimator)
    return None if inner is None else _find_y_train(inner)


def _find_panel_forecaster(estimator: Any) -> Any:
    """The forecaster fitted on a panel inside ``estimator`` (through a Pipeline or search), or None."""
    if is_panel_fitted(estimator):
        return estimator
    inner = _wrapped(estimator)
    return None if inner is None else _find_panel_forecaster(inner)


def _panel_y_train(estimator: Any, y_true: Any) -> pd.DataFrame:
    """The training rows of every series of a panel ``y_true``, as a panel, from the fitted models.

    Each series' model (its fitted clone, or a neural model's view of the series) must hold the
    whole training history of the series (``len(y_train_) == n_train_``): the MASE scale is the
    in-sample seasonal-naive MAE over all of it, and a shorter tail would give another scale.
    """
    forecaster = _find_panel_forecaster(estimator)
    if forecaster is None:
        raise ValueError(
            "y is a panel indexed by (series id, time), so MASE scales each series by the seasonal-naive "
            "error over its own training rows, which the scorer reads from the per-series models of an "
            f"estimator fitted on a panel; {type(estimator).__name__} was not fitted on one. Fit it on the "
            "panel, or score panels with tsforecast.model_selection.backtest(..., scoring='mase')."
        )
    ids = pd.unique(y_true.index.get_level_values(0))
    blocks = []
    for series_id in ids:
        model = forecaster._series_model(series_id)
        history, n_train = getattr(model, "y_train_", None), getattr(model, "n_train_", None)
        if history is None or n_train is None or len(history) != n_train:
            kept = "none" if history is None else f"only the last {len(history)}"
            raise ValueError(
                f"MASE scales series {series_id!r} by the seasonal-naive error over its training rows, but "
                f"{type(forecaster).__name__} keeps {kept} of its {n_train} training rows (a global neural "
                "model keeps each series' last lookback_ rows), so the scale cannot be computed from the "
                "fitted model. Score panels with tsforecast.model_selection.backtest(model, X, y, cv=..., "
                "scoring='mase', seasonal_period=m), which scales each series by its training rows, or "
                "with mean_absolute_scaled_error(y_true, y_pred, y_train=<the training panel>)."
            )
        blocks.append(np.asarray(history, dtype=np.float64).reshape(len(history), -1))
    lengths = [len(block) for block in blocks]
    index = pd.MultiIndex.from_arrays(
        [np.repeat(np.asarray(ids, dtype=object), lengths), np.concatenate([np.arange(n) for n in lengths])]
    )
    return pd.DataFrame(np.vstack(blocks), index=index)


class _MASEScorer:
    """Negated MASE scorer; the scale comes from the fitted estimator's ``y_train_``.

    For a panel ``y`` (indexed by (series id, time)) each series is scaled by its own training
    rows, read from the fitted per-series models, and the MASE is averaged over the series.
    """

    def __init__(self, seasonal_period: int = 1) -> None:
        self.seasonal_period = seasonal_period

    def __call__(
        self,
        estimator: Any,
        X: ArrayLike,  # noqa: N803 (scikit-learn spelling)
        y_true: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> float:
        if is_panel(y_true):  # predict first: its errors name unseen or unfitted series
            y_pred = np.asarray(estimator.predict(X))
            return -mean_absolute_scaled_error(
                y_true,
                y_pred.reshape(len(y_pred), -1) if y_pred.ndim == 1 and np.ndim(y_true) == 2 else y_pred,
                y_train=_panel_y_train(estimator, y_true),
                seasonal_period=self.seasonal_period,
                sample_weight=sample_weight,
            )
        y_train = _find_y_train(estimator)
        if y_train is None:
            raise TypeError(
                f"The MASE scorer needs a fitted tsforecast forecaster exposing "
                f"`y_train_` (directly or inside a Pipeline, "
                f"TransformedTargetRegressor or search CV); none was found in "
                f"{type(estimator).__name__}. Otherwise call "
                f"mean_absolute_scaled_error(y_true, y_pred, y_train=...) directly."
            )
        y_pred = np.asarray(estimator.predict(X))
        shape = np.shape(y_true)
        if y_pred.shape != shape and y_pred.size == np.prod(shape):
            y_pred = y_pred.reshape(shape)  # (n,) vs (n, 1)
        return -mean_absolute_scaled_error(
            y_true,
            y_pred,
            y_train=y_train,
            seasonal_period=self.seasonal_period,
            sample_weight=sample_weight,
        )

    def __repr__(self) -> str:
        return f"make_mase_scorer(seasonal_period={self.seasonal_period!r})"


@validate_params({"seasonal_period": _SEASON}, prefer_skip_nested_validation=True)
def make_mase_scorer(seasonal_period: int = 1) -> Callable[..., float]:
    """Make a scorer ``scorer(estimator, X, y) -> -MASE`` for model selection.

    The MASE scale is taken from the training series that the fitted estimator
    stores in ``y_train_``, found through a ``Pipeline`` (final step), a
    ``TransformedTargetRegressor`` (mapped back to the original scale) and a
    fitted search (``best_estimator_``). Greater is better, so the loss is negated.

    Panels (``y`` indexed by (series id, time), e.g. in ``GridSearchCV`` with
    :class:`~tsforecast.model_selection.ExpandingWindowSplitter`): each series
    is scaled by the seasonal-naive MAE over its own training rows, read from
    the estimator's fitted per-series models, and the MASE is averaged over the
    series, as :func:`~tsforecast.model_selection.backtest` scores. A model that
    does not keep each series' whole history (a global neural model keeps the
    last ``lookback_`` rows) raises a ``ValueError`` pointing to ``backtest``,
    never a silent NaN; scikit-learn turns a scorer's error into a NaN score with
    a warning unless ``error_score="raise"``.

    Parameters
    ----------
    seasonal_period : int, default=1
        Season length of the naive forecast used for scaling.

    Returns
    -------
    scorer : callable
        Picklable; raises ``TypeError`` when the estimator has no ``y_train_``,
        ``ValueError`` when a panel's series' histories are not all there.

    Examples
    --------
    >>> from tsforecast.metrics import make_mase_scorer
    >>> make_mase_scorer(seasonal_period=12)
    make_mase_scorer(seasonal_period=12)
    """
    return _MASEScorer(seasonal_period)


_mase_scorer = make_mase_scorer(1)
_smape_scorer = make_scorer(symmetric_mean_absolute_percentage_error, greater_is_better=False)
_mape_scorer = make_scorer(mean_absolute_percentage_error, greater_is_better=False)

SCORERS: dict[str, Callable[..., float]] = {
    "neg_mean_absolute_scaled_error": _mase_scorer,
    "neg_symmetric_mean_absolute_percentage_error": _smape_scorer,
    "neg_mean_absolute_percentage_error": _mape_scorer,
    "mase": _mase_scorer,
    "smape": _smape_scorer,
    "mape": _mape_scorer,
}
"""Scorers of this module by name; all are negated losses (greater is better)."""


def get_scorer(
    scoring: str | Callable[..., float] | None,
) -> Callable[..., float] | None:
    """Get a scorer from a name, with tsforecast's names before scikit-learn's.

    Parameters
    ----------
    scoring : str, callable or None
        A name from :func:`get_scorer_names` (a fresh copy of the scorer is
        returned), or a callable / None, returned unchanged. Note that
        ``"neg_mean_absolute_percentage_error"`` is ours, in percent.

    Returns
    -------
    scorer : callable or None
        ``scorer(estimator, X, y) -> float``, greater is better.

    Examples
    --------
    >>> from tsforecast.metrics import get_scorer
    >>> get_scorer("mase")
    make_mase_scorer(seasonal_period=1)
    >>> callable(get_scorer("neg_mean_absolute_error"))  # scikit-learn's
    True
    """
    if not isinstance(scoring, str):
        return scoring
    if scoring in SCORERS or scoring in INTERVAL_SCORERS:
        return copy.deepcopy(SCORERS.get(scoring) or INTERVAL_SCORERS[scoring])
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError:
        raise ValueError(
            f"{scoring!r} is not a valid scoring value. Use "
            f"tsforecast.metrics.get_scorer_names() to get valid options."
        ) from None


def get_scorer_names() -> list[str]:
    """Names accepted by :func:`get_scorer`: tsforecast's and scikit-learn's.

    Returns
    -------
    names : list of str
        Sorted.

    Examples
    --------
    >>> from tsforecast.metrics import get_scorer_names
    >>> "smape" in get_scorer_names() and "r2" in get_scorer_names()
    True
    """
    return sorted(set(SCORERS) | set(INTERVAL_SCORERS) | set(_sklearn_get_scorer_names()))


# -- prediction intervals and quantile forecasts: in their own module, re-exported here ---------
# (imported last: it builds on the validation helpers above)
from tsforecast._interval_metrics import (  # noqa: E402
    CRPS_QUANTILES,
    crps_from_quantiles,
    empirical_coverage,
    interval_score,
    make_crps_scorer,
    make_interval_scorer,
    mean_interval_width,
)

#: Scorers of prediction intervals and quantiles by name, found by :func:`get_scorer`: negated losses
#: and ``empirical_coverage`` (a measured fraction, reported rather than optimised). Intervals at 0.9.
INTERVAL_SCORERS: dict[str, Callable[..., float]] = {
    "neg_interval_score": make_interval_scorer("interval_score"),
    "neg_mean_interval_width": make_interval_scorer("mean_interval_width"),
    "empirical_coverage": make_interval_scorer("empirical_coverage"),
    "neg_crps": make_crps_scorer(),
}
