"""Naive baselines: the forecasts every model must beat."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import StrOptions

from tsforecast._constraints import Number
from tsforecast.base import BaseForecaster

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

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import NaiveForecaster
    >>> y = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    >>> NaiveForecaster(strategy="seasonal", seasonal_period=3).fit(None, y).predict(np.empty((4, 0)))
    array([1., 2., 3., 1.])
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
