"""Exponential smoothing state-space (ETS) forecaster, with automatic model selection by AICc."""

from __future__ import annotations

import itertools
import warnings
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.utils._param_validation import StrOptions

from tsforecast.models._classical import (
    ClassicalForecaster,
    SeriesFit,
    _aicc,
    _nothing_fitted,
    _quiet,
    _warn_season_left_out,
    standardise,
)
from tsforecast.models._ets_state import ETSState

__all__ = ["ETSForecaster"]

_LETTER = {None: "N", "add": "A", "mul": "M"}
#: L-BFGS-B's relative reduction of the objective at which a warm-started fit stops, 100x
#: tighter than statsmodels' default (1e7): stopping early on the flat likelihood of a start
#: that is already close left the forecasts of ``c * y`` and ``y`` apart by 1e-4 of a step
#: (tests/test_classical_scale.py), against 1e-6 from statsmodels' default start.
_WARM_FACTR = 1e5
#: AICc per season step within which a second seasonal kind is still estimated (see _finalists).
_SEASONAL_MARGIN = 4.0


def _build(col, spec, m, initialization: str = "estimated"):
    """An ETSModel of statsmodels for one candidate ``(error, trend, damped_trend, seasonal)``.

    Its results compute the parameters' covariance only when read (see ``_ets_results``).
    """
    from tsforecast.models._ets_results import LazyCovETSModel

    error, trend, damped, seasonal = spec
    return LazyCovETSModel(
        pd.Series(col),  # statsmodels' get_prediction fails on a numpy endog (0.15)
        error=error,
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=m if seasonal else None,
        initialization_method=initialization,
    )


def _spec_name(spec) -> str:
    error, trend, damped, seasonal = spec
    return f"ETS({_LETTER[error]},{_LETTER[trend]}{'d' if damped else ''},{_LETTER[seasonal]})"


class ETSForecaster(ClassicalForecaster):
    """Exponential smoothing state-space (ETS) forecaster, with automatic model selection.

    Wraps :class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`. Every
    component set to ``"auto"`` is chosen by AICc over the admissible models, as
    in Hyndman et al. (2002): multiplicative error or seasonality is tried only
    when the series is strictly positive, seasonality only when
    ``seasonal_period > 1`` and the series holds at least two full seasons, and
    additive error with multiplicative seasonality (numerically unstable) only
    when both are fixed by hand. Initial states are estimated with the smoothing
    parameters. Exogenous X is validated but not used.

    statsmodels fits; forecasts, their quantiles and ``update`` run the fitted
    model's recursions on numpy from its last states (statsmodels' equations:
    the same forecasts, analytic variances and seeded simulated paths), so an
    ``update`` costs its new rows only.

    Each column is fitted standardised (divided by its mean absolute step, and
    centred for purely additive models), so forecasts of ``c * y`` are ``c``
    times those of ``y`` for any positive ``c``, and purely additive models
    also follow shifts ``y + b``.

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
    seasonal_period : int or list of float, default=1
        Length of the season, e.g. 24 for hourly data with a daily cycle. ETS
        fits one season of at most 24 steps (as R's ``ets``): of a list, the
        longest whole-number period up to 24 is used, and longer or further
        seasons are left out with a warning (use :class:`MSTLForecaster`).
        A fixed ``seasonal`` component whose season is left out is dropped too.
    n_jobs : int or None, default=None
        Columns of y fitted in parallel by joblib (None: one at a time).

    Attributes
    ----------
    models_ : list of ETSResults, ETSState or None
        One fitted statsmodels results object per column of y, fitted to the
        standardised column ``(y - y_offset_[j]) / y_scale_[j]`` (None for a
        constant column, which is forecast by its value). ``update`` replaces it
        by an ``ETSState``: the fitted results (``.fitted``, parameters kept) and
        the states after the last row, stepped forward on numpy without
        re-filtering the history or building a statsmodels object.
    model_specs_ : list of str
        The chosen model per column in Hyndman's notation, e.g. ``"ETS(A,Ad,A)"``.
    y_offset_, y_scale_ : ndarray of shape (n_targets_,)
        The affine map from each model's scale back to y's.

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

    _parameter_constraints = {
        **ClassicalForecaster._parameter_constraints,
        "error": [StrOptions({"auto", "add", "mul"})],
        "trend": [StrOptions({"auto", "add"}), None],
        "damped_trend": [StrOptions({"auto"}), "boolean"],
        "seasonal": [StrOptions({"auto", "add", "mul"}), None],
    }
    _convergence_hint = "Try other error/trend/seasonal settings."
    _max_season = 24  # as R's ets and statsforecast's AutoETS
    #: Simulated paths behind the quantiles of models without an analytic variance.
    _simulations = 1000

    def __init__(
        self,
        error="auto",
        trend="auto",
        damped_trend="auto",
        seasonal="auto",
        seasonal_period=1,
        n_jobs=None,
    ):
        self.error = error
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.seasonal_period = seasonal_period
        self.n_jobs = n_jobs

    def _season(self) -> int:
        m = super()._season()
        if self.seasonal in ("add", "mul") and max(self._periods()) <= 1:
            raise ValueError(
                f"ETSForecaster(seasonal={self.seasonal!r}) needs seasonal_period >= 2, got "
                f"{self.seasonal_period!r}: set the season's length, or seasonal=None."
            )
        return m

    def _seasonal_component(self):
        """``seasonal`` as fitted: None when the season asked for was left out (with a warning)."""
        return self.seasonal if self._season() > 1 or self.seasonal == "auto" else None

    def _min_train_size(self) -> int:
        m = self._season()
        return self._seasonal_min_length(m) if self._seasonal_component() in ("add", "mul") else 3

    def _has_flat_forecast(self) -> bool:
        """Whether every step gets the same value whatever the data (row order then cannot matter)."""
        seasonal = self._seasonal_component()
        return self.trend is None and (seasonal is None or (seasonal == "auto" and self._season() == 1))

    def _candidates(self, positive: bool, n: int, m: int) -> list[tuple]:
        errors = ["add", "mul"] if self.error == "auto" else [self.error]
        trends = [None, "add"] if self.trend == "auto" else [self.trend]
        seasonals = [self._seasonal_component()]
        if self.seasonal == "auto":
            seasonals = [None] + (["add", "mul"] if m > 1 and n >= self._seasonal_min_length(m) else [])
        specs: list[tuple] = []
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
        self._warn_seasons_left_out()
        if self.seasonal == "auto":
            _warn_season_left_out(self, len(y), self._season())
        super()._fit(y, X)

    def _fit_series(self, col: np.ndarray, exog, column: int) -> SeriesFit:
        m = self._season()
        positive = bool(col.min() > 0)
        components = (("error", self.error), ("seasonal", self._seasonal_component()))
        fixed_mul = [name for name, value in components if value == "mul"]
        if fixed_mul and not positive:
            raise ValueError(
                f"ETSForecaster({fixed_mul[0]}='mul') needs a strictly positive series, but column "
                f"{column} has minimum {col.min():.6g}. Use {fixed_mul[0]}='add' (or 'auto', which tries "
                "multiplicative components only on positive data), or shift the series above zero."
            )
        specs = self._candidates(positive, len(col), m)
        # one scale for every candidate keeps their AICc comparable (the log-Jacobian is shared)
        scaled, centred = standardise(col, centre=False), standardise(col, centre=True)
        errors: list = []
        if len(specs) > 1:
            heuristic = self._rank(specs, scaled, centred, m, len(col), "heuristic", errors)
            if heuristic is None:  # a series too short for heuristic initial states
                ranked = self._rank(specs, scaled, centred, m, len(col), "estimated", errors) or []
            else:
                # Heuristic initial seasons (from the first cycles) can cost a seasonal model far
                # more likelihood than estimated ones: on the demo's 1,500 ETTh1 hours they ranked
                # A,N,N first by 22 AICc, while with estimated states A,N,A wins by 171. So the best
                # candidates are ranked again with estimated states (see _finalists), each started
                # from its heuristic fit, which is most of the way to the optimum.
                best = _finalists(heuristic, m)
                final = self._rank(
                    [c.spec for c in best], scaled, centred, m, len(col), "estimated", errors, starts=best
                )
                chosen = {c.spec for c in best}
                ranked = (final or []) + [c for c in heuristic if c.spec not in chosen]
        else:
            ranked = self._rank(specs, scaled, centred, m, len(col), "estimated", errors) or []
        for candidate in ranked:
            flags = [True] if candidate.not_converged else []
            try:
                with _quiet(flags):
                    res = self._results_of(candidate, scaled, centred, m)
                    finite = np.isfinite(res.forecast(1)).all()
            except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
                errors.append(str(exc))
                continue
            if finite:
                spec = _spec_name(candidate.spec)
                return SeriesFit(res, spec, candidate.offset, candidate.scale, not_converged=bool(flags))
            errors.append(f"{_spec_name(candidate.spec)} gave non-finite forecasts")
        raise _nothing_fitted(self, column, errors)

    @staticmethod
    def _results_of(candidate: _Candidate, scaled, centred, m: int):
        """The statsmodels results of a ranked candidate, with estimated initial states.

        A candidate ranked with estimated states is smoothed with the parameters found then (a
        second optimisation would find the same ones: it took 28% of an automatic fit on ETTh1); one
        ranked with heuristic states only, when no better one gave finite forecasts, is fitted.
        """
        if candidate.model.initialization_method == "estimated":
            return candidate.model.smooth(candidate.params)
        z = (scaled if _is_multiplicative(candidate.spec) else centred)[0]
        return _build(z, candidate.spec, m).fit(disp=False)

    def _forecast_one(self, res, horizon, exog):
        return _state_of(res).forecast(horizon)

    def _quantiles_one(self, res, horizon, exog, quantiles):
        # statsmodels' analytic variance for the linear models (A,N,N ... A,Ad,A), else the
        # empirical quantiles of simulated paths, seeded so that forecasts are reproducible
        state = _state_of(res)
        variance = state.forecast_variance(horizon)
        if variance is None:
            paths = state.simulate(horizon, self._simulations, np.random.default_rng(0))
            return np.quantile(paths, quantiles, axis=1).T
        return state.forecast(horizon)[:, None] + np.sqrt(variance)[:, None] * norm.ppf(quantiles)

    @staticmethod
    def _rank(specs, scaled, centred, m, n, initialization, errors, starts=()) -> list[_Candidate] | None:
        """Candidates fitted with ``initialization`` states, by AICc, best first.

        The automatic choice ranks candidates fitted with heuristic initial states (Hyndman et
        al.'s, from the first cycles: only the smoothing parameters are optimised, about 6x
        faster on 720 hourly points with a daily season), then estimates the best ones' initial
        states too, each started from the heuristic fit in ``starts`` (candidates of the same
        specs). None when a candidate cannot be initialised heuristically, so that every
        candidate is ranked the same way.
        """
        start_of = {c.spec: c.model._internal_params(c.params) for c in starts}
        ranked = []
        for order, spec in enumerate(specs):
            z, offset, scale = scaled if _is_multiplicative(spec) else centred
            flags: list = []
            try:
                with _quiet(flags):
                    model = _build(z, spec, m, initialization=initialization)
                    # statsmodels' internal vector (smoothing parameters, then every initial
                    # state) is shared by both initialisations: the heuristic fit's, read back
                    # as this model's parameters, starts the estimated fit
                    start = model._model_params(start_of[spec]) if spec in start_of else None
                    tolerance = {} if start is None else {"factr": _WARM_FACTR}
                    params = model.fit(start_params=start, disp=False, return_params=True, **tolerance)
                    loglike = model.loglike(params)
            except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
                if initialization == "heuristic":
                    return None
                errors.append(str(exc))
                continue
            aicc = _aicc(loglike, len(params) + 1, n)
            ranked.append(_Candidate(aicc, order, spec, offset, scale, model, params, bool(flags)))
        return sorted(ranked, key=lambda candidate: (candidate.aicc, candidate.order))

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        for j, res in enumerate(self.models_):
            if res is not None and _is_multiplicative(_state_of(res).spec) and (y[:, j] <= 0).any():
                warnings.warn(
                    f"Column {j} was fitted with a multiplicative model ({self.model_specs_[j]}), which "
                    f"needs strictly positive values, but update's rows reach {y[:, j].min():.6g}: its "
                    "forecasts and bands from here are unreliable. Refit on the new data (the automatic "
                    "choice then tries additive models only), or fix error='add', seasonal='add'.",
                    UserWarning,
                    stacklevel=3,
                )
        super()._update(y, X)

    def _update_one(self, res, z_new, exog_new, column):
        """Filter the new rows from the last states with the fitted parameters: O(new rows).

        No statsmodels object is built (the previous update built a model and results over the
        last season per call: 1.6 ms against 0.07 ms); the forecasts equal those of statsmodels
        smoothing the whole history with the fitted parameters. The fitted innovation variance
        is kept, as the parameters are.
        """
        return _state_of(res).filter(z_new)


class _Candidate(NamedTuple):
    """A candidate model fitted during the automatic choice, and what its final fit needs."""

    aicc: float
    order: int  # position in the candidate list: breaks AICc ties as the list orders them
    spec: tuple
    offset: float
    scale: float
    model: Any  # the statsmodels ETSModel, with its initialisation
    params: np.ndarray
    not_converged: bool


def _finalists(heuristic: list[_Candidate], m: int) -> list[_Candidate]:
    """The candidates, ranked with heuristic states, that are ranked again with estimated ones.

    The best of each seasonal kind (none, additive, multiplicative), except a second seasonal
    kind more than ``_SEASONAL_MARGIN * m`` AICc behind the first: estimated states help both
    seasonal kinds alike (by up to 67 AICc on 720 ETTh1 hours, against gaps of 250 to 300 between
    them), while estimating 25 states costs more than the rest of the automatic fit.
    """
    best = {c.spec[3]: c for c in reversed(heuristic)}  # heuristic is sorted, best first
    seasonal = sorted((c for kind, c in best.items() if kind is not None), key=lambda c: (c.aicc, c.order))
    kept = [c for c in seasonal if c.aicc - seasonal[0].aicc <= _SEASONAL_MARGIN * m]
    return ([best[None]] if None in best else []) + kept


def _is_multiplicative(spec) -> bool:
    """Whether a spec has a multiplicative error or season (fitted uncentred, on positive data)."""
    return "mul" in (spec[0], spec[3])


def _state_of(res) -> ETSState:
    """The numpy state of a fitted column: ``res`` itself after an update, else from the fit."""
    return res if isinstance(res, ETSState) else ETSState.from_results(res)
