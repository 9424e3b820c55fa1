"""Naive baselines: the forecasts every model must beat."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import StrOptions

from tsforecast._constraints import Number
from tsforecast.base import BaseForecaster, normal_quantiles

__all__ = ["NaiveForecaster"]

_STRATEGIES = ("last", "mean", "drift", "seasonal")


class NaiveForecaster(BaseForecaster):
    """Naive forecasts: last value, mean, drift or seasonal naive.

    Exogenous X is validated but its values are not used.

    Parameters
    ----------
    strategy : {"last", "mean", "drift", "seasonal"}, default="last"
        - ``"last"``: repeat the last observed value (the random walk forecast);
        - ``"mean"``: the mean of the training series;
        - ``"drift"``: the line through the first and last observations;
        - ``"seasonal"``: repeat the last observed season of ``seasonal_period`` steps.
    seasonal_period : int, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle.
        Used by ``strategy="seasonal"``.

    Attributes
    ----------
    level_ : ndarray of shape (n_targets_,)
        The last value (``"last"``, ``"drift"``) or mean (``"mean"``).
    slope_ : ndarray of shape (n_targets_,)
        Drift per step (``"drift"``; zeros otherwise).
    sigma_ : ndarray of shape (n_targets_,)
        Standard deviation of the one-step residuals, per series, with the
        textbook degrees of freedom (NaN when the history is too short for it).

    Notes
    -----
    Prediction intervals (``predict_quantiles``, ``predict_interval``,
    ``forecast(coverage=...)``) are the textbook ones of Hyndman &
    Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), section
    5.5: normal quantiles around the point forecast with standard deviation
    ``sigma_h`` at step ``h``. From the one-step residuals ``e_t`` (``T``
    observations, ``K`` estimated parameters, ``M`` residuals that do not
    exist), ``sigma = sqrt(sum(e_t^2) / (T - K - M))``, and

    - ``"mean"``: ``e_t = y_t - mean(y)`` (K=1, M=0), ``sigma_h = sigma * sqrt(1 + 1/T)``;
    - ``"last"``: ``e_t = y_t - y_{t-1}`` (K=0, M=1), ``sigma_h = sigma * sqrt(h)``;
    - ``"drift"``: ``e_t = y_t - y_{t-1} - slope`` (K=1, M=1),
      ``sigma_h = sigma * sqrt(h * (1 + h / (T - 1)))`` (the slope is the mean
      of the ``T - 1`` differences, so its variance is ``sigma^2 / (T - 1)``);
    - ``"seasonal"``: ``e_t = y_t - y_{t-m}`` (K=0, M=m),
      ``sigma_h = sigma * sqrt(floor((h - 1) / m) + 1)``.

    Each series (column of y) gets its own ``sigma``. The intervals assume
    uncorrelated, normal residuals; :class:`~tsforecast.ConformalForecaster`
    calibrates them on the data instead.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import NaiveForecaster
    >>> y = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    >>> NaiveForecaster(strategy="seasonal", seasonal_period=3).fit(None, y).predict(np.empty((4, 0)))
    array([1., 2., 3., 1.])
    >>> model = NaiveForecaster().fit(None, np.array([1.0, 2.0, 1.0, 2.0, 1.0]))
    >>> model.forecast(2, coverage=0.8).round(2)
       y_pred  lower_80  upper_80
    5     1.0     -0.28      2.28
    6     1.0     -0.81      2.81
    """

    _parameter_constraints = {
        **BaseForecaster._parameter_constraints,
        "strategy": [StrOptions(set(_STRATEGIES))],
        "seasonal_period": [Number(Integral, 1, None, closed="left")],
    }

    def __init__(self, strategy: str = "last", seasonal_period: int = 1):
        self.strategy = strategy
        self.seasonal_period = seasonal_period

    def _min_train_size(self) -> int:
        if self.strategy == "seasonal":
            return int(self.seasonal_period)
        return 2 if self.strategy == "drift" else 1

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._set_state()

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        self._set_state()

    def _set_state(self) -> None:
        y = self.y_train_
        self.level_ = y.mean(axis=0) if self.strategy == "mean" else y[-1].copy()
        if self.strategy == "drift":
            self.slope_ = (y[-1] - y[0]) / (len(y) - 1)
        else:
            self.slope_ = np.zeros(y.shape[1])
        self.sigma_ = self._residual_sd(y)

    def _residual_sd(self, y: np.ndarray) -> np.ndarray:
        """sqrt(sum(e_t^2) / (T - K - M)) of the one-step residuals, per column (FPP3 5.5)."""
        lag = int(self.seasonal_period) if self.strategy == "seasonal" else 1
        if self.strategy == "mean":
            residuals, n_params = y - self.level_, 1
        else:
            residuals, n_params = y[lag:] - y[:-lag] - self.slope_, int(self.strategy == "drift")
        dof = len(residuals) - n_params
        if dof < 1:
            return np.full(y.shape[1], np.nan)
        return np.sqrt((residuals**2).sum(axis=0) / dof)

    def _horizon_sd_factor(self, steps: np.ndarray) -> np.ndarray:
        """sigma_h / sigma at each step: how the forecast variance grows with the horizon."""
        h, n = steps.astype(np.float64), self.n_train_
        if self.strategy == "mean":
            return np.full(len(h), np.sqrt(1 + 1 / n))
        if self.strategy == "drift":
            return np.sqrt(h * (1 + h / (n - 1)))
        if self.strategy == "seasonal":
            return np.sqrt((steps - 1) // int(self.seasonal_period) + 1.0)
        return np.sqrt(h)

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        if np.isnan(self.sigma_).any():
            shortest = {"mean": 2, "last": 2, "drift": 3}.get(self.strategy, int(self.seasonal_period) + 1)
            raise ValueError(
                f"NaiveForecaster(strategy={self.strategy!r}) needs at least {shortest} observed steps "
                f"to estimate its residual spread for intervals, got n_samples={self.n_train_}. "
                "Fit on a longer series."
            )
        scale = self._horizon_sd_factor(steps)[:, None] * self.sigma_
        return normal_quantiles(self._predict(steps, X), scale, quantiles)

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        if self.strategy == "seasonal":
            m = int(self.seasonal_period)
            last_season = self.y_train_[-m:]
            return last_season[(steps - 1) % m]
        return self.level_ + steps[:, None] * self.slope_

    def _has_flat_forecast(self) -> bool:
        """Whether every step gets the same value (row order then cannot matter)."""
        return self.strategy in ("last", "mean") or (
            self.strategy == "seasonal" and self.seasonal_period == 1
        )
