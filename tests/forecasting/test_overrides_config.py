"""Manual what-if overrides and config validation."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting import CalendarEvent, ForecastConfig, ForecastOverride, apply_overrides

TZ = "Asia/Shanghai"


@pytest.fixture()
def forecast():
    ds = pd.date_range("2026-11-30", periods=2 * 96, freq="15min", tz=TZ)
    rows = []
    for ch in ("phone", "chat"):
        vol = np.full(ds.size, 10.0)
        rows.append(pd.DataFrame({
            "channel": ch, "ds": ds, "volume": vol, "volume_lo_80": vol - 2, "volume_hi_80": vol + 2,
            "volume_lo_95": vol - 4, "volume_hi_95": vol + 4, "aht_s": 300.0, "model": "x",
        }))
    return pd.concat(rows, ignore_index=True)


def test_override_by_channel_and_date(forecast):
    out = apply_overrides(forecast, [{"channel": "phone", "date": "2026-12-01", "factor": 3.0}])
    hit = (out["channel"] == "phone") & (out["ds"].dt.date == dt.date(2026, 12, 1))
    assert np.allclose(out.loc[hit, "volume"], 30.0)
    assert np.allclose(out.loc[hit, "volume_hi_95"], 42.0)
    assert np.allclose(out.loc[~hit, "volume"], 10.0)
    assert np.allclose(forecast["volume"], 10.0)  # input untouched


def test_override_by_datetime_range_all_channels_multiplies(forecast):
    ovs = [
        ForecastOverride(factor=2.0, start=pd.Timestamp("2026-11-30 10:00"), end="2026-11-30 12:00"),
        ForecastOverride(factor=1.5, channel="chat", start="2026-11-30 11:00+08:00"),
    ]
    out = apply_overrides(forecast, ovs)
    t = out["ds"].dt.tz_localize(None)
    in_a = (t >= "2026-11-30 10:00") & (t < "2026-11-30 12:00")
    in_b = (out["channel"] == "chat") & (t >= "2026-11-30 11:00")
    expected = 10.0 * np.where(in_a, 2.0, 1.0) * np.where(in_b, 1.5, 1.0)
    assert np.allclose(out["volume"], expected)


def test_override_errors(forecast):
    with pytest.raises(ValueError, match="factor must be a finite number >= 0, got -1"):
        ForecastOverride(factor=-1)
    with pytest.raises(ValueError, match="matches no forecast interval"):
        apply_overrides(forecast, [{"channel": "fax", "factor": 2.0}])
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['chanel'\]"):
        apply_overrides(forecast, [{"chanel": "phone", "factor": 2.0}])
    with pytest.raises(ValueError, match="missing key 'factor'"):
        apply_overrides(forecast, [{"channel": "phone"}])
    with pytest.raises(ValueError, match="override start must be a time of day"):
        ForecastOverride(factor=2, date=dt.date(2026, 12, 1), start="2026-12-01 10:00")


def test_override_date_with_time_of_day(forecast):
    ov = {"date": dt.date(2026, 12, 1), "channel": None, "factor": 0.5, "start": "10:00", "end": "11:30"}
    out = apply_overrides(forecast, [ov])
    t = out["ds"].dt.tz_localize(None)
    hit = (t >= "2026-12-01 10:00") & (t < "2026-12-01 11:30")
    assert hit.sum() == 2 * 6
    assert np.allclose(out["volume"], np.where(hit, 5.0, 10.0))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"interval_min": 7}, "interval_min"),
        ({"interval_min": 0}, "interval_min"),
        ({"backtest_origins": 0}, "backtest_origins"),
        ({"levels": (80, 120)}, "levels"),
        ({"models": ("prophet",)}, "models"),
        ({"models": ()}, "models"),
        ({"train_weeks": 1}, "train_weeks"),
        ({"outlier_z": -1.0}, "outlier_z"),
        ({"events": ("618",)}, "events"),
        ({"holidays_country": 5}, "holidays_country"),
    ],
)
def test_config_names_bad_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        ForecastConfig(**kwargs)


def test_config_defaults_and_levels():
    cfg = ForecastConfig(levels=(90,))
    assert cfg.levels == (80, 90, 95)
    assert cfg.holidays_country == "CN"


def test_calendar_event_validation():
    ev = CalendarEvent("11.11", dates=(dt.date(2026, 11, 11), dt.date(2025, 11, 11)), pre_days=3)
    assert ev.dates[0] == dt.date(2025, 11, 11)
    with pytest.raises(ValueError, match="CalendarEvent.name"):
        CalendarEvent("", dates=(dt.date(2026, 1, 1),))
    with pytest.raises(ValueError, match="CalendarEvent.dates"):
        CalendarEvent("x", dates=("2026-01-01",))
    with pytest.raises(ValueError, match="CalendarEvent.pre_days"):
        CalendarEvent("x", dates=(dt.date(2026, 1, 1),), pre_days=-1)
