"""Metrics and scorers of prediction intervals and quantile forecasts (re-exported by ``tsforecast.metrics``).

An interval is passed to a metric as two arrays, ``y_lower`` and ``y_upper``, each shaped like
``y_true``: what ``estimator.predict_interval(X, coverage=c)`` returns for one coverage. Scorers get
the bands from the estimator's ``predict_interval`` / ``predict_quantiles``.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.pipeline import Pipeline

from tsforecast.base import check_levels
from tsforecast.metrics import (
    _aggregate,
    _check_multioutput,
    _check_targets,
    _check_weights,
    _weighted_mean,
    mean_quantile_loss,
)

__all__ = [
    "CRPS_QUANTILES",
    "crps_from_quantiles",
    "empirical_coverage",
    "interval_score",
    "make_crps_scorer",
    "make_interval_scorer",
    "mean_interval_width",
]


def _check_interval(
    y_true: ArrayLike | None,
    y_lower: ArrayLike,
    y_upper: ArrayLike,
    sample_weight: ArrayLike | None,
    multioutput: str | ArrayLike,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray | None, str | np.ndarray]:
    """Validate an interval (and the truth); arrays come back 2-D (n_steps, n_targets)."""
    lower, upper, _, _ = _check_targets(y_lower, y_upper, None, "uniform_average")[:4]
    if np.any(lower > upper):
        rows = np.flatnonzero((lower > upper).any(axis=1))[:5].tolist()
        raise ValueError(
            f"y_lower is above y_upper at rows {rows}: pass the interval as (y_lower, y_upper), "
            "as predict_interval returns it."
        )
    truth = None
    if y_true is not None:
        truth, lower, sample_weight, multioutput = _check_targets(y_true, lower, sample_weight, multioutput)
    else:
        sample_weight = _check_weights(sample_weight, len(lower))
        multioutput = _check_multioutput(multioutput, lower.shape[1])
    return truth, lower, upper, sample_weight, multioutput


def _check_coverage(coverage: Any) -> float:
    valid = isinstance(coverage, (float, Integral)) and not isinstance(coverage, bool)
    if not valid or not 0 < coverage < 1:
        raise ValueError(f"coverage must be a number strictly between 0 and 1, got {coverage!r}.")
    return float(coverage)


def empirical_coverage(
    y_true: ArrayLike,
    y_lower: ArrayLike,
    y_upper: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Fraction of observations inside their prediction interval (bounds included).

    A calibrated 90% interval covers about 0.9 of the observations over many
    forecasts; the metric is a measured claim, not a score to maximise (an
    infinitely wide interval covers everything): read it beside
    :func:`mean_interval_width` or use :func:`interval_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_lower, y_upper : array-like, each shaped like ``y_true``
        The bounds, as ``predict_interval`` returns them for one coverage.
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    coverage : float or ndarray of shape (n_targets,)
        In [0, 1].

    Examples
    --------
    >>> from tsforecast.metrics import empirical_coverage
    >>> empirical_coverage([1.0, 2.0, 3.0, 9.0], [0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0])
    0.75
    """
    truth, lower, upper, weights, multioutput = _check_interval(
        y_true, y_lower, y_upper, sample_weight, multioutput
    )
    inside = ((lower <= truth) & (truth <= upper)).astype(np.float64)
    return _aggregate(_weighted_mean(inside, weights), multioutput)


def mean_interval_width(
    y_lower: ArrayLike,
    y_upper: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Mean width ``y_upper - y_lower`` of prediction intervals, in the units of y.

    Parameters
    ----------
    y_lower, y_upper : array-like of shape (n_steps,) or (n_steps, n_targets)
        The bounds, as ``predict_interval`` returns them for one coverage.
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    width : float or ndarray of shape (n_targets,)
        Non-negative.

    Examples
    --------
    >>> from tsforecast.metrics import mean_interval_width
    >>> mean_interval_width([0.0, 1.0], [2.0, 5.0])
    3.0
    """
    _, lower, upper, sample_weight, multioutput = _check_interval(
        None, y_lower, y_upper, sample_weight, multioutput
    )
    return _aggregate(_weighted_mean(upper - lower, sample_weight), multioutput)


def interval_score(
    y_true: ArrayLike,
    y_lower: ArrayLike,
    y_upper: ArrayLike,
    *,
    coverage: float = 0.9,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Interval (Winkler) score of central prediction intervals: lower is better.

    With ``alpha = 1 - coverage``, each observation scores the width
    ``u - l`` plus ``2 / alpha`` times its distance outside the interval:
    ``(u - l) + 2 / alpha * (l - y) * [y < l] + 2 / alpha * (y - u) * [y > u]``
    (Gneiting & Raftery 2007, section 6.2). It is a proper score: in
    expectation it is smallest for the true ``alpha / 2`` and ``1 - alpha / 2``
    quantiles, so it rewards narrow intervals only when they still cover.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_lower, y_upper : array-like, each shaped like ``y_true``
        The bounds, as ``predict_interval`` returns them for ``coverage``.
    coverage : float, default=0.9
        The nominal coverage of the interval, in (0, 1).
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    score : float or ndarray of shape (n_targets,)
        Non-negative, in the units of y.

    Examples
    --------
    >>> from tsforecast.metrics import interval_score
    >>> interval_score([1.0, 7.0], [0.0, 0.0], [2.0, 2.0], coverage=0.5)  # (2 + (2 + 4 * 5)) / 2
    12.0
    """
    alpha = 1.0 - _check_coverage(coverage)
    truth, lower, upper, weights, multioutput = _check_interval(
        y_true, y_lower, y_upper, sample_weight, multioutput
    )
    penalty = np.maximum(lower - truth, 0.0) + np.maximum(truth - upper, 0.0)
    return _aggregate(_weighted_mean(upper - lower + 2.0 / alpha * penalty, weights), multioutput)


def crps_from_quantiles(
    y_true: ArrayLike,
    y_pred_quantiles: ArrayLike,
    quantiles: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: str | ArrayLike = "uniform_average",
) -> float | np.ndarray:
    """Continuous ranked probability score approximated from quantile forecasts.

    The CRPS of a forecast distribution ``F`` is twice the integral of the
    pinball loss of its quantiles over all levels in (0, 1) (Gneiting & Ranjan
    2011); with quantiles at equally spaced levels (e.g. 0.05, 0.1, ..., 0.95)
    it is approximated by twice their mean pinball loss,
    ``2 * mean_quantile_loss``. Lower is better; in the units of y; for a point
    forecast alone (one level 0.5) it is the absolute error.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_targets)
        Observed values.
    y_pred_quantiles : array-like of shape (n_steps, n_quantiles) or \
(n_steps, n_targets, n_quantiles)
        Quantile forecasts, as ``predict_quantiles`` returns them.
    quantiles : array-like of shape (n_quantiles,)
        Their levels, in (0, 1), ideally many and equally spaced.
    sample_weight : array-like of shape (n_steps,), default=None
        Weights of the forecast steps.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_targets,), default="uniform_average"
        How to combine the per-target values.

    Returns
    -------
    crps : float or ndarray of shape (n_targets,)
        Non-negative.

    Examples
    --------
    >>> from tsforecast.metrics import crps_from_quantiles
    >>> crps_from_quantiles([3.0], [[2.0]], [0.5])  # one median: the absolute error
    1.0
    """
    loss = mean_quantile_loss(
        y_true, y_pred_quantiles, quantiles, sample_weight=sample_weight, multioutput=multioutput
    )
    return 2.0 * loss


def _final_forecaster(estimator: Any, X: Any) -> tuple[Any, Any, Any]:
    """(forecaster, X it reads, target transformer or None) through Pipeline, search and TTR wrappers."""
    transformer = None
    while True:
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif isinstance(estimator, Pipeline):
            if len(estimator.steps) > 1:
                X = estimator[:-1].transform(X)
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "regressor_") and hasattr(estimator, "transformer_"):
            transformer, estimator = estimator.transformer_, estimator.regressor_
        else:
            return estimator, X, transformer


def _back_transform(values: np.ndarray, transformer: Any) -> np.ndarray:
    """Bounds mapped to y's scale by a fitted target transformer (monotone ones keep their meaning)."""
    if transformer is None:
        return values
    flat = np.moveaxis(values, -1, 0) if values.ndim == 3 else values[None]
    back = np.stack([np.asarray(transformer.inverse_transform(v.reshape(len(v), -1))) for v in flat])
    back = back.reshape(flat.shape)
    return np.moveaxis(back, 0, -1) if values.ndim == 3 else back[0]


def _needs(estimator: Any, method: str, what: str) -> None:
    if not hasattr(estimator, method):
        raise TypeError(
            f"The {what} scorer needs a forecaster with {method} (directly or inside a Pipeline, "
            f"TransformedTargetRegressor or search CV); {type(estimator).__name__} has none."
        )


class _IntervalScorer:
    """``scorer(estimator, X, y)`` scoring ``estimator.predict_interval(X, coverage)``."""

    _metrics: dict[str, tuple[Callable[..., Any], float]] = {}  # filled below: name -> (metric, sign)

    def __init__(self, metric: str, coverage: float) -> None:
        self.metric = metric
        self.coverage = coverage

    @property
    def _sign(self) -> float:
        return self._metrics[self.metric][1]

    def __call__(self, estimator: Any, X: ArrayLike, y_true: ArrayLike, sample_weight=None) -> float:  # noqa: N803
        model, X, transformer = _final_forecaster(estimator, X)
        _needs(model, "predict_interval", self.metric)
        lower, upper = (
            _back_transform(np.asarray(b), transformer) for b in model.predict_interval(X, self.coverage)
        )
        lower, upper = (
            b.reshape(np.shape(y_true)) if b.size == np.size(y_true) else b for b in (lower, upper)
        )
        function, sign = self._metrics[self.metric]
        if self.metric == "mean_interval_width":
            value = function(lower, upper, sample_weight=sample_weight)
        elif self.metric == "interval_score":
            value = function(y_true, lower, upper, coverage=self.coverage, sample_weight=sample_weight)
        else:
            value = function(y_true, lower, upper, sample_weight=sample_weight)
        return sign * float(value)

    def __repr__(self) -> str:
        return f"make_interval_scorer({self.metric!r}, coverage={self.coverage!r})"


_IntervalScorer._metrics = {
    "interval_score": (interval_score, -1.0),
    "mean_interval_width": (mean_interval_width, -1.0),
    "empirical_coverage": (empirical_coverage, 1.0),
}


class _CRPSScorer:
    """``scorer(estimator, X, y) -> -CRPS`` from ``estimator.predict_quantiles(X, quantiles)``."""

    _sign = -1.0

    def __init__(self, quantiles: tuple[float, ...]) -> None:
        self.quantiles = quantiles

    def __call__(self, estimator: Any, X: ArrayLike, y_true: ArrayLike, sample_weight=None) -> float:  # noqa: N803
        model, X, transformer = _final_forecaster(estimator, X)
        _needs(model, "predict_quantiles", "CRPS")
        q = _back_transform(np.asarray(model.predict_quantiles(X, self.quantiles)), transformer)
        return -float(crps_from_quantiles(y_true, q, self.quantiles, sample_weight=sample_weight))

    def __repr__(self) -> str:
        return f"make_crps_scorer(quantiles={self.quantiles!r})"


def make_interval_scorer(metric: str = "interval_score", coverage: float = 0.9) -> Callable[..., float]:
    """Make a scorer that scores ``estimator.predict_interval(X, coverage)``.

    Usable as ``scoring=`` in scikit-learn's model selection and in
    :func:`tsforecast.model_selection.backtest`.

    Parameters
    ----------
    metric : {"interval_score", "mean_interval_width", "empirical_coverage"}, default="interval_score"
        The interval metric. The two losses are negated (greater is better);
        the coverage is returned as is (it is reported, not optimised).
    coverage : float, default=0.9
        Nominal coverage of the interval asked of the estimator, in (0, 1).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y) -> float``; picklable. The estimator may be a
        Pipeline, a search CV or a TransformedTargetRegressor around a forecaster.

    Examples
    --------
    >>> from tsforecast.metrics import make_interval_scorer
    >>> make_interval_scorer("interval_score", coverage=0.8)
    make_interval_scorer('interval_score', coverage=0.8)
    """
    if metric not in _IntervalScorer._metrics:
        raise ValueError(f"metric must be one of {sorted(_IntervalScorer._metrics)}, got {metric!r}.")
    return _IntervalScorer(metric, _check_coverage(coverage))


#: Equally spaced levels of the CRPS scorer: 0.05, 0.10, ..., 0.95.
CRPS_QUANTILES = tuple(round(0.05 * i, 2) for i in range(1, 20))


def make_crps_scorer(quantiles: ArrayLike = CRPS_QUANTILES) -> Callable[..., float]:
    """Make a scorer ``scorer(estimator, X, y) -> -CRPS`` from ``predict_quantiles``.

    Parameters
    ----------
    quantiles : array-like of float, default=(0.05, 0.10, ..., 0.95)
        Equally spaced levels in (0, 1) at which the distribution is evaluated.

    Returns
    -------
    scorer : callable
        Negated CRPS (greater is better); picklable.

    Examples
    --------
    >>> from tsforecast.metrics import make_crps_scorer
    >>> make_crps_scorer([0.25, 0.5, 0.75])
    make_crps_scorer(quantiles=(0.25, 0.5, 0.75))
    """
    levels, _ = check_levels(quantiles, "quantiles")
    return _CRPSScorer(tuple(float(q) for q in levels))
