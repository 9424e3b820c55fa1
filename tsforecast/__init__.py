"""tsforecast: time-series forecasting with a real scikit-learn API."""

from __future__ import annotations

from tsforecast import metrics  # noqa: F401  (first: its interval part builds on it)
from tsforecast.base import BaseForecaster
from tsforecast.conformal import ConformalForecaster
from tsforecast.models.arima import ARIMAForecaster
from tsforecast.models.ets import ETSForecaster
from tsforecast.models.mstl import MSTLForecaster
from tsforecast.models.naive import NaiveForecaster
from tsforecast.models.rnn import GRUForecaster, LSTMForecaster, RNNForecaster
from tsforecast.models.seq2seq import Seq2SeqForecaster
from tsforecast.models.tcn import TCNForecaster
from tsforecast.models.theta import ThetaForecaster
from tsforecast.models.transformer import TransformerForecaster

__version__ = "0.1.0"

__all__ = [
    "BaseForecaster",
    "ConformalForecaster",
    "NaiveForecaster",
    "ARIMAForecaster",
    "ETSForecaster",
    "ThetaForecaster",
    "MSTLForecaster",
    "LSTMForecaster",
    "GRUForecaster",
    "RNNForecaster",
    "Seq2SeqForecaster",
    "TransformerForecaster",
    "TCNForecaster",
    "all_estimators",
    "__version__",
]


def all_estimators() -> list[tuple[str, type]]:
    """Every public forecaster, as ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from tsforecast import all_estimators
    >>> ("NaiveForecaster", NaiveForecaster) in all_estimators()
    True
    """
    import tsforecast

    found = []
    for name in tsforecast.__all__:
        obj = getattr(tsforecast, name)
        if isinstance(obj, type) and issubclass(obj, BaseForecaster) and obj is not BaseForecaster:
            found.append((name, obj))
    return sorted(found)
