"""Existing engines run tsforecast unchanged: a real Dask cluster (processes on loopback) through joblib.

The same backtest and the same grid search, run serially and on a ``LocalCluster`` of two worker processes,
give the same numbers: tsforecast only hands joblib independent fits, and every fit is seeded.
"""

from __future__ import annotations

import logging
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from tsforecast import ETSForecaster, LSTMForecaster, NaiveForecaster
from tsforecast.model_selection import backtest

distributed = pytest.importorskip("distributed")

_CHEAP_LSTM = dict(lookback=24, horizon=12, hidden_size=8, max_epochs=3, random_state=0)


@pytest.fixture(scope="module")
def dask_client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's notices about ports and dashboards
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _numbers(result):
    """A backtest's scores without its timings, which differ between runs."""
    return result.scores.drop(columns=[c for c in result.scores if c.endswith("_seconds")])


def test_backtest_on_a_dask_cluster_equals_the_serial_run(dask_client, hourly_ot):
    y = hourly_ot
    models = {
        "naive": NaiveForecaster(strategy="seasonal", seasonal_period=24),
        "ets": ETSForecaster(error="add", trend="add", seasonal=None),
        "lstm": LSTMForecaster(**_CHEAP_LSTM),
    }
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    serial = backtest(models, None, y, cv=cv, seasonal_period=24)
    with distributed.get_task_stream(dask_client) as tasks, joblib.parallel_config(backend="dask"):
        on_dask = backtest(models, None, y, cv=cv, seasonal_period=24, n_jobs=-1)
    assert len(tasks.data) > 0, "no task ran on the cluster's workers"
    pd.testing.assert_frame_equal(_numbers(on_dask), _numbers(serial))
    pd.testing.assert_frame_equal(on_dask.predictions, serial.predictions)


def test_grid_search_on_a_dask_cluster_equals_the_serial_run(dask_client, hourly_ot):
    y = hourly_ot
    X = pd.DataFrame(index=y.index)
    grid = {"hidden_size": [4, 8]}
    cv = TimeSeriesSplit(n_splits=2, test_size=12)
    serial = GridSearchCV(LSTMForecaster(**_CHEAP_LSTM), grid, cv=cv, scoring="neg_mean_absolute_error")
    serial.fit(X, y)
    with distributed.get_task_stream(dask_client) as tasks, joblib.parallel_config(backend="dask"):
        on_dask = GridSearchCV(
            LSTMForecaster(**_CHEAP_LSTM), grid, cv=cv, scoring="neg_mean_absolute_error", n_jobs=-1
        ).fit(X, y)
    assert len(tasks.data) > 0, "no task ran on the cluster's workers"
    assert on_dask.best_params_ == serial.best_params_
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    pd.testing.assert_series_equal(on_dask.best_estimator_.forecast(12), serial.best_estimator_.forecast(12))


def test_backtest_on_ray_equals_the_serial_run(hourly_ot):
    # Ray is a large optional install (not in the test extra): this runs where it is installed
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    y = hourly_ot
    models = {"naive": NaiveForecaster(), "ets": ETSForecaster(error="add", trend="add", seasonal=None)}
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    serial = backtest(models, None, y, cv=cv)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        register_ray()
        with joblib.parallel_config(backend="ray"):
            on_ray = backtest(models, None, y, cv=cv, n_jobs=-1)
    finally:
        ray.shutdown()
    pd.testing.assert_frame_equal(_numbers(on_ray), _numbers(serial))
