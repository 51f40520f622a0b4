"""15-minute contact history: volume, average handle time and abandonment per channel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from samplegen.calendar_cn import DayCalendar
from samplegen.profiles import (INTERVAL_MIN, SLOTS_PER_DAY, ChannelProfile,
                                aht_intraday_factor, intraday_shape)

TIMEZONE = "Asia/Shanghai"
REFERENCE_DATE = dt.date(2026, 9, 14)  # profiles' daily volumes hold at this date
VOLUME_TREND_PER_YEAR = 0.10  # +10 % a year, compounded daily
AHT_TREND_PER_YEAR = -0.02  # handle time shortens 2 % a year (knowledge base, tooling)
DAY_VOLUME_CV = 0.06  # day-to-day noise of the daily level (weather, news)
INTERVAL_GAMMA_SHAPE = 40.0  # gamma-Poisson extra dispersion: CV 16 % on top of Poisson
DAY_AHT_SIGMA = 0.03  # day-to-day lognormal noise of handle time
DAY_STAFFING_SIGMA = 0.25  # day-to-day lognormal noise of abandonment (staffing luck)
MAX_ABANDON_FRAC = 0.40


@dataclass(frozen=True)
class Outage:
    """An abnormal episode: volume of ``channel`` times ``factor`` in [start_h, end_h)."""

    date: dt.date
    channel: str
    start_h: float
    end_h: float
    factor: float
    cause: str


def pick_outages(rng: np.random.Generator, cal: DayCalendar) -> tuple[Outage, ...]:
    """Three abnormal days on ordinary working days away from both ends of the range.

    1. telephony carrier outage: phone at 3 % from 10:00 to 13:30, callbacks at 180 %
       until 15:30;
    2. chat log export failure: chat recorded as 0 for the whole day;
    3. viral social-media post about a courier warehouse fire: social x4, chat x2,
       phone x1.6 from 10:00 to 22:00.
    Days are drawn among workdays with no promotion or festival effect, at least eight
    weeks after the start and five weeks before the end (fewer if the range is short).
    """
    n = len(cal.dates)
    plain = (cal.kind == "workday") & np.all(np.isclose(cal.load_factor, 1.0), axis=1)
    idx = np.arange(n)
    eligible = idx[plain & (idx >= 56) & (idx < n - 35)]
    days = sorted(rng.choice(eligible, size=min(3, eligible.size), replace=False).tolist())
    templates = (
        (("phone", 10.0, 13.5, 0.03, "telephony carrier outage"),
         ("phone", 13.5, 15.5, 1.8, "callbacks after the telephony outage")),
        (("chat", 0.0, 24.0, 0.0, "chat log export failure (data lost, recorded as 0)"),),
        (("social", 10.0, 22.0, 4.0, "viral post about a courier warehouse fire"),
         ("chat", 10.0, 22.0, 2.0, "viral post about a courier warehouse fire"),
         ("phone", 10.0, 22.0, 1.6, "viral post about a courier warehouse fire")),
    )
    return tuple(Outage(cal.dates[d], *spec)
                 for d, group in zip(days, templates) for spec in group)


def _outage_multiplier(cal: DayCalendar, channel: str,
                       outages: tuple[Outage, ...]) -> np.ndarray:
    """(n_days, 96) volume multiplier of the outages affecting ``channel``."""
    mult = np.ones((len(cal.dates), SLOTS_PER_DAY))
    start_h = np.arange(SLOTS_PER_DAY) * INTERVAL_MIN / 60.0
    day_index = {d: i for i, d in enumerate(cal.dates)}
    for o in outages:
        if o.channel == channel and o.date in day_index:
            hit = (start_h >= o.start_h) & (start_h < o.end_h)
            mult[day_index[o.date], hit] *= o.factor
    return mult


def _trend(cal: DayCalendar, per_year: float) -> np.ndarray:
    years = np.array([(d - REFERENCE_DATE).days for d in cal.dates]) / 365.25
    return (1.0 + per_year) ** years


def _channel_means(cal: DayCalendar, c: int, ch: ChannelProfile,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Expected volume (n_days, 96) and the normal weekday peak mean (n_days, 1)."""
    shapes = np.stack([intraday_shape(ch, False), intraday_shape(ch, True)])
    level = ch.daily_volume * _trend(cal, VOLUME_TREND_PER_YEAR)
    k = 1.0 / DAY_VOLUME_CV**2
    day_noise = rng.gamma(k, 1.0 / k, size=len(cal.dates))
    mean = (level * cal.volume_factor[:, c] * day_noise)[:, None] * shapes[
        cal.weekend_shape.astype(int)]
    peak_ref = (level * shapes[0].max())[:, None]
    return mean, peak_ref


def _sample_aht(cal: DayCalendar, c: int, ch: ChannelProfile, volume: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Mean handle time of the ``volume`` contacts of each interval (NaN if none).

    Each contact's handle time is gamma with mean ``mu`` and CV ``aht_cv``; the mean of
    n of them is Gamma(n k, mu / (n k)) with k = 1 / CV^2, sampled exactly.
    """
    day_noise = np.exp(rng.normal(0.0, DAY_AHT_SIGMA, size=len(cal.dates)))
    mu = (ch.aht_mean_s * _trend(cal, AHT_TREND_PER_YEAR) * cal.aht_factor[:, c]
          * day_noise)[:, None] * aht_intraday_factor(ch)[None, :]
    k = 1.0 / ch.aht_cv**2
    shape = np.maximum(volume, 1) * k
    aht = rng.gamma(shape, mu / shape)
    return np.where(volume > 0, np.round(aht, 1), np.nan)


def _sample_abandoned(cal: DayCalendar, ch: ChannelProfile, volume: np.ndarray,
                      mean: np.ndarray, peak_ref: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Abandoned contacts: Binomial(volume, p) with p rising with load.

    p = base * (0.4 + 0.6 r^2) * staffing noise, capped at 40 %, where r is the expected
    volume over the normal weekday peak: quiet intervals see 40 % of the base rate, the
    normal peak the base rate, an 11.11 peak (r ~ 3.5) the cap.
    """
    if not ch.realtime:
        return np.zeros_like(volume)
    ratio = mean / peak_ref
    staffing = np.exp(rng.normal(0.0, DAY_STAFFING_SIGMA, size=(len(cal.dates), 1)))
    p = np.clip(ch.abandon_base_frac * (0.4 + 0.6 * ratio**2) * staffing, 0.0,
                MAX_ABANDON_FRAC)
    return rng.binomial(volume, p)


def make_history(rng: np.random.Generator, cal: DayCalendar,
                 channels: tuple[ChannelProfile, ...],
                 outages: tuple[Outage, ...] = ()) -> pd.DataFrame:
    """History frame ``channel, ds, volume, aht_s, abandoned`` sorted by channel, ds.

    Volume is gamma-Poisson around ``daily level x calendar factor x intraday share``;
    ``ds`` is the tz-aware interval start in Asia/Shanghai.
    """
    ds = pd.date_range(pd.Timestamp(cal.dates[0]), periods=len(cal.dates) * SLOTS_PER_DAY,
                       freq=f"{INTERVAL_MIN}min").tz_localize(TIMEZONE)
    frames = []
    for c, ch in enumerate(channels):
        mean, peak_ref = _channel_means(cal, c, ch, rng)
        mean = mean * _outage_multiplier(cal, ch.name, outages)
        lam = rng.gamma(INTERVAL_GAMMA_SHAPE, mean / INTERVAL_GAMMA_SHAPE)
        volume = rng.poisson(lam)
        aht = _sample_aht(cal, c, ch, volume, rng)
        abandoned = _sample_abandoned(cal, ch, volume, mean, peak_ref, rng)
        frames.append(pd.DataFrame({
            "channel": ch.name, "ds": ds, "volume": volume.ravel().astype(np.int64),
            "aht_s": aht.ravel(), "abandoned": abandoned.ravel().astype(np.int64),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["channel", "ds"], kind="stable", ignore_index=True)
