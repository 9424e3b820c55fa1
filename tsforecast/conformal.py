"""ConformalForecaster: calibrated prediction intervals around any forecaster.

The wrapped forecaster gives the point forecast; its errors on rolling-origin
backtests over the end of the training series (one set per horizon step) give
the band. Two modes:

- ``"split"``: split conformal prediction per horizon step (Vovk et al. 2005;
  Stankeviciute et al. 2021 for multi-step forecasts). The residuals are fixed
  at fit; ``update`` moves the origin but not the band.
- ``"adaptive"``: adaptive conformal inference (Gibbs & Candes 2021) per step:
  each new observation brought by ``update`` is scored against the forecasts
  issued before it, joins a sliding pool of recent residuals, and moves each
  quantile level up after a miss and down after a hit, so the realised
  coverage tracks the target when the error distribution drifts.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from math import gcd
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions

from tsforecast._constraints import Number
from tsforecast.base import BaseForecaster, IgnoredFeaturesWarning, TimeIndexWarning

__all__ = ["ConformalForecaster"]

#: Nominal levels whose adaptive offsets are tracked; other levels interpolate between them.
#: The tails hold the levels of the usual 80%, 90%, 95%, 98% and 99% intervals exactly.
LEVEL_GRID = np.array(
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
    + [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99, 0.995]
)


def conformal_quantile(sorted_scores: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Finite-sample conformal quantiles of scores sorted along the last axis.

    With ``n`` scores, level ``q >= 0.5`` takes the ``ceil((n + 1) q)``-th
    smallest and ``q < 0.5`` the ``floor((n + 1) q)``-th, so each one-sided
    bound holds with probability at least its level for exchangeable scores;
    ranks beyond the sample are clipped to its extremes (levels are clipped
    to [0, 1]). ``levels`` broadcasts against ``sorted_scores.shape[:-1] + (n_q,)``.
    """
    n = sorted_scores.shape[-1]
    levels = np.clip(levels, 0.0, 1.0)
    ranks = np.where(levels >= 0.5, np.ceil((n + 1) * levels - 1e-9), np.floor((n + 1) * levels + 1e-9))
    ranks = np.clip(ranks.astype(np.int64), 1, n) - 1
    shape = np.broadcast_shapes(sorted_scores.shape[:-1] + (1,), np.shape(ranks))
    ranks = np.broadcast_to(ranks, shape)
    return np.take_along_axis(np.broadcast_to(sorted_scores, shape[:-1] + (n,)), ranks, axis=-1)


def auto_step(n: int, horizon: int, season: int, n_windows: int, smallest: int = 1) -> int:
    """Steps between calibration origins when ``step=None``: spread over the recent past, at every phase.

    The step is the smallest ``s >= max(horizon, season)`` sharing no factor with
    ``horizon`` nor ``season`` (``horizon + 1`` when the season divides the horizon),
    so that the windows do not overlap, ``n_windows`` origins cover about
    ``n_windows`` horizons (and seasons) of the recent past, and the origins visit
    every phase of the season and of the horizon (a step of 24 on hourly data would
    start every window at the same hour). When ``n_windows`` origins that far apart
    do not fit in the last half of the series (after the wrapped model's ``smallest``
    training series), the step shrinks to the largest that fits (and shares no factor
    with them), down to 1.

    Examples
    --------
    >>> auto_step(10_000, horizon=24, season=24, n_windows=100)
    25
    >>> auto_step(10_000, horizon=6, season=24, n_windows=100)
    25
    >>> auto_step(1000, horizon=7, season=1, n_windows=100)  # 8 would reach before row 500
    4
    >>> auto_step(300, horizon=1, season=1, n_windows=100)
    1
    """

    def coprime(s: int) -> bool:
        return gcd(s, horizon) == 1 and gcd(s, season) == 1

    step = max(horizon, season, 1)
    while not coprime(step):
        step += 1
    room = n - max(n // 2, smallest) - horizon  # rows between the first and the last origin
    if n_windows > 1 and (n_windows - 1) * step > room:
        step = max(1, room // (n_windows - 1))
        while not coprime(step):
            step -= 1
    return step


class _FollowsWrapped:
    """``uses_exogenous`` of a wrapper: the wrapped forecaster's on an instance, the default's on the class.

    Everything that reads the capability from a class (the sktime tags, the test tables) gets a
    bool, as it does for every other forecaster, instead of a property object.
    """

    def __get__(self, instance, owner) -> bool:
        wrapper = owner() if instance is None else instance
        return bool(getattr(wrapper._template(), "uses_exogenous", False))


class ConformalForecaster(BaseForecaster):
    """Calibrated prediction intervals around any forecaster, per horizon step.

    At fit, the wrapped forecaster is backtested on the last ``n_windows``
    rolling origins of the training series
    (:func:`~tsforecast.model_selection.backtest` with
    :class:`~tsforecast.model_selection.ExpandingWindowSplitter`), and its
    errors at each of the ``horizon`` steps become that step's calibration
    scores; then it is fitted on the whole series. The point forecast is the
    wrapped model's; the ``q`` quantile of step ``h`` is the point forecast
    plus the conformal ``q`` quantile of step ``h``'s signed errors, per
    series, so bands can be asymmetric and widen with the horizon.

    Parameters
    ----------
    estimator : forecaster, default=None
        The forecaster to calibrate (cloned, never modified); ``None`` means
        ``NaiveForecaster()``. It needs ``update`` unless ``refit=True``.
    horizon : int, default=24
        Steps ahead that get intervals (at most ``n_samples - 1`` are
        calibrated on a short series: see ``horizon_``).
    n_windows : int, default=100
        Calibration origins, hence errors per step; the adaptive mode keeps a
        sliding pool of this many recent errors. A ``q`` quantile needs at
        least ``1 / min(q, 1 - q) - 1`` of them (19 for a 90% interval, 39 for
        95%); with fewer the band is the extreme error, and a warning says so.
    step : int or None, default=None
        Steps between consecutive calibration origins. ``None`` spreads them
        (:func:`auto_step`, recorded in ``step_``): one horizon and a bit
        apart, at least a season apart, sharing no factor with the horizon or
        the wrapped model's ``seasonal_period`` (so the origins start at every
        hour of the day), and all in the last half of the series, closer
        together (down to 1) when the series is too short for that. With the
        defaults on hourly data and a 24-step horizon that is every 25 hours:
        the last 104 days instead of the last 5 (see Notes for the figures).
        An int is used as given (``1``: consecutive origins, the default
        before ``None``).
    refit : bool or int, default=False
        How the backtest moves the wrapped model between calibration origins:
        ``False`` fits once and moves forward with ``update`` (cheap; a neural
        model forecasts all origins in one batched pass), ``True`` refits at
        every origin (the errors of a model trained up to each origin),
        an int ``k`` refits every ``k`` origins.
    method : {"split", "adaptive"}, default="split"
        ``"split"`` keeps the calibration errors of fit: use it when the
        series' errors look alike over time (stable seasonal data), or when
        forecasts are refitted regularly. ``"adaptive"`` updates the band with
        every observation given to ``update``: use it when the error scale
        drifts (prices, returns, weather regimes) and the model moves forward
        with ``update`` between forecasts.
    learning_rate : float, default=0.01
        Step size ``gamma`` of the adaptive mode: how far a quantile level
        moves after each hit or miss (Gibbs & Candes use 0.005; larger reacts
        faster and wobbles more).

    Attributes
    ----------
    estimator_ : forecaster
        The wrapped forecaster fitted on the whole series (and updated).
    horizon_ : int
        Steps that have calibration errors: ``min(horizon, n_samples - m)``
        with ``m`` the wrapped model's shortest training series.
    n_windows_ : int
        Calibration origins used at fit (fewer than ``n_windows`` on a short series).
    step_ : int
        Steps between the calibration origins at fit: ``step``, or what
        ``step=None`` resolved to.
    residuals_ : ndarray of shape (horizon_, n_targets_, n_windows_)
        Errors (truth minus forecast) per step and series, sorted along the
        last axis; in the adaptive mode the current sliding pool.
    level_offsets_ : ndarray of shape (horizon_, n_targets_, len(LEVEL_GRID))
        Adaptive mode: the learnt shift of each tracked quantile level (zeros
        in the split mode).

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Notes
    -----
    The split mode's coverage holds when the errors of the calibration windows
    and of the future are exchangeable; on a drifting series it drifts with
    them, so the origins should cover a stretch as varied as the future:
    consecutive hourly origins (``step=1``) cover only the last 5 days. In
    ``benchmarks/conformal_defaults.py`` (split mode around seasonal naive,
    simple exponential smoothing and Theta; ETTh1 and WTH hourly with a
    24-step horizon, S&P 500 daily returns 5 days ahead, Seattle daily maximum
    temperature 7 days ahead; calibrated once per training cut, then 252
    forecasts per set moved forward with ``update``), ``step=1`` covered 67-88%
    at 80% and 88-96% at 95%, with 7 of 12 cells within 5 points of 80%;
    ``step=None`` covered 76-85% and 92-98%, 11 of 12 and 12 of 12 cells within
    5 points (the largest miss 5.1). A step of exactly the horizon (24 hours)
    puts every window's start at the same hour and covered as little as 46%
    at 80%; origins spread evenly over the last half of the series mixed in
    other seasons (69% at 80% on WTH). With
    ``refit=False`` the errors are those of a model fitted at the first
    calibration origin, on less data than ``estimator_``: for a model that
    improves with data the band errs on the wide side. The adaptive mode
    targets the long-run fraction of hits instead
    (Gibbs & Candes 2021, Proposition 4.1), for the levels of ``LEVEL_GRID``
    exactly; other levels interpolate their shifts. Each update scores the
    new rows against the forecasts issued at earlier origins; for a wrapped
    model that reads X's values, whose future X was unknown when those were
    issued, only the forecast from the latest origin (with the new rows' X) is
    scored.

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import ConformalForecaster, NaiveForecaster
    >>> y = np.sin(np.arange(300) / 5) + np.random.default_rng(0).normal(0, 0.1, 300)
    >>> model = ConformalForecaster(NaiveForecaster(), horizon=3, n_windows=60).fit(None, y)
    >>> lower, upper = model.predict_interval(np.empty((3, 0)), coverage=0.9)
    >>> bool((upper - lower > 0).all()), model.residuals_.shape
    (True, (3, 1, 60))
    """

    _parameter_constraints = {
        **BaseForecaster._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"]), None],
        "horizon": [Number(Integral, 1, None, closed="left")],
        "n_windows": [Number(Integral, 1, None, closed="left")],
        "step": [Number(Integral, 1, None, closed="left"), None],
        "refit": ["boolean", Number(Integral, 1, None, closed="left")],
        "method": [StrOptions({"split", "adaptive"})],
        "learning_rate": [Number(Real, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        horizon: int = 24,
        n_windows: int = 100,
        step: int | None = None,
        refit: bool | int = False,
        method: str = "split",
        learning_rate: float = 0.01,
    ):
        self.estimator = estimator
        self.horizon = horizon
        self.n_windows = n_windows
        self.step = step
        self.refit = refit
        self.method = method
        self.learning_rate = learning_rate

    #: Whether the wrapped forecaster uses X's values (its own ``uses_exogenous``); read on the
    #: class, that of the default wrapped model.
    uses_exogenous = _FollowsWrapped()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._template())
        tags.target_tags.multi_output = inner.target_tags.multi_output
        tags.target_tags.positive_only = inner.target_tags.positive_only
        return tags

    def _has_flat_forecast(self) -> bool:
        return self._template()._has_flat_forecast()  # the point forecast is the wrapped model's

    def _template(self):
        if self.estimator is None:
            from tsforecast.models.naive import NaiveForecaster

            return NaiveForecaster()
        return self.estimator

    def _template_season(self) -> int:
        """The wrapped model's ``seasonal_period`` (the longest whole one of a list), else 1."""
        period = getattr(self._template(), "seasonal_period", None)
        periods = period if isinstance(period, (list, tuple)) else [period]
        values = [float(p) for p in periods if isinstance(p, Real)]
        return max((int(p) for p in values if p.is_integer() and p > 1), default=1)

    def _inner_min_size(self) -> int:
        template = self._template()
        return int(template._min_train_size()) if hasattr(template, "_min_train_size") else 1

    def _min_train_size(self) -> int:
        return self._inner_min_size() + 1  # at least one calibration origin with one step

    # -- fit: calibration on rolling origins ---------------------------------------------------

    def _calibration_plan(self, n: int) -> tuple[int, int, int]:
        """``(horizon, step, first origin)`` of the calibration backtest on ``n`` training rows.

        What :meth:`fit` resolves, also read by the calibration benchmarks to report it.
        """
        smallest = self._inner_min_size()
        horizon = min(int(self.horizon), n - smallest)
        if self.step is None:
            step = auto_step(n, horizon, self._template_season(), int(self.n_windows), smallest)
        else:
            step = int(self.step)
        return horizon, step, max(smallest, n - horizon - (int(self.n_windows) - 1) * step)

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        from tsforecast.model_selection import ExpandingWindowSplitter, backtest

        n = len(y)
        self.horizon_, step, first = self._calibration_plan(n)
        self.step_ = step
        X_frame, y_frame = self._frames(X, y, start=0)
        cv = ExpandingWindowSplitter(initial_window=first, horizon=self.horizon_, step=step)
        with _quiet():
            result = backtest(self._template(), X_frame, y_frame, cv=cv, refit=self.refit, scoring="mae")
            self.estimator_ = clone(self._template()).fit(X_frame, y_frame)
        self.n_windows_ = int(result.scores.shape[0])
        tidy = result.predictions.sort_values(["fold", "step"], kind="stable")
        errors = (tidy["y_true"] - tidy["y_pred"]).to_numpy()
        errors = errors.reshape(self.n_windows_, self.horizon_, self.n_targets_)  # (origin, step, series)
        self.residuals_ = np.sort(np.moveaxis(errors, 0, -1), axis=-1)
        self.level_offsets_ = np.zeros((self.horizon_, self.n_targets_, len(LEVEL_GRID)))
        self._arrivals = self.residuals_.copy()  # the pool in arrival order (calibration order: any)
        self._oldest = np.zeros(self.horizon_, dtype=np.int64)  # pool slot each step replaces next
        self._pending: list[tuple[int, np.ndarray]] = []
        self._issue()

    @staticmethod
    def _frames(X: np.ndarray, y: np.ndarray | None, start: int):
        """X (and y) as frames on the wrapped model's integer time axis, rows ``start, start + 1, ...``."""
        index = pd.RangeIndex(start, start + len(X))
        return pd.DataFrame(X, index=index), (None if y is None else pd.DataFrame(y, index=index))

    def _inner_predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        X_frame, _ = self._frames(X, None, start=0)
        X_frame.index = pd.Index(self.estimator_.last_index_ + steps)
        with _quiet():
            out = np.asarray(self.estimator_.predict(X_frame), dtype=np.float64)
        return out.reshape(len(steps), self.n_targets_)

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        return self._inner_predict(steps, X)

    # -- quantiles -----------------------------------------------------------------------------

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        if steps[-1] > self.horizon_:
            raise ValueError(
                f"ConformalForecaster has calibration errors for steps 1..{self.horizon_} "
                f"(horizon_={self.horizon_}); step {int(steps[-1])} was asked. Fit with a larger "
                "horizon (and a series long enough for it) to get intervals that far ahead."
            )
        n = self.residuals_.shape[-1]
        tail = float(min(quantiles.min(), 1 - quantiles.max()))
        if (n + 1) * tail < 1:
            warnings.warn(
                f"ConformalForecaster has {n} calibration errors per step: too few for the "
                f"{tail:g}/{1 - tail:g} quantiles, which are the extreme errors instead, so the "
                f"interval may cover less than asked. Use n_windows >= {int(np.ceil(1 / tail - 1))}.",
                UserWarning,
                stacklevel=4,
            )
        rows = steps - 1
        levels = quantiles + self._offsets(rows, quantiles)  # (len(steps), k, n_q)
        shift = conformal_quantile(self.residuals_[rows], levels)
        return self._inner_predict(steps, X)[:, :, None] + shift

    def _offsets(self, rows: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        """The adaptive shift of each asked level, interpolated between the tracked levels."""
        offsets = self.level_offsets_[rows]  # (len(rows), k, n_grid)
        out = np.empty(offsets.shape[:2] + (len(quantiles),))
        for i, j in np.ndindex(*offsets.shape[:2]):
            out[i, j] = np.interp(quantiles, LEVEL_GRID, offsets[i, j])
        return out

    # -- update: move the origin; the adaptive mode learns from each new row ------------------------

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        first_new = self.n_train_ - len(y)  # row position of y[0]
        if self.method == "adaptive":
            issued = self._pending
            if self._future_X_needed():  # only now is the new rows' X known
                m = min(len(y), self.horizon_)
                issued = [(first_new, self._inner_predict(np.arange(1, m + 1), X[:m]))]
            for i in range(len(y)):
                for origin, forecast in issued:
                    h = first_new + i - origin + 1
                    if 1 <= h <= len(forecast):
                        self._observe(h - 1, y[i] - forecast[h - 1])
        X_frame, y_frame = self._frames(X, y, start=int(self.estimator_.last_index_) + 1)
        with _quiet():
            self.estimator_.update(X_frame, y_frame)
        self._issue()

    def _future_X_needed(self) -> bool:
        return self.uses_exogenous and self.n_features_in_ > 0

    def _issue(self) -> None:
        """Record the forecasts from the current origin, to score them as their rows arrive."""
        if self.method != "adaptive" or self._future_X_needed():
            return
        steps = np.arange(1, self.horizon_ + 1)
        live = [(o, f) for o, f in self._pending if o + len(f) > self.n_train_]
        # the wrapped model validates X's width but ignores its values: zeros stand in for the unknown rows
        placeholder = np.zeros((len(steps), self.n_features_in_))
        self._pending = [*live, (self.n_train_, self._inner_predict(steps, placeholder))]

    def _observe(self, row: int, error: np.ndarray) -> None:
        """ACI step for every tracked level of one horizon step, then the error joins the pool."""
        pool = self.residuals_[row]  # (k, n), sorted
        levels = LEVEL_GRID + self.level_offsets_[row]  # (k, n_grid)
        below = (error[:, None] <= conformal_quantile(pool, levels)).astype(np.float64)
        self.level_offsets_[row] += float(self.learning_rate) * (LEVEL_GRID - below)
        # the sliding pool: the new error replaces the oldest one (kept in arrival order), then re-sort
        slot = self._oldest[row]
        self._oldest[row] = (slot + 1) % pool.shape[-1]
        self._arrivals[row, :, slot] = error
        self.residuals_[row] = np.sort(self._arrivals[row], axis=-1)


@contextmanager
def _quiet():
    """Silence the warnings the outer forecaster already gave (ignored X, time index) for inner fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IgnoredFeaturesWarning)
        warnings.simplefilter("ignore", TimeIndexWarning)
        yield
