"""forecast_channels end to end on synthetic history."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting import (
    FORECAST_COLUMNS, CalendarEvent, ForecastConfig, ForecastResult, backtest_channels,
    forecast_channels,
)

from .conftest import make_history

TZ = "Asia/Shanghai"
WEEKLY = (1.2, 1.1, 1.0, 1.0, 0.95, 0.7, 0.6)  # weekday factors of make_history


@pytest.fixture(scope="module")
def result(history) -> ForecastResult:
    cfg = ForecastConfig(holidays_country=None, backtest_origins=3)
    start = history["ds"].max() + pd.Timedelta(minutes=15)
    return forecast_channels(history, start, start + pd.Timedelta(days=7), cfg)


def test_forecast_frame_contract(result, history):
    fc = result.forecast
    assert list(fc.columns) == FORECAST_COLUMNS
    assert len(fc) == 2 * 7 * 96
    assert fc["ds"].dt.tz is not None
    assert set(fc["channel"]) == {"phone", "chat"}
    for ch, part in fc.groupby("channel"):
        assert part["ds"].is_monotonic_increasing
        assert (part["model"] == result.selected[ch]).all()
    cols = ["volume_lo_95", "volume_lo_80", "volume", "volume_hi_80", "volume_hi_95"]
    vals = fc[cols].to_numpy()
    assert np.all(np.diff(vals, axis=1) >= -1e-9)
    assert np.all(vals >= 0)
    assert np.allclose(fc.loc[fc["channel"] == "chat", "aht_s"], 360.0)


def test_closed_hours_stay_zero(result):
    fc = result.forecast
    hour = fc["ds"].dt.hour
    closed = fc[(hour < 8) | (hour >= 22)]
    assert (closed[["volume", "volume_hi_95"]].to_numpy() == 0).all()
    assert (fc.loc[(hour >= 9) & (hour < 21), "volume"] > 0).all()


def test_backtest_table_and_selection(result):
    bt = result.backtest
    assert {"channel", "model", "wape", "mase", "bias", "coverage_80"} <= set(bt.columns)
    assert len(bt) == 2 * 5
    for ch, part in bt.groupby("channel"):
        chosen = part.loc[part["selected"], "model"].tolist()
        assert chosen == [result.selected[ch]]
        assert part.loc[part["selected"], "wape"].iloc[0] == part["wape"].min()
    # Poisson noise on ~20 calls per slot: WAPE well below 20%, MASE below naive
    best = bt[bt["selected"]]
    assert (best["wape"] < 0.2).all()
    assert (best["mase"] < 1.0).all()
    assert (bt["origins"] == 3).all()


def test_forecast_level_matches_truth(result):
    """Weekly total of the synthetic phone channel is 2000 * sum(weekly factors)."""
    total = result.forecast.query("channel == 'phone'")["volume"].sum()
    expected = 2000 * sum(WEEKLY)
    assert abs(total / expected - 1) < 0.05


def test_interval_calibration_is_honest():
    """80% intervals cover roughly 80% of a fresh week drawn from the same process."""
    hist = make_history(days=84, channels=("phone",), seed=3)
    cut = hist["ds"].iloc[0] + pd.Timedelta(days=77)
    train, test = hist[hist["ds"] < cut], hist[hist["ds"] >= cut]
    cfg = ForecastConfig(holidays_country=None, backtest_origins=4)
    fc = forecast_channels(train, cut, cut + pd.Timedelta(days=7), cfg).forecast
    merged = fc.merge(test, on=["channel", "ds"], suffixes=("", "_act"))
    open_ = merged[merged["volume"] > 0]
    inside = (open_["volume_act"] >= open_["volume_lo_80"]) & (open_["volume_act"] <= open_["volume_hi_80"])
    assert 0.7 <= inside.mean() <= 0.9
    inside95 = (open_["volume_act"] >= open_["volume_lo_95"]) & (open_["volume_act"] <= open_["volume_hi_95"])
    assert inside95.mean() >= 0.88


def test_event_effect_is_learned_and_applied():
    """A promotion tripling volume at each past occurrence is forecast ~3x on its next date."""
    start = dt.date(2026, 1, 5)
    event_days = [start + dt.timedelta(days=d) for d in (16, 37, 58, 79)]
    factors = {d.isoformat(): 3.0 for d in event_days[:3]}
    hist = make_history(days=77, channels=("phone",), day_factor=factors, seed=5)
    ev = CalendarEvent("promo", dates=tuple(event_days), pre_days=0, post_days=0)
    cfg = ForecastConfig(holidays_country=None, events=(ev,), backtest_origins=2)
    first = pd.Timestamp(start + dt.timedelta(days=77), tz=TZ)
    res = forecast_channels(hist, first, first + pd.Timedelta(days=7), cfg)
    daily = res.forecast.groupby(res.forecast["ds"].dt.date)["volume"].sum()
    for day, total in daily.items():
        truth = 2000 * WEEKLY[day.weekday()] * (3.0 if day == event_days[3] else 1.0)
        assert abs(total / truth - 1) < 0.08, day
    row = res.effects.query("key == 'event:promo:+0'")
    assert row["occurrences"].iloc[0] == 3
    assert abs(row["factor"].iloc[0] - 3.0) < 0.2


def test_outlier_day_is_detected_and_kept_out():
    start = dt.date(2026, 1, 5)
    outage = (start + dt.timedelta(days=60)).isoformat()
    hist = make_history(days=70, channels=("phone",), day_factor={outage: 0.05}, seed=2)
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2)
    first = pd.Timestamp(start + dt.timedelta(days=70), tz=TZ)
    res = forecast_channels(hist, first, first + pd.Timedelta(days=1), cfg)
    assert [d.isoformat() for d in res.outliers["date"]] == [outage]


def test_bad_window_and_short_history(history):
    start = history["ds"].max()
    with pytest.raises(ValueError, match="end must be after start"):
        forecast_channels(history, start, start)
    short = make_history(days=10)
    s = short["ds"].max() + pd.Timedelta(minutes=15)
    with pytest.raises(ValueError, match="at least 14 days"):
        forecast_channels(short, s, s + pd.Timedelta(days=1))


def test_backtest_channels_by_horizon(history):
    res = backtest_channels(history, horizon_days=3, config=ForecastConfig(holidays_country=None,
                                                                           backtest_origins=2))
    assert set(res.selected) == {"phone", "chat"}
    assert {"channel", "model", "wape", "mase", "bias", "coverage_80", "selected"} <= set(res.summary.columns)
    bh = res.by_horizon
    assert sorted(bh["horizon_day"].unique()) == [1, 2, 3]
    assert len(bh) == 2 * 5 * 3
    assert bh["wape"].between(0, 0.5).all()
    with pytest.raises(ValueError, match="horizon_days"):
        backtest_channels(history, horizon_days=0)


def test_intraday_shape_of_event_is_learned():
    """Promotion days shifting volume to the evening are forecast with that shape."""
    from forecasting.calendar import learn_shape_effects

    rng = np.random.default_rng(1)
    spd = 24
    base = np.r_[np.zeros(8), np.full(14, 100.0), np.zeros(2)]
    volume = rng.poisson(np.tile(base, (56, 1))).astype(float)
    keys = np.full(56, None, dtype=object)
    for i in (10, 24, 38):
        keys[i] = "event:promo:+0"
        volume[i, 18:22] *= 3
    shapes = learn_shape_effects(volume, keys, np.zeros(56, dtype=bool), slots_per_hour=1)
    ratio = shapes["event:promo"]
    assert ratio[18:22].mean() / ratio[8:18].mean() == pytest.approx(3.0, rel=0.15)
    assert np.allclose(ratio[:8], 1.0)
