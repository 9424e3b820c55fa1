"""The Theta forecasts on numpy: run the SES level over new rows and forecast from a fitted model.

A fitted Theta model forecasts from its parameters (the slope ``b0``, the smoothing weight
``alpha``, the innovation variance), the seasonal indices, and two things that move with each
observed row: the SES level and the number of rows (which sets the drift term and the seasonal
phase). statsmodels keeps the whole series in a ``ThetaModel``, so ``update`` used to build a new
model and results object over the concatenated history at every call: copies that grow with the
history. :class:`ThetaState` keeps the fitted results, untouched, and only the level and the row
count move, in O(new rows); its forecasts and intervals are statsmodels' formulas
(``ThetaModelResults.forecast_components``, ``forecast`` and ``prediction_intervals``, 0.15),
so they equal those of a results object rebuilt over the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

__all__ = ["ThetaState"]

#: statsmodels gives the trend line its whole weight from this theta on, where (theta - 1) / theta
#: no longer differs from 1 in float64.
_THETA_INFINITE = 4.0 / np.finfo(np.double).eps


@dataclass(frozen=True)
class ThetaState:
    """A fitted Theta model at the end of its observed rows, on the model's (standardised) scale.

    Parameters
    ----------
    fitted : ThetaModelResults
        The statsmodels results of the fit: ``b0``, ``alpha``, the innovation
        variance (computed by statsmodels when first read), the seasonal
        indices and the deseasonalisation (period, method), all kept by
        ``update``. Only its fit's rows are held, never the rows added since.
    level : float
        The SES level after the last observed row (statsmodels' one-step
        forecast of the deseasonalised series).
    nobs : int
        Rows observed so far (the fit's rows and every update's): the drift term
        decays with it, and ``nobs % period`` is the seasonal phase of the next row.
    """

    fitted: Any
    level: float
    nobs: int

    @classmethod
    def from_results(cls, res) -> ThetaState:
        """The state after the last row of a statsmodels ``ThetaModelResults``."""
        return cls(res, float(np.asarray(res._one_step).ravel()[0]), int(res._nobs))

    # -- the parameters, read from the fitted results -------------------------------------------

    @property
    def alpha(self) -> float:
        """The SES smoothing weight."""
        # statsmodels' private fields: its public ``params`` builds a pandas Series per read,
        # which costs more than a one-row update
        return float(self.fitted._alpha)

    @property
    def b0(self) -> float:
        """The slope of the trend line (half of it enters the forecast for ``theta=2``)."""
        return float(self.fitted._b0)

    @property
    def sigma2(self) -> float:
        """The fit's innovation variance (statsmodels estimates it on the fit's rows when first read)."""
        return float(self.fitted.sigma2)

    def _season(self, steps: int) -> np.ndarray | None:
        """The seasonal indices of the next ``steps`` rows, or None without deseasonalisation."""
        seasonal = self.fitted._seasonal
        if not seasonal.shape[0]:  # not deseasonalised, or the seasonality test said no season
            return None
        return seasonal[(self.nobs + np.arange(steps)) % self.fitted.model.period]

    def _multiplicative(self) -> bool:
        # statsmodels may have switched "mul" to "add" when a decomposition index was not positive
        return self.fitted.model.method.startswith("mul")

    # -- filtering and forecasting --------------------------------------------------------------

    def filter(self, z: np.ndarray) -> ThetaState:
        """The state after observing the rows ``z`` (model scale): O(len(z)), parameters kept.

        The rows are deseasonalised with the fitted indices at their phase, then smoothed into
        the level, as statsmodels' SES smoothed the fit's rows.
        """
        values = np.asarray(z, dtype=np.float64)
        season = self._season(len(values))
        if season is not None:
            values = values / season if self._multiplicative() else values - season
        alpha, level = self.alpha, self.level
        for value in values.tolist():  # Python floats: the same arithmetic, without numpy's overhead
            level = alpha * value + (1 - alpha) * level
        return replace(self, level=level, nobs=self.nobs + len(values))

    def forecast(self, steps: int, theta: float) -> np.ndarray:
        """Point forecasts of the next ``steps`` rows with the trend line's weight ``theta``.

        The SES level plus ``(theta - 1) / theta`` of the drift ``b0 * (h - 1 + 1 / alpha -
        (1 - alpha)**nobs / alpha)`` (Hyndman & Billah, 2003), re-seasonalised; the same
        operations in the same order as statsmodels, so the two agree to rounding.
        """
        alpha = self.alpha
        h = np.arange(steps, dtype=np.float64)
        if alpha > 0:
            h += 1 / alpha - ((1 - alpha) ** self.nobs / alpha)
        weight = (theta - 1) / theta if theta < _THETA_INFINITE else 1.0
        out = weight * (self.b0 * h) + self.level
        season = self._season(steps)
        if season is None:
            return out
        return out * season if self._multiplicative() else out + season

    def forecast_variance(self, steps: int) -> np.ndarray:
        """The ``h``-step forecast variance ``sigma2 * (1 + (h - 1) * (1 + (alpha - 1)**2))``.

        The variance of the IMA(1,1) behind SES, as statsmodels' ``prediction_intervals`` uses
        it (not re-seasonalised, as there).
        """
        return (1 + np.arange(steps) * (1 + (self.alpha - 1) ** 2)) * self.sigma2
