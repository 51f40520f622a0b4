"""Long-range (daily / weekly / monthly) forecast on a synthetic two-year series."""

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastConfig, forecast_long_range

from .conftest import make_history

WEEKLY = (1.2, 1.1, 1.0, 1.0, 0.95, 0.7, 0.6)


def _annual(d: pd.Timestamp, start: pd.Timestamp) -> float:
    years = (d - start).days / 365.25
    return (1 + 0.1 * years) * (1 + 0.25 * np.sin(2 * np.pi * d.day_of_year / 365.25))


@pytest.fixture(scope="module")
def two_years():
    start = pd.Timestamp("2024-01-01")
    days = pd.date_range(start, periods=2 * 364 + 28, freq="D")
    factors = {d.date().isoformat(): _annual(d, start) for d in days}
    hist = make_history(days=len(days), interval_min=60, start="2024-01-01", day_factor=factors,
                        daily_volume=3000.0, seed=11)
    return hist, start


def test_monthly_forecast_tracks_trend_and_season(two_years):
    hist, start = two_years
    end_hist = hist["ds"].max().tz_localize(None).normalize() + pd.Timedelta(days=1)
    first = end_hist + pd.offsets.MonthBegin(1)
    cfg = ForecastConfig(interval_min=60, holidays_country=None)
    out = forecast_long_range(hist, first, first + pd.DateOffset(months=6), cfg, freq="MS")
    assert list(out.columns) == ["channel", "period_start", "days", "volume", "volume_lo_80",
                                 "volume_hi_80", "volume_lo_95", "volume_hi_95"]
    assert len(out) == 6
    for _, row in out.iterrows():
        days = pd.date_range(row["period_start"], periods=row["days"], freq="D")
        truth = sum(3000 * WEEKLY[d.day_of_week] * _annual(d, start) for d in days)
        assert abs(row["volume"] / truth - 1) < 0.05, row["period_start"]
    vals = out[["volume_lo_95", "volume_lo_80", "volume", "volume_hi_80", "volume_hi_95"]].to_numpy()
    assert np.all(np.diff(vals, axis=1) > 0)


def test_daily_and_weekly_periods(two_years):
    hist, _ = two_years
    cfg = ForecastConfig(interval_min=60, holidays_country=None)
    first = hist["ds"].max().tz_localize(None).normalize() + pd.Timedelta(days=1)
    daily = forecast_long_range(hist, first, first + pd.Timedelta(days=21), cfg, freq="D")
    weekly = forecast_long_range(hist, first, first + pd.Timedelta(days=21), cfg, freq="W")
    assert len(daily) == 21 and (daily["days"] == 1).all()
    assert weekly["days"].sum() == 21
    assert all(pd.Timestamp(d).day_of_week == 0 for d in weekly["period_start"].iloc[1:])
    assert weekly["volume"].sum() == pytest.approx(daily["volume"].sum())


def test_long_range_rejects_bad_arguments(two_years):
    hist, _ = two_years
    first = hist["ds"].max().tz_localize(None).normalize() + pd.Timedelta(days=1)
    with pytest.raises(ValueError, match="freq must be one of"):
        forecast_long_range(hist, first, first + pd.Timedelta(days=30), freq="Q")
    with pytest.raises(ValueError, match="within 550 days"):
        forecast_long_range(hist, first, first + pd.Timedelta(days=800))
    with pytest.raises(ValueError, match="start must be after the history end"):
        forecast_long_range(hist, first - pd.Timedelta(days=30), first + pd.Timedelta(days=30))
