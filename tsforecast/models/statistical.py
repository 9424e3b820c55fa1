"""The classical statistical forecasters, one module per family (kept as an import path).

:mod:`tsforecast.models.ets`, :mod:`tsforecast.models.arima`, :mod:`tsforecast.models.theta` and
:mod:`tsforecast.models.mstl` hold the models; :mod:`tsforecast.models._classical` their shared
per-series fitting loop.
"""

from tsforecast.models.arima import ARIMAForecaster
from tsforecast.models.ets import ETSForecaster
from tsforecast.models.mstl import MSTLForecaster
from tsforecast.models.theta import ThetaForecaster

__all__ = ["ARIMAForecaster", "ETSForecaster", "MSTLForecaster", "ThetaForecaster"]
