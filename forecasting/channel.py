"""One channel's prepared data, its rolling-origin backtest and calendar-adjusted predictions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .anomalies import detect_anomalous_intervals
from .calendar import (
    day_keys, detect_outliers, factor_array, learn_day_factors, learn_shape_effects,
    shape_key,
)
from .config import ForecastConfig
from .grid import grid_positions, to_day_matrix
from .models_daily import COMBINATION_MEMBERS, make_model

MIN_HISTORY_DAYS = 14
MIN_ADJUSTABLE_FACTOR = 0.2


@dataclass(frozen=True)
class CalendarState:
    """Calendar effects learned from the rows before one origin.

    ``factors`` (all rows) are multiplicative day effects, ``shapes`` (all rows x slots)
    intraday shape multipliers, ``clean`` the training rows with those effects divided
    out (NaN for outlier days and for special days whose factor is below
    ``MIN_ADJUSTABLE_FACTOR`` or never seen), ``learned`` ``{key: (factor, count)}``.
    """

    factors: np.ndarray
    shapes: np.ndarray
    clean: np.ndarray
    learned: dict


@dataclass(frozen=True)
class ChannelData:
    """History of one channel on the day grid plus calendar information.

    Rows are local days from ``first_date``; ``origin`` is the first forecast row and
    ``n_future`` the number of forecast days; ``keys`` covers history and future rows.
    ``outliers`` flags whole days, ``anomalous`` single intervals (history rows x slots);
    both are kept out of training and evaluation.
    ``closed`` and ``aht_profile`` are indexed by ``row % 7`` and slot. Calendar effects
    are learned per origin (:meth:`calendar_at`), so backtests never see the future.
    """

    channel: str
    first_date: dt.date
    volume: np.ndarray
    keys: np.ndarray
    outliers: np.ndarray
    anomalous: np.ndarray
    closed: np.ndarray
    aht_profile: np.ndarray
    origin: int
    n_future: int
    train_days: int
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def slots_per_day(self) -> int:
        return int(self.volume.shape[1])

    def closed_mask(self, origin: int, n_days: int) -> np.ndarray:
        return self.closed[np.arange(origin, origin + n_days) % 7]

    def calendar_at(self, origin: int) -> CalendarState:
        """Calendar effects learned from rows ``< origin`` (cached)."""
        if origin not in self._cache:
            self._cache[origin] = _learn_calendar(self, origin)
        return self._cache[origin]

    def actual(self, origin: int, n_days: int) -> np.ndarray:
        """Observed volume of rows ``origin..origin+n_days``; NaN where missing or outlier."""
        act = self.volume[origin:origin + n_days].copy()
        act[self.outliers[origin:origin + n_days]] = np.nan
        act[self.anomalous[origin:origin + n_days]] = np.nan
        return act

    def effects_frame(self) -> pd.DataFrame:
        learned = self.calendar_at(self.origin).learned
        rows = [
            {"channel": self.channel, "key": k, "factor": f, "occurrences": n}
            for k, (f, n) in sorted(learned.items())
        ]
        return pd.DataFrame(rows, columns=["channel", "key", "factor", "occurrences"])

    def outliers_frame(self) -> pd.DataFrame:
        """Days (``kind="day"``) and runs of intervals (``kind="intervals"``) left out."""
        spd = self.slots_per_day
        rows = []
        for i in np.flatnonzero(self.outliers | self.anomalous.any(axis=1)):
            day = self.outliers[i]
            hit = np.ones(spd, dtype=bool) if day else self.anomalous[i]
            rows.append({
                "channel": self.channel, "date": self.first_date + dt.timedelta(days=int(i)),
                "kind": "day" if day else "intervals", "n_intervals": int(hit.sum()),
                "volume": float(np.nansum(self.volume[i, hit])),
            })
        return pd.DataFrame(rows, columns=["channel", "date", "kind", "n_intervals", "volume"])


def _learn_calendar(data: ChannelData, origin: int) -> CalendarState:
    volume = np.where(data.anomalous[:origin], np.nan, data.volume[:origin])
    keys, outliers = data.keys, data.outliers[:origin]
    learned = learn_day_factors(_day_totals(volume), keys[:origin], outliers)
    factors = factor_array(keys, learned)
    spd = data.slots_per_day
    by_shape = learn_shape_effects(volume, keys[:origin], outliers, max(1, spd // 24))
    shapes = np.ones((keys.size, spd))
    for i, key in enumerate(keys):
        if shape_key(key) in by_shape:
            shapes[i] = by_shape[shape_key(key)]
    clean = volume.copy()
    special = np.flatnonzero(np.array([k is not None for k in keys[:origin]]))
    ok = np.array([learned.get(keys[i], (0.0, 0))[0] >= MIN_ADJUSTABLE_FACTOR for i in special],
                  dtype=bool)
    adj, drop = special[ok], special[~ok]
    if adj.size:
        unshaped = volume[adj] / shapes[adj]
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.nansum(volume[adj], axis=1) / factors[adj] / np.nansum(unshaped, axis=1)
        clean[adj] = unshaped * np.where(np.isfinite(scale), scale, 0.0)[:, None]
    clean[drop] = np.nan
    clean[outliers] = np.nan
    return CalendarState(factors=factors, shapes=shapes, clean=clean, learned=learned)


def _day_totals(volume: np.ndarray, max_missing_frac: float = 0.1) -> np.ndarray:
    """Daily totals; NaN when more than ``max_missing_frac`` of the slots are missing."""
    miss = np.isnan(volume).mean(axis=1)
    return np.where(miss <= max_missing_frac, np.nansum(volume, axis=1), np.nan)


def _weekday_slot_stats(volume: np.ndarray, aht: np.ndarray, weeks: int = 8):
    """Closed mask and volume-weighted handle time per (row % 7, slot) over recent weeks."""
    n, spd = volume.shape
    start = max(0, n - 7 * weeks)
    closed = np.zeros((7, spd), dtype=bool)
    work = np.zeros((7, spd))
    vol = np.zeros((7, spd))
    for w in range(7):
        rows = np.arange(start, n)
        rows = rows[rows % 7 == w]
        v = volume[rows]
        seen = np.isfinite(v).sum(axis=0)
        closed[w] = (seen >= 2) & (np.nansum(v, axis=0) == 0)
        vv = np.where(np.isfinite(v) & np.isfinite(aht[rows]), v, 0.0)
        work[w] = np.sum(vv * np.nan_to_num(aht[rows]), axis=0)
        vol[w] = vv.sum(axis=0)
    if vol.sum() > 0:
        overall = work.sum() / vol.sum()
    else:
        overall = float(np.nanmean(aht)) if np.isfinite(aht).any() else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        aht_profile = np.where(vol > 0, work / np.maximum(vol, 1e-12), overall)
    return closed, aht_profile


def _last_day_complete(volume: np.ndarray, weeks: int = 4) -> bool:
    """The last day is complete unless it stops early: its trailing missing slots are
    complete only if they are missing on every day of the previous ``weeks`` weeks too
    (slots the history never records, e.g. files with opening hours only)."""
    last = volume[-1]
    if np.isfinite(last[-1]):
        return True
    seen = np.flatnonzero(np.isfinite(last))
    tail = slice(seen[-1] + 1 if seen.size else 0, None)
    before = volume[-1 - 7 * weeks:-1, tail]
    return before.size > 0 and bool(np.isnan(before).all())


def prepare_channel(channel: str, part: pd.DataFrame, grid: pd.DatetimeIndex,
                    cfg: ForecastConfig, tz) -> ChannelData:
    """Grid the history, find special and outlier days, learn calendar factors."""
    dm = to_day_matrix(part, cfg.interval_min, tz)
    hist_rows = dm.n_days - (0 if _last_day_complete(dm.volume) else 1)
    rows, _ = grid_positions(grid, dm.first_date, cfg.interval_min, tz)
    origin = int(min(hist_rows, rows.min()))
    if origin < MIN_HISTORY_DAYS:
        raise ValueError(
            f"history of channel {channel!r} must cover at least {MIN_HISTORY_DAYS} days "
            f"before start, got {origin}"
        )
    n_future = int(rows.max()) - origin + 1
    dates = pd.date_range(dm.first_date, periods=origin + n_future, freq="D")
    keys = day_keys(dates, cfg)
    volume = dm.volume[:origin]
    outliers = detect_outliers(_day_totals(volume), keys[:origin], cfg.outlier_z)
    normal = np.array([k is None for k in keys[:origin]]) & ~outliers
    anomalous = detect_anomalous_intervals(volume, normal, max(1, 60 // cfg.interval_min))
    usable = np.where(outliers[:, None] | anomalous, np.nan, volume)
    closed, aht_profile = _weekday_slot_stats(usable, dm.aht_s[:origin])
    return ChannelData(
        channel=channel, first_date=dm.first_date, volume=volume, keys=keys, outliers=outliers,
        anomalous=anomalous, closed=closed, aht_profile=aht_profile, origin=origin,
        n_future=n_future, train_days=7 * cfg.train_weeks,
    )


def predict_days(data: ChannelData, name: str, origin: int, n_days: int) -> np.ndarray:
    """Calendar-adjusted mean forecast (n_days, slots) of model ``name`` from row ``origin``."""
    if name == "combination":
        parts = [predict_days(data, m, origin, n_days) for m in COMBINATION_MEMBERS]
        return np.mean(parts, axis=0)
    spd = data.slots_per_day
    cal = data.calendar_at(origin)
    train = cal.clean[max(0, origin - data.train_days):origin].ravel()
    mean = make_model(name, spd).fit(train).predict(n_days * spd)["mean"]
    base = mean.reshape(n_days, spd) * cal.factors[origin:origin + n_days, None]
    base = np.where(data.closed_mask(origin, n_days), 0.0, base)
    shaped = base * cal.shapes[origin:origin + n_days]
    total, new_total = base.sum(axis=1, keepdims=True), shaped.sum(axis=1, keepdims=True)
    return np.where(new_total > 0, shaped * total / np.where(new_total > 0, new_total, 1.0), base)
