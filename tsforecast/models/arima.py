"""Seasonal ARIMA with exogenous regressors (SARIMAX), and the stepwise automatic order search."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.stats import norm
from sklearn.utils._param_validation import StrOptions

from tsforecast._constraints import IntTuple, Number
from tsforecast.models._classical import (
    ClassicalForecaster,
    SeriesFit,
    _aicc,
    _is_constant,
    _nothing_fitted,
    _quiet,
    _warn_season_left_out,
    standardise,
)

__all__ = ["ARIMAForecaster", "search_arima"]


def _seasonal_strength(y: np.ndarray, m: int) -> float:
    """Hyndman's seasonal strength: 1 - var(remainder) / var(seasonal + remainder) of an STL fit."""
    from statsmodels.tsa.seasonal import STL

    res = STL(y, period=m, robust=False).fit()
    detrended = res.seasonal + res.resid
    denom = np.var(detrended)
    return 0.0 if denom <= 0 else float(max(0.0, 1.0 - np.var(res.resid) / denom))


def _kpss_differences(y: np.ndarray, max_d: int, alpha: float = 0.05) -> int:
    """Number of differences making ``y`` stationary by repeated KPSS tests (level stationarity)."""
    from statsmodels.tsa.stattools import kpss

    d = 0
    while d < max_d and len(y) > 3 and not _is_constant(y):
        try:
            with _quiet([]):
                p_value = kpss(y, regression="c", nlags="auto")[1]
        except (ValueError, np.linalg.LinAlgError, OverflowError):
            break
        if not p_value < alpha:
            break
        y, d = np.diff(y), d + 1
    return d


def _sarimax(col, exog, key, simple_differencing=False, diffuse=False, concentrate_scale=False):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    order, seasonal, trend = key
    kwargs = {"initialization": "approximate_diffuse"} if diffuse else {}
    return SARIMAX(
        col,
        exog=exog,
        order=order,
        seasonal_order=seasonal,
        trend=trend,
        simple_differencing=simple_differencing,
        concentrate_scale=concentrate_scale,
        **kwargs,
    )


def _estimate(col, exog, key, maxiter, simple_differencing=False, diffuse=False):
    """Maximum likelihood with the innovation variance concentrated out.

    The optimiser then never chases a tiny or huge sigma2 (it stopped early on well-explained
    series); the variance is still estimated, as ``results.scale``.
    """
    model = _sarimax(col, exog, key, simple_differencing, diffuse, concentrate_scale=True)
    if model.k_params == 0:  # e.g. a random walk: nothing left to optimise once sigma2 is out
        return model.filter(np.empty(0))
    return model.fit(disp=False, maxiter=maxiter)


def _refilter(col, exog, key, estimated, diffuse=False):
    """The estimate as a results object with sigma2 a fixed parameter (not re-concentrated).

    ``extend`` of a concentrated model re-estimates the variance from the new rows alone (a
    one-row update collapsed the bands to a quarter), so the stored model carries it explicitly.
    """
    params = np.r_[np.asarray(estimated.params), estimated.scale]
    return _sarimax(col, exog, key, diffuse=diffuse).filter(params)


#: A candidate whose forecasts leave the data's range by more than this many times its span within
#: two seasons is passed over for the next best. Degenerate fits (AR and MA
#: roots cancelling on the unit circle) can forecast absurd values with a fine likelihood: car
#: sales with every tenth month zeroed chose ARIMA(2,1,3), roots at 1.000-1.004, forecasting 6e7
#: three months ahead for data below 2.5e4. Rejecting every near-unit root instead, as R's
#: auto.arima does (1.01), cost accuracy where those models forecast well: 12 M4 weekly series
#: 2.817 -> 3.148 in MASE (AR and MA roots) or 2.854 (AR roots only), 12 hourly ones 0.672 ->
#: 0.750 or 0.693 (benchmarks/results/defaults_arima_roots*.log); this check changes neither
#: (2.817 and 0.672, defaults_arima_plausible.log).
_PLAUSIBLE_SPANS = 5.0


def _forecast_check(res, col: np.ndarray, exog, m: int) -> tuple[bool, bool]:
    """Whether the forecasts are finite, and whether they stay near the data's range.

    Near: within ``_PLAUSIBLE_SPANS`` spans of it, over two seasons (at least 24 steps, at most
    ``len(col)``, so that a short trending series may continue its trend).
    """
    steps = min(max(2 * m, 24), len(col))
    future = None if exog is None else np.repeat(exog[-1:], steps, axis=0)
    forecast = np.asarray(res.forecast(steps, exog=future), dtype=np.float64)
    if not np.isfinite(forecast).all():
        return False, False
    low, high = float(np.min(col)), float(np.max(col))
    margin = _PLAUSIBLE_SPANS * (high - low)
    return True, bool((forecast >= low - margin).all() and (forecast <= high + margin).all())


def search_arima(
    col: np.ndarray,
    exog: np.ndarray | None,
    m: int,
    *,
    trend=None,
    seasonal_order=None,
    max_order=(3, 3, 1, 1),
    max_models=20,
    maxiter=50,
    seasonal_min_length: int | None = None,
):
    """Stepwise AICc search of ARIMA orders (Hyndman & Khandakar, 2008), on one series.

    Parameters are those of :class:`ARIMAForecaster` (``seasonal_order`` fixes the seasonal
    part). Returns ``(results, key, not_converged, errors)``: the chosen statsmodels results
    re-filtered on ``col``, its ``((p, d, q), (P, D, Q, m), trend)``, whether its optimiser
    stopped early, and the messages of failed candidates; ``results`` is None when no
    candidate could be fitted.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.cumsum(rng.normal(size=200))
    >>> search_arima(y, None, 1)[1][0][1]  # a random walk is differenced once
    1
    """
    n = len(col)
    max_p, max_q, max_P, max_Q = max_order
    fixed_seasonal = seasonal_order is not None
    needed = 2 * m + 3 if seasonal_min_length is None else seasonal_min_length
    seasonal = m > 1 and (any(seasonal_order) if fixed_seasonal else n >= needed)
    if fixed_seasonal:
        P0, D, Q0 = seasonal_order
    else:
        P0 = Q0 = 0
        D = 1 if seasonal and n >= 3 * m and _seasonal_strength(col, m) > 0.64 else 0
    x = col[m:] - col[:-m] if D else col
    d = _kpss_differences(x, max_d=2)
    allow_const = trend is None and d + D <= 1
    fits: dict = {}
    errors: list = []

    def key_of(p, q, P, Q, const):
        chosen = trend if trend is not None else ("c" if const else "n")
        return ((p, d, q), (P, D, Q, m if seasonal and (P or D or Q) else 0), chosen)

    def evaluate(p: int, q: int, P: int, Q: int, const: bool, force: bool = False) -> None:
        if fixed_seasonal:
            P, Q = P0, Q0
        elif not seasonal:
            P = Q = 0
        if not (0 <= p <= max_p and 0 <= q <= max_q and 0 <= P <= max_P and 0 <= Q <= max_Q):
            return
        key = key_of(p, q, P, Q, const and allow_const)
        k = p + q + P + Q + (key[2] != "n") + (0 if exog is None else exog.shape[1]) + 1
        too_many = len(fits) >= max_models or k >= n - d - D * m - 2
        if not force and (key in fits or too_many):
            return
        fits[key] = (np.inf, None, False)
        local: list = []
        try:
            with _quiet(local):
                res = _estimate(col, exog, key, maxiter, simple_differencing=True)
        except (ValueError, np.linalg.LinAlgError, IndexError) as exc:
            errors.append(str(exc))
            return
        ic = _aicc(res.llf, k, res.nobs) if not force else -2.0 * res.llf + 2.0 * k
        fits[key] = (ic if np.isfinite(res.params).all() else np.inf, res, bool(local))

    def ranked():
        return sorted((v[0], k) for k, v in fits.items() if np.isfinite(v[0]))

    def descend(moves, starts):
        for start in starts:
            evaluate(*start)
        best = None
        while ranked() and ranked()[0][1] != best:
            best = ranked()[0][1]
            (p, _, q), (P, _, Q, _), chosen = best
            const = chosen != "n"
            for dp, dq, dP, dQ in moves:
                evaluate(p + dp, q + dq, P + dP, Q + dQ, const)
            if allow_const:
                evaluate(p, q, P, Q, not const)

    # phase 1: non-seasonal orders with the seasonal part off (cheap fits)
    descend(
        ((1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0), (1, 1, 0, 0), (-1, -1, 0, 0)),
        (
            (2, 2, P0, Q0, True),
            (0, 0, P0, Q0, True),
            (1, 0, P0, Q0, True),
            (0, 1, P0, Q0, True),
            (0, 0, P0, Q0, False),
        ),
    )
    # phase 2: seasonal AR/MA orders around the best non-seasonal model (expensive fits)
    if seasonal and not fixed_seasonal and ranked():
        (p, _, q), _, chosen = ranked()[0][1]
        const = chosen != "n"
        descend(
            ((0, 0, 1, 0), (0, 0, -1, 0), (0, 0, 0, 1), (0, 0, 0, -1)),
            ((p, q, 1, 0, const), (p, q, 0, 1, const)),
        )
    if not ranked():  # too short for any candidate's AICc (or all failed): the simplest model
        evaluate(0, 0, P0, Q0, False, force=True)
    # re-filter the best candidate on the undifferenced series with its parameters (no re-estimation)
    fallback = None  # the best candidate with finite forecasts, should none stay plausible
    for _, key in ranked():
        _, res, not_converged = fits[key]
        try:
            with _quiet([]):
                final = _refilter(col, exog, key, res)
        except (ValueError, np.linalg.LinAlgError) as exc:
            errors.append(str(exc))
            continue
        finite, plausible = _forecast_check(final, col, exog, m)
        if plausible:
            return final, key, not_converged, errors
        if finite and fallback is None:
            fallback = (final, key, not_converged)
        errors.append(
            f"ARIMA{key[0]}{key[1]} forecast "
            + (f"beyond {_PLAUSIBLE_SPANS:g} spans of the data" if finite else "non-finite values")
        )
    if fallback is not None:
        return (*fallback, errors)
    return None, None, False, errors


class ARIMAForecaster(ClassicalForecaster):
    """Seasonal ARIMA with exogenous regressors (SARIMAX), with a stepwise automatic search.

    Wraps :class:`statsmodels.tsa.statespace.sarimax.SARIMAX`. The columns of X
    are regressors: ``predict`` needs their future values, one row per step
    (rows missing for gap steps are filled from the next given row, with a
    warning).

    With ``order=None`` the orders are searched in the spirit of ``auto.arima``
    (Hyndman & Khandakar, 2008): the seasonal difference ``D`` is 1 when the STL
    seasonal strength exceeds 0.64 (``seasonal_period > 1`` and at least three
    seasons of data), ``d`` comes from repeated KPSS tests at 5%; then, starting
    from ARIMA(2,d,2), (0,d,0), (1,d,0) and (0,d,1) with a constant and (0,d,0)
    without (each with the fixed seasonal part when ``seasonal_order`` is given,
    none otherwise), the search moves p and q (and both together) by ±1 and toggles the constant
    while the AICc improves; then, to keep the number of costly seasonal fits
    small, it moves P and Q by ±1 around the best non-seasonal model (a two-phase
    variant of the stepwise search). It stays within ``max_order`` and at most
    ``max_models`` fits. Candidates are estimated on the differenced series
    (``simple_differencing``: fast, comparable AICc for the fixed d, D); the
    chosen one is re-filtered on the original series with its parameters.
    Candidates that raise inside statsmodels are skipped; when no candidate
    leaves enough observations for its AICc (many regressors on a short
    series), ARIMA(0,d,0) without constant (plus the regressors) is used.

    Parameters
    ----------
    order : tuple of (p, d, q) or None, default=None
        Non-seasonal order; None searches it.
    seasonal_order : tuple of (P, D, Q) or None, default=None
        Seasonal order (of period ``seasonal_period``). With ``order=None``,
        None searches it too (when ``seasonal_period > 1``); with a fixed
        ``order``, None means no seasonal part.
    seasonal_period : int or list of float, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle.
        SARIMAX carries one state per season step, so seasons longer than 24
        steps (and, of a list, all but the longest whole-number period up to
        24) are left out with a warning (use :class:`MSTLForecaster`); a fixed
        ``seasonal_order`` whose season is left out is dropped too.
    trend : {None, "n", "c", "t", "ct"}, default=None
        Deterministic trend as in SARIMAX, where ``"c"`` is a mean for an
        undifferenced model and a drift for a differenced one. None: with a
        fixed order, a constant when ``d + D == 0`` and none otherwise (R's
        ``Arima`` default); in the search, a constant is tried when ``d + D <= 1``.
    max_order : tuple of (max_p, max_q, max_P, max_Q), default=(3, 3, 1, 1)
        Bounds of the automatic search.
    max_models : int, default=20
        Most candidate fits of the automatic search (per column).
    maxiter : int, default=50
        Most optimiser iterations per fit (statsmodels' default). A fit that
        stops before converging gives one ``ConvergenceWarning`` per ``fit``.
        A fixed-order fit whose optimiser reaches the stationarity boundary
        (a singular exact initial state) is retried with an approximate
        diffuse initial state.
    n_jobs : int or None, default=None
        Columns of y fitted in parallel by joblib (None: one at a time).

    Attributes
    ----------
    models_ : list of SARIMAXResults or None
        One fitted statsmodels results object per column of y, fitted to the
        column standardised, ``(y[:, j] - y_offset_[j]) / y_scale_[j]``, so
        that forecasts of ``c * y`` are ``c`` times those of ``y`` (None for a
        constant column, which is forecast by its value). The scale is the
        mean absolute step; the offset is the mean for a fixed order with a
        constant or differencing (where a shift of y changes no forecast but
        its level), else 0.
    orders_ : list of tuple
        ``((p, d, q), (P, D, Q, m), trend)`` chosen per column (None for a
        constant column).
    model_specs_ : list of str
        Readable model per column, e.g. ``"ARIMA(1,0,0)(1,1,0)[24] trend=n"``.
    y_offset_, y_scale_ : ndarray of shape (n_targets_,)
        The affine map from each model's scale back to y's.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import ARIMAForecaster
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(60, 1))
    >>> y = 3 * x[:, 0] + 0.01 * rng.normal(size=60)
    >>> model = ARIMAForecaster(order=(0, 0, 0)).fit(x[:50], y[:50])
    >>> np.abs(model.predict(x[50:]) - y[50:]).max() < 0.1
    np.True_
    """

    uses_exogenous = True  # the columns of X are regressors

    _parameter_constraints = {
        **ClassicalForecaster._parameter_constraints,
        "order": [IntTuple(3), None],
        "seasonal_order": [IntTuple(3), None],
        "trend": [StrOptions({"n", "c", "t", "ct"}), None],
        "max_order": [IntTuple(4)],
        "max_models": [Number(Integral, 1, None, closed="left")],
        "maxiter": [Number(Integral, 1, None, closed="left")],
    }
    _convergence_hint = "Increase maxiter or choose a smaller order."
    _max_season = 24

    def __init__(
        self,
        order=None,
        seasonal_order=None,
        seasonal_period=1,
        trend=None,
        max_order=(3, 3, 1, 1),
        max_models=20,
        maxiter=50,
        n_jobs=None,
    ):
        self.order = order
        self.seasonal_order = seasonal_order
        self.seasonal_period = seasonal_period
        self.trend = trend
        self.max_order = max_order
        self.max_models = max_models
        self.maxiter = maxiter
        self.n_jobs = n_jobs

    def _season(self) -> int:
        m = super()._season()
        if self.seasonal_order is not None and any(self.seasonal_order) and max(self._periods()) <= 1:
            raise ValueError(
                f"ARIMAForecaster(seasonal_order={self.seasonal_order!r}) needs seasonal_period >= 2, "
                f"got {self.seasonal_period!r}: set the season's length, or seasonal_order=None."
            )
        return m

    def _seasonal_order(self):
        """``seasonal_order`` as fitted: none when its season was left out (with a warning)."""
        return self.seasonal_order if self._season() > 1 else None

    @staticmethod
    def _seasonal_min_length(m: int) -> int:
        """The stepwise search's seasonal candidates need ``2 m + 3`` steps."""
        return 2 * m + 3

    def _min_train_size(self) -> int:
        m = self._season()
        if self.order is None:
            return 4
        p, d, _ = self.order
        P, D, _ = self._seasonal_order() or (0, 0, 0)
        return max(3, d + D * m + p + P * m + 2)

    def _has_flat_forecast(self) -> bool:
        """Whether each step's forecast depends only on its own X row, whatever the data."""
        if self.order is None:
            return False
        p, d, q = self.order
        trend = self.trend or ("c" if d == 0 else "n")
        constant = trend == "n" or (trend == "c" and d == 0)
        return p == q == 0 and not any(self._seasonal_order() or ()) and constant

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        self._warn_seasons_left_out()
        if self.order is None and self.seasonal_order is None:  # the automatic search
            _warn_season_left_out(self, len(y), self._season())
        super()._fit(y, X)

    def _store_extra(self, fits: list[SeriesFit]) -> None:
        self.orders_ = [fit.order for fit in fits]

    def _fit_series(self, col: np.ndarray, exog, column: int) -> SeriesFit:
        m = self._season()
        if self.order is None:
            # scale only: whether a constant carries the level is what the search decides
            z, offset, scale = standardise(col, centre=False)
            res, key, not_converged, errors = search_arima(
                z,
                exog,
                m,
                trend=self.trend,
                seasonal_order=self._seasonal_order(),
                max_order=self.max_order,
                max_models=self.max_models,
                maxiter=self.maxiter,
                seasonal_min_length=self._seasonal_min_length(m),
            )
            if res is None:
                raise _nothing_fitted(self, column, errors)
        else:
            seasonal = tuple(self._seasonal_order() or (0, 0, 0))
            d, D = self.order[1], seasonal[1]
            trend = self.trend or ("c" if d + D == 0 else "n")
            key = (tuple(self.order), seasonal + (m if any(seasonal) else 0,), trend)
            # centred where a shift of y changes no forecast (a constant, or differencing, absorbs
            # it), which keeps a far-from-zero level from swamping the optimiser
            z, offset, scale = standardise(col, centre=d + D > 0 or "c" in trend)
            flags: list = []
            res = self._fit_fixed(z, exog, key, column, flags)
            not_converged = bool(flags)
        (p, d, q), (P, D, Q, period), trend = key
        seasonal_part = f"({P},{D},{Q})[{period}]" if period else ""
        spec = f"ARIMA({p},{d},{q}){seasonal_part} trend={trend}"
        return SeriesFit(res, spec, offset, scale, order=key, not_converged=not_converged)

    def _fit_fixed(self, z, exog, key, column, flags):
        errors = []
        # a LinAlgError means the optimiser reached the stationarity boundary, where the exact
        # initial state (a Lyapunov equation) is singular: retry with a diffuse initial state
        for diffuse in (False, True):
            try:
                with _quiet(flags):
                    return _refilter(
                        z, exog, key, _estimate(z, exog, key, self.maxiter, diffuse=diffuse), diffuse
                    )
            except np.linalg.LinAlgError as exc:
                errors.append(str(exc))
            except ValueError as exc:
                raise _nothing_fitted(self, column, [str(exc)]) from exc
        raise _nothing_fitted(self, column, errors)

    def _forecast_one(self, res, horizon, exog):
        return res.forecast(horizon, exog=exog)

    def _quantiles_one(self, res, horizon, exog, quantiles):
        # SARIMAX's analytic forecast distribution: Gaussian, with the Kalman filter's variance
        pred = res.get_forecast(horizon, exog=exog)
        mean, se = np.asarray(pred.predicted_mean), np.asarray(pred.se_mean)
        return mean[:, None] + se[:, None] * norm.ppf(quantiles)

    def _update_one(self, res, z_new, exog_new, column):
        # Kalman filter over the new rows only, from the last state; parameters fixed
        return res.extend(np.ascontiguousarray(z_new), exog=exog_new)
