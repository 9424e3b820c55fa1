"""Interval and quantile metrics and their scorers: exact values, validation, use in scoring=."""
# ruff: noqa: N803, N806  (scikit-learn spells the feature matrix X)

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tsforecast import NaiveForecaster
from tsforecast.metrics import (
    INTERVAL_SCORERS,
    crps_from_quantiles,
    empirical_coverage,
    get_scorer,
    interval_score,
    make_crps_scorer,
    make_interval_scorer,
    mean_interval_width,
)


def test_coverage_and_width_exact():
    y = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [9.0, 40.0]])
    lower = np.array([[0.0, 10.0], [2.5, 0.0], [0.0, 0.0], [0.0, 0.0]])
    upper = np.array([[5.0, 11.0], [5.0, 25.0], [3.0, 25.0], [5.0, 50.0]])
    assert empirical_coverage(y, lower, upper, multioutput="raw_values").tolist() == [0.5, 0.75]
    assert empirical_coverage(y, lower, upper) == 0.625
    weighted = empirical_coverage(y, lower, upper, sample_weight=[1, 0, 1, 0], multioutput="raw_values")
    assert weighted.tolist() == [1.0, 0.5]
    np.testing.assert_allclose(mean_interval_width(lower, upper, multioutput="raw_values"), [3.875, 25.25])


def test_interval_score_is_winkler_exactly():
    y = np.array([1.0, -3.0, 8.0])
    lower, upper = np.full(3, -1.0), np.full(3, 2.0)
    alpha = 0.1
    expected = np.mean([3.0, 3.0 + 2 / alpha * 2.0, 3.0 + 2 / alpha * 6.0])
    assert interval_score(y, lower, upper, coverage=0.9) == pytest.approx(expected, rel=1e-12)
    # inside everywhere: the score is the width
    assert interval_score([0.0, 1.0], [-1.0, 0.0], [1.0, 2.0], coverage=0.5) == pytest.approx(2.0)


def test_interval_score_is_smallest_at_the_true_quantiles():
    rng = np.random.default_rng(0)
    y = rng.normal(size=20000)
    widths = np.linspace(0.5, 3.0, 26)
    scores = [interval_score(y, np.full_like(y, -w), np.full_like(y, w), coverage=0.8) for w in widths]
    assert widths[int(np.argmin(scores))] == pytest.approx(norm.ppf(0.9), abs=0.1)


def test_crps_from_many_quantiles_matches_the_normal_closed_form():
    mu, sigma, y = 1.0, 2.0, np.array([0.0, 1.0, 4.5])
    levels = np.arange(1, 1000) / 1000
    q = mu + sigma * norm.ppf(levels)
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    got = crps_from_quantiles(y, np.tile(q, (3, 1)), levels, multioutput="raw_values")
    assert got[0] == pytest.approx(exact.mean(), rel=5e-3)
    for i in range(3):
        assert crps_from_quantiles(y[i : i + 1], q[None], levels) == pytest.approx(exact[i], rel=5e-3)


def test_interval_metrics_refuse_bad_input():
    with pytest.raises(ValueError, match="y_lower is above y_upper at rows \\[1\\]"):
        empirical_coverage([1.0, 2.0], [0.0, 3.0], [2.0, 2.5])
    with pytest.raises(ValueError, match="coverage must be a number strictly between 0 and 1"):
        interval_score([1.0], [0.0], [2.0], coverage=90)
    with pytest.raises(ValueError, match="different numbers of time steps"):
        empirical_coverage([1.0, 2.0, 3.0], [0.0, 0.0], [2.0, 2.0])
    with pytest.raises(ValueError, match="metric must be one of"):
        make_interval_scorer("width")
    with pytest.raises(ValueError, match="quantiles must be in increasing order"):
        make_crps_scorer([0.9, 0.1])


@pytest.fixture
def ot(hourly_ot):
    return pd.DataFrame(index=hourly_ot.index), hourly_ot


def test_scorers_in_cross_validate_equal_the_metrics_per_fold(ot):
    X, y = ot
    cv = TimeSeriesSplit(n_splits=3, test_size=24)
    scoring = {
        "interval": get_scorer("neg_interval_score"),
        "width": get_scorer("neg_mean_interval_width"),
        "coverage": get_scorer("empirical_coverage"),
        "crps": get_scorer("neg_crps"),
        "coverage80": make_interval_scorer("empirical_coverage", coverage=0.8),
    }
    result = cross_validate(NaiveForecaster(), X, y, cv=cv, scoring=scoring, return_estimator=True)
    for (_, test), model, i in zip(cv.split(X), result["estimator"], range(3), strict=True):
        lower, upper = model.predict_interval(X.iloc[test], coverage=0.9)
        truth = y.iloc[test].to_numpy()
        assert result["test_interval"][i] == pytest.approx(-interval_score(truth, lower, upper, coverage=0.9))
        assert result["test_width"][i] == pytest.approx(-mean_interval_width(lower, upper))
        assert result["test_coverage"][i] == pytest.approx(empirical_coverage(truth, lower, upper))
        levels = INTERVAL_SCORERS["neg_crps"].quantiles
        q = model.predict_quantiles(X.iloc[test], quantiles=levels)
        assert result["test_crps"][i] == pytest.approx(-crps_from_quantiles(truth, q, levels))
        lo80, up80 = model.predict_interval(X.iloc[test], coverage=0.8)
        assert result["test_coverage80"][i] == pytest.approx(empirical_coverage(truth, lo80, up80))


def test_scorers_reach_the_forecaster_through_wrappers(ot):
    X, y = ot
    train, test = slice(0, 200), slice(200, 224)
    scorer = get_scorer("neg_interval_score")
    plain = NaiveForecaster("drift").fit(X.iloc[train], y.iloc[train])
    expected = scorer(plain, X.iloc[test], y.iloc[test])
    piped = make_pipeline(StandardScaler().set_output(transform="pandas"), NaiveForecaster("drift"))
    calendar = pd.DataFrame({"hour": y.index.hour.astype(float)}, index=y.index)
    with pytest.warns(UserWarning, match="does not use the values of X"):
        piped.fit(calendar.iloc[train], y.iloc[train])
    assert scorer(piped, calendar.iloc[test], y.iloc[test]) == pytest.approx(expected)
    ttr = TransformedTargetRegressor(regressor=NaiveForecaster("drift"), transformer=StandardScaler())
    ttr.fit(X.iloc[train], y.iloc[train])
    assert scorer(ttr, X.iloc[test], y.iloc[test]) == pytest.approx(expected, rel=1e-9)
    grid = {"strategy": ["last", "drift", "mean"]}
    search = GridSearchCV(NaiveForecaster(), grid, cv=TimeSeriesSplit(3, test_size=24), scoring=scorer)
    search.fit(X.iloc[train], y.iloc[train])
    assert scorer(search, X.iloc[test], y.iloc[test]) == pytest.approx(
        scorer(search.best_estimator_, X.iloc[test], y.iloc[test])
    )
    assert pickle.loads(pickle.dumps(scorer))(plain, X.iloc[test], y.iloc[test]) == expected


def test_a_point_only_regressor_is_refused_by_the_scorer(ot):
    from sklearn.linear_model import LinearRegression

    X = np.arange(30.0).reshape(-1, 1)
    model = LinearRegression().fit(X, X[:, 0])
    with pytest.raises(TypeError, match="needs a forecaster with predict_interval.*LinearRegression"):
        get_scorer("neg_interval_score")(model, X, X[:, 0])
