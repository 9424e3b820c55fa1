"""Real data sets shipped with tsforecast, as DataFrames indexed by time.

Every file under ``tsforecast/datasets/data`` is a verbatim, gzip-compressed copy
of a public file; its source and licence are in the loader's docstring and in
``tsforecast/datasets/data/NOTICE.txt``. The exchange-rate panel used in
benchmarks is not shipped (its licence is not stated): benchmarks read it from
``--data-dir``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "load_etth1",
    "load_etth2",
    "load_ili",
    "load_weather_hourly",
    "load_seattle_weather",
    "load_sp500",
    "load_stocks_monthly",
]


def _read(filename: str, date_format: str | None = None, **kwargs) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", filename).open("rb") as fh:
        frame = pd.read_csv(fh, compression="gzip", **kwargs)
    frame["date"] = pd.to_datetime(frame["date"], format=date_format)
    return frame.set_index("date")


def load_etth1() -> pd.DataFrame:
    """Electricity Transformer Temperature, station 1, hourly (ETTh1).

    17420 hourly rows from 2016-07-01 00:00 to 2018-06-26 19:00; columns HUFL,
    HULL, MUFL, MULL, LUFL, LULL (loads) and OT (oil temperature, the usual
    target). The long-horizon benchmark protocol uses the first 14400 rows.

    Source: zhouhaoyi/ETDataset (ETT-small/ETTh1.csv), Zhou et al., "Informer",
    AAAI 2021. Licence: CC BY-ND 4.0 (shipped verbatim, with attribution).

    Returns
    -------
    frame : DataFrame
        Indexed by a DatetimeIndex named ``date``.

    Examples
    --------
    >>> from tsforecast.datasets import load_etth1
    >>> load_etth1()["OT"].shape
    (17420,)
    """
    return _read("ETTh1.csv.gz")


def load_etth2() -> pd.DataFrame:
    """Electricity Transformer Temperature, station 2, hourly (ETTh2).

    Same layout and period as :func:`load_etth1`. Source: zhouhaoyi/ETDataset.
    Licence: CC BY-ND 4.0 (shipped verbatim, with attribution).

    Returns
    -------
    frame : DataFrame
        Indexed by a DatetimeIndex named ``date``.
    """
    return _read("ETTh2.csv.gz")


def load_ili() -> pd.DataFrame:
    """US influenza-like illness, weekly, 2002-01-01 to 2020-06-30 (966 rows).

    Columns % WEIGHTED ILI, %UNWEIGHTED ILI, AGE 0-4, AGE 5-24, ILITOTAL,
    NUM. OF PROVIDERS, OT (the usual target). Source: US CDC ILINet, in the
    Time-Series-Library layout (national_illness.csv). Licence: US Government
    data.

    Returns
    -------
    frame : DataFrame
        Indexed by a weekly DatetimeIndex named ``date``.

    Examples
    --------
    >>> from tsforecast.datasets import load_ili
    >>> len(load_ili())
    966
    """
    return _read("national_illness.csv.gz")


def load_weather_hourly() -> pd.DataFrame:
    """Hourly NOAA local climatological data for one US station, 2010-2013.

    35064 rows, 12 columns (visibility, dry/wet bulb and dew point temperatures,
    humidity, wind, pressure), as used by the Informer paper (WTH.csv).
    Source: NOAA Local Climatological Data. Licence: US Government data,
    public domain.

    Returns
    -------
    frame : DataFrame
        Indexed by an hourly DatetimeIndex named ``date``.
    """
    return _read("WTH.csv.gz", date_format="%m/%d/%Y %H:%M")


def load_seattle_weather() -> pd.DataFrame:
    """Daily Seattle weather, 2012-01-01 to 2015-12-31 (1461 rows).

    Columns precipitation, temp_max, temp_min, wind and weather (a text label).
    Source: NOAA NCDC, via vega-datasets. Licence: US Government data.

    Returns
    -------
    frame : DataFrame
        Indexed by a daily DatetimeIndex named ``date``.
    """
    return _read("seattle-weather.csv.gz")


def load_sp500() -> pd.DataFrame:
    """S&P 500 index, daily on trading days, 2000-01-03 to 2020-04-17 (5105 rows).

    Columns open, high, low, close, adjclose, volume. Weekends and holidays are
    absent, so the index has no regular frequency: forecasters count its steps
    by position. Source: Yahoo Finance, via vega-datasets. Licence: BSD-3-Clause
    (vega-datasets).

    Returns
    -------
    frame : DataFrame
        Indexed by a DatetimeIndex named ``date`` (no ``freq``).
    """
    return _read("sp500_2000_daily.csv.gz")


def load_stocks_monthly() -> pd.DataFrame:
    """Monthly prices of MSFT, AMZN, IBM, GOOG and AAPL, 2000-01 to 2010-03.

    The shipped file is in long format (symbol, date, price); this loader
    pivots it to one column per symbol (GOOG starts in 2004: earlier rows are
    NaN, so select a column and ``dropna()`` before forecasting it).
    Source: vega-datasets. Licence: BSD-3-Clause (vega-datasets).

    Returns
    -------
    frame : DataFrame
        Indexed by a month-start DatetimeIndex named ``date``.
    """
    long = _read("stocks_monthly.csv.gz", date_format="%b %d %Y")
    wide = long.pivot(columns="symbol", values="price")
    wide.columns.name = None
    return wide[["MSFT", "AMZN", "IBM", "GOOG", "AAPL"]]
