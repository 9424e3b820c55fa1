"""Behaviour of the statsmodels forecasters: ETS, ARIMA, Theta (maths, errors, real data)."""

import pickle
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from tsforecast import NaiveForecaster
from tsforecast.datasets import load_etth1, load_ili, load_sp500
from tsforecast.models.statistical import ARIMAForecaster, ETSForecaster, ThetaForecaster


def _h(h):
    return np.empty((h, 0))


def _seasonal_series(n=120, m=12, level=10.0, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 3 * np.sin(2 * np.pi * t / m) + noise * rng.normal(size=n)


def _on_model_scale(model, y, j=0):
    """y on the scale its column's statsmodels model was fitted to."""
    return (y - model.y_offset_[j]) / model.y_scale_[j]


def _to_y_scale(model, z, j=0):
    return model.y_offset_[j] + model.y_scale_[j] * np.asarray(z)


def _backtest_mae(est, y, n_splits=5, test_size=24, max_train_size=720):
    cv = TimeSeriesSplit(n_splits=n_splits, test_size=test_size, max_train_size=max_train_size)
    scores = cross_validate(est, pd.DataFrame(index=y.index), y, cv=cv, scoring="neg_mean_absolute_error")
    return -scores["test_score"].mean()


# -- exact and mathematical checks -------------------------------------------------------


def test_ets_auto_picks_seasonal_model_on_clean_seasonal_series():
    y = _seasonal_series()
    model = ETSForecaster(seasonal_period=12).fit(None, y)
    assert model.model_specs_[0].endswith(("A)", "M)")), model.model_specs_
    truth = _seasonal_series(n=132, noise=0.0)[120:]
    np.testing.assert_allclose(model.predict(_h(12)), truth, atol=0.2)


def test_ets_fixed_spec_and_notation():
    y = _seasonal_series()
    model = ETSForecaster(error="mul", trend="add", damped_trend=True, seasonal="mul", seasonal_period=12)
    assert model.fit(None, y).model_specs_ == ["ETS(M,Ad,M)"]
    assert ETSForecaster(error="add", trend=None, seasonal=None).fit(None, y).model_specs_ == ["ETS(A,N,N)"]


def test_ets_auto_is_additive_on_non_positive_data():
    y = _seasonal_series(level=0.0)
    model = ETSForecaster(seasonal_period=12).fit(None, y)
    assert "M" not in model.model_specs_[0]


def test_arima_recovers_ar1_coefficient():
    rng = np.random.default_rng(1)
    e = rng.normal(size=600)
    y = np.zeros(600)
    for t in range(1, 600):
        y[t] = 0.7 * y[t - 1] + e[t]
    model = ARIMAForecaster(order=(1, 0, 0)).fit(None, y)
    assert model.models_[0].params[1] == pytest.approx(0.7, abs=0.07)
    assert model.orders_[0] == ((1, 0, 0), (0, 0, 0, 0), "c")
    auto = ARIMAForecaster().fit(None, y)
    (p, d, q), _, _ = auto.orders_[0]
    assert d == 0 and p >= 1, auto.model_specs_


def test_arima_auto_differences_a_random_walk():
    y = np.cumsum(np.random.default_rng(2).normal(size=300))
    model = ARIMAForecaster().fit(None, y)
    assert model.orders_[0][0][1] == 1, model.model_specs_


@pytest.mark.parametrize("order", [(0, 0, 0), None])
def test_arima_uses_exogenous_regressors(order):
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"x": rng.normal(size=130)}, index=pd.date_range("2024-01-01", periods=130, freq="D"))
    y = pd.Series(3 * X["x"].to_numpy() + 0.1 * rng.normal(size=130), index=X.index)
    model = ARIMAForecaster(order=order).fit(X.iloc[:100], y.iloc[:100])
    pred = model.predict(X.iloc[100:])
    assert np.abs(pred - y.iloc[100:].to_numpy()).mean() < 0.2
    naive = np.abs(y.iloc[99] - y.iloc[100:].to_numpy()).mean()
    assert naive > 1.0
    with pytest.raises(ValueError, match="features"):
        model.forecast(5)


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(),
        ETSForecaster(error="mul", trend="add", seasonal=None),
        ARIMAForecaster(),
        ARIMAForecaster(order=(1, 1, 1)),
        ThetaForecaster(),
        ThetaForecaster(seasonal_period=4),
    ],
    ids=repr,
)
def test_constant_series_forecasts_the_constant(est):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning leaks from statsmodels on a constant
        est.fit(None, np.full(40, 5.0))
    np.testing.assert_array_equal(est.predict(_h(6)), np.full(6, 5.0))
    assert est.model_specs_ == ["constant"]


@pytest.mark.parametrize(
    "est, match",
    [
        (ETSForecaster(error="mul"), "error='mul'.*strictly positive"),
        (ETSForecaster(seasonal="mul", seasonal_period=4), "seasonal='mul'.*strictly positive"),
        (ThetaForecaster(method="multiplicative", seasonal_period=4), "strictly positive"),
    ],
    ids=repr,
)
def test_multiplicative_on_non_positive_data_raises(est, match):
    y = _seasonal_series(n=40, m=4, level=0.5)
    with pytest.raises(ValueError, match=match):
        est.fit(None, y)


@pytest.mark.parametrize(
    "est, match",
    [
        (ETSForecaster(seasonal="add"), "seasonal_period >= 2"),
        (ETSForecaster(trend="mul"), "The .trend. parameter of ETSForecaster must be"),
        (ETSForecaster(seasonal_period=0), "seasonal_period"),
        # sklearn's wording, and True is not an integer (bool is an int subclass in Python)
        (ETSForecaster(seasonal_period=True), r"'seasonal_period' parameter of ETSForecaster must be an int"),
        (ThetaForecaster(seasonal_period=True), r"'seasonal_period' parameter of ThetaForecaster"),
        (ARIMAForecaster(max_models=True), r"'max_models' parameter of ARIMAForecaster must be an int"),
        (ARIMAForecaster(order=(1, True, 0)), r"'order' parameter of ARIMAForecaster must be a tuple of 3"),
        (ARIMAForecaster(n_jobs=True), r"'n_jobs' parameter of ARIMAForecaster must be an int"),
        (ThetaForecaster(theta=True), r"'theta' parameter of ThetaForecaster must be a float"),
        (ETSForecaster(damped_trend="yes"), r"'damped_trend' parameter of ETSForecaster"),
        (ARIMAForecaster(order=(1, 0)), "order"),
        (ARIMAForecaster(order=(1, 0, 0), seasonal_order=(1, 0, 0)), "seasonal_period >= 2"),
        (ARIMAForecaster(trend="x"), "trend"),
        (ThetaForecaster(theta=0.5), "theta"),
        (ThetaForecaster(method="mul"), "method"),
    ],
    ids=repr,
)
def test_invalid_parameters_raise_in_fit(est, match):
    with pytest.raises(ValueError, match=match):
        est.fit(None, np.arange(1.0, 51.0))


@pytest.mark.parametrize(
    "est, n_min",
    [
        (ETSForecaster(seasonal="add", seasonal_period=12), 24),
        (ARIMAForecaster(order=(1, 0, 0), seasonal_order=(0, 1, 0), seasonal_period=12), 15),
        (ThetaForecaster(), 3),
    ],
    ids=repr,
)
def test_too_short_series_names_n_samples(est, n_min):
    with pytest.raises(ValueError, match=f"at least {n_min} time steps.*n_samples={n_min - 1}"):
        est.fit(None, np.arange(1.0, n_min))


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(seasonal_period=12),
        ARIMAForecaster(order=(1, 0, 0)),
        ThetaForecaster(seasonal_period=12),
    ],
    ids=repr,
)
def test_two_dimensional_y_fits_one_model_per_column(est):
    y = np.column_stack([_seasonal_series(seed=4), _seasonal_series(level=20.0, seed=5)[::-1]])
    est.fit(None, y)
    assert len(est.models_) == 2 and len(est.model_specs_) == 2
    pred = est.predict(_h(7))
    assert pred.shape == (7, 2)
    single = est.__class__(**est.get_params()).fit(None, y[:, 1])
    np.testing.assert_allclose(pred[:, 1], single.predict(_h(7)))


def test_theta_reproduces_hyndman_billah_formula():
    y = np.arange(1.0, 21.0) + np.random.default_rng(6).normal(scale=0.3, size=20)
    model = ThetaForecaster(deseasonalize=False).fit(None, y)
    b0, alpha = model.models_[0].params
    z = _on_model_scale(model, y)
    level = z[0]
    for value in z:
        level = alpha * value + (1 - alpha) * level
    h = np.arange(1, 6)
    expected = level + 0.5 * b0 * (h - 1 + 1 / alpha - (1 - alpha) ** 20 / alpha)
    np.testing.assert_allclose(model.predict(_h(5)), _to_y_scale(model, expected))


# -- update: new data, same parameters -------------------------------------------------------


def test_arima_update_refilters_with_fixed_parameters():
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = _seasonal_series(n=150, m=12, noise=1.0, seed=7)
    model = ARIMAForecaster(order=(2, 0, 1), seasonal_order=(1, 0, 0), seasonal_period=12, maxiter=300)
    model.fit(None, y[:120])
    params = model.models_[0].params.copy()
    before = model.predict(_h(5))
    model.update(None, y[120:])
    np.testing.assert_array_equal(model.models_[0].params, params)
    assert model.n_train_ == 150
    z = _on_model_scale(model, y)
    ref = SARIMAX(z, order=(2, 0, 1), seasonal_order=(1, 0, 0, 12), trend="c").filter(params)
    np.testing.assert_allclose(model.predict(_h(5)), _to_y_scale(model, ref.forecast(5)))
    assert not np.allclose(model.predict(_h(5)), before)


def test_arima_fit_at_the_stationarity_boundary_falls_back_to_diffuse_start():
    y = _seasonal_series(n=150, m=12, noise=0.3, seed=7)  # deterministic season: seasonal AR -> 1
    model = ARIMAForecaster(order=(2, 0, 1), seasonal_order=(1, 0, 0), seasonal_period=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(None, y[:120])
    np.testing.assert_allclose(model.predict(_h(12)), _seasonal_series(n=132, noise=0.0)[120:], atol=1.0)
    model.update(None, y[120:])
    assert np.isfinite(model.predict(_h(3))).all()


def test_arima_update_with_exog():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(90, 1))
    y = 3 * X[:, 0] + rng.normal(scale=0.1, size=90)
    model = ARIMAForecaster(order=(1, 0, 0)).fit(X[:60], y[:60])
    model.update(X[60:80], y[60:80])
    assert model.n_train_ == 80
    assert np.abs(model.predict(X[80:]) - y[80:]).mean() < 0.3


#: The new rows given to update at once, or one at a time (as a no-refit backtest gives them).
_update_chunks = pytest.mark.parametrize("chunks", [[30], [1] * 30], ids=["one update", "30 one-row updates"])


def _update_in_chunks(model, y, start, chunks):
    """``model`` updated with ``y[start:]`` in pieces of the sizes ``chunks``."""
    for size in chunks:
        model.update(None, y[start : start + size])
        start += size
    return model


@pytest.mark.parametrize(
    "spec",
    [
        dict(error="add", trend="add", damped_trend=True, seasonal="add"),
        dict(error="mul", trend="add", damped_trend=False, seasonal="mul"),
        dict(error="add", trend=None, seasonal=None),
    ],
    ids=["A,Ad,A", "M,A,M", "A,N,N"],
)
@_update_chunks
def test_ets_update_equals_refiltering_the_whole_history(spec, chunks):
    """update steps the last states forward through the new rows only: the forecasts and bands
    equal those of statsmodels' smoothing of the whole history with the fitted parameters."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from tsforecast.models._ets_state import ETSState

    y = _seasonal_series(n=150, noise=0.3, seed=9)
    model = ETSForecaster(**spec, seasonal_period=12).fit(None, y[:120])
    fitted = model.models_[0]
    params = np.asarray(fitted.params).copy()
    state = _update_in_chunks(model, y, 120, chunks).models_[0]
    assert isinstance(state, ETSState) and state.fitted is fitted and state.nobs == 150
    np.testing.assert_array_equal(state.fitted.params, params)  # the parameters are kept
    z = _on_model_scale(model, y)
    seasonal = 12 if spec["seasonal"] else None
    ref = ETSModel(pd.Series(z), **spec, seasonal_periods=seasonal).smooth(params)
    np.testing.assert_allclose(model.predict(_h(5)), _to_y_scale(model, ref.forecast(5)), rtol=1e-10)
    # the bands keep the fit's innovation variance (statsmodels' would re-estimate it on 150 rows)
    ref._results.scale, ref._results._cache["mse"] = fitted.scale, fitted.mse
    pred = ref.get_prediction(start=150, end=154, rng=np.random.default_rng(0))
    quantiles = model.predict_quantiles(_h(5), quantiles=[0.025, 0.975])
    np.testing.assert_allclose(quantiles, _to_y_scale(model, pred.pred_int(alpha=0.05)), rtol=1e-8)


@pytest.mark.parametrize(
    "est, refused",
    [
        (
            ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=12),
            ["statsmodels.tsa.exponential_smoothing.ets.ETSModel"],
        ),
        (
            ThetaForecaster(seasonal_period=12),
            [f"statsmodels.tsa.forecasting.theta.{name}" for name in ("ThetaModel", "ThetaModelResults")],
        ),
    ],
    ids=["ETS", "Theta"],
)
def test_update_and_forecasts_build_no_statsmodels_object(est, refused, monkeypatch):
    """update and the forecasts after it step numpy states: O(new rows). No model or results
    object is built (the previous updates built them at every call, Theta's over the whole
    history), the fit's results are kept as they are, and what moves does not grow with the rows."""
    y = _seasonal_series(n=150, noise=0.3, seed=9)
    model = est.fit(None, y[:120])
    fitted = model.models_[0]

    def refuse(*args, **kwargs):
        raise AssertionError("a statsmodels model or results object was built")

    for name in refused:
        monkeypatch.setattr(f"{name}.__init__", refuse)
    sizes = set()
    for row in range(120, 150):
        model.update(None, y[row : row + 1])
        assert np.isfinite(model.predict(_h(12))).all()
        assert np.isfinite(model.predict_quantiles(_h(12), quantiles=[0.1, 0.9])).all()
        state = model.models_[0]
        assert state.fitted is fitted and state.nobs == row + 1
        sizes.add(len(pickle.dumps(replace(state, fitted=None))))
    assert len(sizes) == 1  # the moving part holds no array of the rows seen
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(_h(12)), model.predict(_h(12)))


def test_ets_parameter_covariance_is_statsmodels_own_computed_when_read():
    """The fit's results defer statsmodels' numerical Hessian to the first read of the covariance."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = _seasonal_series(n=120, noise=0.3, seed=3)
    model = ETSForecaster(error="add", trend="add", damped_trend=False, seasonal="add", seasonal_period=12)
    res = model.fit(None, y).models_[0]
    assert res._results._lazy_cov is None  # not computed by fit
    ref = ETSModel(
        pd.Series(_on_model_scale(model, y)), error="add", trend="add", seasonal="add", seasonal_periods=12
    ).smooth(res.params)
    np.testing.assert_allclose(res.cov_params(), ref.cov_params(), rtol=1e-8)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-8, equal_nan=True)
    assert "smoothing_level" in str(res.summary())


@pytest.mark.parametrize(
    "params, spec",
    [
        (dict(seasonal_period=12), "Theta(mul seasonal, m=12)"),
        (dict(seasonal_period=12, method="additive"), "Theta(add seasonal, m=12)"),
        (dict(seasonal_period=12, theta=3.5), "Theta(mul seasonal, m=12)"),
        (dict(deseasonalize=False), "Theta(non-seasonal)"),
    ],
    ids=["mul", "add", "mul, theta=3.5", "non-seasonal"],
)
@_update_chunks
def test_theta_update_equals_statsmodels_over_the_whole_history(params, spec, chunks):
    """update runs the SES level over the new rows only: the forecasts and bands equal those of
    statsmodels' results over the whole history with the fitted parameters and variance (what
    the previous update built at every call)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel, ThetaModelResults

    from tsforecast.models._theta_state import ThetaState

    y = _seasonal_series(n=145, noise=0.3, seed=9)
    model = ThetaForecaster(**params).fit(None, y[:115])  # 115 rows: the season's phase is not 0
    assert model.model_specs_ == [spec]
    fitted = model.models_[0]
    b0, alpha = fitted.params
    state = _update_in_chunks(model, y, 115, chunks).models_[0]
    assert isinstance(state, ThetaState) and state.fitted is fitted and state.nobs == 145
    z = _on_model_scale(model, y)
    seasonal, sm = fitted._seasonal, fitted.model
    mul = sm.method.startswith("mul")
    x = z
    if seasonal.shape[0]:
        index = seasonal[np.arange(len(z)) % sm.period]
        x = z / index if mul else z - index
    level = x[0]  # statsmodels' SES starts from the first value
    for value in x:
        level = alpha * value + (1 - alpha) * level
    whole = ThetaModel(z, period=sm.period, deseasonalize=sm.deseasonalize, use_test=False, method=sm.method)
    ref = ThetaModelResults(b0, alpha, fitted.sigma2, np.array([level]), seasonal, False, whole)
    theta = model.theta
    np.testing.assert_allclose(model.predict(_h(13)), _to_y_scale(model, ref.forecast(13, theta)), rtol=1e-10)
    band = ref.prediction_intervals(13, theta, alpha=0.05).to_numpy()
    quantiles = model.predict_quantiles(_h(13), quantiles=[0.025, 0.975])
    np.testing.assert_allclose(quantiles, _to_y_scale(model, band), rtol=1e-10)


def test_theta_update_keeps_seasonal_indices():
    y = _seasonal_series(n=96, noise=0.1, seed=11)
    model = ThetaForecaster(seasonal_period=12).fit(None, y[:84])
    seasonal = model.models_[0]._seasonal.copy()
    model.update(None, y[84:])
    np.testing.assert_array_equal(model.models_[0].fitted._seasonal, seasonal)
    truth = _seasonal_series(n=108, noise=0.0)[96:]
    np.testing.assert_allclose(model.predict(_h(12)), truth, atol=0.5)


# -- determinism, pickling, warnings -----------------------------------------------------------


@pytest.mark.parametrize(
    "est",
    [ETSForecaster(seasonal_period=12), ARIMAForecaster(), ThetaForecaster(seasonal_period=12)],
    ids=repr,
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_deterministic_and_picklable(est):
    y = _seasonal_series(noise=0.5, seed=12)
    first = est.fit(None, y).predict(_h(8))
    again = est.__class__(**est.get_params()).fit(None, y).predict(_h(8))
    np.testing.assert_array_equal(first, again)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(_h(8)), first)


def test_non_convergence_gives_one_clear_warning():
    y = np.cumsum(np.random.default_rng(13).normal(size=200))
    with pytest.warns(ConvergenceWarning, match="did not converge for column"):
        ARIMAForecaster(order=(3, 0, 3), maxiter=2).fit(None, y)


# -- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def etth1_ot():
    return load_etth1()["OT"].iloc[:1500]


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=24),
        ThetaForecaster(seasonal_period=24),
    ],
    ids=repr,
)
def test_seasonal_models_beat_random_walk_on_etth1(est, etth1_ot):
    naive = _backtest_mae(NaiveForecaster("last"), etth1_ot)
    mae = _backtest_mae(est, etth1_ot)
    assert mae < 0.8 * naive, (mae, naive)


@pytest.mark.slow
@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(seasonal_period=24),
        ARIMAForecaster(order=(2, 0, 1), seasonal_order=(0, 1, 1), seasonal_period=24),
        ARIMAForecaster(seasonal_period=24),
    ],
    ids=repr,
)
def test_slow_seasonal_models_beat_random_walk_on_etth1(est, etth1_ot):
    naive = _backtest_mae(NaiveForecaster("last"), etth1_ot)
    mae = _backtest_mae(est, etth1_ot)
    assert mae < naive, (mae, naive)


def test_theta_beats_random_walk_on_ili_weekly():
    # half a year ahead on the weighted ILI percentage (the yearly flu season); on the raw
    # count column "OT", whose scale follows the growing number of providers, it does not hold
    y = load_ili()["% WEIGHTED ILI"]
    kwargs = dict(n_splits=6, test_size=26, max_train_size=None)
    naive = _backtest_mae(NaiveForecaster("last"), y, **kwargs)
    mae = _backtest_mae(ThetaForecaster(seasonal_period=52), y, **kwargs)
    assert mae < 0.8 * naive, (mae, naive)


@pytest.mark.parametrize(
    "est",
    [ETSForecaster(), ARIMAForecaster(order=(0, 1, 1)), ThetaForecaster()],
    ids=repr,
)
def test_models_run_on_sp500_without_regular_frequency(est):
    y = load_sp500()["close"].iloc[-600:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the base warns once that steps are counted by position
        naive = _backtest_mae(NaiveForecaster("last"), y, n_splits=4, test_size=20, max_train_size=500)
        mae = _backtest_mae(est, y, n_splits=4, test_size=20, max_train_size=500)
        forecast = est.fit(None, y).forecast(10)
    assert np.isfinite(forecast.to_numpy()).all() and len(forecast) == 10
    assert mae < 2 * naive, (mae, naive)


@pytest.mark.parametrize(
    "est, flat",
    [
        (ETSForecaster(trend=None, seasonal=None), True),
        (ETSForecaster(trend=None), True),
        (ETSForecaster(), False),
        (ARIMAForecaster(order=(0, 1, 0)), True),
        (ARIMAForecaster(order=(0, 0, 0)), True),
        (ARIMAForecaster(order=(1, 0, 0)), False),
        (ARIMAForecaster(order=(0, 1, 0), trend="c"), False),
        (ThetaForecaster(), False),
    ],
    ids=repr,
)
def test_flat_forecast_flag_matches_forecasts(est, flat):
    # the flag tells the common tests which estimators pass sklearn's row-order checks
    assert est._has_flat_forecast() is flat
    if flat:
        pred = est.fit(None, np.cumsum(np.random.default_rng(14).normal(size=80)) + 50).predict(_h(5))
        np.testing.assert_allclose(pred, pred[0], rtol=1e-12)


@pytest.mark.parametrize(
    "estimator, needed",
    [
        (ETSForecaster(seasonal_period=12), 24),
        (ThetaForecaster(seasonal_period=12), 24),
        (ARIMAForecaster(seasonal_period=12, max_models=4), 27),
    ],
    ids=["ETS", "Theta", "ARIMA"],
)
def test_a_season_too_long_for_the_series_is_left_out_with_a_warning(estimator, needed):
    """The automatic models drop a season they cannot estimate, as documented, and say so."""
    y = _seasonal_series(n=60)
    with pytest.warns(
        UserWarning, match=rf"seasonal_period=12.*only {needed - 1} time steps.*{needed} needed"
    ):
        estimator.fit(None, y[: needed - 1])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "seasonal_period=12", UserWarning)
        estimator.fit(None, y[:needed])


def test_automatic_arima_passes_over_candidates_with_absurd_forecasts(monkeypatch):
    """Degenerate fits (AR and MA roots cancelling on the unit circle) can forecast absurd values
    with a fine likelihood: car sales with every tenth month zeroed got ARIMA(2,1,3) forecasting
    6e7 for data below 2.5e4. A candidate whose forecasts leave the data's range by more than five
    spans within two seasons is passed over for the next best; with none plausible, the best
    finite one is kept (never worse than before)."""
    from tsforecast.models import arima

    y = np.cumsum(np.random.default_rng(0).normal(size=200)) + 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, best, _, _ = arima.search_arima(y, None, 1)
    refilter = arima._refilter

    class Exploding:  # the best candidate, with the forecasts of a degenerate fit
        def __init__(self, res):
            self.res = res

        def forecast(self, steps, exog=None):
            return self.res.forecast(steps) + 1e6 * np.arange(1, steps + 1)

    def degenerate(col, exog, key, estimated, diffuse=False):
        res = refilter(col, exog, key, estimated, diffuse)
        return Exploding(res) if key == best else res

    monkeypatch.setattr(arima, "_refilter", degenerate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res, key, _, errors = arima.search_arima(y, None, 1)
    assert key != best and not isinstance(res, Exploding)
    assert any("spans of the data" in e for e in errors)
    monkeypatch.setattr(arima, "_refilter", lambda *a, **k: Exploding(refilter(*a, **k)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res, key, _, _ = arima.search_arima(y, None, 1)
    assert key == best and isinstance(res, Exploding)  # none plausible: the best finite one


def test_ets_update_warns_when_a_multiplicative_model_gets_non_positive_rows():
    y = 10.0 + np.tile([1.0, 3.0, 2.0, 0.5], 12)
    model = ETSForecaster(error="mul", trend=None, seasonal="mul", seasonal_period=4).fit(None, y)
    with pytest.warns(UserWarning, match=r"multiplicative model \(ETS\(M,N,M\)\).*reach -5"):
        model.update(None, np.array([11.0, -5.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ETSForecaster(error="mul", trend=None, seasonal="mul", seasonal_period=4).fit(None, y).update(
            None, np.array([11.0, 13.0])
        )
