import numpy as np
import pandas as pd
import pytest

from tsforecast.datasets import load_etth1


@pytest.fixture(scope="session")
def etth1():
    return load_etth1()


@pytest.fixture(scope="session")
def hourly_ot(etth1):
    """Real hourly series: 240 hours of ETTh1 oil temperature (10 days)."""
    return etth1["OT"].iloc[:240]


@pytest.fixture(scope="session")
def hourly_panel(etth1):
    """Two real hourly series as a 2-D y."""
    return etth1[["OT", "HUFL"]].iloc[:240]


@pytest.fixture(autouse=True)
def _few_threads():
    """One torch thread: tiny test networks run fastest so, and alike on every machine."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def calendar_frame(index: pd.DatetimeIndex) -> pd.DataFrame:
    """Two exogenous features known in advance: hour of day as sin/cos."""
    angle = 2 * np.pi * index.hour.to_numpy() / 24
    return pd.DataFrame({"hour_sin": np.sin(angle), "hour_cos": np.cos(angle)}, index=index)
