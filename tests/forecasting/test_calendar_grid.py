"""Calendar keys (holidays, make-up workdays, events), DST-safe grid, Holt-Winters."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting import CalendarEvent, ForecastConfig, forecast_channels
from forecasting.calendar import day_keys, learn_day_factors
from forecasting.grid import to_day_matrix
from forecasting.smoothing import holt_winters_forecast

from .conftest import make_history


def test_china_holidays_and_makeup_workdays():
    dates = pd.date_range("2025-01-24", "2025-02-09")
    keys = dict(zip(dates.date, day_keys(dates, ForecastConfig())))
    assert keys[dt.date(2025, 1, 26)] == "workday:makeup"  # Sunday worked before Spring Festival
    assert keys[dt.date(2025, 2, 8)] == "workday:makeup"
    assert keys[dt.date(2025, 1, 28)].startswith("holiday:") and keys[dt.date(2025, 1, 28)].endswith(":0")
    # the weekend inside the Golden Week belongs to the holiday block
    assert keys[dt.date(2025, 2, 1)].endswith(":4")
    assert keys[dt.date(2025, 2, 4)].endswith(":7")
    assert keys[dt.date(2025, 2, 5)] is None and keys[dt.date(2025, 1, 27)] is None


def test_event_offsets_and_other_country():
    ev = CalendarEvent("11.11", dates=(dt.date(2025, 11, 11),), pre_days=2, post_days=1)
    dates = pd.date_range("2025-11-08", "2025-11-13")
    keys = list(day_keys(dates, ForecastConfig(holidays_country=None, events=(ev,))))
    assert keys == [None, "event:11.11:-2", "event:11.11:-1", "event:11.11:+0", "event:11.11:+1", None]
    us = day_keys(pd.date_range("2025-07-04", periods=1), ForecastConfig(holidays_country="US"))
    assert us[0].startswith("holiday:Independence Day")
    with pytest.raises(ValueError, match="holidays_country"):
        day_keys(dates, ForecastConfig(holidays_country="XX"))


def test_day_factor_is_geometric_mean_of_ratios():
    totals = np.full(70, 100.0)
    keys = np.full(70, None, dtype=object)
    keys[[20, 41]] = "event:x:+0"
    totals[20], totals[41] = 200.0, 800.0
    factors = learn_day_factors(totals, keys, np.zeros(70, dtype=bool))
    assert factors["event:x:+0"] == (pytest.approx(400.0 / 100.0), 2)


def test_grid_is_dst_safe():
    """Across the Berlin spring-forward, slots keep their wall-clock position."""
    ds = pd.date_range("2026-03-27", "2026-03-31", freq="15min", tz="Europe/Berlin", inclusive="left")
    hour = ds.hour.to_numpy()
    frame = pd.DataFrame({"channel": "phone", "ds": ds, "volume": np.where(hour == 10, 4.0, 1.0),
                          "aht_s": 200.0})
    dm = to_day_matrix(frame, 30, "Europe/Berlin")
    assert dm.volume.shape == (4, 48)
    assert np.all(dm.volume[:, 20:22] == 8.0)  # 10:00-11:00 local every day
    assert np.isnan(dm.volume[2, 4:6]).all()  # 02:00-03:00 does not exist on 29 March
    assert np.isfinite(dm.volume[[0, 1, 3]]).all()


def test_forecast_across_dst_change_has_every_interval():
    hist = make_history(days=42, start="2026-02-16", tz="Europe/Berlin")
    start = pd.Timestamp("2026-03-30", tz="Europe/Berlin")
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2)
    first = pd.Timestamp("2026-03-27", tz="Europe/Berlin")
    fc = forecast_channels(hist, first, start, cfg).forecast
    assert len(fc) == 3 * 96 - 4  # the lost hour has no intervals
    assert fc["ds"].is_unique and fc["volume"].notna().all()


def test_holt_winters_recovers_trend_and_season():
    t = np.arange(84)
    season = np.array([5.0, 3.0, 0.0, -1.0, -2.0, -4.0, -1.0])
    y = 100 + 0.5 * t + season[t % 7]
    pred = holt_winters_forecast(y, 7, 7)
    truth = 100 + 0.5 * np.arange(84, 91) + season[np.arange(84, 91) % 7]
    assert np.max(np.abs(pred - truth)) < 2.0
    with pytest.raises(ValueError, match="at least 14 values"):
        holt_winters_forecast(y[:10], 7, 3)
