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
    with pytest.raises(ValueError, match="start must lie on the 15-minute grid"):
        forecast_channels(history, start + pd.Timedelta(minutes=7), start + pd.Timedelta(days=1))
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


def test_calibrate_recovers_overdispersion_and_coverage():
    """Negative-binomial-like residuals: φ² is recovered and fresh data are covered ~80%."""
    from forecasting import calibrate

    rng = np.random.default_rng(4)
    f = rng.uniform(5, 200, 20000)
    level = rng.normal(1.0, 0.1, f.size)  # 10% multiplicative error -> φ² ≈ 0.01
    a = rng.poisson(f * level).astype(float)
    cal = calibrate(a[:10000], f[:10000], (80, 95))
    assert cal.phi2 == pytest.approx(0.01, abs=0.003)
    lo, hi = cal.bounds(f[10000:], 80)
    inside = np.mean((a[10000:] >= lo) & (a[10000:] <= hi))
    assert 0.77 <= inside <= 0.83
    lo95, hi95 = cal.bounds(f[10000:], 95)
    assert np.all(lo95 <= lo) and np.all(hi95 >= hi)
    wide = calibrate(a[:10000], f[:10000], (80,), n_blocks=10)
    assert wide.quantiles[80][1] > cal.quantiles[80][1]


def test_extra_levels_get_columns(history):
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2, levels=(50, 80, 95),
                         models=("slot_average", "seasonal_naive"))
    start = history["ds"].max() + pd.Timedelta(minutes=15)
    fc = forecast_channels(history, start, start + pd.Timedelta(days=1), cfg).forecast
    assert list(fc.columns) == FORECAST_COLUMNS + ["volume_lo_50", "volume_hi_50"]
    assert (fc["volume_lo_80"] <= fc["volume_lo_50"] + 1e-9).all()
    assert (fc["volume_hi_50"] <= fc["volume_hi_80"] + 1e-9).all()


def test_gaps_are_missing_not_zero():
    """A lost day of data must not drag the forecast down (it is missing, not zero)."""
    hist = make_history(days=63, channels=("phone",), seed=12)
    day = hist["ds"].iloc[0].normalize() + pd.Timedelta(days=56)
    holed = hist[(hist["ds"] < day) | (hist["ds"] >= day + pd.Timedelta(days=1))]
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2, models=("slot_average",))
    start = hist["ds"].max() + pd.Timedelta(minutes=15)
    full = forecast_channels(hist, start, start + pd.Timedelta(days=7), cfg).forecast
    gap = forecast_channels(holed, start, start + pd.Timedelta(days=7), cfg).forecast
    assert gap["volume"].sum() == pytest.approx(full["volume"].sum(), rel=0.03)


def test_history_of_open_hours_only():
    """Rows only for opening hours: nights are never observed and forecast as zero."""
    hist = make_history(days=42, channels=("phone",), seed=13)
    hour = hist["ds"].dt.hour
    open_rows = hist[(hour >= 8) & (hour < 22)]
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2)
    start = hist["ds"].max() + pd.Timedelta(minutes=15)  # midnight after the last open day
    fc = forecast_channels(open_rows, start, start + pd.Timedelta(days=2), cfg).forecast
    assert len(fc) == 2 * 96
    night = fc[(fc["ds"].dt.hour < 8) | (fc["ds"].dt.hour >= 22)]
    assert (night[["volume", "volume_hi_95"]].to_numpy() == 0).all()
    assert fc["volume"].sum() > 0


def test_last_day_completeness_rule():
    from forecasting.channel import _last_day_complete

    vol = np.tile(np.r_[np.full(8, np.nan), np.ones(14), np.full(2, np.nan)], (35, 1))
    assert _last_day_complete(vol)  # nights are never recorded: the day is complete
    vol[-1, 12:] = np.nan
    assert not _last_day_complete(vol)  # stops at noon
    vol[:, :] = 1.0
    assert _last_day_complete(vol)


def test_day_cut_short_is_not_training_data():
    """History ending at noon: that day is re-forecast, not read as a half-empty day."""
    hist = make_history(days=42, channels=("phone",), seed=14)
    noon = hist["ds"].max().normalize() + pd.Timedelta(hours=12)
    cut = hist[hist["ds"] < noon]
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2, models=("seasonal_naive",))
    fc = forecast_channels(cut, noon, noon + pd.Timedelta(hours=10), cfg).forecast
    week_before = hist[(hist["ds"] >= noon - pd.Timedelta(days=7))
                       & (hist["ds"] < noon - pd.Timedelta(days=7, hours=-10))]
    np.testing.assert_allclose(fc["volume"].to_numpy(), week_before["volume"].to_numpy())
