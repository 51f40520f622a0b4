"""The sample center: speed budget, and promotions and holidays visible in the forecast."""

import datetime as dt
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from forecasting import CalendarEvent, ForecastConfig, forecast_channels

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SAMPLE / "history.csv.gz").exists(), reason="sample history missing"),
]


@pytest.fixture(scope="module")
def sample():
    spec = tomllib.loads((SAMPLE / "scenario.toml").read_text(encoding="utf-8"))
    events = tuple(
        CalendarEvent(e["name"], tuple(dt.date.fromisoformat(d) for d in e["dates"]),
                      e.get("pre_days", 0), e.get("post_days", 0))
        for e in spec["events"]
    )
    hist = pd.read_csv(SAMPLE / spec["history"])
    hist["ds"] = pd.to_datetime(hist["ds"], utc=True).dt.tz_convert(spec["timezone"])
    return hist, ForecastConfig(events=events), spec["timezone"]


def _daily(res) -> pd.Series:
    fc = res.forecast
    return fc.groupby(["channel", fc["ds"].dt.date])["volume"].sum()


def test_plan_week_within_cpu_budget(sample):
    hist, cfg, tz = sample
    start = hist["ds"].max().normalize() + pd.Timedelta(days=1)
    c0 = time.process_time()
    res = forecast_channels(hist, start, start + pd.Timedelta(days=7), cfg)
    assert time.process_time() - c0 < 30.0
    assert len(res.forecast) == 4 * 7 * 96
    assert set(res.selected) == {"phone", "chat", "email", "social"}


def test_double_eleven_peak_is_forecast(sample):
    hist, cfg, tz = sample
    start = pd.Timestamp("2026-11-02", tz=tz)
    daily = _daily(forecast_channels(hist, start, start + pd.Timedelta(days=14), cfg))
    actual = hist[(hist["ds"] >= start) & (hist["ds"] < start + pd.Timedelta(days=14))]
    act = actual.groupby(["channel", actual["ds"].dt.date])["volume"].sum()
    peak = dt.date(2026, 11, 11)
    for ch in ("phone", "chat", "social"):
        assert daily[(ch, peak)] > 1.5 * daily[(ch, dt.date(2026, 11, 4))]
    # phone has two past occurrences (2024, 2025) to learn from; chat only one
    assert abs(daily[("phone", peak)] / act[("phone", peak)] - 1) < 0.15


def test_national_day_dip_is_forecast(sample):
    hist, cfg, tz = sample
    start = pd.Timestamp("2026-09-28", tz=tz)
    daily = _daily(forecast_channels(hist, start, start + pd.Timedelta(days=14), cfg))
    holiday = daily[("phone", dt.date(2026, 10, 2))]
    normal = daily[("phone", dt.date(2026, 10, 9))]  # Friday after the Golden Week
    assert holiday < 0.8 * normal
