"""One channel's prepared data, its rolling-origin backtest and calendar-adjusted predictions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .backtest import IntervalCalibration, bias, calibrate, cross_coverage, seasonal_scale, wape
from .calendar import day_keys, detect_outliers, factor_array, learn_day_factors
from .config import ForecastConfig
from .grid import grid_positions, to_day_matrix
from .models import nanmean0
from .models_daily import COMBINATION_MEMBERS, make_model

MIN_HISTORY_DAYS = 14
MAX_BACKTEST_HORIZON_DAYS = 14


@dataclass(frozen=True)
class ChannelData:
    """History of one channel on the day grid plus calendar information.

    Rows are local days from ``first_date``; ``origin`` is the first forecast row and
    ``n_future`` the number of forecast days. ``clean`` is the history with special days
    (holidays, events) and outlier days set to NaN. ``factors`` (all rows) are the learned
    multiplicative calendar effects; ``closed`` and ``aht_profile`` are indexed by
    ``row % 7`` and slot.
    """

    channel: str
    first_date: dt.date
    volume: np.ndarray
    clean: np.ndarray
    keys: np.ndarray
    outliers: np.ndarray
    factors: np.ndarray
    learned: dict
    closed: np.ndarray
    aht_profile: np.ndarray
    origin: int
    n_future: int
    train_days: int

    @property
    def slots_per_day(self) -> int:
        return int(self.volume.shape[1])

    def closed_mask(self, origin: int, n_days: int) -> np.ndarray:
        return self.closed[np.arange(origin, origin + n_days) % 7]

    def effects_frame(self) -> pd.DataFrame:
        rows = [
            {"channel": self.channel, "key": k, "factor": f, "occurrences": n}
            for k, (f, n) in sorted(self.learned.items())
        ]
        return pd.DataFrame(rows, columns=["channel", "key", "factor", "occurrences"])

    def outliers_frame(self) -> pd.DataFrame:
        idx = np.flatnonzero(self.outliers)
        dates = [self.first_date + dt.timedelta(days=int(i)) for i in idx]
        return pd.DataFrame(
            {"channel": self.channel, "date": dates, "volume": np.nansum(self.volume[idx], axis=1)},
            columns=["channel", "date", "volume"],
        )


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
    overall = work.sum() / vol.sum() if vol.sum() > 0 else float(np.nanmean(aht)) if np.isfinite(aht).any() else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        aht_profile = np.where(vol > 0, work / np.maximum(vol, 1e-12), overall)
    return closed, aht_profile


def prepare_channel(channel: str, part: pd.DataFrame, grid: pd.DatetimeIndex,
                    cfg: ForecastConfig, tz) -> ChannelData:
    """Grid the history, find special and outlier days, learn calendar factors."""
    dm = to_day_matrix(part, cfg.interval_min, tz)
    hist_rows = dm.n_days - (1 if np.isnan(dm.volume[-1, -1]) else 0)
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
    totals = _day_totals(volume)
    outliers = detect_outliers(totals, keys[:origin], cfg.outlier_z)
    learned = learn_day_factors(totals, keys[:origin], outliers)
    special = np.array([k is not None for k in keys[:origin]]) | outliers
    clean = volume.copy()
    clean[special] = np.nan
    closed, aht_profile = _weekday_slot_stats(clean, dm.aht_s[:origin])
    return ChannelData(
        channel=channel, first_date=dm.first_date, volume=volume, clean=clean, keys=keys,
        outliers=outliers, factors=factor_array(keys, learned), learned=learned,
        closed=closed, aht_profile=aht_profile, origin=origin, n_future=n_future,
        train_days=7 * cfg.train_weeks,
    )


def predict_days(data: ChannelData, name: str, origin: int, n_days: int) -> np.ndarray:
    """Calendar-adjusted mean forecast (n_days, slots) of model ``name`` from row ``origin``."""
    if name == "combination":
        parts = [predict_days(data, m, origin, n_days) for m in COMBINATION_MEMBERS]
        return np.mean(parts, axis=0)
    spd = data.slots_per_day
    train = data.clean[max(0, origin - data.train_days):origin].ravel()
    mean = make_model(name, spd).fit(train).predict(n_days * spd)["mean"]
    out = mean.reshape(n_days, spd) * data.factors[origin:origin + n_days, None]
    return np.where(data.closed_mask(origin, n_days), 0.0, out)


def backtest_channel(data: ChannelData, cfg: ForecastConfig) -> tuple[pd.DataFrame, str, IntervalCalibration]:
    """Rolling-origin backtest of every candidate; returns table, choice, calibration."""
    horizon = min(data.n_future, MAX_BACKTEST_HORIZON_DAYS)
    origins = [
        data.origin - horizon - k * cfg.origin_step_days for k in range(cfg.backtest_origins)
    ]
    origins = sorted(o for o in origins if o >= MIN_HISTORY_DAYS)
    names = list(cfg.models)
    members = [m for m in COMBINATION_MEMBERS if m not in names] if "combination" in names else []
    preds: dict[str, list[np.ndarray]] = {n: [] for n in names + members if n != "combination"}
    evals = []
    for o in origins:
        for n in preds:
            preds[n].append(predict_days(data, n, o, horizon))
        act = data.volume[o:o + horizon].copy()
        act[np.isnan(data.clean[o:o + horizon])] = np.nan
        evals.append(act)
    if "combination" in names:
        preds["combination"] = [
            np.mean([preds[m][k] for m in COMBINATION_MEMBERS], axis=0) for k in range(len(origins))
        ]
    scale = seasonal_scale(data.clean[: origins[-1]].ravel(), 7 * data.slots_per_day) if origins else np.nan
    rows = [_metrics(data.channel, n, preds[n], evals, scale, horizon) for n in names]
    table = pd.DataFrame(rows)
    choice = names[0] if table["wape"].isna().all() else str(table.loc[table["wape"].idxmin(), "model"])
    table["selected"] = table["model"] == choice
    pairs = _pairs(preds[choice], evals)
    cal = calibrate(
        np.concatenate([p[0] for p in pairs]) if pairs else np.zeros(0),
        np.concatenate([p[1] for p in pairs]) if pairs else np.zeros(0),
        cfg.levels,
    )
    return table, choice, cal


def _pairs(preds: list[np.ndarray], evals: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for f, a in zip(preds, evals):
        ok = np.isfinite(a)
        out.append((a[ok], f[ok]))
    return out


def _metrics(channel: str, name: str, preds, evals, scale: float, horizon: int) -> dict:
    pairs = _pairs(preds, evals)
    a = np.concatenate([p[0] for p in pairs]) if pairs else np.zeros(0)
    f = np.concatenate([p[1] for p in pairs]) if pairs else np.zeros(0)
    day1 = _pairs([p[:1] for p in preds], [e[:1] for e in evals])
    a1 = np.concatenate([p[0] for p in day1]) if day1 else np.zeros(0)
    f1 = np.concatenate([p[1] for p in day1]) if day1 else np.zeros(0)
    return {
        "channel": channel, "model": name, "wape": wape(a, f),
        "mase": float(np.mean(np.abs(a - f)) / scale) if a.size and scale > 0 else float("nan"),
        "bias": bias(a, f), "coverage_80": cross_coverage(pairs, 80),
        "wape_day_ahead": wape(a1, f1), "origins": len(preds), "horizon_days": horizon,
    }
