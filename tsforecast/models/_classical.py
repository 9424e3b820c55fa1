"""What the classical forecasters share: one per-series fitting loop, standardisation, warnings.

Each column of ``y`` is a series with its own statsmodels model, fitted by :func:`fit_columns`
(in parallel through joblib when ``n_jobs`` asks for it). Every model is fitted to its column
*standardised*, ``(y - offset) / scale`` with ``scale`` the column's mean absolute step, and
every output (forecasts, quantiles, ``update``'s new rows) goes through the same affine map, so
forecasts of ``c * y + b`` are ``c * forecasts + b`` wherever the model allows it: statsmodels'
optimisers stop on absolute tolerances, so a series at 1e-9 scale was fitted as noise around
zero, and its automatic choices changed with the units. The offset is the column's mean for
models whose forecasts follow a shift of y (additive ETS and Theta, ARIMA orders with a constant
or differencing), and 0 for multiplicative models and the ARIMA search.

Problems inside statsmodels never pass silently: a non-converged optimiser gives one
:class:`~sklearn.exceptions.ConvergenceWarning` per ``fit``, a candidate that fails during an
automatic search is skipped, and a ``ValueError`` names the problem when nothing can be fitted.
A constant column is forecast by its last value without a statsmodels model (``models_[j] is
None``, ``model_specs_[j] == "constant"``); statsmodels' likelihoods are degenerate on such data.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from tsforecast._constraints import Number, SeasonalPeriods
from tsforecast.base import BaseForecaster

__all__ = ["ClassicalForecaster", "SeriesFit", "fit_columns", "standardise"]


@dataclass
class SeriesFit:
    """One column's fitted model: statsmodels results on the standardised series, and the map back.

    ``result`` is None for a constant column. ``order`` is ARIMA's chosen
    ``((p, d, q), (P, D, Q, m), trend)``; ``not_converged`` says the optimiser stopped early.
    """

    result: Any
    spec: str
    offset: float = 0.0
    scale: float = 1.0
    order: tuple | None = None
    not_converged: bool = False


def standardise(col: np.ndarray, centre: bool) -> tuple[np.ndarray, float, float]:
    """``((col - offset) / scale, offset, scale)``: steps of unit size, mean 0 when centred.

    The scale is the mean absolute one-step change (MASE's denominator): positive for any
    non-constant series, blind to shifts, proportional to the units, and close to the size of
    the innovations, which is where statsmodels' likelihoods are best conditioned (the
    standard deviation of a random walk's level left its differenced models unconverged).

    Examples
    --------
    >>> z, offset, scale = standardise(np.array([1e-9, 3e-9, 2e-9]), centre=True)
    >>> z.round(6), offset, round(scale, 20)
    (array([-0.666667,  0.666667,  0.      ]), 2e-09, 1.5e-09)
    """
    offset = float(col.mean()) if centre else 0.0
    scale = float(np.abs(np.diff(col)).mean())
    return (col - offset) / scale, offset, scale


def _is_constant(y: np.ndarray) -> bool:
    """Whether the series varies by less than float64 can tell apart from its magnitude.

    Relative to the largest magnitude, so it calls ``c * y`` constant exactly when it calls
    ``y`` constant, whatever the units (it once compared with ``max(1, |y|)``, which called a
    series at 1e-15 scale constant).
    """
    return bool(np.ptp(y) <= 1e-12 * float(np.abs(y).max()))


def _fit_column(fit_series: Callable, col: np.ndarray, exog, column: int) -> SeriesFit:
    if _is_constant(col):
        return SeriesFit(None, "constant")
    return fit_series(col, exog, column)


def fit_columns(estimator, y: np.ndarray, exog: np.ndarray | None, n_jobs=None) -> list[SeriesFit]:
    """Fit ``estimator._fit_series`` to every column of ``y``: the one per-series loop.

    Constant columns get no model. With ``n_jobs`` other than None or 1 the columns are fitted
    in parallel by joblib (any backend: ``joblib.parallel_config(backend="dask")`` runs them on
    a cluster); the workers receive an unfitted clone, not the estimator's fitted state.
    """
    columns = [np.ascontiguousarray(y[:, j]) for j in range(y.shape[1])]
    if n_jobs in (None, 1) or len(columns) == 1:
        return [_fit_column(estimator._fit_series, col, exog, j) for j, col in enumerate(columns)]
    worker = clone(estimator)
    return Parallel(n_jobs=n_jobs)(
        delayed(_fit_column)(worker._fit_series, col, exog, j) for j, col in enumerate(columns)
    )


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


@lru_cache(maxsize=1)
def _threadpools() -> ThreadpoolController:
    # built once: threadpool_limits() scans the loaded libraries on every call (17 ms here, more
    # than an ETS update and forecast together), the controller only sets the limits (0.2 ms)
    return ThreadpoolController()


@contextmanager
def _quiet(flags: list):
    """Silence statsmodels' warnings; append True to ``flags`` when one said 'not converged'."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning as SMConvergenceWarning

    # one BLAS thread: state-space matrices are small, and threads only add contention
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(all="ignore"),
        _threadpools().limit(limits=1, user_api="blas"),
    ):
        warnings.simplefilter("always")
        yield
    if any(issubclass(w.category, (SMConvergenceWarning, ConvergenceWarning)) for w in caught):
        flags.append(True)


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


class ClassicalForecaster(BaseForecaster):
    """Shared machinery of the statsmodels forecasters: the column loop, the affine map, pickling.

    A family implements ``_fit_series(col, exog, column) -> SeriesFit`` (one column, raw
    scale in, standardised model out), and on the model's standardised scale
    ``_forecast_one(result, horizon, exog)``, ``_quantiles_one(result, horizon, exog,
    quantiles)`` and ``_update_one(result, z_new, exog_new, column)``; it may refine
    ``_season()`` (parameter combinations) and set ``_max_season``. Everything else (the
    column loop, constants, the affine map, warnings, pickling) lives here once.
    """

    _parameter_constraints = {
        **BaseForecaster._parameter_constraints,
        "seasonal_period": [SeasonalPeriods()],
        "n_jobs": [Number(Integral, None, None, closed="neither"), None],
    }

    #: Advice appended to the ConvergenceWarning.
    _convergence_hint = ""
    #: Longest season the family fits in reasonable time (None: no limit). Longer ones are
    #: left out with a warning that names MSTLForecaster (ETS estimates one initial state per
    #: season step, SARIMAX carries m states: a season of 168 or 365 ran for many minutes).
    _max_season: ClassVar[int | None] = None

    def _periods(self) -> list[float]:
        """The season lengths asked for (``seasonal_period`` as a list; 1 means none)."""
        period = self.seasonal_period
        return [float(p) for p in period] if isinstance(period, (list, tuple)) else [float(period)]

    def _season(self) -> int:
        """The one season this model fits: the longest whole-number period it can fit, or 1."""
        usable = [
            int(p)
            for p in self._periods()
            if p > 1 and p.is_integer() and (self._max_season is None or p <= self._max_season)
        ]
        return max(usable, default=1)

    def _warn_seasons_left_out(self) -> None:
        """Name the seasons asked for that this single-season model leaves out, and the better model."""
        m = self._season()
        dropped = [p for p in self._periods() if p > 1 and p != m]
        if not dropped:
            return
        reasons = []
        if any(not p.is_integer() for p in dropped):
            reasons.append("it fits whole-number seasons only")
        if self._max_season is not None and any(p > self._max_season for p in dropped):
            reasons.append(f"seasons longer than {self._max_season} steps take it minutes to fit")
        if len(self._periods()) > 1:
            reasons.append("it fits one season")
        shown = [int(p) if p.is_integer() else p for p in dropped]
        warnings.warn(
            f"{type(self).__name__}: seasonal_period={self.seasonal_period!r}: the season(s) {shown} "
            f"are left out ({'; '.join(reasons)}), so it is fitted "
            f"{'with season ' + str(m) if m > 1 else 'without a season'}. "
            f"MSTLForecaster(seasonal_period={self.seasonal_period!r}) models long and multiple seasons.",
            UserWarning,
            stacklevel=4,  # the user's fit, through BaseForecaster.fit and the family's _fit
        )

    def _fit_series(self, col: np.ndarray, exog: np.ndarray | None, column: int) -> SeriesFit:
        raise NotImplementedError

    def _forecast_one(self, res, horizon: int, exog):
        return res.forecast(horizon)

    def _update_one(self, res, z_new: np.ndarray, exog_new, column: int):
        raise NotImplementedError

    @staticmethod
    def _seasonal_min_length(m: int) -> int:
        """Steps a series needs before the automatic choice can include a season of ``m`` steps."""
        return 2 * m

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        # every family's _fit warns first (seasons left out, too short a series), then calls this
        exog = np.array(X, dtype=np.float64) if X.shape[1] > 0 else None
        fits = fit_columns(self, y, exog, self.n_jobs)
        self.models_ = [fit.result for fit in fits]
        self.model_specs_ = [fit.spec for fit in fits]
        self.y_offset_ = np.array([fit.offset for fit in fits])
        self.y_scale_ = np.array([fit.scale for fit in fits])
        self._store_extra(fits)
        not_converged = [j for j, fit in enumerate(fits) if fit.not_converged]
        if not_converged:
            warnings.warn(
                f"{type(self).__name__}: the statsmodels optimiser did not converge for "
                f"column(s) {not_converged}; their forecasts use the last iterate's parameters. "
                f"{self._convergence_hint}",
                ConvergenceWarning,
                stacklevel=4,  # the user's fit, through BaseForecaster.fit and the family's _fit
            )

    def _store_extra(self, fits: list[SeriesFit]) -> None:
        """Record family-specific per-column results (ARIMA's orders)."""

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        horizon = int(steps[-1])
        exog = self._exog_path(steps, X) if X.shape[1] > 0 else None
        out = np.empty((len(steps), self.n_targets_))
        with _quiet([]):
            for j, res in enumerate(self.models_):
                if res is None:  # constant column: its last value
                    out[:, j] = self.y_train_[-1, j]
                else:
                    z = np.asarray(self._forecast_one(res, horizon, exog))[steps - 1]
                    out[:, j] = self.y_offset_[j] + self.y_scale_[j] * z
        if not np.isfinite(out).all():
            raise ValueError(
                f"{type(self).__name__} produced non-finite forecasts (models {self.model_specs_}): "
                "the fitted model is unstable on this series. Choose simpler settings."
            )
        return out

    def _quantiles_one(self, res, horizon: int, exog, quantiles: np.ndarray) -> np.ndarray:
        """Quantiles (horizon, n_quantiles) of one model's forecast distribution, its own scale."""
        raise NotImplementedError

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        """Quantiles of statsmodels' forecast distribution, (len(steps), n_targets_, n_quantiles).

        Mapped back through each column's affine map (a positive scale keeps their order). A
        constant column gets a zero-width band at its value: its residuals are all zero, so a
        residual-based band would be zero-width too, and statsmodels has no model for it.
        """
        horizon = int(steps[-1])
        exog = self._exog_path(steps, X) if X.shape[1] > 0 else None
        quantiles = np.asarray(quantiles, dtype=np.float64)
        out = np.empty((len(steps), self.n_targets_, len(quantiles)))
        with _quiet([]):
            for j, res in enumerate(self.models_):
                if res is None:
                    out[:, j, :] = self.y_train_[-1, j]
                else:
                    z = np.asarray(self._quantiles_one(res, horizon, exog, quantiles))[steps - 1]
                    out[:, j, :] = self.y_offset_[j] + self.y_scale_[j] * z
        if not np.isfinite(out).all():
            raise ValueError(
                f"{type(self).__name__} produced non-finite forecast quantiles (models "
                f"{self.model_specs_}): the fitted model is unstable on this series. Choose simpler settings."
            )
        return out

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        exog = np.array(X, dtype=np.float64) if X.shape[1] > 0 else None
        for j, res in enumerate(self.models_):
            if res is not None:
                z_new = (y[:, j] - self.y_offset_[j]) / self.y_scale_[j]
                with _quiet([]):
                    self.models_[j] = self._update_one(res, z_new, exog, j)

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
