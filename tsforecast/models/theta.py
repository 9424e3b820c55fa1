"""Theta method forecaster (Assimakopoulos & Nikolopoulos, 2000) on statsmodels' ThetaModel."""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.stats import norm
from sklearn.utils._param_validation import StrOptions

from tsforecast._constraints import Number
from tsforecast.models._classical import (
    ClassicalForecaster,
    SeriesFit,
    _nothing_fitted,
    _quiet,
    _warn_season_left_out,
    standardise,
)
from tsforecast.models._theta_state import ThetaState

__all__ = ["ThetaForecaster"]


class ThetaForecaster(ClassicalForecaster):
    """Theta method (Assimakopoulos & Nikolopoulos, 2000), with classic deseasonalisation.

    Wraps :class:`statsmodels.tsa.forecasting.theta.ThetaModel` (the
    Hyndman & Billah (2003) formulation: simple exponential smoothing plus half
    the slope of a linear trend for ``theta=2``). With ``deseasonalize=True``
    and ``seasonal_period > 1``, the series is tested for seasonality (90%
    ACF test at lag ``seasonal_period``) and, when seasonal, divided by (or,
    with ``method="additive"`` or non-positive data, reduced by) classical
    decomposition indices, which multiply back onto the forecast. Series
    shorter than two seasons are not deseasonalised. Exogenous X is validated
    but not used.

    statsmodels fits; forecasts, their quantiles and ``update`` use statsmodels'
    formulas on numpy from the fitted parameters, the last SES level and the row
    count, so an ``update`` costs its new rows only.

    Each column is fitted standardised (divided by its mean absolute step, and
    centred unless deseasonalised multiplicatively), so forecasts of ``c * y``
    are ``c`` times those of ``y`` for any positive ``c``.

    Parameters
    ----------
    seasonal_period : int or list of float, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle. Of a
        list, the longest whole-number period is used and the others are left
        out with a warning (use :class:`MSTLForecaster` for several seasons).
    deseasonalize : bool, default=True
        Whether to remove seasonality before applying the Theta method.
    method : {"auto", "multiplicative", "additive"}, default="auto"
        Deseasonalisation: ``"auto"`` is multiplicative for strictly positive
        series and additive otherwise.
    use_test : bool, default=True
        Whether to deseasonalise only when the seasonality test says so.
    theta : float, default=2.0
        Weight of the trend line; must be >= 1.
    n_jobs : int or None, default=None
        Columns of y fitted in parallel by joblib (None: one at a time).

    Attributes
    ----------
    models_ : list of ThetaModelResults, ThetaState or None
        One fitted statsmodels results object per column of y, fitted to the
        standardised column ``(y - y_offset_[j]) / y_scale_[j]`` (None for a
        constant column, which is forecast by its value). ``update`` replaces it
        by a ``ThetaState``: the fitted results (``.fitted``: parameters,
        variance and seasonal indices kept), the SES level after the last row
        and the row count, moved on numpy without re-reading the history.
    model_specs_ : list of str
        Readable model per column, e.g. ``"Theta(mul seasonal, m=24)"``.
    y_offset_, y_scale_ : ndarray of shape (n_targets_,)
        The affine map from each model's scale back to y's.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import ThetaForecaster
    >>> y = np.arange(1.0, 21.0)
    >>> ThetaForecaster().fit(None, y).predict(np.empty((3, 0))).round(1)
    array([20.5, 21. , 21.5])
    """

    _parameter_constraints = {
        **ClassicalForecaster._parameter_constraints,
        "deseasonalize": ["boolean"],
        "method": [StrOptions({"auto", "multiplicative", "additive"})],
        "use_test": ["boolean"],
        "theta": [Number(Real, 1, None, closed="left")],
    }

    def __init__(
        self, seasonal_period=1, deseasonalize=True, method="auto", use_test=True, theta=2.0, n_jobs=None
    ):
        self.seasonal_period = seasonal_period
        self.deseasonalize = deseasonalize
        self.method = method
        self.use_test = use_test
        self.theta = theta
        self.n_jobs = n_jobs

    def _min_train_size(self) -> int:
        return 3

    def _has_flat_forecast(self) -> bool:
        """Theta forecasts follow half the trend slope: never flat in general."""
        return False

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._warn_seasons_left_out()
        if self.deseasonalize:
            _warn_season_left_out(self, len(y), self._season())
        super()._fit(y, X)

    def _fit_series(self, col: np.ndarray, exog, column: int) -> SeriesFit:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        m = self._season()
        positive = bool(col.min() > 0)
        if self.method == "multiplicative" and not positive:
            raise ValueError(
                f"ThetaForecaster(method='multiplicative') needs a strictly positive series, but "
                f"column {column} has minimum {col.min():.6g}. Use method='additive' (or 'auto'), or "
                "shift the series above zero."
            )
        seasonal = bool(self.deseasonalize) and m > 1 and len(col) >= self._seasonal_min_length(m)
        multiplicative = self.method == "multiplicative" or (self.method == "auto" and positive)
        z, offset, scale = standardise(col, centre=not (seasonal and multiplicative))
        try:
            with _quiet([]):
                res = ThetaModel(
                    z,
                    period=m,
                    deseasonalize=seasonal,
                    use_test=bool(self.use_test),
                    method="mul" if multiplicative else "add",
                ).fit()
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise _nothing_fitted(self, column, [str(exc)]) from exc
        return SeriesFit(res, self._spec(res), offset, scale)

    @staticmethod
    def _spec(res) -> str:
        model = res.model
        if model.deseasonalize and res._seasonal.shape[0]:
            return f"Theta({model.method} seasonal, m={model.period})"
        return "Theta(non-seasonal)"

    def _forecast_one(self, res, horizon, exog):
        return _state_of(res).forecast(horizon, float(self.theta))

    def _quantiles_one(self, res, horizon, exog, quantiles):
        # statsmodels' Gaussian intervals: the variance of the IMA(1,1) behind SES, around the forecast
        state = _state_of(res)
        mean = state.forecast(horizon, float(self.theta))
        return mean[:, None] + np.sqrt(state.forecast_variance(horizon))[:, None] * norm.ppf(quantiles)

    def _update_one(self, res, z_new, exog_new, column):
        """Run the SES level over the new rows with alpha, b0 and seasonal indices fixed: O(new rows).

        No statsmodels object is built (the previous update built a ThetaModel and its results
        over the whole concatenated history per call); the forecasts equal those of statsmodels'
        results over the whole history with the fitted parameters. The fitted innovation
        variance is kept, as the parameters are.
        """
        return _state_of(res).filter(z_new)


def _state_of(res) -> ThetaState:
    """The numpy state of a fitted column: ``res`` itself after an update, else from the fit."""
    return res if isinstance(res, ThetaState) else ThetaState.from_results(res)
