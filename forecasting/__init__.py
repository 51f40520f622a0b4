"""Forecasting stage: interval forecasts of contact volume and handle time per channel.

History (``channel, ds, volume, aht_s``) is validated (:func:`validate_history`), laid
out on a local-time, DST-safe grid at the planning interval, and cleaned: outlier days
and anomalous hours (outages, bursts) are left out; public holidays (``holidays``
package, make-up working days included), user events and their learned multiplicative
day and intraday-shape effects are divided out before fitting and multiplied back into
the forecast. Candidate models share one contract (``fit(y, X=None)``,
``predict(h, level=None)``, ``forecast(y, h, level=None)``); the model is chosen per
channel for the requested horizon by rolling-origin backtest, whose residuals also
calibrate the 80%/95% prediction intervals. Closed hours stay zero.

Entry points: :func:`forecast_channels` (interval forecast, see docs/architecture.md),
:func:`backtest_channels` (rolling-origin accuracy per model and horizon day),
:func:`forecast_long_range` (daily/weekly/monthly totals up to 18 months) and
:func:`apply_overrides` (manual what-if factors).
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
