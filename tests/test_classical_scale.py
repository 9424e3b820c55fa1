"""Scale (and shift) equivariance of the classical and naive forecasters (issue 15, item 4).

Forecasts of ``c * y`` must be ``c`` times the forecasts of ``y`` for c from 1e-9 to 1e9, and
forecasts of ``y + b`` must be ``forecasts + b`` where the model's maths allows it. Every
classical model is fitted to its column standardised, so the statsmodels optimisers see the
same numbers up to rounding: ``c * y`` differs from ``y`` by one rounding per element (a
relative 1e-16), which an optimiser that stops on a gradient tolerance turns into parameters
equal to its own precision. The tolerances below are in units of the series' mean absolute
step and were measured, with about a 5x margin: closed-form models (naive, Theta) agree to
rounding (1e-8), ETS's bounded L-BFGS to 1e-4, and SARIMAX's optimiser, which stops earlier on
flat likelihoods, to 5e-2. Without standardisation, ARIMA at 1e-9 scale forecast -1.4e-6 for a
series with mean 1.1e-8, and ETS chose A,N,N at 1e-9 instead of the seasonal model it chose
at scale 1.
"""

import pickle
import warnings

import numpy as np
import pytest

from tsforecast import ARIMAForecaster, ETSForecaster, NaiveForecaster, ThetaForecaster
from tsforecast.models._classical import _is_constant

H = np.empty((8, 0))
SCALES = (1e-9, 1e-3, 1e3, 1e9)


def _series(n=80, seed=0):
    """80 points of a positive seasonal series (period 4) with a mild trend: the issue's case."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 11 + np.tile([1.0, 3.0, 2.0, 0.0], n // 4) + 0.05 * t + rng.normal(scale=0.3, size=n)


def _fit_predict(est, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning is beside the point here
        est.fit(None, y)
    return est.predict(H)


def _step(y):
    return np.abs(np.diff(y)).mean()


# (estimator, tolerance in units of the mean absolute step, shift allowed by the model)
CASES = [
    (NaiveForecaster("last"), 1e-12, True),
    (NaiveForecaster("mean"), 1e-12, True),
    (NaiveForecaster("drift"), 1e-12, True),
    (NaiveForecaster("seasonal", seasonal_period=4), 1e-12, True),
    (ThetaForecaster(), 1e-8, True),
    (ThetaForecaster(seasonal_period=4), 1e-8, False),  # multiplicative deseasonalisation
    (ThetaForecaster(seasonal_period=4, method="additive"), 1e-8, True),
    (ETSForecaster(seasonal_period=4), 1e-4, False),  # automatic: positivity decides 'mul'
    (ETSForecaster(error="add", trend="add", seasonal="add", seasonal_period=4), 1e-4, True),
    (
        ETSForecaster(error="mul", trend="add", damped_trend=True, seasonal="mul", seasonal_period=4),
        1e-4,
        False,
    ),
    (ARIMAForecaster(order=(1, 0, 1), seasonal_order=(1, 0, 0), seasonal_period=4), 5e-2, True),
    (ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), seasonal_period=4), 5e-2, True),
]


@pytest.mark.parametrize("est, tol, shift", CASES, ids=repr)
def test_forecasts_of_scaled_series_are_scaled_forecasts(est, tol, shift):
    y = _series()
    base = _fit_predict(est, y)
    spec = getattr(est, "model_specs_", None)
    for c in SCALES:
        np.testing.assert_allclose(
            _fit_predict(est, c * y) / c, base, rtol=0, atol=tol * _step(y), err_msg=f"c={c}"
        )
        assert getattr(est, "model_specs_", None) == spec, c  # the automatic choice ignores units


@pytest.mark.parametrize("est, tol, shift", [case for case in CASES if case[2]], ids=repr)
def test_forecasts_of_shifted_series_are_shifted_forecasts(est, tol, shift):
    y = _series()
    base = _fit_predict(est, y)
    for b in (-1e3, 1e6):
        # y + b itself is rounded to the spacing of floats near |b|: that much is unavoidable
        atol = tol * _step(y) + 8 * np.spacing(abs(b) + np.abs(y).max())
        np.testing.assert_allclose(_fit_predict(est, y + b) - b, base, rtol=0, atol=atol, err_msg=f"b={b}")


def test_automatic_arima_at_nano_scale_forecasts_the_series_not_zero():
    """The issue's reproduction: 80 points, seasonal_period=4, at 1e-9 scale."""
    y = _series()
    est = ARIMAForecaster(seasonal_period=4, max_models=8)
    base = _fit_predict(est, y)
    spec = est.model_specs_
    tiny = _fit_predict(est, 1e-9 * y)
    assert est.model_specs_ == spec
    np.testing.assert_allclose(tiny / 1e-9, base, rtol=0, atol=5e-2 * _step(y))
    assert np.abs(tiny - 1e-9 * y[-8:].mean()).max() < 1e-9 * 3 * y.std()


def test_automatic_ets_chooses_the_same_model_at_every_scale():
    y = _series()
    specs = {c: ETSForecaster(seasonal_period=4).fit(None, c * y).model_specs_[0] for c in (1e-9, 1.0, 1e9)}
    assert len(set(specs.values())) == 1 and specs[1.0].endswith("A)"), specs


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(error="add", trend="add", seasonal="add", seasonal_period=4),
        ARIMAForecaster(order=(1, 0, 0), seasonal_order=(1, 0, 0), seasonal_period=4),
        ThetaForecaster(seasonal_period=4),
    ],
    ids=repr,
)
def test_update_and_pickle_keep_the_scale(est):
    """New rows go through the fitted affine map; a pickled model keeps it."""
    y = _series(n=96)
    reference = est.fit(None, y[:80]).update(None, y[80:]).predict(H)
    c = 1e-9
    tiny = pickle.loads(pickle.dumps(est.fit(None, c * y[:80])))
    np.testing.assert_allclose(
        tiny.update(None, c * y[80:]).predict(H) / c, reference, rtol=0, atol=5e-2 * _step(y)
    )
    assert est.y_scale_[0] == pytest.approx(c * _step(y[:80]))


@pytest.mark.parametrize("c", [1e-15, 1.0, 1e15])
def test_constant_detection_is_relative_to_the_series_magnitude(c):
    y = _series()
    assert not _is_constant(c * y)
    assert _is_constant(np.full(10, 3.0 * c))
    model = ThetaForecaster().fit(None, c * y)
    assert model.model_specs_ != ["constant"]


def test_two_columns_at_different_scales_are_fitted_independently():
    y = _series()
    both = ETSForecaster(error="add", trend="add", seasonal="add", seasonal_period=4).fit(
        None, np.column_stack([1e-9 * y, 1e9 * y])
    )
    pred = both.predict(H)
    np.testing.assert_allclose(pred[:, 0] / 1e-9, pred[:, 1] / 1e9, rtol=0, atol=1e-4 * _step(y))
