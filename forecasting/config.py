"""Configuration dataclasses of the forecasting stage (validated on construction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MODEL_NAMES = ("seasonal_naive", "slot_average", "daily_ets", "daily_arima", "mstl", "combination")
"""Names accepted in :attr:`ForecastConfig.models` (see :mod:`forecasting.models`)."""


def _check_int(name: str, value: object, low: int, high: int | None = None) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        upper = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be an integer >= {low}{upper}, got {value!r}")


@dataclass(frozen=True)
class CalendarEvent:
    """A recurring user event (promotion, festival lead-up) with a window around each date.

    Parameters
    ----------
    name : str
        Label of the event; its effect is learned from past occurrences of the same name.
    dates : tuple of datetime.date
        Main day of every occurrence, past and future.
    pre_days, post_days : int
        Days before / after each date that belong to the event window (effects are learned
        per day offset, so a lead-up and an after-sales tail get their own factors).
    """

    name: str
    dates: tuple[dt.date, ...]
    pre_days: int = 0
    post_days: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"CalendarEvent.name must be a non-empty string, got {self.name!r}")
        dates = tuple(self.dates)
        for d in dates:
            if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
                raise ValueError(
                    f"CalendarEvent.dates must hold datetime.date values, got {d!r} "
                    f"in event {self.name!r}"
                )
        if not dates:
            raise ValueError(f"CalendarEvent.dates must not be empty, got {self.dates!r}")
        object.__setattr__(self, "dates", tuple(sorted(dates)))
        _check_int("CalendarEvent.pre_days", self.pre_days, 0, 366)
        _check_int("CalendarEvent.post_days", self.post_days, 0, 366)


@dataclass(frozen=True)
class ForecastConfig:
    """Settings of :func:`forecasting.forecast_channels`.

    Parameters
    ----------
    interval_min : int
        Planning interval in minutes (divides 1440); history is summed up to it.
    holidays_country : str or None
        ISO country code for the ``holidays`` package (``"CN"`` default); ``None`` disables.
    events : tuple of CalendarEvent
        User events whose multiplicative effects are learned from history.
    backtest_origins : int
        Number of rolling origins used for model choice and interval calibration.
    origin_step_days : int
        Days between consecutive rolling origins.
    levels : tuple of int
        Prediction-interval levels in percent; the forecast frame always carries 80 and 95.
    models : tuple of str
        Candidate models (subset of :data:`MODEL_NAMES`).
    train_weeks : int
        Weeks of history the intraday models see (older data only feeds calendar effects).
    outlier_z : float
        Robust z-score of a day's log total versus its weekday baseline beyond which the
        day is an outlier (outage, anomaly) and kept out of training.
    """

    interval_min: int = 15
    holidays_country: str | None = "CN"
    events: tuple[CalendarEvent, ...] = ()
    backtest_origins: int = 4
    origin_step_days: int = 7
    levels: tuple[int, ...] = (80, 95)
    models: tuple[str, ...] = ("seasonal_naive", "slot_average", "daily_ets", "mstl", "combination")
    train_weeks: int = 12
    outlier_z: float = 4.0

    def __post_init__(self) -> None:
        _check_int("interval_min", self.interval_min, 1, 1440)
        if 1440 % self.interval_min:
            raise ValueError(f"interval_min must divide 1440, got {self.interval_min!r}")
        if self.holidays_country is not None and not isinstance(self.holidays_country, str):
            raise ValueError(
                f"holidays_country must be a country code or None, got {self.holidays_country!r}"
            )
        events = tuple(self.events)
        for ev in events:
            if not isinstance(ev, CalendarEvent):
                raise ValueError(f"events must hold CalendarEvent values, got {ev!r}")
        object.__setattr__(self, "events", events)
        _check_int("backtest_origins", self.backtest_origins, 1, 60)
        _check_int("origin_step_days", self.origin_step_days, 1, 366)
        _check_int("train_weeks", self.train_weeks, 2, 260)
        levels = tuple(self.levels)
        for lv in levels:
            if not isinstance(lv, int) or not 0 < lv < 100:
                raise ValueError(f"levels must be integers in (0, 100), got {lv!r}")
        object.__setattr__(self, "levels", tuple(sorted(set(levels) | {80, 95})))
        models = tuple(self.models)
        if not models:
            raise ValueError(f"models must name at least one model, got {self.models!r}")
        for m in models:
            if m not in MODEL_NAMES:
                raise ValueError(f"models must be among {MODEL_NAMES}, got {m!r}")
        object.__setattr__(self, "models", models)
        if not (isinstance(self.outlier_z, (int, float)) and self.outlier_z > 0):
            raise ValueError(f"outlier_z must be > 0, got {self.outlier_z!r}")
