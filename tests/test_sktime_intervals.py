"""Intervals across the sktime adapters: to_sktime exposes them, from_sktime forwards them."""

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sktime")

from sktime.forecasting.naive import NaiveForecaster as SktimeNaive  # noqa: E402
from sktime.forecasting.trend import TrendForecaster  # noqa: E402

from tsforecast import ConformalForecaster, NaiveForecaster  # noqa: E402
from tsforecast.base import BaseForecaster  # noqa: E402
from tsforecast.sktime import _sktime_tags_of, from_sktime, to_sktime  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore:.*remember_data.*:FutureWarning")]


class _PointOnly(BaseForecaster):
    def _fit(self, y, X):
        pass

    def _predict(self, steps, X):
        return np.zeros((len(steps), self.n_targets_))


def _sk(cls, **params):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*remember_data.*", category=FutureWarning)
        return cls(**params)


@pytest.fixture
def hourly_300(etth1):
    return etth1["OT"].iloc[:300].asfreq("h")


def test_pred_int_tag_follows_the_estimator():
    assert _sktime_tags_of(NaiveForecaster())["capability:pred_int"] is True
    assert _sktime_tags_of(ConformalForecaster())["capability:pred_int"] is True
    assert _sktime_tags_of(_PointOnly())["capability:pred_int"] is False
    assert to_sktime(NaiveForecaster("drift")).get_tag("capability:pred_int") is True


def test_to_sktime_intervals_and_quantiles_are_the_estimators(hourly_300):
    model = NaiveForecaster("drift")
    wrapped = to_sktime(model).fit(hourly_300)
    direct = NaiveForecaster("drift").fit(None, hourly_300)
    future = pd.DataFrame(index=pd.date_range(hourly_300.index[-1], periods=7, freq="h")[1:])
    table = wrapped.predict_interval(fh=np.arange(1, 7), coverage=[0.8, 0.95])
    assert list(table.columns) == [("OT", c, side) for c in (0.8, 0.95) for side in ("lower", "upper")]
    lower, upper = direct.predict_interval(future, coverage=[0.8, 0.95])
    np.testing.assert_allclose(table[("OT", 0.8, "lower")], lower[:, 0])
    np.testing.assert_allclose(table[("OT", 0.95, "upper")], upper[:, 1])
    quantiles = wrapped.predict_quantiles(fh=np.arange(1, 7), alpha=[0.9, 0.1])  # any order
    assert list(quantiles.columns) == [("OT", 0.9), ("OT", 0.1)]
    np.testing.assert_allclose(
        quantiles.to_numpy(), direct.predict_quantiles(future, [0.9, 0.1][::-1])[:, ::-1]
    )


def test_to_sktime_intervals_for_several_series(hourly_panel):
    y = hourly_panel.asfreq("h")
    table = to_sktime(NaiveForecaster()).fit(y).predict_interval(fh=[1, 2], coverage=0.9)
    assert list(table.columns) == [
        ("OT", 0.9, "lower"),
        ("OT", 0.9, "upper"),
        ("HUFL", 0.9, "lower"),
        ("HUFL", 0.9, "upper"),
    ]
    direct = NaiveForecaster().fit(None, y)
    lower, upper = direct.predict_interval(np.empty((2, 0)), coverage=0.9)
    np.testing.assert_allclose(table[("HUFL", 0.9, "upper")], upper[:, 1])


def test_from_sktime_forwards_intervals_of_forecasters_that_have_them(hourly_300):
    sk = _sk(SktimeNaive, strategy="last")
    model = from_sktime(sk).fit(None, hourly_300)
    assert model._provides_intervals()
    future = pd.DataFrame(index=pd.date_range(hourly_300.index[-1], periods=5, freq="h")[1:])
    q = model.predict_quantiles(future, quantiles=[0.05, 0.5, 0.95])
    reference = (
        _sk(SktimeNaive, strategy="last")
        .fit(hourly_300)
        .predict_quantiles(fh=[1, 2, 3, 4], alpha=[0.05, 0.5, 0.95])
    )
    np.testing.assert_allclose(q, reference.to_numpy(), rtol=1e-9)
    lower, upper = model.predict_interval(future, coverage=0.9)
    np.testing.assert_allclose(lower, q[:, 0], rtol=1e-9)
    np.testing.assert_allclose(upper, q[:, 2], rtol=1e-9)


def test_from_sktime_refuses_intervals_a_forecaster_lacks(hourly_300):
    model = from_sktime(_sk(TrendForecaster)).fit(None, hourly_300)
    assert not model._provides_intervals()
    with pytest.raises(
        NotImplementedError, match="SktimeForecaster has no predictive distribution.*Conformal"
    ):
        model.predict_interval(np.empty((3, 0)))
    calibrated = ConformalForecaster(from_sktime(_sk(TrendForecaster)), horizon=3, n_windows=40, refit=True)
    lower, upper = calibrated.fit(None, hourly_300.iloc[:150]).predict_interval(
        np.empty((3, 0)), coverage=0.8
    )
    assert (lower < upper).all()
