"""Forecasting stage: interval forecasts of contact volume and handle time per channel.

History (``channel, ds, volume, aht_s``) is validated, laid out on a local-time grid,
cleaned of holidays, events and outlier days (whose multiplicative effects are learned
from past occurrences), and forecast by candidate models behind one ``fit/predict``
contract. The model is chosen per channel by rolling-origin backtest, whose residuals
also calibrate the 80%/95% prediction intervals. Closed hours stay zero.

Main entry point: :func:`forecast_channels`; see docs/architecture.md.
"""

from .backtest import IntervalCalibration, bias, calibrate, wape
from .config import MODEL_NAMES, CalendarEvent, ForecastConfig
from .longrange import forecast_long_range
from .models import Forecaster, SeasonalNaive, SlotAverage
from .models_daily import Combination, DailyArima, DailyProfile, MSTLModel, make_model
from .overrides import ForecastOverride, apply_overrides
from .pipeline import FORECAST_COLUMNS, ForecastResult, forecast_channels
from .rolling import BacktestResult, backtest_channels
from .validation import HistoryError, find_gaps, validate_history

__all__ = [
    "FORECAST_COLUMNS",
    "MODEL_NAMES",
    "BacktestResult",
    "CalendarEvent",
    "Combination",
    "DailyArima",
    "DailyProfile",
    "ForecastConfig",
    "ForecastOverride",
    "ForecastResult",
    "Forecaster",
    "HistoryError",
    "IntervalCalibration",
    "MSTLModel",
    "SeasonalNaive",
    "SlotAverage",
    "apply_overrides",
    "backtest_channels",
    "bias",
    "calibrate",
    "find_gaps",
    "forecast_channels",
    "forecast_long_range",
    "make_model",
    "validate_history",
    "wape",
]
