"""Classical statistical forecasters on statsmodels: ETS, ARIMA and Theta.

Each column of ``y`` gets its own statsmodels model (``models_[j]``). Problems
inside statsmodels never pass silently: a non-converged optimiser gives one
:class:`~sklearn.exceptions.ConvergenceWarning` per ``fit``, a candidate that
fails during an automatic search is skipped, and a ``ValueError`` names the
problem when nothing can be fitted. A constant column is forecast by its last
value without a statsmodels model (``models_[j] is None``, ``model_specs_[j]
== "constant"``); statsmodels' likelihoods are degenerate on such data.
"""

from __future__ import annotations

import itertools
import numbers
import pickle
import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from tsforecast.base import BaseForecaster

__all__ = ["ARIMAForecaster", "ETSForecaster", "ThetaForecaster"]


# -- shared helpers --------------------------------------------------------------------


def _check_period(seasonal_period) -> int:
    if (
        not isinstance(seasonal_period, numbers.Integral)
        or isinstance(seasonal_period, bool)
        or seasonal_period < 1
    ):
        raise ValueError(f"seasonal_period must be a positive integer, got {seasonal_period!r}.")
    return int(seasonal_period)


def _check_choice(name: str, value, options: tuple) -> None:
    if not any(value is opt or (isinstance(value, str) and value == opt) for opt in options):
        raise ValueError(f"{name} must be one of {options}, got {value!r}.")


def _warn_season_left_out(model, n: int, m: int) -> None:
    """Say so when ``seasonal_period`` asked for a season that a series this short cannot estimate.

    The automatic models then fit without one, as documented; a user who set the period should
    still learn that it was not used, rather than read a flat forecast as a seasonal one.
    """
    needed = model._seasonal_min_length(m)
    if m > 1 and n < needed:
        warnings.warn(
            f"{type(model).__name__}: seasonal_period={m}, but the series has only {n} time steps, "
            f"fewer than the {needed} needed to estimate a season, so it is fitted without one. "
            f"Give at least {needed} steps, or set seasonal_period=1 for a non-seasonal model.",
            UserWarning,
            stacklevel=4,  # the user's fit, through BaseForecaster.fit and _fit
        )


def _is_constant(y: np.ndarray) -> bool:
    return bool(np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())))


@contextmanager
def _quiet(flags: list):
    """Silence statsmodels' warnings; append True to ``flags`` when one said 'not converged'."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning as SMConvergenceWarning

    # one BLAS thread: state-space matrices are small, and threads only add contention
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(all="ignore"),
        threadpool_limits(limits=1, user_api="blas"),
    ):
        warnings.simplefilter("always")
        yield
    if any(issubclass(w.category, (SMConvergenceWarning, ConvergenceWarning)) for w in caught):
        flags.append(True)


def _warn_not_converged(estimator, columns: list, hint: str) -> None:
    if columns:
        warnings.warn(
            f"{type(estimator).__name__}: the statsmodels optimiser did not converge for "
            f"column(s) {columns}; their forecasts use the last iterate's parameters. {hint}",
            ConvergenceWarning,
            stacklevel=4,
        )


def _nothing_fitted(estimator, column: int, errors: list) -> ValueError:
    detail = "; ".join(dict.fromkeys(errors))[:500] or "no admissible candidate"
    return ValueError(
        f"{type(estimator).__name__} could not fit any model to column {column} "
        f"(statsmodels said: {detail}). Check the series (length, scale, outliers) or fix "
        "simpler model parameters."
    )


def _aicc(loglike: float, k: int, n: int) -> float:
    if n - k - 1 <= 0 or not np.isfinite(loglike):
        return np.inf
    return -2.0 * loglike + 2.0 * k + 2.0 * k * (k + 1) / (n - k - 1)


class _StatsmodelsForecaster(BaseForecaster):
    """Shared per-column bookkeeping: constants, prediction, update."""

    def __getstate__(self):
        # statsmodels' Cython state cannot be rebuilt from read-only arrays (joblib.load with
        # mmap_mode="r"), so the results travel as one opaque bytes object.
        state = dict(super().__getstate__())
        if "models_" in state:
            state["models_"] = pickle.dumps(state["models_"], protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state):
        if isinstance(state.get("models_"), bytes):
            state = dict(state, models_=pickle.loads(state["models_"]))  # bytes written by __getstate__
        super().__setstate__(state)

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        horizon = int(steps[-1])
        exog = self._exog_path(steps, X) if X.shape[1] > 0 else None
        out = np.empty((len(steps), self.n_targets_))
        with _quiet([]):
            for j, res in enumerate(self.models_):
                if res is None:  # constant column: its last value
                    out[:, j] = self.y_train_[-1, j]
                else:
                    out[:, j] = np.asarray(self._forecast_one(res, horizon, exog))[steps - 1]
        if not np.isfinite(out).all():
            raise ValueError(
                f"{type(self).__name__} produced non-finite forecasts (models {self.model_specs_}): "
                "the fitted model is unstable on this series. Choose simpler settings."
            )
        return out

    def _forecast_one(self, res, horizon: int, exog):
        return res.forecast(horizon)

    @staticmethod
    def _seasonal_min_length(m: int) -> int:
        """Steps a series needs before the automatic choice can include a season of ``m`` steps."""
        return 2 * m


# -- ETS -----------------------------------------------------------------------------------


class ETSForecaster(_StatsmodelsForecaster):
    """Exponential smoothing state-space (ETS) forecaster, with automatic model selection.

    Wraps :class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`. Every
    component set to ``"auto"`` is chosen by AICc over the admissible models, as
    in Hyndman et al. (2002): multiplicative error or seasonality is tried only
    when the series is strictly positive, seasonality only when
    ``seasonal_period > 1`` and the series holds at least two full seasons, and
    additive error with multiplicative seasonality (numerically unstable) only
    when both are fixed by hand. Initial states are estimated with the smoothing
    parameters. Exogenous X is validated but not used.

    Parameters
    ----------
    error : {"auto", "add", "mul"}, default="auto"
        Error type.
    trend : {"auto", None, "add"}, default="auto"
        Trend component.
    damped_trend : "auto" or bool, default="auto"
        Whether an additive trend is damped; ``"auto"`` tries both.
    seasonal : {"auto", None, "add", "mul"}, default="auto"
        Seasonal component.
    seasonal_period : int, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle.

    Attributes
    ----------
    models_ : list of ETSResults or None
        One fitted statsmodels results object per column of y (None for a
        constant column, which is forecast by its value).
    model_specs_ : list of str
        The chosen model per column in Hyndman's notation, e.g. ``"ETS(A,Ad,A)"``.

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tsforecast import ETSForecaster
    >>> rng = np.random.default_rng(0)
    >>> y = 10 + np.tile([1.0, 3.0, 2.0, 0.0], 8) + rng.normal(scale=0.1, size=32)
    >>> model = ETSForecaster(seasonal_period=4).fit(None, y)
    >>> model.model_specs_
    ['ETS(M,N,A)']
    >>> model.predict(np.empty((4, 0))).round()
    array([11., 13., 12., 10.])
    """

    def __init__(self, error="auto", trend="auto", damped_trend="auto", seasonal="auto", seasonal_period=1):
        self.error = error
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.seasonal_period = seasonal_period

    def _check_params(self) -> int:
        _check_choice("error", self.error, ("auto", "add", "mul"))
        _check_choice("trend", self.trend, ("auto", None, "add"))
        _check_choice("damped_trend", self.damped_trend, ("auto", True, False))
        _check_choice("seasonal", self.seasonal, ("auto", None, "add", "mul"))
        m = _check_period(self.seasonal_period)
        if self.seasonal in ("add", "mul") and m < 2:
            raise ValueError(f"seasonal={self.seasonal!r} needs seasonal_period >= 2, got {m}.")
        return m

    def _min_train_size(self) -> int:
        m = self._check_params()
        return self._seasonal_min_length(m) if self.seasonal in ("add", "mul") else 3

    def _has_flat_forecast(self) -> bool:
        """Whether every step gets the same value whatever the data (row order then cannot matter)."""
        seasonal = self.seasonal is None or (self.seasonal == "auto" and self.seasonal_period == 1)
        return self.trend is None and seasonal

    def _candidates(self, positive: bool, n: int, m: int) -> list[tuple]:
        errors = ["add", "mul"] if self.error == "auto" else [self.error]
        trends = [None, "add"] if self.trend == "auto" else [self.trend]
        seasonals = [self.seasonal]
        if self.seasonal == "auto":
            seasonals = [None] + (["add", "mul"] if m > 1 and n >= self._seasonal_min_length(m) else [])
        specs = []
        for error, trend, seasonal in itertools.product(errors, trends, seasonals):
            if not positive and "mul" in (error, seasonal):
                continue
            if error == "add" and seasonal == "mul" and "auto" in (self.error, self.seasonal):
                continue
            dampings = [False]
            if trend == "add":
                dampings = [False, True] if self.damped_trend == "auto" else [bool(self.damped_trend)]
            specs.extend((error, trend, damped, seasonal) for damped in dampings)
        return specs

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        m = self._check_params()
        if self.seasonal == "auto":
            _warn_season_left_out(self, len(y), m)
        self.models_, self.model_specs_ = [], []
        not_converged = []
        for j in range(y.shape[1]):
            col = np.ascontiguousarray(y[:, j])
            if _is_constant(col):
                self.models_.append(None)
                self.model_specs_.append("constant")
                continue
            positive = bool(col.min() > 0)
            fixed_mul = [name for name in ("error", "seasonal") if getattr(self, name) == "mul"]
            if fixed_mul and not positive:
                raise ValueError(
                    f"ETSForecaster({fixed_mul[0]}='mul') needs a strictly positive series, but column "
                    f"{j} has minimum {col.min():.6g}. Use {fixed_mul[0]}='add' (or 'auto', which tries "
                    "multiplicative components only on positive data), or shift the series above zero."
                )
            specs = self._candidates(positive, len(col), m)
            auto = len(specs) > 1
            best, best_ic, best_flag, errors = None, np.inf, False, []
            for spec in specs:
                flags: list = []
                try:
                    with _quiet(flags):
                        res = self._build(col, spec, m).fit(disp=False)
                        finite = np.isfinite(res.forecast(1)).all()
                except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
                    errors.append(str(exc))
                    continue
                ic = _aicc(res.llf, len(res.params) + 1, len(col)) if auto else 0.0
                if not finite:
                    errors.append(f"{self._spec_name(spec)} gave non-finite forecasts")
                    continue
                if best is None or ic < best_ic:
                    best, best_ic, best_flag, best_spec = res, ic, bool(flags), spec
            if best is None:
                raise _nothing_fitted(self, j, errors)
            self.models_.append(best)
            self.model_specs_.append(self._spec_name(best_spec))
            if best_flag:
                not_converged.append(j)
        _warn_not_converged(self, not_converged, "Try other error/trend/seasonal settings.")

    @staticmethod
    def _build(col, spec, m):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        error, trend, damped, seasonal = spec
        return ETSModel(
            col,
            error=error,
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=m if seasonal else None,
            initialization_method="estimated",
        )

    @staticmethod
    def _spec_name(spec) -> str:
        error, trend, damped, seasonal = spec
        letter = {None: "N", "add": "A", "mul": "M"}
        return f"ETS({letter[error]},{letter[trend]}{'d' if damped else ''},{letter[seasonal]})"

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        for j, res in enumerate(self.models_):
            if res is None:
                continue
            model = res.model
            spec = (model.error, model.trend, model.damped_trend, model.seasonal)
            history = np.ascontiguousarray(self.y_train_[:, j])
            with _quiet([]):  # re-filter the whole history with the fitted parameters
                self.models_[j] = self._build(history, spec, model.seasonal_periods).smooth(res.params)


# -- ARIMA ---------------------------------------------------------------------------------


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


class ARIMAForecaster(_StatsmodelsForecaster):
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
    seasonal_period : int, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle.
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

    Attributes
    ----------
    models_ : list of SARIMAXResults or None
        One fitted statsmodels results object per column of y (None for a
        constant column, which is forecast by its value).
    orders_ : list of tuple
        ``((p, d, q), (P, D, Q, m), trend)`` chosen per column (None for a
        constant column).
    model_specs_ : list of str
        Readable model per column, e.g. ``"ARIMA(1,0,0)(1,1,0)[24] trend=n"``.

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

    def __init__(
        self,
        order=None,
        seasonal_order=None,
        seasonal_period=1,
        trend=None,
        max_order=(3, 3, 1, 1),
        max_models=20,
        maxiter=50,
    ):
        self.order = order
        self.seasonal_order = seasonal_order
        self.seasonal_period = seasonal_period
        self.trend = trend
        self.max_order = max_order
        self.max_models = max_models
        self.maxiter = maxiter

    @staticmethod
    def _check_tuple(name, value, length) -> tuple:
        ok = isinstance(value, (tuple, list)) and len(value) == length
        if not ok or not all(isinstance(v, numbers.Integral) and v >= 0 for v in value):
            raise ValueError(f"{name} must be a tuple of {length} non-negative integers, got {value!r}.")
        return tuple(int(v) for v in value)

    def _check_params(self) -> int:
        m = _check_period(self.seasonal_period)
        if self.order is not None:
            self._check_tuple("order", self.order, 3)
        if self.seasonal_order is not None:
            seasonal = self._check_tuple("seasonal_order", self.seasonal_order, 3)
            if m < 2 and any(seasonal):
                raise ValueError(f"seasonal_order={self.seasonal_order!r} needs seasonal_period >= 2.")
        _check_choice("trend", self.trend, (None, "n", "c", "t", "ct"))
        self._check_tuple("max_order", self.max_order, 4)
        for name in ("max_models", "maxiter"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        return m

    @staticmethod
    def _seasonal_min_length(m: int) -> int:
        """The stepwise search's seasonal candidates need ``2 m + 3`` steps."""
        return 2 * m + 3

    def _min_train_size(self) -> int:
        m = self._check_params()
        if self.order is None:
            return 4
        p, d, _ = self.order
        P, D, _ = self.seasonal_order or (0, 0, 0)
        return max(3, d + D * m + p + P * m + 2)

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        m = self._check_params()
        if self.order is None and self.seasonal_order is None:  # the automatic search
            _warn_season_left_out(self, len(y), m)
        exog = np.array(X, dtype=np.float64) if X.shape[1] > 0 else None
        self.models_, self.orders_, self.model_specs_ = [], [], []
        not_converged = []
        for j in range(y.shape[1]):
            col = np.ascontiguousarray(y[:, j])
            if _is_constant(col):
                self.models_.append(None)
                self.orders_.append(None)
                self.model_specs_.append("constant")
                continue
            flags: list = []
            if self.order is None:
                res, key = self._search(col, exog, m, j, flags)
            else:
                seasonal = tuple(self.seasonal_order or (0, 0, 0))
                d, D = self.order[1], seasonal[1]
                trend = self.trend or ("c" if d + D == 0 else "n")
                key = (tuple(self.order), seasonal + (m if any(seasonal) else 0,), trend)
                res = self._fit_fixed(col, exog, key, j, flags)
            self.models_.append(res)
            self.orders_.append(key)
            (p, d, q), (P, D, Q, period), trend = key
            seasonal = f"({P},{D},{Q})[{period}]" if period else ""
            self.model_specs_.append(f"ARIMA({p},{d},{q}){seasonal} trend={trend}")
            if flags:
                not_converged.append(j)
        _warn_not_converged(self, not_converged, "Increase maxiter or choose a smaller order.")

    def _has_flat_forecast(self) -> bool:
        """Whether each step's forecast depends only on its own X row, whatever the data."""
        if self.order is None:
            return False
        p, d, q = self.order
        trend = self.trend or ("c" if d == 0 else "n")
        constant = trend == "n" or (trend == "c" and d == 0)
        return p == q == 0 and not any(self.seasonal_order or ()) and constant

    def _fit_fixed(self, col, exog, key, column, flags):
        errors = []
        # a LinAlgError means the optimiser reached the stationarity boundary, where the exact
        # initial state (a Lyapunov equation) is singular: retry with a diffuse initial state
        for diffuse in (False, True):
            try:
                model = self._sarimax(col, exog, key, diffuse=diffuse)
                with _quiet(flags):
                    return model.fit(disp=False, maxiter=self.maxiter)
            except np.linalg.LinAlgError as exc:
                errors.append(str(exc))
            except ValueError as exc:
                raise _nothing_fitted(self, column, [str(exc)]) from exc
        raise _nothing_fitted(self, column, errors)

    def _sarimax(self, col, exog, key, simple_differencing=False, diffuse=False):
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
            **kwargs,
        )

    def _search(self, col, exog, m, column, flags):
        """Stepwise AICc search (Hyndman & Khandakar, 2008), bounded by max_order and max_models."""
        n = len(col)
        max_p, max_q, max_P, max_Q = self.max_order
        fixed_seasonal = self.seasonal_order is not None
        seasonal = m > 1 and (
            any(self.seasonal_order) if fixed_seasonal else n >= self._seasonal_min_length(m)
        )
        if fixed_seasonal:
            P0, D, Q0 = self.seasonal_order
        else:
            D = 1 if seasonal and n >= 3 * m and _seasonal_strength(col, m) > 0.64 else 0
        x = col[m:] - col[:-m] if D else col
        d = _kpss_differences(x, max_d=2)
        allow_const = self.trend is None and d + D <= 1
        fits: dict = {}
        errors: list = []

        def key_of(p, q, P, Q, const):
            trend = self.trend if self.trend is not None else ("c" if const else "n")
            return ((p, d, q), (P, D, Q, m if seasonal and (P or D or Q) else 0), trend)

        def evaluate(p, q, P, Q, const, force=False):
            if fixed_seasonal:
                P, Q = P0, Q0
            elif not seasonal:
                P = Q = 0
            if not (0 <= p <= max_p and 0 <= q <= max_q and 0 <= P <= max_P and 0 <= Q <= max_Q):
                return
            key = key_of(p, q, P, Q, const and allow_const)
            k = p + q + P + Q + (key[2] != "n") + (0 if exog is None else exog.shape[1]) + 1
            too_many = len(fits) >= self.max_models or k >= n - d - D * m - 2
            if not force and (key in fits or too_many):
                return
            fits[key] = (np.inf, None, False)
            local: list = []
            try:
                with _quiet(local):
                    res = self._sarimax(col, exog, key, simple_differencing=True).fit(
                        disp=False, maxiter=self.maxiter
                    )
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
                (p, _, q), (P, _, Q, _), trend = best
                const = trend != "n"
                for dp, dq, dP, dQ in moves:
                    evaluate(p + dp, q + dq, P + dP, Q + dQ, const)
                if allow_const:
                    evaluate(p, q, P, Q, not const)

        # phase 1: non-seasonal orders with the seasonal part off (cheap fits)
        P1, Q1 = (P0, Q0) if fixed_seasonal else (0, 0)
        descend(
            ((1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0), (1, 1, 0, 0), (-1, -1, 0, 0)),
            (
                (2, 2, P1, Q1, True),
                (0, 0, P1, Q1, True),
                (1, 0, P1, Q1, True),
                (0, 1, P1, Q1, True),
                (0, 0, P1, Q1, False),
            ),
        )
        # phase 2: seasonal AR/MA orders around the best non-seasonal model (expensive fits)
        if seasonal and not fixed_seasonal and ranked():
            (p, _, q), _, trend = ranked()[0][1]
            const = trend != "n"
            descend(
                ((0, 0, 1, 0), (0, 0, -1, 0), (0, 0, 0, 1), (0, 0, 0, -1)),
                ((p, q, 1, 0, const), (p, q, 0, 1, const)),
            )
        if not ranked():  # too short for any candidate's AICc (or all failed): the simplest model
            evaluate(0, 0, P1, Q1, False, force=True)
        # re-filter the best candidate on the undifferenced series with its parameters (no re-estimation)
        for _, key in ranked():
            _, res, not_converged = fits[key]
            try:
                with _quiet([]):
                    final = self._sarimax(col, exog, key).filter(res.params)
            except (ValueError, np.linalg.LinAlgError) as exc:
                errors.append(str(exc))
                continue
            if np.isfinite(final.forecast(1, exog=None if exog is None else exog[-1:])).all():
                if not_converged:
                    flags.append(True)
                return final, key
        raise _nothing_fitted(self, column, errors)

    def _forecast_one(self, res, horizon, exog):
        return res.forecast(horizon, exog=exog)

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        exog = np.array(X, dtype=np.float64) if X.shape[1] > 0 else None
        for j, res in enumerate(self.models_):
            if res is not None:
                with _quiet(
                    []
                ):  # Kalman filter over the new rows only, from the last state; parameters fixed
                    self.models_[j] = res.extend(np.ascontiguousarray(y[:, j]), exog=exog)


# -- Theta ---------------------------------------------------------------------------------


class ThetaForecaster(_StatsmodelsForecaster):
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

    Parameters
    ----------
    seasonal_period : int, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle.
    deseasonalize : bool, default=True
        Whether to remove seasonality before applying the Theta method.
    method : {"auto", "multiplicative", "additive"}, default="auto"
        Deseasonalisation: ``"auto"`` is multiplicative for strictly positive
        series and additive otherwise.
    use_test : bool, default=True
        Whether to deseasonalise only when the seasonality test says so.
    theta : float, default=2.0
        Weight of the trend line; must be >= 1.

    Attributes
    ----------
    models_ : list of ThetaModelResults or None
        One fitted statsmodels results object per column of y (None for a
        constant column, which is forecast by its value).
    model_specs_ : list of str
        Readable model per column, e.g. ``"Theta(mul seasonal, m=24)"``.

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

    def __init__(self, seasonal_period=1, deseasonalize=True, method="auto", use_test=True, theta=2.0):
        self.seasonal_period = seasonal_period
        self.deseasonalize = deseasonalize
        self.method = method
        self.use_test = use_test
        self.theta = theta

    def _check_params(self) -> int:
        m = _check_period(self.seasonal_period)
        _check_choice("deseasonalize", self.deseasonalize, (True, False))
        _check_choice("use_test", self.use_test, (True, False))
        _check_choice("method", self.method, ("auto", "multiplicative", "additive"))
        if not isinstance(self.theta, numbers.Real) or not self.theta >= 1:
            raise ValueError(f"theta must be a number >= 1, got {self.theta!r}.")
        return m

    def _min_train_size(self) -> int:
        self._check_params()
        return 3

    def _has_flat_forecast(self) -> bool:
        """Theta forecasts follow half the trend slope: never flat in general."""
        return False

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        m = self._check_params()
        if self.deseasonalize:
            _warn_season_left_out(self, len(y), m)
        self.models_, self.model_specs_ = [], []
        for j in range(y.shape[1]):
            col = np.ascontiguousarray(y[:, j])
            if _is_constant(col):
                self.models_.append(None)
                self.model_specs_.append("constant")
                continue
            if self.method == "multiplicative" and col.min() <= 0:
                raise ValueError(
                    f"ThetaForecaster(method='multiplicative') needs a strictly positive series, but "
                    f"column {j} has minimum {col.min():.6g}. Use method='additive' (or 'auto'), or "
                    "shift the series above zero."
                )
            seasonal = bool(self.deseasonalize) and m > 1 and len(col) >= self._seasonal_min_length(m)
            method = {"auto": "auto", "multiplicative": "mul", "additive": "add"}[self.method]
            try:
                with _quiet([]):
                    res = ThetaModel(
                        col, period=m, deseasonalize=seasonal, use_test=bool(self.use_test), method=method
                    ).fit()
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise _nothing_fitted(self, j, [str(exc)]) from exc
            self.models_.append(res)
            self.model_specs_.append(self._spec(res))

    @staticmethod
    def _spec(res) -> str:
        model = res.model
        if model.deseasonalize and res._seasonal.shape[0]:
            return f"Theta({model.method} seasonal, m={model.period})"
        return "Theta(non-seasonal)"

    def _forecast_one(self, res, horizon, exog):
        return res.forecast(horizon, theta=float(self.theta))

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        """Run the SES level over the new rows with alpha, b0 and seasonal indices fixed."""
        from statsmodels.tsa.forecasting.theta import ThetaModel, ThetaModelResults

        for j, res in enumerate(self.models_):
            if res is None:
                continue
            old, n_new = res.model, len(y)
            seasonal = res._seasonal
            t = self.n_train_ - n_new + np.arange(n_new)
            values = y[:, j]
            if old.deseasonalize and seasonal.shape[0]:
                index = seasonal[t % old.period]
                values = values / index if old.method.startswith("mul") else values - index
            alpha, level = float(res.params["alpha"]), float(np.asarray(res._one_step).ravel()[0])
            for value in values:
                level = alpha * value + (1 - alpha) * level
            model = ThetaModel(
                np.ascontiguousarray(self.y_train_[:, j]),
                period=old.period,
                deseasonalize=old.deseasonalize,
                use_test=False,
                method=old.method,
            )
            self.models_[j] = ThetaModelResults(
                float(res.params["b0"]), alpha, None, np.array([level]), seasonal, False, model
            )
