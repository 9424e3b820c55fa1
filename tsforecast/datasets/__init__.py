"""Real data sets, as DataFrames indexed by time: shipped, or downloaded on first use.

Every file under ``tsforecast/datasets/data`` is a verbatim, gzip-compressed copy
of a public file; its source and licence are in the loader's docstring and in
``tsforecast/datasets/data/NOTICE.txt``.

Larger data sets, and those whose licence is not stated (the exchange-rate panel
among them), are not shipped: :func:`load_ettm1`, :func:`load_ettm2`,
:func:`load_weather_jena`, :func:`load_electricity`, :func:`load_traffic` and
:func:`load_exchange_rate` download their file on first use from the
Time-Series-Library mirror on Hugging Face, check its sha256, and cache it in
:func:`get_data_home` (``TSFORECAST_DATA``, else ``$XDG_CACHE_HOME/tsforecast``,
else ``~/.cache/tsforecast``); later calls make no request. Offline, copy the
file into that folder: a :class:`DatasetDownloadError` names the exact path.
"""

from __future__ import annotations

import os
from importlib import resources

import pandas as pd

from ._remote import DatasetDownloadError, clear_data_home, fetch_file, get_data_home

__all__ = [
    "load_etth1",
    "load_etth2",
    "load_ili",
    "load_weather_hourly",
    "load_seattle_weather",
    "load_sp500",
    "load_stocks_monthly",
    "load_ettm1",
    "load_ettm2",
    "load_weather_jena",
    "load_electricity",
    "load_traffic",
    "load_exchange_rate",
    "get_data_home",
    "clear_data_home",
    "DatasetDownloadError",
]


def _index_by_date(frame: pd.DataFrame, date_format: str | None) -> pd.DataFrame:
    frame["date"] = pd.to_datetime(frame["date"], format=date_format)
    return frame.set_index("date")


def _read(filename: str, date_format: str | None = None, **kwargs) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", filename).open("rb") as fh:
        frame = pd.read_csv(fh, compression="gzip", **kwargs)
    return _index_by_date(frame, date_format)


def _read_remote(
    name: str,
    data_home: str | os.PathLike[str] | None,
    download_if_missing: bool,
    date_format: str | None = None,
) -> pd.DataFrame:
    path = fetch_file(name, data_home=data_home, download_if_missing=download_if_missing)
    return _index_by_date(pd.read_csv(path), date_format)


#: The Parameters, Returns and Raises sections shared by every downloaded data set's loader.
_REMOTE_SECTIONS = """Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        If False, raise ``FileNotFoundError`` instead of downloading a file
        that is not cached.

    Returns
    -------
    frame : DataFrame
        Indexed by a DatetimeIndex named ``date``.

    Raises
    ------
    DatasetDownloadError
        If the download fails or the file fails its sha256 check; the message
        gives the exact path to copy the file to for offline use."""


def _remote_loader(loader):
    """Fill the ``{remote_sections}`` placeholder of a downloaded data set's loader docstring."""
    loader.__doc__ = loader.__doc__.replace("{remote_sections}", _REMOTE_SECTIONS)
    return loader


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


@_remote_loader
def load_ettm1(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Electricity Transformer Temperature, station 1, every 15 minutes (ETTm1).

    69680 rows from 2016-07-01 00:00 to 2018-06-26 19:45 (about 10 MB); same
    columns as :func:`load_etth1` (HUFL, HULL, MUFL, MULL, LUFL, LULL, and OT,
    the usual target). The long-horizon benchmark protocol uses the first 57600
    rows. Not shipped (size): downloaded on first use and cached.

    Source: zhouhaoyi/ETDataset (ETT-small/ETTm1.csv), Zhou et al., "Informer",
    AAAI 2021, via the Time-Series-Library mirror on Hugging Face.
    Licence: CC BY-ND 4.0 (used unmodified, with attribution).

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_ettm1
    >>> load_ettm1().shape  # doctest: +SKIP
    (69680, 7)
    """
    return _read_remote("ettm1", data_home, download_if_missing)


@_remote_loader
def load_ettm2(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Electricity Transformer Temperature, station 2, every 15 minutes (ETTm2).

    Same layout and period as :func:`load_ettm1` (69680 rows, 7 columns).
    Not shipped (size): downloaded on first use and cached.

    Source: zhouhaoyi/ETDataset (ETT-small/ETTm2.csv), via the
    Time-Series-Library mirror on Hugging Face. Licence: CC BY-ND 4.0 (used
    unmodified, with attribution).

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_ettm2
    >>> load_ettm2().shape  # doctest: +SKIP
    (69680, 7)
    """
    return _read_remote("ettm2", data_home, download_if_missing)


@_remote_loader
def load_weather_jena(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Weather at the Jena station of the Max Planck Institute, every 10 minutes, 2020.

    52696 rows and 21 meteorological variables (air pressure, temperatures,
    humidity, wind, rain, radiation, ...; the last column, OT, is the usual
    target), as used by Autoformer (weather.csv, about 7 MB). Not shipped:
    downloaded on first use and cached.

    Source: Max Planck Institute for Biogeochemistry, weather station Jena
    (https://www.bgc-jena.mpg.de/wetter/), in the Autoformer layout, via the
    Time-Series-Library mirror on Hugging Face. Licence: not stated by the
    mirror; check the institute's terms before redistributing the data.

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_weather_jena
    >>> load_weather_jena().shape  # doctest: +SKIP
    (52696, 21)
    """
    return _read_remote("weather", data_home, download_if_missing)


@_remote_loader
def load_electricity(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Hourly electricity consumption of 321 clients (ECL), 26304 rows.

    Columns ``"0"`` to ``"319"`` and OT (the usual target), one per client, in
    kWh per hour, as used by Autoformer (electricity.csv, about 95 MB). The
    time stamps are those of that layout and need not match the original
    measurement calendar. Not shipped (size): downloaded on first use and
    cached.

    Source: UCI Machine Learning Repository, ElectricityLoadDiagrams20112014
    (Trindade, 2015), in the Autoformer layout, via the Time-Series-Library
    mirror on Hugging Face. Licence: CC BY 4.0.

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_electricity
    >>> load_electricity().shape  # doctest: +SKIP
    (26304, 321)
    """
    return _read_remote("electricity", data_home, download_if_missing)


@_remote_loader
def load_traffic(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Hourly road occupancy rates (0 to 1) from 862 freeway sensors, 17544 rows.

    Columns ``"0"`` to ``"860"`` and OT (the usual target), one per sensor on
    San Francisco Bay Area freeways, as used by Autoformer (traffic.csv, about
    130 MB). The time stamps are those of that layout and need not match the
    original measurement calendar. Not shipped (size, licence): downloaded on
    first use and cached.

    Source: California Department of Transportation, PeMS, in the Autoformer
    layout, via the Time-Series-Library mirror on Hugging Face. Licence: not
    stated by the mirror.

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_traffic
    >>> load_traffic().shape  # doctest: +SKIP
    (17544, 862)
    """
    return _read_remote("traffic", data_home, download_if_missing)


@_remote_loader
def load_exchange_rate(
    data_home: str | os.PathLike[str] | None = None, download_if_missing: bool = True
) -> pd.DataFrame:
    """Daily exchange rates of 8 countries against the US dollar, 7588 rows.

    Columns ``"0"`` to ``"6"`` and OT (the usual target): US dollars per unit
    of the currencies of Australia, the UK, Canada, Switzerland, China, Japan,
    New Zealand and Singapore, in that order judging by their 1990 values, as
    used by LSTNet and Autoformer (exchange_rate.csv, 0.6 MB). Not shipped
    (licence not stated): downloaded on first use and cached.

    The dates are synthetic: consecutive days from 1990-01-01 to 2010-10-10,
    whereas the real observations are trading days from 1990 to 2016. Never
    build calendar features (weekday, month, holidays) from this index.

    Source: Lai et al., "Modeling Long- and Short-Term Temporal Patterns with
    Deep Neural Networks" (LSTNet), SIGIR 2018, in the Autoformer layout, via
    the Time-Series-Library mirror on Hugging Face. Licence: not stated.

    {remote_sections}

    Examples
    --------
    >>> from tsforecast.datasets import load_exchange_rate
    >>> load_exchange_rate().shape  # doctest: +SKIP
    (7588, 8)
    """
    return _read_remote("exchange_rate", data_home, download_if_missing)
