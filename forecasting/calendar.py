"""Calendar: public holidays, make-up working days, user events, and their learned
multiplicative day effects; outlier days.

Each special day gets a key (``holiday:<name>:<day in block>``, ``workday:makeup``,
``event:<name>:<offset>``). A day's ratio is its total volume over the median total of
the same weekday in the surrounding ``±window_weeks`` normal days; the factor of a key is
the geometric mean of its past ratios (a multiplicative calendar effect, as in the
"day-of-week × special-day" adjustments of Gans, Koole & Mandelbaum 2003, MSOM 5:79, §3.1).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings

import holidays
import numpy as np
import pandas as pd

from .config import ForecastConfig


def _holiday_name(name: str) -> str:
    """Drop suffixes like ``(observed)`` or ``(substituted from 01/26/2025)``."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip() or name


def _holiday_blocks(cal, workdays: set) -> dict:
    """Holiday date -> canonical name, with the weekend days that adjoin a holiday added
    (the package lists the Saturday/Sunday of a Golden Week or of a long weekend only
    when they are substitutes, but they belong to the same break)."""
    names = {d: _holiday_name(n) for d, n in cal.items()}
    for d in sorted(names):
        for step in (-1, 1):  # weekend days adjoining the holiday join its break
            g = d + dt.timedelta(days=step)
            while g.weekday() >= 5 and g not in workdays and g not in names:
                names[g] = names[d]
                g += dt.timedelta(days=step)
    return names


def day_keys(dates: pd.DatetimeIndex, config: ForecastConfig) -> np.ndarray:
    """Calendar key of each date (object array, ``None`` for a normal day).

    Precedence: public holiday, then make-up working day, then user event.
    """
    keys = np.full(len(dates), None, dtype=object)
    index = {d.date(): i for i, d in enumerate(dates)}
    for ev in config.events:
        for center in ev.dates:
            for off in range(-ev.pre_days, ev.post_days + 1):
                i = index.get(center + pd.Timedelta(days=off).to_pytimedelta())
                if i is not None:
                    keys[i] = f"event:{ev.name}:{off:+d}"
    if config.holidays_country:
        years = sorted({d.year for d in dates})
        try:
            cal = holidays.country_holidays(config.holidays_country, years=years)
        except NotImplementedError as exc:
            raise ValueError(
                f"holidays_country must be a code known to the holidays package, "
                f"got {config.holidays_country!r}"
            ) from exc
        for d in getattr(cal, "weekend_workdays", ()):
            if d in index:
                keys[index[d]] = "workday:makeup"
        names = _holiday_blocks(cal, set(getattr(cal, "weekend_workdays", ())))
        run_name, run_pos, prev = "", 0, None
        for d in sorted(day for day in names if day in index):
            if prev is not None and (d - prev).days == 1:
                run_pos += 1
            else:
                run_name, run_pos = names[d], 0
            keys[index[d]] = f"holiday:{run_name}:{run_pos}"
            prev = d
    return keys


def weekday_baseline(totals: np.ndarray, usable: np.ndarray, k: int = 4,
                     max_weeks: int = 12) -> np.ndarray:
    """Median total of the ``k`` nearest usable days of the same weekday (within
    ``±max_weeks``), so long event windows still get a local baseline."""
    n = totals.size
    vals = np.where(usable, totals, np.nan)
    weeks = np.arange(1, max_weeks + 1)
    offsets = 7 * np.column_stack([-weeks, weeks]).ravel()  # nearest first
    idx = np.arange(n)[:, None] + offsets[None, :]
    ok = (idx >= 0) & (idx < n)
    cand = np.where(ok, vals[np.clip(idx, 0, n - 1)], np.nan)
    rank = np.cumsum(np.isfinite(cand), axis=1)
    cand[rank > k] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(cand, axis=1)


def detect_outliers(totals: np.ndarray, keys: np.ndarray, z_max: float) -> np.ndarray:
    """Normal days whose log ratio to the weekday baseline has robust z-score > ``z_max``.

    Robust z uses the median absolute deviation (Hampel filter; Hampel 1974, JASA 69:383).
    Days of zero volume where the baseline is positive (outages) are always outliers.
    """
    normal = np.array([k is None for k in keys]) & np.isfinite(totals)
    base = weekday_baseline(totals, normal)
    ok = normal & (base > 0)
    out = np.zeros(totals.size, dtype=bool)
    if ok.sum() < 8:
        return out
    lr = np.log(np.maximum(totals[ok], 0.5) / base[ok])
    med = np.median(lr)
    mad = 1.4826 * np.median(np.abs(lr - med))
    scale = max(mad, 0.02)
    flag = (np.abs(lr - med) / scale > z_max) | (totals[ok] == 0)
    out[np.flatnonzero(ok)[flag]] = True
    return out


def learn_day_factors(
    totals: np.ndarray, keys: np.ndarray, outliers: np.ndarray
) -> dict[str, tuple[float, int]]:
    """Factor (geometric mean of past ratios) and occurrence count for each key seen."""
    normal = np.array([k is None for k in keys]) & np.isfinite(totals) & ~outliers
    base = weekday_baseline(totals, normal)
    ratios: dict[str, list[float]] = {}
    for i, key in enumerate(keys):
        if key is None or not np.isfinite(totals[i]) or not base[i] > 0:
            continue
        ratios.setdefault(key, []).append(max(totals[i] / base[i], 1e-3))
    return {k: (float(np.exp(np.mean(np.log(v)))), len(v)) for k, v in ratios.items()}


def factor_array(keys: np.ndarray, factors: dict[str, tuple[float, int]]) -> np.ndarray:
    """Multiplicative factor per day (1 for normal days and keys never seen)."""
    return np.array([factors.get(k, (1.0, 0))[0] if k is not None else 1.0 for k in keys])


def shape_key(key: str | None) -> str | None:
    """Coarser key for intraday shapes: one per event (all offsets), one for all holidays."""
    if key is None:
        return None
    if key.startswith("holiday:"):
        return "holiday"
    if key.startswith("event:"):
        return key.rsplit(":", 1)[0]
    return key


def learn_shape_effects(
    volume: np.ndarray, keys: np.ndarray, outliers: np.ndarray, slots_per_hour: int,
    prior_contacts: float = 20.0,
) -> dict[str, np.ndarray]:
    """Intraday shape change of each key: hourly ratio of observed to expected volume.

    Expected volume of a special day is its total spread by the weekday's normal intraday
    profile; observed and expected hour sums are pooled over occurrences and the ratio is
    shrunk with a pseudo-count, ``(obs + k) / (exp + k)`` (gamma-Poisson posterior mean,
    k = ``prior_contacts``), so a few noisy occurrences barely move the shape.
    Shapes are pooled by :func:`shape_key`. Returns per shape key a multiplier per slot
    (1 = same shape as a normal day).
    """
    n, spd = volume.shape
    complete = np.isfinite(volume).all(axis=1)
    totals = np.where(complete, np.nansum(volume, axis=1), np.nan)
    normal = np.array([k is None for k in keys[:n]]) & complete & ~outliers
    pos = np.arange(n) % 7
    profile = np.zeros((7, spd))
    for w in range(7):
        s = volume[normal & (pos == w)].sum(axis=0)
        profile[w] = s / s.sum() if s.sum() > 0 else 0.0
    obs: dict[str, np.ndarray] = {}
    exp: dict[str, np.ndarray] = {}
    for i in np.flatnonzero(complete & ~outliers & (totals > 0)):
        key = shape_key(keys[i])
        if key is None:
            continue
        obs[key] = obs.get(key, 0.0) + volume[i]
        exp[key] = exp.get(key, 0.0) + totals[i] * profile[pos[i]]
    hours = spd // slots_per_hour
    out = {}
    for key in obs:
        o = obs[key].reshape(hours, slots_per_hour).sum(axis=1)
        e = exp[key].reshape(hours, slots_per_hour).sum(axis=1)
        out[key] = np.repeat((o + prior_contacts) / (e + prior_contacts), slots_per_hour)
    return out
