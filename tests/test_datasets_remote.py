"""Downloaded data sets: cache, checksum, offline errors. Never touches the internet.

Files are served by a local HTTP server on 127.0.0.1, and registry entries are
pointed at it with monkeypatch.
"""

import dataclasses
import gzip
import hashlib
import os
import re
import socket
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tsforecast.datasets as datasets
from tsforecast.datasets import DatasetDownloadError, _remote, clear_data_home, get_data_home
from tsforecast.datasets._remote import REMOTE_FILES, fetch_file

ETTH1_MIRROR_SHA256 = "f18de3ad269cef59bb07b5438d79bb3042d3be49bdeecf01c1cd6d29695ee066"


def _shared_file(name):
    for folder in (Path("/work/shared/data"), Path(__file__).parents[2] / "shared/data"):
        if (folder / name).is_file():
            return folder / name
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _LocalServer:
    """Serves ``files`` (URL path -> bytes) on 127.0.0.1 and records every request path."""

    def __init__(self):
        self.files = {}
        self.requests = []
        self.delay = 0.0
        self.truncate = False  # announce the full length, send half, close
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.requests.append(self.path)
                time.sleep(owner.delay)
                body = owner.files.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if owner.truncate:
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self._running = True

    def url(self, path):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def shutdown(self):
        if self._running:
            self._running = False
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()


@pytest.fixture
def server():
    local = _LocalServer()
    yield local
    local.shutdown()


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch, tmp_path):
    """No test reads or writes the user's real cache."""
    monkeypatch.delenv("TSFORECAST_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _exchange_csv(n_rows=30) -> bytes:
    """A small file in the exchange_rate.csv layout (slash dates, columns 0..6 and OT)."""
    rng = np.random.default_rng(0)
    values = rng.uniform(0.005, 2.0, size=(n_rows, 8)).round(6)
    dates = pd.date_range("1990-01-01", periods=n_rows, freq="D")
    lines = ["date,0,1,2,3,4,5,6,OT"]
    for date, row in zip(dates, values, strict=True):
        lines.append(f"{date.year}/{date.month}/{date.day} 0:00," + ",".join(f"{v:g}" for v in row))
    return ("\n".join(lines) + "\n").encode()


def _serve(monkeypatch, server, name, body, sha256=None):
    """Serve ``body`` for registry entry ``name``; return the patched entry."""
    path = f"/{name}/{REMOTE_FILES[name].filename}"
    server.files[path] = body
    entry = dataclasses.replace(REMOTE_FILES[name], url=server.url(path), sha256=sha256 or _sha256(body))
    monkeypatch.setitem(REMOTE_FILES, name, entry)
    return entry


@pytest.fixture
def exchange(monkeypatch, server):
    body = _exchange_csv()
    return _serve(monkeypatch, server, "exchange_rate", body), body


def test_download_then_cache_hit_without_server(server, exchange, tmp_path):
    entry, body = exchange
    home = tmp_path / "cache"
    frame = datasets.load_exchange_rate(data_home=home)

    assert server.requests == [f"/exchange_rate/{entry.filename}"]
    assert (home / entry.filename).read_bytes() == body
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    pd.testing.assert_index_equal(
        frame.index, pd.date_range("1990-01-01", periods=30, freq="D", name="date"), check_exact=True
    )
    assert list(frame.columns) == ["0", "1", "2", "3", "4", "5", "6", "OT"]
    expected = np.loadtxt(body.decode().splitlines()[1:], delimiter=",", usecols=range(1, 9))
    np.testing.assert_array_equal(frame.to_numpy(), expected)
    assert frame.dtypes.eq(np.float64).all()

    server.shutdown()
    again = datasets.load_exchange_rate(data_home=home)
    pd.testing.assert_frame_equal(again, frame)
    assert len(server.requests) == 1


def test_no_leftovers_after_success(exchange, tmp_path):
    home = tmp_path / "cache"
    fetch_file("exchange_rate", data_home=home)
    assert sorted(p.name for p in home.iterdir()) == ["exchange_rate.csv"]


def test_env_var_and_data_home(server, exchange, monkeypatch, tmp_path):
    entry, _ = exchange
    env_home = tmp_path / "from-env"
    monkeypatch.setenv("TSFORECAST_DATA", str(env_home))
    assert get_data_home() == env_home
    assert env_home.is_dir()
    assert fetch_file("exchange_rate") == env_home / entry.filename

    arg_home = tmp_path / "from-arg"
    assert fetch_file("exchange_rate", data_home=arg_home) == arg_home / entry.filename
    assert (arg_home / entry.filename).is_file()
    assert len(server.requests) == 2


def test_default_data_home(monkeypatch, tmp_path):
    assert get_data_home() == tmp_path / "xdg" / "tsforecast"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_home() == tmp_path / "home" / ".cache" / "tsforecast"
    assert (tmp_path / "home" / ".cache" / "tsforecast").is_dir()


def test_wrong_checksum_leaves_nothing(monkeypatch, server, tmp_path):
    body = _exchange_csv()
    wrong = "0" * 64
    entry = _serve(monkeypatch, server, "exchange_rate", body, sha256=wrong)
    home = tmp_path / "cache"
    with pytest.raises(DatasetDownloadError) as info:
        datasets.load_exchange_rate(data_home=home)
    message = str(info.value)
    assert wrong in message
    assert _sha256(body) in message
    assert entry.url in message
    assert list(home.iterdir()) == []


def test_corrupted_cache_is_downloaded_again(server, exchange, tmp_path):
    entry, body = exchange
    home = tmp_path / "cache"
    home.mkdir()
    (home / entry.filename).write_bytes(body[:-10])
    with pytest.warns(UserWarning, match="does not match its sha256"):
        path = fetch_file("exchange_rate", data_home=home)
    assert path.read_bytes() == body
    assert len(server.requests) == 1


def test_corrupted_cache_without_download_raises(server, exchange, tmp_path):
    entry, body = exchange
    home = tmp_path / "cache"
    home.mkdir()
    (home / entry.filename).write_bytes(b"truncated")
    with pytest.raises(DatasetDownloadError, match="download_if_missing=False"):
        fetch_file("exchange_rate", data_home=home, download_if_missing=False)
    assert (home / entry.filename).read_bytes() == b"truncated"
    assert server.requests == []


def _closed_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_url(monkeypatch, tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/exchange_rate.csv"
    monkeypatch.setitem(
        REMOTE_FILES, "exchange_rate", dataclasses.replace(REMOTE_FILES["exchange_rate"], url=url)
    )
    home = tmp_path / "cache"
    with pytest.raises(DatasetDownloadError) as info:
        datasets.load_exchange_rate(data_home=home)
    message = str(info.value)
    assert isinstance(info.value, OSError)
    assert "'exchange_rate'" in message
    assert url in message
    assert str(home / "exchange_rate.csv") in message
    assert "TSFORECAST_DATA" in message
    assert list(home.iterdir()) == []


def test_http_404(monkeypatch, server, tmp_path):
    url = server.url("/missing/exchange_rate.csv")
    monkeypatch.setitem(
        REMOTE_FILES, "exchange_rate", dataclasses.replace(REMOTE_FILES["exchange_rate"], url=url)
    )
    with pytest.raises(DatasetDownloadError, match="HTTP error 404") as info:
        fetch_file("exchange_rate", data_home=tmp_path / "cache")
    assert url in str(info.value)
    assert list((tmp_path / "cache").iterdir()) == []


def test_timeout(monkeypatch, server, exchange, tmp_path):
    monkeypatch.setattr(_remote, "DOWNLOAD_TIMEOUT", 0.2)
    server.delay = 1.0
    with pytest.raises(DatasetDownloadError, match="timed out"):
        fetch_file("exchange_rate", data_home=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_truncated_download(server, exchange, tmp_path):
    server.truncate = True
    with pytest.raises(DatasetDownloadError, match=r"closed after \d+ of \d+ bytes") as info:
        fetch_file("exchange_rate", data_home=tmp_path / "cache")
    assert str(tmp_path / "cache" / "exchange_rate.csv") in str(info.value)
    assert list((tmp_path / "cache").iterdir()) == []


def test_interrupted_download_leaves_nothing(monkeypatch, exchange, tmp_path):
    class Interrupting:
        def __init__(self, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            raise KeyboardInterrupt

    monkeypatch.setattr(_remote, "tqdm", Interrupting)
    with pytest.raises(KeyboardInterrupt):
        fetch_file("exchange_rate", data_home=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_download_if_missing_false(server, exchange, tmp_path):
    home = tmp_path / "cache"
    with pytest.raises(FileNotFoundError, match=re.escape(str(home / "exchange_rate.csv"))):
        datasets.load_exchange_rate(data_home=home, download_if_missing=False)
    assert server.requests == []


def test_unknown_name(tmp_path):
    with pytest.raises(ValueError, match="exchange_rate") as info:
        fetch_file("no_such_data", data_home=tmp_path)
    assert "no_such_data" in str(info.value)


def test_registry_entries():
    assert set(REMOTE_FILES) == {"ettm1", "ettm2", "weather", "electricity", "traffic", "exchange_rate"}
    for name, entry in REMOTE_FILES.items():
        assert entry.name == name
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), name
        assert entry.url.startswith("https://huggingface.co/datasets/thuml/Time-Series-Library/resolve/main/")
        assert entry.url.endswith("/" + entry.filename)
        assert entry.source and entry.licence
    assert len({entry.filename for entry in REMOTE_FILES.values()}) == len(REMOTE_FILES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        REMOTE_FILES["ettm1"].sha256 = "0" * 64


LOADERS = {
    "ettm1": datasets.load_ettm1,
    "ettm2": datasets.load_ettm2,
    "weather": datasets.load_weather_jena,
    "electricity": datasets.load_electricity,
    "traffic": datasets.load_traffic,
    "exchange_rate": datasets.load_exchange_rate,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_each_loader_fetches_its_own_file(name, monkeypatch, server, tmp_path):
    body = f"date,a,OT\n2016-07-01 00:00:00,1.5,{name!r}\n2016-07-01 01:00:00,2.5,x\n".encode()
    for other in REMOTE_FILES:  # every other entry points at a 404
        if other != name:
            url = server.url(f"/not-this/{other}")
            monkeypatch.setitem(REMOTE_FILES, other, dataclasses.replace(REMOTE_FILES[other], url=url))
    _serve(monkeypatch, server, name, body)
    frame = LOADERS[name](data_home=tmp_path)
    assert frame.index.name == "date"
    assert frame.index[1] == pd.Timestamp("2016-07-01 01:00")
    assert frame["OT"].iloc[0] == repr(name)


def test_public_exports():
    for name in [
        "get_data_home",
        "clear_data_home",
        "DatasetDownloadError",
        *(f.__name__ for f in LOADERS.values()),
    ]:
        assert name in datasets.__all__
        assert hasattr(datasets, name)
    assert issubclass(DatasetDownloadError, OSError)


def test_clear_data_home_deletes_only_downloads(exchange, tmp_path):
    home = tmp_path / "cache"
    fetch_file("exchange_rate", data_home=home)
    (home / "exchange_rate.csv.abc.part").write_bytes(b"partial")
    (home / "mine.txt").write_text("keep me")
    clear_data_home(home)
    assert sorted(p.name for p in home.iterdir()) == ["mine.txt"]
    (home / "mine.txt").unlink()
    fetch_file("exchange_rate", data_home=home)
    clear_data_home(home)
    assert not home.exists()


def test_progress_bar_only_on_terminal(monkeypatch, server, exchange, tmp_path, capsys):
    fetch_file("exchange_rate", data_home=tmp_path / "quiet")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(_remote, "_show_progress", lambda: True)
    fetch_file("exchange_rate", data_home=tmp_path / "loud")
    assert "Downloading exchange_rate.csv" in capsys.readouterr().err


def test_cache_hit_issues_no_warning(exchange, tmp_path):
    fetch_file("exchange_rate", data_home=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fetch_file("exchange_rate", data_home=tmp_path)


def test_local_exchange_rate_matches_registry():
    local = _shared_file("exchange_rate.csv")
    if local is None:
        pytest.skip("no local copy of exchange_rate.csv in shared/data")
    assert _sha256(local.read_bytes()) == REMOTE_FILES["exchange_rate"].sha256


def test_shipped_etth1_is_the_mirror_file():
    shipped = resources.files("tsforecast.datasets").joinpath("data", "ETTh1.csv.gz").read_bytes()
    assert _sha256(gzip.decompress(shipped)) == ETTH1_MIRROR_SHA256
    local = _shared_file("ETTh1.csv")
    if local is not None:
        assert _sha256(local.read_bytes()) == ETTH1_MIRROR_SHA256


def test_load_exchange_rate_matches_local_csv(monkeypatch, server, tmp_path):
    local = _shared_file("exchange_rate.csv")
    if local is None:
        pytest.skip("no local copy of exchange_rate.csv in shared/data")
    body = local.read_bytes()
    path = "/exchange_rate/exchange_rate.csv"
    server.files[path] = body
    # The real registry checksum, only the URL points at localhost.
    monkeypatch.setitem(
        REMOTE_FILES,
        "exchange_rate",
        dataclasses.replace(REMOTE_FILES["exchange_rate"], url=server.url(path)),
    )
    frame = datasets.load_exchange_rate(data_home=tmp_path)

    direct = pd.read_csv(local)
    direct["date"] = pd.to_datetime(direct["date"], format="%Y/%m/%d %H:%M")
    direct = direct.set_index("date")
    pd.testing.assert_frame_equal(frame, direct, check_exact=True)
    assert frame.shape == (7588, 8)
    assert frame.index[0] == pd.Timestamp("1990-01-01")
    assert frame.index[-1] == pd.Timestamp("2010-10-10")
    assert ((frame.index[1:] - frame.index[:-1]) == pd.Timedelta(days=1)).all()


def test_cached_file_is_readable_by_others(exchange, tmp_path):
    previous = os.umask(0o022)
    try:
        path = fetch_file("exchange_rate", data_home=tmp_path)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644
