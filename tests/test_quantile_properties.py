"""Property: quantiles never cross, over random series, models and quantile sets (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsforecast import ConformalForecaster, ETSForecaster, NaiveForecaster

MODELS = {
    "naive last": lambda: NaiveForecaster(),
    "naive mean": lambda: NaiveForecaster("mean"),
    "naive drift": lambda: NaiveForecaster("drift"),
    "seasonal naive": lambda: NaiveForecaster("seasonal", seasonal_period=4),
    "ETS(A,N,N)": lambda: ETSForecaster(error="add", trend=None, seasonal=None),
    "conformal split": lambda: ConformalForecaster(NaiveForecaster("drift"), horizon=6, n_windows=15),
    "conformal adaptive": lambda: ConformalForecaster(
        NaiveForecaster(), horizon=6, n_windows=15, method="adaptive", learning_rate=0.2
    ),
}

levels = st.lists(
    st.floats(min_value=1e-4, max_value=1 - 1e-4, allow_nan=False), min_size=1, max_size=9, unique=True
).map(sorted)
series = st.lists(
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False), min_size=30, max_size=80
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=series,
    name=st.sampled_from(sorted(MODELS)),
    quantiles=levels,
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
    new_rows=st.integers(min_value=0, max_value=8),
)
def test_quantiles_never_cross(values, name, quantiles, scale, new_rows):
    y = np.asarray(values) * scale
    fit_part, later = y[: len(y) - new_rows], y[len(y) - new_rows :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # too few calibration errors, statsmodels convergence
        try:
            model = MODELS[name]().fit(None, fit_part)
        except ValueError as exc:  # a degenerate random series some model refuses, by name
            assert "n_samples" in str(exc) or "non-finite" in str(exc)
            return
        if len(later):
            model.update(None, later)
        q = model.predict_quantiles(np.empty((6, 0)), quantiles=quantiles)
        lower, upper = model.predict_interval(np.empty((6, 0)), coverage=[0.5, 0.8, 0.95])
    assert q.shape == (6, len(quantiles))
    assert np.isfinite(q).all()
    assert (np.diff(q, axis=-1) >= 0).all()
    assert (np.diff(lower, axis=-1) <= 0).all() and (np.diff(upper, axis=-1) >= 0).all()
    assert (lower <= upper).all()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_of_the_property_has_intervals(name):
    assert MODELS[name]()._provides_intervals()
