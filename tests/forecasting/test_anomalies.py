"""Outage intervals and outlier days are detected, reported and kept out of training."""

import datetime as dt

import numpy as np
import pandas as pd

from forecasting import ForecastConfig, forecast_channels
from forecasting.anomalies import detect_anomalous_intervals

from .conftest import make_history

TZ = "Asia/Shanghai"


def _poisson_days(n_days: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.r_[np.zeros(32), np.full(56, 30.0), np.zeros(8)]
    return rng.poisson(np.tile(base, (n_days, 1))).astype(float)


def test_partial_outage_is_flagged():
    volume = _poisson_days(56, seed=3)
    volume[30, 40:52] = 0.0  # three hours down
    flags = detect_anomalous_intervals(volume, np.ones(56, dtype=bool), slots_per_hour=4)
    assert flags[30, 40:52].all()
    assert flags.sum() <= 12 + 6  # windows touching the edges at most


def test_no_false_alarms_on_plain_poisson_data():
    volume = _poisson_days(84, seed=8)
    flags = detect_anomalous_intervals(volume, np.ones(84, dtype=bool), slots_per_hour=4)
    assert flags.sum() == 0


def test_outage_is_reported_and_left_out_of_training():
    start = dt.date(2026, 1, 5)
    hist = make_history(days=70, channels=("phone",), seed=9)
    day = pd.Timestamp(start + dt.timedelta(days=63), tz=TZ)  # a Monday, last week
    hit = (hist["ds"] >= day + pd.Timedelta(hours=10)) & (hist["ds"] < day + pd.Timedelta(hours=13))
    clean_monday = hist.loc[hit, "volume"].sum()
    hist.loc[hit, "volume"] = 0.0
    cfg = ForecastConfig(holidays_country=None, backtest_origins=2, models=("seasonal_naive",))
    first = pd.Timestamp(start + dt.timedelta(days=70), tz=TZ)
    res = forecast_channels(hist, first, first + pd.Timedelta(days=1), cfg)
    # reported either as anomalous intervals or, since a third of the day is lost, a day
    assert list(res.outliers["date"]) == [day.date()]
    assert res.outliers["n_intervals"].iloc[0] >= 10
    # the seasonal naive model skips the outage and repeats an earlier Monday instead
    fc = res.forecast
    fc_hit = (fc["ds"].dt.hour >= 10) & (fc["ds"].dt.hour < 13)
    assert fc.loc[fc_hit, "volume"].sum() > 0.7 * clean_monday
