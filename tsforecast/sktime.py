"""Adapters between tsforecast and sktime.

- :func:`to_sktime` puts a tsforecast estimator behind sktime's
  ``fit(y, X, fh)`` / ``predict(fh, X)`` (class :class:`TsforecastForecaster`).
- :func:`from_sktime` puts any sktime forecaster behind tsforecast's contract,
  ``fit(X, y)`` / ``predict(X)`` with rows as time steps
  (class :class:`SktimeForecaster`), so it works with ``cross_validate``,
  ``GridSearchCV`` and pipelines.

sktime is an optional dependency (``pip install tsforecast[sktime]``): it is
imported only inside this module's functions, so ``import tsforecast`` and
``import tsforecast.sktime`` work without it. ``TsforecastForecaster`` is an
sktime class, so it is built on first use (``tsforecast.sktime.TsforecastForecaster``
is resolved lazily; pickles of its instances load normally).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import get_tags

from tsforecast._time import future_index
from tsforecast.base import BaseForecaster
from tsforecast.models.naive import NaiveForecaster

# ``TsforecastForecaster`` (an sktime class) is resolved lazily by ``__getattr__``: it is left out
# of ``__all__`` so that ``from tsforecast.sktime import *`` works without sktime.
__all__ = ["SktimeForecaster", "from_sktime", "to_sktime"]


def _require_sktime():
    """Import sktime, or raise an ImportError that says how to install it."""
    try:
        import sktime
    except ImportError as exc:  # pragma: no cover - exercised only without sktime
        raise ImportError(
            "tsforecast.sktime needs the optional dependency sktime: "
            "`pip install tsforecast[sktime]` (or `pip install sktime`)."
        ) from exc
    return sktime


class _Quiet(warnings.catch_warnings):
    """Silence sktime's construction-time FutureWarning about ``remember_data``."""

    def __enter__(self):
        result = super().__enter__()
        warnings.filterwarnings("ignore", message=".*remember_data.*", category=FutureWarning)
        return result


# ================================================================================================
# to_sktime: a tsforecast estimator behind sktime's interface
# ================================================================================================

_TO_SKTIME_CLASS: type | None = None


def _build_to_sktime_class() -> type:
    """Define the sktime forecaster class (needs sktime, so done on first use)."""
    global _TO_SKTIME_CLASS
    if _TO_SKTIME_CLASS is not None:
        return _TO_SKTIME_CLASS
    _require_sktime()
    from sktime.forecasting.base import BaseForecaster as _SktimeBaseForecaster

    class TsforecastForecaster(_SktimeBaseForecaster):
        """sktime forecaster wrapping a tsforecast estimator (see :func:`to_sktime`).

        sktime's ``fit(y, X)`` calls the estimator's ``fit(X, y)`` on a clone
        (``estimator_``); ``predict(fh, X)`` turns the horizon into absolute time
        stamps and calls ``predict`` with X indexed by them (a zero-column
        DataFrame when the model was fitted without exogenous features);
        ``update(y, X)`` calls the estimator's ``update``.

        Parameters
        ----------
        estimator : tsforecast estimator, default=None
            The forecaster to wrap, never modified. ``None`` means
            ``tsforecast.NaiveForecaster()``.

        Attributes
        ----------
        estimator_ : tsforecast estimator
            The fitted clone of ``estimator``.

        Examples
        --------
        >>> from sktime.datasets import load_airline
        >>> from tsforecast import NaiveForecaster
        >>> from tsforecast.sktime import TsforecastForecaster
        >>> y = load_airline()
        >>> f = TsforecastForecaster(NaiveForecaster(strategy="seasonal", seasonal_period=12))
        >>> f.fit(y).predict(fh=[1, 2, 3]).tolist() == y.iloc[-12:-9].tolist()
        True
        """

        _tags = {
            "authors": "tsforecast developers",
            "maintainers": "tsforecast developers",
            "python_dependencies": None,
            "y_inner_mtype": ["pd.Series", "pd.DataFrame", "pd-multiindex"],
            "X_inner_mtype": ["pd.DataFrame", "pd-multiindex"],
            "capability:multivariate": True,
            "capability:exogenous": True,
            "capability:insample": False,
            "capability:pred_int": False,
            "capability:missing_values": False,
            "capability:categorical_in_X": False,
            "capability:update": True,
            "requires-fh-in-fit": False,
            "X-y-must-have-same-index": True,
            "fit_is_empty": False,
        }
        # tsforecast keeps its own history: sktime's base need not store a copy (this
        # also adopts sktime 1.3's default early, without its FutureWarning)
        _config = {"remember_data": False}

        def __init__(self, estimator=None):
            self.estimator = estimator
            super().__init__()
            self._y = None  # used by sktime's base if remember_data is set to True
            self._X = None
            self.set_tags(**_sktime_tags_of(self._estimator_template()))

        def _estimator_template(self):
            return NaiveForecaster() if self.estimator is None else self.estimator

        def _fit(self, y, X, fh):
            self._set_y_meta(y)
            if X is None:
                X = pd.DataFrame(index=y.index)
            self.estimator_ = clone(self._estimator_template()).fit(X, y)
            self._last_seen_ = y.index[-1]
            self._tag_cutoff_freq()
            return self

        def _tag_cutoff_freq(self):
            """Give a datetime panel's cutoff the frequency its series share.

            sktime takes the frequency of absolute horizons from the cutoff; for a panel it finds
            none (the latest stamp alone, freq=None), while every series may have one.
            """
            cutoff = self.cutoff
            if self._series_ids_ is None or not isinstance(cutoff, pd.DatetimeIndex) or cutoff.freq:
                return
            known = [i for i in self._series_ids_ if i not in getattr(self.estimator_, "short_series_", {})]
            freq = _common_freq(self.estimator_, pd.Index(known))
            if freq is None:
                return
            try:
                self._cutoff = pd.DatetimeIndex(cutoff, freq=freq)
            except ValueError:  # the latest stamp is off the series' grid
                return

        def _future_X(self, index: pd.Index, X) -> pd.DataFrame:
            if X is None:
                return pd.DataFrame(index=index)
            missing = index.difference(X.index)
            if len(missing):
                raise ValueError(
                    f"X passed to predict has no rows for the forecast time points "
                    f"{list(missing[:5])}: give X one row per time point of fh."
                )
            return X.loc[index]

        def _forecast_index(self, fh) -> pd.Index:
            """The rows sktime asks for: the cutoff + fh; for a panel, each series' own end + fh.

            sktime's convention for panels (its forecasters fit one clone per instance, each
            with its own cutoff, the panel's ``cutoff`` being the latest of them) is that a
            relative horizon counts from each series' own last time point: a series that ends
            earlier gets its own next steps. An absolute horizon is the same stamps for every series.
            """
            if self._series_ids_ is None:
                return fh.to_absolute_index(self.cutoff)
            if fh.is_relative and pd.api.types.is_integer_dtype(fh.to_pandas().dtype):
                return _series_horizon_index(
                    self.estimator_, self._series_ids_, fh.to_numpy(), self._index_names_
                )
            index = fh.to_absolute_index(self.cutoff)
            return pd.MultiIndex.from_product([self._series_ids_, index], names=self._index_names_)

        def _predict(self, fh, X):
            index = self._forecast_index(fh)
            values = np.asarray(self.estimator_.predict(self._future_X(index, X)), dtype=np.float64)
            columns = self._y_columns_
            if columns is None:
                return pd.Series(values.reshape(-1), index=index, name=self._y_name_)
            return pd.DataFrame(values.reshape(len(index), -1), index=index, columns=columns)

        def _quantile_table(self, fh, X, alpha) -> np.ndarray:
            """The estimator's quantiles at sktime's levels (any order), (n_steps, n_series, n_alpha)."""
            index = self._forecast_index(fh)
            levels, where = np.unique(np.asarray(alpha, dtype=np.float64), return_inverse=True)
            values = self.estimator_.predict_quantiles(self._future_X(index, X), quantiles=list(levels))
            return np.asarray(values, dtype=np.float64).reshape(len(index), -1, len(levels))[..., where]

        def _predict_quantiles(self, fh, X, alpha):
            index = self._forecast_index(fh)
            values = self._quantile_table(fh, X, alpha)  # columns: series-major, then alpha
            columns = self._get_columns(method="predict_quantiles", alpha=alpha)
            return pd.DataFrame(values.reshape(len(index), -1), index=index, columns=columns)

        def _predict_interval(self, fh, X, coverage):
            index = self._forecast_index(fh)
            coverage = np.asarray(coverage, dtype=np.float64)
            alpha = np.stack([(1 - coverage) / 2, (1 + coverage) / 2], axis=-1).ravel()  # lower, upper per c
            values = self._quantile_table(fh, X, alpha)  # series, then coverage, then (lower, upper)
            columns = self._get_columns(method="predict_interval", coverage=list(coverage))
            return pd.DataFrame(values.reshape(len(index), -1), index=index, columns=columns)

        def _update(self, y, X=None, update_params=True):
            # tsforecast's update never re-estimates parameters: it moves the origin
            if not hasattr(self.estimator_, "update"):
                raise NotImplementedError(
                    f"{type(self.estimator_).__name__} has no update method; refit instead."
                )
            if isinstance(y.index, pd.MultiIndex):  # a panel: the estimator refuses rows seen before
                self.estimator_.update(pd.DataFrame(index=y.index) if X is None else X.loc[y.index], y)
                self._tag_cutoff_freq()
                return self
            # sktime may pass rows seen before (update_predict's expanding windows)
            new = y.index > self._last_seen_
            if not new.any():
                return self
            y = y.loc[new]
            X = pd.DataFrame(index=y.index) if X is None else X.loc[y.index]
            self.estimator_.update(X, y)
            self._last_seen_ = y.index[-1]
            return self

        def _set_y_meta(self, y):
            panel = isinstance(y.index, pd.MultiIndex)
            self._series_ids_ = y.index.get_level_values(0).unique() if panel else None
            self._index_names_ = list(y.index.names)
            if isinstance(y, pd.DataFrame):
                self._y_columns_ = y.columns
                self._y_name_ = None
            else:
                self._y_columns_ = None
                self._y_name_ = y.name

        @classmethod
        def get_test_params(cls, parameter_set="default"):
            """Cheap settings for sktime's test suite.

            Parameters
            ----------
            parameter_set : str, default="default"
                Unused; sktime's signature.

            Returns
            -------
            params : list of dict
                Parameters of test instances: tsforecast's NaiveForecaster
                (last value, seasonal) and, when installed, a tiny LSTM.
            """
            params = [
                {"estimator": NaiveForecaster()},
                {"estimator": NaiveForecaster(strategy="seasonal", seasonal_period=3)},
            ]
            lstm = _cheap_neural_model()
            if lstm is not None:
                params.append({"estimator": lstm})
            return params

    TsforecastForecaster.__module__ = __name__
    TsforecastForecaster.__qualname__ = "TsforecastForecaster"
    _TO_SKTIME_CLASS = TsforecastForecaster
    return TsforecastForecaster


def _series_horizon_index(estimator, ids: pd.Index, steps: np.ndarray, names: list) -> pd.MultiIndex:
    """(series, time) rows of ``steps`` after each series' own end, on its fitted time axis."""
    short = [i for i in ids if i in getattr(estimator, "short_series_", {})]
    if short:
        raise ValueError(
            f"Series {short[:5]!r} were too short to be fitted by {type(estimator).__name__} "
            f"(n_samples {[estimator.short_series_[i] for i in short[:5]]}), so they cannot be "
            "forecast: give them more history, or leave them out of y."
        )
    steps = np.asarray(steps, dtype=np.int64)
    times = [future_index(estimator._series_model(i)._time_axis, steps) for i in ids]
    stamps = times[0].append(times[1:]) if len(times) > 1 else times[0]
    return pd.MultiIndex.from_arrays([ids.repeat(len(steps)), stamps], names=names)


def _common_freq(estimator, ids: pd.Index):
    """The frequency every fitted series of a datetime panel shares, or None."""
    found = set()
    for i in ids:
        model = estimator._series_model(i)
        if getattr(model, "index_kind_", None) != "datetime":
            return None
        found.add(model.index_step_)
    return found.pop() if len(found) == 1 else None


def _cheap_neural_model():
    """A tiny neural forecaster for sktime's tests, when one is available."""
    import tsforecast

    cls = getattr(tsforecast, "LSTMForecaster", None)
    if cls is None:
        return None
    wanted = {
        "lookback": 4,
        "horizon": 2,
        "hidden_size": 4,
        "num_layers": 1,
        "dropout": 0.0,
        "max_epochs": 1,
        "batch_size": 16,
        "early_stopping": False,
        "mixed_precision": False,
        "device": "cpu",
        "random_state": 0,
        "verbose": False,
    }
    names = cls().get_params()
    return cls(**{k: v for k, v in wanted.items() if k in names})


def _sktime_tags_of(estimator) -> dict[str, Any]:
    """Tags for sktime describing a tsforecast estimator's capabilities."""
    tags = get_tags(estimator)
    multivariate = bool(tags.target_tags.multi_output)
    return {
        "capability:multivariate": multivariate,
        # pd-multiindex: sktime's panels reach the estimator whole, as tsforecast panels (one global
        # neural model, or the estimator's own per-series fits) instead of sktime's per-instance loop
        "y_inner_mtype": ["pd.Series", "pd.DataFrame", "pd-multiindex"] if multivariate else "pd.Series",
        "capability:exogenous": bool(estimator.uses_exogenous),
        "capability:missing_values": bool(tags.input_tags.allow_nan),
        "capability:update": hasattr(estimator, "update"),
        "capability:pred_int": bool(getattr(estimator, "_provides_intervals", lambda: False)()),
    }


def __getattr__(name: str):
    if name == "TsforecastForecaster":
        return _build_to_sktime_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_sktime(estimator=None):
    """Wrap a tsforecast estimator as an sktime forecaster.

    The result follows sktime's interface: ``fit(y, X=None, fh=None)``,
    ``predict(fh=None, X=None)`` and ``update(y, X=None)``, and passes sktime's
    ``check_estimator``. The horizon may be relative or absolute; it is turned
    into the future time stamps that index the X given to the estimator's
    ``predict`` (a zero-column DataFrame when the estimator was fitted without
    features). In-sample horizons raise sktime's ``NotImplementedError``.
    A panel (sktime's ``pd-multiindex``, series of different ends) reaches the
    estimator whole; as with sktime's own forecasters, a relative horizon counts
    from each series' own last time point, and an absolute one names the same
    stamps for every series.

    Capabilities become sktime tags: ``capability:multivariate`` from
    ``target_tags.multi_output`` (a univariate-only estimator gets one clone per
    column from sktime), ``capability:exogenous`` from the estimator's
    declared ``uses_exogenous`` (False for models that ignore X's values), ``capability:insample=False``,
    ``capability:missing_values=False``, ``requires-fh-in-fit=False``, and
    ``capability:pred_int`` when the estimator has intervals of its own (the
    naive family, :class:`~tsforecast.ConformalForecaster`, ...): then sktime's
    ``predict_interval(fh, X, coverage)`` and ``predict_quantiles(fh, X, alpha)``
    return the estimator's bounds in sktime's column format.

    Parameters
    ----------
    estimator : tsforecast estimator, default=None
        The forecaster to wrap; it is cloned at fit and never modified.
        ``None`` means ``tsforecast.NaiveForecaster()``.

    Returns
    -------
    forecaster : TsforecastForecaster
        An sktime ``BaseForecaster``; the fitted clone is ``forecaster.estimator_``.

    Raises
    ------
    ImportError
        When sktime is not installed (``pip install tsforecast[sktime]``).

    See Also
    --------
    from_sktime : The opposite direction, any sktime forecaster as a tsforecast one.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsforecast import NaiveForecaster
    >>> from tsforecast.sktime import to_sktime
    >>> y = pd.Series([1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
    ...               index=pd.period_range("2024-01", periods=6, freq="M"))
    >>> f = to_sktime(NaiveForecaster(strategy="seasonal", seasonal_period=3))
    >>> f.fit(y).predict(fh=[1, 2, 3, 4]).tolist()
    [1.0, 2.0, 3.0, 1.0]
    >>> f.predict_interval(fh=[1, 2], coverage=0.9).shape  # columns (name, coverage, lower/upper)
    (2, 2)
    """
    cls = _build_to_sktime_class()
    return cls(estimator=estimator)


# ================================================================================================
# from_sktime: an sktime forecaster behind tsforecast's contract
# ================================================================================================

#: Parameter values that make a component multiplicative (needs positive data).
_MULTIPLICATIVE = ("mul", "multiplicative")
#: sktime components (by class name) that need positive data.
_POSITIVE_COMPONENTS = ("BoxCoxTransformer", "LogTransformer", "BoxCoxBiasAdjustedForecaster")


def _needs_positive(forecaster) -> bool:
    """Best-effort guess whether an sktime forecaster needs positive y.

    sktime has no positive-only tag, so the parameters are read: a multiplicative
    component (``trend="mul"``, ``seasonal="mul"``, ``error="mul"``, or the
    multiplicative deseasonaliser that ``ThetaForecaster`` uses by default, unless
    its season is one step, see :func:`_identity_deseasonalizers`), or a Box-Cox / log transformation
    anywhere in the (nested) parameters.
    """
    if forecaster is None:
        return False
    if type(forecaster).__name__ in _POSITIVE_COMPONENTS:
        return True
    try:
        params = forecaster.get_params(deep=True)
    except Exception:  # noqa: BLE001 - a guess must never break tag lookup
        return False
    idle = set(_identity_deseasonalizers(params))
    for key, value in params.items():
        if type(value).__name__ in _POSITIVE_COMPONENTS:
            return True
        if isinstance(value, str) and value.lower() in _MULTIPLICATIVE:
            prefix, _, leaf = key.rpartition("__")
            switch = f"{prefix}__deseasonalize" if prefix else "deseasonalize"
            if leaf == "deseasonalize_model" and (params.get(switch) is False or switch in idle):
                continue
            return True
    return False


def _identity_deseasonalizers(params: dict) -> list[str]:
    """The ``deseasonalize=True`` switches (as ``get_params`` keys) whose season is one step.

    A multiplicative seasonal index over a period of one step is exactly 1, so
    such a deseasonaliser (``ThetaForecaster``'s default, ``sp=1``) changes
    nothing but rejects y <= 0. The wrapper fits with it switched off: the
    same forecasts, and no spurious positive-only restriction.
    """
    switches = []
    for key, value in params.items():
        prefix, _, leaf = key.rpartition("__")
        if leaf == "deseasonalize" and value is True:
            sp = params.get(f"{prefix}__sp" if prefix else "sp", 1)
            if sp is None or (isinstance(sp, numbers.Integral) and sp <= 1):
                switches.append(key)
    return switches


def _default_sktime_forecaster():
    _require_sktime()
    from sktime.forecasting.naive import NaiveForecaster as SktimeNaive

    with _Quiet():
        return SktimeNaive()


def _sktime_clone(forecaster):
    with _Quiet():
        return forecaster.clone()


class SktimeForecaster(BaseForecaster):
    """A tsforecast forecaster wrapping an sktime forecaster (see :func:`from_sktime`).

    ``fit(X, y)`` rebuilds the series as pandas on the fitted time axis (the
    original DatetimeIndex, PeriodIndex or integer index; positions for an
    irregular index) and fits a clone of ``forecaster``. When sktime needs the
    horizon at fit (tag ``requires-fh-in-fit``), fitting is deferred to
    ``predict``, which fits a fresh clone for the requested steps each time.
    ``predict(X)`` asks sktime for the relative horizon of X's steps.

    Parameters
    ----------
    forecaster : sktime forecaster, default=None
        The sktime forecaster to wrap; it is cloned at fit and never modified.
        ``None`` means sktime's ``NaiveForecaster()`` (last value); the default
        exists because scikit-learn requires one for every parameter.

    Attributes
    ----------
    forecaster_ : sktime forecaster or None
        The fitted clone; None when fitting is deferred to predict.
    requires_fh_in_fit_ : bool
        Whether sktime needs the horizon at fit (fitting deferred to predict).
    uses_X_ : bool
        Whether exogenous X is passed to sktime (the sktime forecaster uses X,
        tag ``capability:exogenous``, and X has columns).
    X_train_ : ndarray of shape (n_train_, n_features_in_)
        The observed exogenous rows (kept for deferred fits and updates).

    See :class:`~tsforecast.base.BaseForecaster` for the attributes every
    forecaster has (``n_features_in_``, ``index_kind_``, ``y_train_``, ...).

    Notes
    -----
    - Several target columns go to sktime as one DataFrame; sktime itself fits
      one clone per column when the forecaster is univariate-only.
    - ``update`` forwards the new rows to sktime's ``update`` when the forecaster
      declares ``capability:update`` (incremental where sktime implements it, a
      refit where it does not); otherwise a clone is refit on the full history.
      Either way the next forecast starts after the new rows; unlike tsforecast's
      own models, the sktime model's parameters may be re-estimated.
    - Positive-only data (``target_tags.positive_only``) is guessed from the
      parameters, since sktime has no such tag: multiplicative components,
      Box-Cox or log transformations.
    - ``predict_quantiles``/``predict_interval`` forward to sktime's
      ``predict_quantiles`` when the forecaster declares ``capability:pred_int``;
      otherwise they are refused (wrap it in :class:`~tsforecast.ConformalForecaster`).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> from sktime.forecasting.theta import ThetaForecaster
    >>> from tsforecast.sktime import SktimeForecaster
    >>> y = pd.Series(np.arange(1.0, 41.0), index=pd.date_range("2024-01-01", periods=40, freq="D"))
    >>> model = SktimeForecaster(ThetaForecaster(deseasonalize=False))
    >>> scores = cross_val_score(model, pd.DataFrame(index=y.index), y,
    ...                          cv=TimeSeriesSplit(n_splits=3, test_size=5),
    ...                          scoring="neg_mean_absolute_error")
    >>> scores.shape
    (3,)
    """

    def __init__(self, forecaster=None):
        self.forecaster = forecaster

    @property
    def uses_exogenous(self) -> bool:  # type: ignore[override]
        """Whether the wrapped sktime forecaster uses X (its tag ``capability:exogenous``)."""
        return bool(self._template().get_tag("capability:exogenous", False, raise_error=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = _needs_positive(self.forecaster)
        return tags

    def _provides_intervals(self) -> bool:
        """Whether the wrapped sktime forecaster has intervals (its tag ``capability:pred_int``)."""
        return bool(self._template().get_tag("capability:pred_int", False, raise_error=False))

    # -- helpers ------------------------------------------------------------------------------

    def _template(self):
        if self.forecaster is None:
            return _default_sktime_forecaster()
        _require_sktime()
        if getattr(self.forecaster, "get_tag", None) is None or (
            self.forecaster.get_tag("object_type", None, raise_error=False) != "forecaster"
        ):
            raise TypeError(
                f"forecaster must be an sktime forecaster, got {type(self.forecaster).__name__}. "
                "For a tsforecast or scikit-learn estimator, use it directly."
            )
        return self.forecaster

    def _history_index(self, n: int) -> pd.Index:
        """The time labels of the last ``n`` observed steps, on the fitted axis."""
        kind, last, step = self.index_kind_, self.last_index_, self.index_step_
        back = np.arange(n - 1, -1, -1, dtype=np.int64)
        if kind == "datetime":
            return pd.date_range(end=last, periods=n, freq=step)
        if kind == "period":
            return pd.PeriodIndex.from_ordinals(last.ordinal - back * step, freq=last.freq)
        if kind == "integer":
            return pd.Index(last - back * step, dtype=np.int64)
        return pd.RangeIndex(self.n_train_ - n, self.n_train_)

    def _future_index(self, horizon: int) -> pd.Index:
        """Labels of steps 1..horizon after the training end, consistent with `_history_index`."""
        kind, last, step = self.index_kind_, self.last_index_, self.index_step_
        ahead = np.arange(1, horizon + 1, dtype=np.int64)
        if kind == "datetime":
            return pd.date_range(start=last, periods=horizon + 1, freq=step)[1:]
        if kind == "period":
            return pd.PeriodIndex.from_ordinals(last.ordinal + ahead * step, freq=last.freq)
        if kind == "integer":
            return pd.Index(last + ahead * step, dtype=np.int64)
        return pd.RangeIndex(self.n_train_, self.n_train_ + horizon)

    def _y_pandas(self, y: np.ndarray, index: pd.Index):
        if y.shape[1] == 1:
            return pd.Series(y[:, 0], index=index, name="y")
        return pd.DataFrame(y, index=index, columns=[f"y{i}" for i in range(y.shape[1])])

    def _X_pandas(self, X: np.ndarray | None, index: pd.Index):
        if not self.uses_X_ or X is None:
            return None
        names = getattr(self, "feature_names_in_", None)
        columns = list(names) if names is not None else [f"x{i}" for i in range(X.shape[1])]
        return pd.DataFrame(X, index=index, columns=columns)

    def _fit_sktime(self, fh=None):
        y, X = self.y_train_, self.X_train_
        index = self._history_index(len(y))
        forecaster = _sktime_clone(self._template())
        with _Quiet():
            idle = _identity_deseasonalizers(forecaster.get_params(deep=True))
            if idle:
                forecaster.set_params(**dict.fromkeys(idle, False))
        try:
            with _Quiet():
                forecaster.fit(self._y_pandas(y, index), X=self._X_pandas(X, index), fh=fh)
        except ImportError:
            raise
        except Exception as exc:
            # sktime forecasters fail in many ways on short or unsuitable series; one
            # ValueError naming the length (sklearn's convention) tells the user why
            raise ValueError(
                f"{type(forecaster).__name__} could not be fitted on n_samples={len(y)} time "
                f"steps: {type(exc).__name__}: {exc}"
            ) from exc
        return forecaster

    # -- the forecaster hooks ---------------------------------------------------------------

    def _fit(self, y: np.ndarray, X: np.ndarray) -> None:
        template = self._template()
        self.requires_fh_in_fit_ = bool(template.get_tag("requires-fh-in-fit", True, raise_error=False))
        self.uses_X_ = self.uses_exogenous and X.shape[1] > 0
        self.X_train_ = X.copy() if self.uses_X_ else None
        self.forecaster_ = None if self.requires_fh_in_fit_ else self._fit_sktime()

    def _predict(self, steps: np.ndarray, X: np.ndarray) -> np.ndarray:
        from sktime.forecasting.base import ForecastingHorizon

        fh = ForecastingHorizon(steps, is_relative=True)
        horizon = int(steps[-1])
        X_future = None
        if self.uses_X_:
            X_future = self._X_pandas(self._exog_path(steps, X), self._future_index(horizon))
        forecaster = self.forecaster_ if self.forecaster_ is not None else self._fit_sktime(fh)
        with _Quiet():
            y_pred = forecaster.predict(fh=fh, X=X_future)
        return np.asarray(y_pred, dtype=np.float64).reshape(len(steps), -1)

    def _predict_quantiles(self, steps: np.ndarray, X: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
        if not self._provides_intervals():
            return super()._predict_quantiles(steps, X, quantiles)  # refused, naming the model
        from sktime.forecasting.base import ForecastingHorizon

        fh = ForecastingHorizon(steps, is_relative=True)
        X_future = None
        if self.uses_X_:
            X_future = self._X_pandas(self._exog_path(steps, X), self._future_index(int(steps[-1])))
        forecaster = self.forecaster_ if self.forecaster_ is not None else self._fit_sktime(fh)
        with _Quiet():
            table = forecaster.predict_quantiles(fh=fh, X=X_future, alpha=list(quantiles))
        # sktime's columns: (variable, alpha), variable-major in y's column order
        return np.asarray(table, dtype=np.float64).reshape(len(steps), self.n_targets_, len(quantiles))

    def _update(self, y: np.ndarray, X: np.ndarray) -> None:
        if self.X_train_ is not None:
            self.X_train_ = np.vstack([self.X_train_, X])
        if self.forecaster_ is None:
            return  # deferred: predict fits on the full, updated history
        if self.forecaster_.get_tag("capability:update", False, raise_error=False):
            # sktime's update with update_params=True: incremental where the forecaster
            # implements it, a refit on sktime's stored history otherwise (update_params=False
            # can leave the forecast at the old origin, e.g. ExponentialSmoothing)
            index = self._history_index(len(y))
            y_new, X_new = self._y_pandas(y, index), self._X_pandas(X, index)
            with _Quiet():
                self.forecaster_.update(y_new, X=X_new, update_params=True)
        else:
            self.forecaster_ = self._fit_sktime()


def from_sktime(forecaster=None) -> SktimeForecaster:
    """Wrap an sktime forecaster as a tsforecast forecaster.

    The result is a scikit-learn regressor with tsforecast's contract (rows are
    time steps): ``fit(X, y)``, ``predict(X)``, ``forecast(h)``, ``update``,
    so ``cross_validate(..., cv=TimeSeriesSplit(...))`` backtests it and
    ``GridSearchCV`` tunes it (parameters ``forecaster__<name>``). When sktime
    needs the horizon at fit, fitting is deferred to ``predict``. Exogenous X is
    passed on when the sktime forecaster uses it.

    Parameters
    ----------
    forecaster : sktime forecaster, default=None
        Any sktime forecaster; it is cloned at fit and never modified.
        ``None`` means sktime's ``NaiveForecaster()``.

    Returns
    -------
    estimator : SktimeForecaster
        A tsforecast forecaster (``tsforecast.BaseForecaster``). It is not listed
        by ``tsforecast.all_estimators()``.

    Raises
    ------
    ImportError
        When sktime is not installed (``pip install tsforecast[sktime]``).

    See Also
    --------
    to_sktime : The opposite direction, a tsforecast estimator as an sktime forecaster.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from tsforecast.sktime import from_sktime
    >>> y = pd.Series([1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
    ...               index=pd.date_range("2024-01-01", periods=6, freq="D"))
    >>> model = from_sktime(NaiveForecaster(strategy="last", sp=3)).fit(None, y)
    >>> model.forecast(4).tolist()
    [1.0, 2.0, 3.0, 1.0]
    """
    _require_sktime()
    return SktimeForecaster(forecaster=forecaster)
