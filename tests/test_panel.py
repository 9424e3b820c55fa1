"""Panels: y and X indexed by (series id, time), series of different lengths and starts."""

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from tsforecast import ARIMAForecaster, ETSForecaster, NaiveForecaster
from tsforecast._time import IrregularIndexWarning
from tsforecast.datasets import load_etth1, load_stocks_monthly
from tsforecast.panel import MixedFrequencyWarning, ShortSeriesWarning, is_panel, split_panel


def stocks_panel() -> pd.Series:
    """Monthly closes of five stocks, long format: GOOG starts years after the others."""
    wide = load_stocks_monthly()
    long = wide.stack().dropna().swaplevel().sort_index()  # GOOG has no prices before its listing
    long.index.names = ["ticker", "date"]
    return long.rename("close")


def ett_panel() -> pd.Series:
    """Three ETTh1 columns as series of different lengths and start hours (2-level index)."""
    frame = load_etth1()
    pieces = {
        "HUFL": frame["HUFL"].iloc[:300],
        "OT": frame["OT"].iloc[100:500],
        "LUFL": frame["LUFL"].iloc[250:400],
    }
    return pd.concat(pieces, names=["column", "date"]).rename("load")


def future_rows(model, h: int) -> pd.DataFrame:
    """Every fitted series' next h steps as a zero-column panel X."""
    return pd.DataFrame(index=model.forecast(h).index)


def test_stocks_panel_has_ragged_series():
    y = stocks_panel()
    lengths = y.groupby(level=0).size()
    assert is_panel(y) and lengths["GOOG"] < lengths["MSFT"]
    starts = y.reset_index().groupby("ticker")["date"].min()
    assert starts["GOOG"] > starts["MSFT"]


@pytest.mark.parametrize(
    "model",
    [
        NaiveForecaster(strategy="seasonal", seasonal_period=12),
        NaiveForecaster(strategy="drift"),
        ETSForecaster(),
    ],
)
def test_per_series_fit_equals_fitting_each_series(model):
    y = stocks_panel()
    fitted = model.fit(None, y)
    out = fitted.forecast(5)
    assert list(fitted.series_ids_) == ["AAPL", "AMZN", "GOOG", "IBM", "MSFT"]
    assert out.index.names == ["ticker", "date"] and out.name == "close"
    for ticker in fitted.series_ids_:
        alone = type(model)(**model.get_params()).fit(None, y.xs(ticker))
        expected = alone.forecast(5)
        np.testing.assert_array_equal(out.xs(ticker).to_numpy(), expected.to_numpy())
        assert out.xs(ticker).index.equals(expected.index)


def test_seasonal_naive_repeats_each_series_own_last_season():
    y = ett_panel()
    model = NaiveForecaster(strategy="seasonal", seasonal_period=24).fit(None, y)
    out = model.forecast(30)
    for name in ("HUFL", "OT", "LUFL"):
        last_day = y.xs(name).to_numpy()[-24:]
        np.testing.assert_array_equal(out.xs(name).to_numpy(), np.concatenate([last_day, last_day[:6]]))
        assert out.xs(name).index[0] == y.xs(name).index[-1] + pd.Timedelta(hours=1)


def test_predict_answers_in_x_row_order_for_any_subset_and_steps():
    y = ett_panel()
    model = NaiveForecaster(strategy="seasonal", seasonal_period=24).fit(None, y)
    full = model.forecast(10)
    # interleaved rows of two of the three series, with gaps (steps 2, 5 of OT; 1, 3, 10 of LUFL)
    keys = [("LUFL", 1), ("OT", 2), ("LUFL", 3), ("OT", 5), ("LUFL", 10)]
    index = pd.MultiIndex.from_tuples([(s, full.xs(s).index[k - 1]) for s, k in keys])
    pred = model.predict(pd.DataFrame(index=index))
    np.testing.assert_array_equal(pred, [full.xs(s).iloc[k - 1] for s, k in keys])
    framed = model.forecast(pd.DataFrame(index=index))
    assert framed.index.equals(index)
    np.testing.assert_array_equal(framed.to_numpy(), pred)


def test_quantiles_intervals_and_coverage_follow_each_series():
    y = stocks_panel()
    model = NaiveForecaster().fit(None, y)
    X = future_rows(model, 3).sort_index(level=1, sort_remaining=False)  # series interleaved by time
    q = model.predict_quantiles(X, quantiles=[0.1, 0.9])
    lower, upper = model.predict_interval(X, coverage=0.8)
    np.testing.assert_allclose(q[:, 0], lower)
    np.testing.assert_allclose(q[:, 1], upper)
    for position, (ticker, stamp) in enumerate(X.index):
        alone = NaiveForecaster().fit(None, y.xs(ticker))
        single = alone.predict_quantiles(pd.DataFrame(index=pd.DatetimeIndex([stamp])), quantiles=[0.1, 0.9])
        np.testing.assert_allclose(q[position], single[0])
    framed = model.forecast(2, coverage=0.8)
    assert list(framed.columns) == ["close", "lower_80", "upper_80"]
    assert framed.index.names == ["ticker", "date"] and len(framed) == 10


def test_exogenous_features_per_series_row():
    frame = load_etth1().iloc[:400]
    y = pd.concat({"a": frame["OT"].iloc[:300], "b": frame["OT"].iloc[150:400]}, names=["id", "date"])
    X = pd.concat(
        {"a": frame[["HUFL"]].iloc[:300], "b": frame[["MUFL"]].iloc[150:400].set_axis(["HUFL"], axis=1)},
        names=["id", "date"],
    )
    model = ARIMAForecaster(order=(1, 0, 0)).fit(X, y)
    future = pd.concat(
        {"b": frame[["MUFL"]].iloc[150:400].set_axis(["HUFL"], axis=1).iloc[:3] * 0 + 5.0},
        names=["id", "date"],
    )
    future.index = pd.MultiIndex.from_product(
        [["b"], pd.date_range(y.xs("b").index[-1], periods=4, freq="h")[1:]]
    )
    alone = ARIMAForecaster(order=(1, 0, 0)).fit(X.xs("b"), y.xs("b"))
    np.testing.assert_allclose(model.predict(future), alone.predict(future.droplevel(0)))
    assert model.n_features_in_ == 1 and list(model.feature_names_in_) == ["HUFL"]


@pytest.mark.parametrize(
    "backend",
    # loky processes import torch cold: about 30 s on two busy cores, so that case is slow-marked
    ["threading", pytest.param("loky", marks=pytest.mark.slow)],
)
def test_joblib_parallel_config_equals_serial(backend):
    y = stocks_panel()
    model = ETSForecaster(trend="add", damped_trend=True)
    serial = model.fit(None, y).forecast(6)
    with joblib.parallel_config(backend=backend, n_jobs=2):
        parallel = clone(model).fit(None, y).forecast(6)
    pd.testing.assert_series_equal(serial, parallel)


def test_panel_fit_pickles_and_refit_on_one_series_forgets_the_panel():
    y = stocks_panel()
    model = NaiveForecaster(strategy="drift").fit(None, y)
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(again.forecast(3), model.forecast(3))
    model.fit(None, y.xs("IBM"))
    assert not hasattr(model, "series_ids_") and model.forecast(2).index.nlevels == 1
    model.fit(None, y)
    assert not hasattr(model, "y_train_") and model.forecast(2).index.nlevels == 2


def test_update_moves_each_series_forward():
    y = stocks_panel()
    cut = y.index.get_level_values(1) <= pd.Timestamp("2009-06-01")
    model = NaiveForecaster().fit(None, y[cut])
    new = y[~cut & (y.index.get_level_values(0) != "IBM")]
    model.update(None, new)
    out = model.forecast(1)
    assert out.xs("AAPL").iloc[0] == y.xs("AAPL").iloc[-1]
    assert out.xs("IBM").iloc[0] == y[cut].xs("IBM").iloc[-1]


# -- errors name the series and the fix ---------------------------------------------------


def test_unseen_series_at_predict_is_named():
    model = NaiveForecaster().fit(None, stocks_panel())
    X = pd.DataFrame(
        index=pd.MultiIndex.from_tuples(
            [("AAPL", pd.Timestamp("2011-01-01")), ("NFLX", pd.Timestamp("2011-01-01"))]
        )
    )
    with pytest.raises(ValueError, match=r"Series 'NFLX' of X were not seen in fit.*Leave those rows out"):
        model.predict(X)


def test_duplicated_and_unsorted_times_within_a_series_are_named():
    y = stocks_panel()
    duplicated = pd.concat([y, y.loc[[("IBM", pd.Timestamp("2005-03-01"))]]])
    with pytest.raises(
        ValueError, match=r"Series 'IBM' of y has duplicated time stamps.*groupby\(level=\[0, 1\]\)"
    ):
        NaiveForecaster().fit(None, duplicated)
    unsorted = pd.concat([y.xs("AMZN", drop_level=False).iloc[::-1], y.xs("IBM", drop_level=False)])
    with pytest.raises(ValueError, match=r"Series 'AMZN' of y is not sorted.*sort_index\(\)"):
        NaiveForecaster().fit(None, unsorted)


def test_interleaved_rows_are_a_panel_too():
    y = stocks_panel()
    by_time = y.sort_index(level=1, sort_remaining=True)  # rows of the series interleaved
    a = NaiveForecaster(strategy="drift").fit(None, y).forecast(3)
    b = NaiveForecaster(strategy="drift").fit(None, by_time).forecast(3)
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def test_short_series_warned_and_named_and_refused_at_predict():
    y = ett_panel()
    model = NaiveForecaster(strategy="seasonal", seasonal_period=168)
    with pytest.warns(ShortSeriesWarning, match=r"1 of 3 series.*'LUFL' \(n_samples=150\)"):
        model.fit(None, y)
    assert list(model.series_ids_) == ["HUFL", "OT"] and model.short_series_ == {"LUFL": 150}
    X = pd.DataFrame(
        index=pd.MultiIndex.from_tuples([("LUFL", y.xs("LUFL").index[-1] + pd.Timedelta(hours=1))])
    )
    with pytest.raises(ValueError, match=r"Series 'LUFL' of X were too short to be fitted"):
        model.predict(X)


def test_no_series_long_enough_is_an_error():
    with pytest.raises(ValueError, match=r"No series of the panel is long enough.*'OT' has n_samples=400"):
        NaiveForecaster(strategy="seasonal", seasonal_period=500).fit(None, ett_panel())


def test_mixed_panel_and_plain_inputs_are_refused():
    y = ett_panel()
    with pytest.raises(ValueError, match="so X must be a DataFrame with the same 2-level index"):
        NaiveForecaster().fit(np.zeros((len(y), 1)), y)
    with pytest.raises(ValueError, match=r"different indexes.*X.reindex\(y.index\)"):
        NaiveForecaster().fit(pd.DataFrame({"f": 0.0}, index=y.index[::-1]), y)
    model = NaiveForecaster().fit(None, y)
    with pytest.raises(
        ValueError, match=r"fitted on a panel, so predict needs X indexed by \(series id, time\)"
    ):
        model.predict(np.zeros((3, 0)))
    single = NaiveForecaster().fit(None, y.xs("OT"))
    with pytest.raises(ValueError, match="was fitted on one series"):
        single.predict(pd.DataFrame(index=future_rows(model, 2).index))
    three_levels = y.set_axis(
        pd.MultiIndex.from_arrays([y.index.get_level_values(0)] * 2 + [y.index.get_level_values(1)])
    )
    with pytest.raises(ValueError, match="two levels, \\(series id, time\\); its index has 3 levels"):
        NaiveForecaster().fit(None, three_levels)


def test_split_panel_keeps_every_row_once():
    y = stocks_panel().sort_index(level=1, sort_remaining=True)
    parts = split_panel(y, None)
    rows = np.sort(np.concatenate([p.rows for p in parts]))
    np.testing.assert_array_equal(rows, np.arange(len(y)))
    for part in parts:
        np.testing.assert_array_equal(part.y.to_numpy(), y.to_numpy()[part.rows])


def _interleaved(y: pd.Series) -> pd.Series:
    """The panel's rows interleaved, each series keeping its own row order: every series' first
    row, then every series' second row, ..."""
    position = y.groupby(level=0).cumcount().to_numpy()
    return y.iloc[np.lexsort((y.index.codes[0], position))]


@pytest.mark.parametrize("layout", ["grouped", "interleaved", "unsorted level", "missing stamp"])
def test_disorder_names_the_first_series_out_of_order_in_any_layout(layout):
    y = stocks_panel()
    first = y.index.get_level_values(0)[0]
    rows = np.flatnonzero(y.index.get_level_values(0) == first)
    times = y.index.get_level_values(1).to_numpy().copy()
    times[rows[3]] = times[rows[1]]  # the first series repeats a stamp
    times[rows[-1]] = times[rows[0]]  # ... and ends before it starts (the duplicate is named first)
    if layout == "missing stamp":  # codes of -1 in the time level: the stamps are checked
        times = pd.DatetimeIndex(times).insert(0, pd.NaT)[:-1].to_numpy()
    bad = y.set_axis(pd.MultiIndex.from_arrays([y.index.get_level_values(0), times]))
    if layout == "interleaved":
        bad = _interleaved(bad)
    if layout == "unsorted level":  # a time level not in increasing order: the stamps are checked
        index = bad.index
        level = index.levels[1][::-1]
        codes = len(level) - 1 - index.codes[1]
        bad = bad.set_axis(pd.MultiIndex(levels=[index.levels[0], level], codes=[index.codes[0], codes]))
        assert not bad.index.levels[1].is_monotonic_increasing
    with pytest.raises(ValueError, match=rf"Series {first!r} of y has duplicated time stamps"):
        split_panel(bad, None)
    with pytest.raises(ValueError, match=rf"Series {first!r} of y has duplicated time stamps"):
        NaiveForecaster().fit(None, bad)


def test_unsorted_last_series_and_missing_stamps_are_named():
    y = stocks_panel()
    last = y.index.get_level_values(0)[-1]
    times = y.index.get_level_values(1).to_numpy().copy()
    times[-2:] = times[-2:][::-1]
    unsorted = y.set_axis(pd.MultiIndex.from_arrays([y.index.get_level_values(0), times]))
    for panel in (unsorted, _interleaved(unsorted)):
        with pytest.raises(ValueError, match=rf"Series {last!r} of y is not sorted"):
            split_panel(panel, None)
    times[-1] = np.datetime64("NaT")
    with pytest.raises(ValueError, match=rf"Series {last!r} of y is not sorted"):
        split_panel(y.set_axis(pd.MultiIndex.from_arrays([y.index.get_level_values(0), times])), None)


def test_split_panel_reads_the_panel_in_place():
    """Splitting copies no point of a grouped panel: each series is a view of the panel's values."""
    import tracemalloc

    rng = np.random.default_rng(0)
    ids = np.repeat(np.arange(500), 400)
    stamps = np.tile(pd.date_range("2020-01-01", periods=400, freq="h").to_numpy(), 500)
    y = pd.Series(rng.normal(size=len(ids)), index=pd.MultiIndex.from_arrays([ids, stamps]), name="y")
    tracemalloc.start()
    parts = split_panel(y, None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.id for p in parts] == list(range(500)) and all(len(p) == 400 for p in parts)
    assert peak < 2 * len(y) + 1000 * len(parts)  # the ids' boolean change marks, and per-series objects
    assert all(np.shares_memory(p.y_values(), y.to_numpy()) for p in parts)
    for layout in (y, _interleaved(y)):
        part = split_panel(layout, None)[7]
        pd.testing.assert_series_equal(part.y, layout.xs(7).rename_axis(None), check_freq=False)


# -- what real panels bring: mixed kinds and frequencies, short series, gaps, swapped levels ------


def _with_series(y: pd.Series, series_id, times, values=1.0) -> pd.Series:
    extra = pd.Series(values, index=pd.MultiIndex.from_product([[series_id], times]), name=y.name)
    return pd.concat([y, extra.rename_axis(y.index.names)])


def test_a_time_level_mixing_dates_and_integers_names_the_odd_series():
    y = stocks_panel()
    ibm = y.xs("IBM")
    mixed = _with_series(y.drop("IBM", level=0), "IBM", range(len(ibm)), ibm.to_numpy())
    assert mixed.index.levels[1].dtype == object
    with pytest.raises(
        ValueError,
        match=r"mixes kinds of time stamps: series 'IBM' has integer stamps \(e.g. 0\), while 4 other "
        r"series have datetime stamps.*pd.to_datetime",
    ):
        NaiveForecaster().fit(None, mixed)


@pytest.mark.filterwarnings("ignore:The DatetimeIndex has no regular frequency")  # the fit of 'NEW' alone
@pytest.mark.parametrize("n_points", [1, 2])
def test_a_series_too_short_to_show_its_frequency_takes_the_panels(n_points):
    y = stocks_panel()
    months = pd.date_range("2012-01-01", periods=n_points, freq="MS")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither an irregular index nor mixed frequencies
        model = NaiveForecaster().fit(None, _with_series(y, "NEW", months))
    future = model.forecast(2).xs("NEW").index
    expected = pd.date_range(months[-1], periods=3, freq="MS")[1:]
    assert future.equals(expected) or list(future) == list(expected)
    off_grid = pd.DatetimeIndex(["2012-01-15"])  # not a month start: named, counted by position
    with pytest.warns(IrregularIndexWarning, match=r"Series 'NEW' have too few time stamps \(1\).*'MS'"):
        NaiveForecaster().fit(None, _with_series(y, "NEW", off_grid))


def test_series_of_different_frequencies_are_named_at_fit():
    y = stocks_panel()
    daily = pd.date_range("2010-01-01", periods=90, freq="D")
    with pytest.warns(
        MixedFrequencyWarning,
        match=r"different frequencies: 'MS' for 5 series \('AAPL', .*\); 'D' for 1 series \('DAILY'\)",
    ):
        model = NaiveForecaster().fit(None, _with_series(y, "DAILY", daily))
    assert model.forecast(1).xs("DAILY").index[0] == daily[-1] + pd.Timedelta(days=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MixedFrequencyWarning)
        NaiveForecaster().fit(None, y)  # one frequency: silent


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_errors_name_the_series_and_times(bad):
    y = stocks_panel().copy()
    y.loc[("IBM", pd.Timestamp("2005-03-01"))] = bad
    kind = "NaN" if np.isnan(bad) else "inf"
    match = rf"y contains {kind} .* in series 'IBM' at times \[Timestamp\('2005-03-01.*groupby\(level=0\)"
    with pytest.raises(ValueError, match=match):
        NaiveForecaster().fit(None, y)
    clean = stocks_panel()
    cut = clean.index.get_level_values(1) <= pd.Timestamp("2005-01-01")
    model = NaiveForecaster().fit(None, clean[cut])
    new = y[~cut & (y.index.get_level_values(1) <= pd.Timestamp("2005-06-01"))]
    with pytest.raises(ValueError, match=match):
        model.update(None, new)
    X = pd.DataFrame({"f": 1.0}, index=clean.index)
    X.iloc[3] = bad
    with pytest.raises(ValueError, match=rf"X contains {kind} .* in series 'AAPL' at times"):
        ARIMAForecaster(order=(1, 0, 0)).fit(X, clean)


def test_x_with_swapped_levels_gets_a_hint_and_unsorted_rows_are_refused():
    model = NaiveForecaster().fit(None, stocks_panel())
    X = future_rows(model, 3)
    with pytest.raises(ValueError, match=r"X's index levels look swapped.*\(series id, time\).*swaplevel"):
        model.predict(X.swaplevel())
    reversed_ibm = pd.DataFrame(index=X.xs("IBM", drop_level=False).index[::-1])
    with pytest.raises(ValueError, match=r"Series 'IBM' of X is not sorted in increasing time order"):
        model.predict(reversed_ibm)
    unseen = pd.DataFrame(index=pd.MultiIndex.from_tuples([("NFLX", X.index[0][1])]))
    with pytest.raises(ValueError, match=r"Series 'NFLX' of X were not seen in fit"):
        model.predict(unseen)  # an unseen id is not mistaken for swapped levels
