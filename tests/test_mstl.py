"""Long and multiple seasons: MSTLForecaster, list-valued seasonal_period, seasons ETS/ARIMA leave out."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from tsforecast import ARIMAForecaster, ETSForecaster, MSTLForecaster, NaiveForecaster, ThetaForecaster
from tsforecast.datasets import load_etth1, load_seattle_weather
from tsforecast.model_selection import SlidingWindowSplitter, backtest


def _h(h):
    return np.empty((h, 0))


def _two_seasons(n, noise=0.0, seed=0):
    """Hourly-like: a daily sine (24) and a weekly block (168) on a slow trend."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 10 + 0.001 * t + np.sin(2 * np.pi * t / 24) + 2.0 * (t % 168 < 24) + noise * rng.normal(size=n)


def test_mstl_recovers_two_deterministic_seasons():
    y = _two_seasons(24 * 7 * 6 + 48)
    model = MSTLForecaster(seasonal_period=[24, 168]).fit(None, y[:-48])
    assert model.model_specs_[0].startswith("MSTL[24, 168] + ETS(")
    # STL smooths the weekly block's edges a little: 0.2 on a pattern of amplitude 3
    np.testing.assert_allclose(model.predict(_h(48)), y[-48:], atol=0.2)
    state = model.models_[0]
    assert state.periods == [24, 168] and [len(c) for c in state.cycles] == [24, 168]


def test_mstl_seasons_repeat_their_last_cycle():
    """Step h and h + 168 share every season's value: the difference is the remainder's alone."""
    y = _two_seasons(24 * 7 * 5, noise=0.1)
    model = MSTLForecaster(seasonal_period=[24, 168]).fit(None, y)
    state = model.models_[0]
    season = state.season(400)
    np.testing.assert_array_equal(season[:168], season[168:336])
    inner = state.inner
    level = inner.offset + inner.scale * np.asarray(model._inner()._forecast_one(inner.result, 400, None))
    np.testing.assert_allclose(model.predict(_h(400)), level + season, rtol=1e-12)


@pytest.mark.parametrize("trend_model", ["ets", "arima"])
def test_mstl_update_moves_the_cycles_on_and_pickles(trend_model):
    y = _two_seasons(24 * 7 * 2 + 100, noise=0.05)
    model = MSTLForecaster(seasonal_period=[24, 168], trend_model=trend_model).fit(None, y[:-100])
    model.update(None, y[-100:-50])
    np.testing.assert_allclose(model.predict(_h(50)), y[-50:], atol=0.3)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(_h(50)), model.predict(_h(50)))


def test_mstl_quantiles_are_the_remainder_band_shifted_by_the_seasons():
    y = _two_seasons(24 * 7 * 5, noise=0.2)
    model = MSTLForecaster(seasonal_period=[24, 168]).fit(None, y)
    q = model.predict_quantiles(_h(30), quantiles=(0.1, 0.5, 0.9))
    assert q.shape == (30, 3) and (np.diff(q, axis=-1) > 0).all()
    state = model.models_[0]
    inner = ETSForecaster(seasonal=None)
    z = inner._quantiles_one(state.inner.result, 30, None, np.array([0.1, 0.9]))
    band = state.inner.offset + state.inner.scale * z + state.season(30)[:, None]
    np.testing.assert_allclose(q[:, [0, 2]], band, rtol=1e-12)


def test_mstl_leaves_out_seasons_without_two_cycles():
    y = _two_seasons(300)
    with pytest.warns(UserWarning, match=r"season\(s\) \[168\] have at most two full cycles"):
        model = MSTLForecaster(seasonal_period=[24, 168]).fit(None, y)
    assert model.models_[0].periods == [24]


def test_mstl_is_scale_equivariant():
    y = _two_seasons(24 * 7 * 4, noise=0.1)
    base = MSTLForecaster(seasonal_period=[24, 168]).fit(None, y).predict(_h(24))
    for c in (1e-9, 1e9):
        scaled = MSTLForecaster(seasonal_period=[24, 168]).fit(None, c * y).predict(_h(24))
        np.testing.assert_allclose(scaled / c, base, rtol=0, atol=1e-4 * np.abs(np.diff(y)).mean())


# -- seasons that ETS and ARIMA cannot fit in reasonable time ------------------------------------


@pytest.fixture(scope="module")
def seattle_temp():
    return load_seattle_weather()["temp_max"]


@pytest.mark.parametrize(
    "est",
    [
        ETSForecaster(seasonal_period=365),
        ARIMAForecaster(order=(1, 0, 0), seasonal_order=(1, 0, 0), seasonal_period=365),
    ],
    ids=["ETS", "ARIMA"],
)
def test_a_season_too_long_is_left_out_with_a_warning_naming_mstl(est, seattle_temp):
    with pytest.warns(
        UserWarning, match=r"season\(s\) \[365\] are left out.*MSTLForecaster\(seasonal_period=365\)"
    ):
        est.fit(None, seattle_temp)
    assert "[365]" not in est.model_specs_[0] and not est.model_specs_[0].endswith(",A)")
    assert np.isfinite(est.predict(_h(10))).all()


@pytest.mark.parametrize(
    "est, spec_end",
    [
        (ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=[24, 168]), "A)"),
        (ThetaForecaster(seasonal_period=[7, 365.25]), "m=7)"),
    ],
    ids=["ETS", "Theta"],
)
def test_a_list_of_seasons_keeps_the_one_the_model_fits(est, spec_end):
    y = _two_seasons(24 * 7 * 3)
    with pytest.warns(UserWarning, match="MSTLForecaster"):
        est.fit(None, y)
    assert est.model_specs_[0].endswith(spec_end), est.model_specs_


def test_fixed_seasonal_component_is_dropped_with_its_season():
    y = _two_seasons(400)
    model = ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=168)
    with pytest.warns(UserWarning, match="without a season"):
        model.fit(None, y)
    assert model.model_specs_ == ["ETS(A,N,N)"]


def _backtest_mae(est, y, n_splits, test_size):
    cv = TimeSeriesSplit(n_splits=n_splits, test_size=test_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_validate(est, pd.DataFrame(index=y.index), y, cv=cv, scoring="neg_mean_absolute_error")
    return -scores["test_score"].mean()


def test_mstl_beats_seasonal_naive_and_weekly_ets_on_daily_temperatures(seattle_temp):
    """Seattle daily maximum temperature (2012-2015): weekly and yearly seasons, 6 origins x 28 days."""
    kwargs = dict(n_splits=6, test_size=28)
    mstl = _backtest_mae(MSTLForecaster(seasonal_period=[7, 365.25]), seattle_temp, **kwargs)
    naive = _backtest_mae(NaiveForecaster("seasonal", seasonal_period=7), seattle_temp, **kwargs)
    ets = _backtest_mae(
        ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=7), seattle_temp, **kwargs
    )
    assert mstl < naive and mstl < ets, (mstl, naive, ets)


@pytest.fixture(scope="module")
def etth2_ot():
    from tsforecast.datasets import load_etth2

    return load_etth2()["OT"].astype(float)


@pytest.mark.slow
@pytest.mark.parametrize("series, ets_margin", [("ETTh1", 1.05), ("ETTh2", 1.0)])
def test_mstl_with_a_year_of_hourly_history_beats_seasonal_naive_and_ties_or_beats_daily_ets(
    series, ets_margin, etth2_ot
):
    """OT, 20 origins a week apart, a year (8760 h) of history each, 24 hours ahead.

    The protocol and cutoffs of benchmarks/mstl_accuracy.py (log: ETTh1 MSTL 0.850, seasonal
    naive 0.953, ETS(A,N,A) 0.858; ETTh2 0.981, 1.139, 1.116). Against ETS(A,N,A) ETTh1 is a
    tie that turns with the origins (over 40 origins: 0.778 against 0.757), so it is held to
    within 5%; ETTh2's win holds over 40 origins (0.930 against 1.011). About two minutes each.
    """
    y = load_etth1()["OT"].astype(float) if series == "ETTh1" else etth2_ot
    window, step, origins = 8760, 168, 20
    # the benchmark's cutoffs: its 168-hour test blocks end at the series' end
    y = y.iloc[len(y) - (window + (origins - 1) * step + 168) : len(y) - 144]
    models = {
        "mstl": MSTLForecaster(seasonal_period=[24, 168]),
        "naive": NaiveForecaster("seasonal", seasonal_period=24),
        "ets": ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=24),
    }
    cv = SlidingWindowSplitter(window=window, horizon=24, step=step)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = backtest(models, None, y, cv=cv, scoring=["mase"], seasonal_period=24)
    summary = result.summary()
    mase = summary["mase"]
    assert summary["n_folds"].eq(origins).all()
    assert mase["mstl"] < mase["naive"] and mase["mstl"] < ets_margin * mase["ets"], mase.to_dict()
