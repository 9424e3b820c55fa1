"""Remote data files: downloaded on first use, cached, verified by sha256.

Data sets whose files are too large to ship with tsforecast, or whose licence
does not allow redistributing them, are listed in :data:`REMOTE_FILES`. The
first call to :func:`fetch_file` downloads the file into the data home
(:func:`get_data_home`) and checks its sha256; later calls read the cached copy
and make no request. Every file is stored under its own name directly in the
data home, so a machine without internet access can use a copy made elsewhere:
put the file there (or point ``TSFORECAST_DATA`` at the folder holding it).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import ssl
import sys
import urllib.error
import urllib.request
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

__all__ = [
    "DatasetDownloadError",
    "RemoteFile",
    "REMOTE_FILES",
    "get_data_home",
    "clear_data_home",
    "fetch_file",
]

#: Every file comes from this mirror of the Time-Series-Library data sets.
BASE_URL = "https://huggingface.co/datasets/thuml/Time-Series-Library/resolve/main/"

#: Seconds to wait for the server to answer or to send the next chunk.
DOWNLOAD_TIMEOUT = 60.0

_CHUNK_SIZE = 1 << 20
_USER_AGENT = "tsforecast (https://pypi.org/project/tsforecast)"


class DatasetDownloadError(OSError):
    """A data set file could not be downloaded, or the file obtained failed its sha256 check."""


@dataclass(frozen=True)
class RemoteFile:
    """A file downloaded on first use: where it comes from and how to check it.

    Parameters
    ----------
    name : str
        Key in :data:`REMOTE_FILES`, as given to :func:`fetch_file`.
    url : str
        Where the file is downloaded from.
    sha256 : str
        Hex digest of the exact bytes expected; any other content is rejected.
    filename : str
        Name of the cached file in the data home.
    source : str
        Who produced the data, for attribution.
    licence : str
        The licence the data are published under, or why it is unknown.
    """

    name: str
    url: str
    sha256: str
    filename: str
    source: str
    licence: str


def _mirror(name: str, path: str, sha256: str, source: str, licence: str) -> RemoteFile:
    return RemoteFile(
        name=name,
        url=BASE_URL + path,
        sha256=sha256,
        filename=path.rsplit("/", 1)[-1],
        source=source,
        licence=licence,
    )


_ETT_SOURCE = 'zhouhaoyi/ETDataset (ETT-small), Zhou et al., "Informer", AAAI 2021'
_NOT_STATED = "not stated by the mirror"

#: The files :func:`fetch_file` knows, by name.
REMOTE_FILES: dict[str, RemoteFile] = {
    remote.name: remote
    for remote in [
        _mirror(
            "ettm1",
            "ETT-small/ETTm1.csv",
            "6ce1759b1a18e3328421d5d75fadcb316c449fcd7cec32820c8dafda71986c9e",
            _ETT_SOURCE,
            "CC BY-ND 4.0",
        ),
        _mirror(
            "ettm2",
            "ETT-small/ETTm2.csv",
            "db973ca252c6410a30d0469b13d696cf919648d0f3fd588c60f03fdbdbadd1fd",
            _ETT_SOURCE,
            "CC BY-ND 4.0",
        ),
        _mirror(
            "weather",
            "weather/weather.csv",
            "34ee981d07313e51da2a50bb600072c8ae4a69cb4b0651f4cb93a069d7a2ba63",
            "Max Planck Institute for Biogeochemistry, Jena weather station, in the Autoformer layout",
            _NOT_STATED,
        ),
        _mirror(
            "electricity",
            "electricity/electricity.csv",
            "7e45845d54c5219bad0ae6bc1b5316cf8ff9cead5d33fa998a5a51c2e4a497ad",
            "UCI Machine Learning Repository, ElectricityLoadDiagrams20112014, in the Autoformer layout",
            "CC BY 4.0",
        ),
        _mirror(
            "traffic",
            "traffic/traffic.csv",
            "cb06463d56fa17d87f47027cd9389ceae82a69eddee51cdb61480e120dab0b16",
            "California Department of Transportation PeMS, in the Autoformer layout",
            _NOT_STATED,
        ),
        _mirror(
            "exchange_rate",
            "exchange_rate/exchange_rate.csv",
            "d55e7aa2641009814a18ba3279431b13f6d413b0eab195b9ff21988d8cf94e97",
            'Lai et al., "LSTNet", SIGIR 2018, in the Autoformer layout',
            _NOT_STATED,
        ),
    ]
}


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """The folder where downloaded data sets are cached, created if missing.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. By default, the ``TSFORECAST_DATA`` environment
        variable, else ``$XDG_CACHE_HOME/tsforecast``, else
        ``~/.cache/tsforecast``.

    Returns
    -------
    path : Path
        The folder, which exists.

    Examples
    --------
    >>> import tempfile
    >>> from tsforecast.datasets import get_data_home
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(get_data_home(f"{tmp}/cache").is_dir())
    True
    """
    if data_home is None:
        data_home = os.environ.get("TSFORECAST_DATA") or None
    if data_home is None:
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        data_home = Path(cache) / "tsforecast"
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def clear_data_home(data_home: str | os.PathLike[str] | None = None) -> None:
    """Delete the downloaded data set files from the data home.

    Only the files named in :data:`REMOTE_FILES` and unfinished downloads
    (``*.part``) are deleted, so pointing ``TSFORECAST_DATA`` at a folder that
    holds other files is safe. The folder itself is removed if it is then empty.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to clear; see :func:`get_data_home`.
    """
    home = get_data_home(data_home)
    for remote in REMOTE_FILES.values():
        (home / remote.filename).unlink(missing_ok=True)
        for partial in home.glob(f"{remote.filename}.*.part"):
            partial.unlink(missing_ok=True)
    if not any(home.iterdir()):
        home.rmdir()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _lookup(name: str) -> RemoteFile:
    try:
        return REMOTE_FILES[name]
    except KeyError:
        known = ", ".join(sorted(REMOTE_FILES))
        raise ValueError(f"Unknown data set {name!r}; known data sets: {known}.") from None


def _offline_fix(remote: RemoteFile, path: Path) -> str:
    return (
        f"To use it offline, download {remote.url} on a machine with internet access, "
        f"check that its sha256 is {remote.sha256}, and copy it to\n    {path}\n"
        f"or set the TSFORECAST_DATA environment variable (or pass data_home=...) "
        f"to a folder that holds {remote.filename}."
    )


def _download_failed(remote: RemoteFile, path: Path, reason: str) -> DatasetDownloadError:
    return DatasetDownloadError(
        f"Could not download the {remote.name!r} data set from {remote.url}: {reason}.\n"
        f"{_offline_fix(remote, path)}"
    )


def _show_progress() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def _download(remote: RemoteFile, path: Path) -> None:
    """Stream ``remote.url`` into a ``.part`` file, check it, then move it to ``path``."""
    # A name of its own per download, so concurrent downloads never write to the same file;
    # opened like any file (not mkstemp, which would make the cached file private to its owner).
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex[:12]}.part")
    digest = hashlib.sha256()
    request = urllib.request.Request(remote.url, headers={"User-Agent": _USER_AGENT})
    try:
        with (
            partial.open("xb") as out,
            urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response,
        ):
            length = response.headers.get("Content-Length")
            expected_size = int(length) if length and length.isdigit() else None
            received = 0
            with tqdm(
                total=expected_size,
                desc=f"Downloading {remote.filename}",
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
                disable=not _show_progress(),
                leave=False,
            ) as progress:
                while chunk := response.read(_CHUNK_SIZE):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    progress.update(len(chunk))
    except (
        urllib.error.URLError,
        TimeoutError,
        ConnectionError,
        ssl.SSLError,
        http.client.HTTPException,
    ) as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, urllib.error.HTTPError):
            reason = f"HTTP error {exc.code} ({exc.reason})"
        elif isinstance(exc, urllib.error.URLError):
            reason = str(exc.reason)
        elif isinstance(exc, TimeoutError):
            reason = f"no answer within {DOWNLOAD_TIMEOUT:g} s (timed out)"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        raise _download_failed(remote, path, reason) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if expected_size is not None and received != expected_size:
        partial.unlink(missing_ok=True)
        reason = f"the connection closed after {received} of {expected_size} bytes"
        raise _download_failed(remote, path, reason)
    actual = digest.hexdigest()
    if actual != remote.sha256:
        partial.unlink(missing_ok=True)
        raise DatasetDownloadError(
            f"Checksum mismatch for the {remote.name!r} data set downloaded from {remote.url}: "
            f"expected sha256 {remote.sha256}, got sha256 {actual}. The download was discarded: "
            f"it was corrupted on the way or the file changed at the source. Try again. "
            f"{_offline_fix(remote, path)}"
        )
    os.replace(partial, path)


def fetch_file(
    name: str,
    data_home: str | os.PathLike[str] | None = None,
    download_if_missing: bool = True,
) -> Path:
    """The path of a data set file in the cache, downloaded and checked first if needed.

    A cached file is used only if its sha256 matches the registry's; one that
    does not match is downloaded again (with a warning). A download is written
    to a temporary ``.part`` file next to the target, its sha256 computed on the
    fly, and moved into place only once it matches, so an interrupted or
    corrupted download never leaves a file behind. A progress bar is shown on
    stderr when stderr is a terminal.

    Parameters
    ----------
    name : str
        A key of :data:`REMOTE_FILES`, e.g. ``"exchange_rate"``.
    data_home : str or path-like, default=None
        The cache folder; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        If False, raise instead of downloading a file that is not cached.

    Returns
    -------
    path : Path
        The verified file, ``get_data_home(data_home) / REMOTE_FILES[name].filename``.

    Raises
    ------
    ValueError
        If ``name`` is not a known data set.
    FileNotFoundError
        If the file is not cached and ``download_if_missing`` is False.
    DatasetDownloadError
        If the download fails (offline, server unreachable, timeout, HTTP
        error) or its sha256 does not match; the message says where to copy
        the file to use it offline.

    Examples
    --------
    >>> from tsforecast.datasets._remote import fetch_file
    >>> fetch_file("exchange_rate").name  # doctest: +SKIP
    'exchange_rate.csv'
    """
    remote = _lookup(name)
    path = get_data_home(data_home) / remote.filename
    if path.exists():
        actual = _sha256(path)
        if actual == remote.sha256:
            return path
        problem = (
            f"The cached file {path} for the {remote.name!r} data set does not match its sha256 "
            f"(expected {remote.sha256}, got {actual})"
        )
        if not download_if_missing:
            raise DatasetDownloadError(
                f"{problem}, and download_if_missing=False. Delete it, or replace it with a verified "
                f"copy of {remote.url}."
            )
        warnings.warn(f"{problem}: downloading it again.", UserWarning, stacklevel=2)
    elif not download_if_missing:
        raise FileNotFoundError(
            f"The {remote.name!r} data set is not in the cache and download_if_missing=False. "
            f"Download {remote.url} and copy it to\n    {path}\n"
            f"or call again with download_if_missing=True."
        )
    _download(remote, path)
    return path
