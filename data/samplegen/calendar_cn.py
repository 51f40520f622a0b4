"""Chinese calendar effects per day and channel: holidays, make-up days, promotions.

Public holidays and the make-up working days (调休, weekend days worked in exchange
for a longer break) come from the ``holidays`` package: ``holidays.China`` lists the
days off and exposes the make-up days as ``weekend_workdays`` (both follow the yearly
State Council General Office notices on public-holiday arrangements, 国务院办公厅关于
节假日安排的通知).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np

from samplegen.profiles import ChannelProfile

# Peak day of the pre-Spring-Festival shopping festival (年货节), aligned with the
# "pre-Spring-Festival" event of data/sample/scenario.toml; other years: festival - 10 d.
NIANHUO_PEAK = {2025: dt.date(2025, 1, 19), 2026: dt.date(2026, 2, 6)}
PRESALE_1111_DAYS = 22  # 11.11 presale starts around October 20
BUILDUP_618_DAYS = 17  # 618 starts on June 1
TAIL_1111_DAYS = 10
TAIL_618_DAYS = 5
WEDNESDAY, SUNDAY = 2, 6
SPRING_FESTIVAL = "Chinese New Year (Spring Festival)"


@dataclass(frozen=True)
class DayCalendar:
    """Per-day calendar of the generated range.

    Attributes
    ----------
    dates : (n_days,) ``datetime.date``.
    kind : (n_days,) one of ``workday``, ``weekend``, ``makeup_workday``, ``holiday``,
        ``spring_festival``.
    weekend_shape : (n_days,) True where the weekend intraday profile applies.
    volume_factor : (n_days, n_channels) multiplier of the channel's daily volume.
    aht_factor : (n_days, n_channels) multiplier of the channel's handle time.
    load_factor : (n_days, n_channels) promotion/festival multiplier alone (no weekday
        effect), used to raise abandonment with load.
    """

    dates: np.ndarray
    kind: np.ndarray
    weekend_shape: np.ndarray
    volume_factor: np.ndarray
    aht_factor: np.ndarray
    load_factor: np.ndarray


def _break_spans(cal: holidays.HolidayBase, days: list[dt.date]) -> dict[dt.date, str]:
    """Map each day of a public-holiday break to ``holiday`` or ``spring_festival``.

    A break is the run of consecutive non-working days (weekends included, make-up
    working days excluded) that contains at least one public holiday.
    """
    kinds: dict[dt.date, str] = {}
    lo, hi = days[0] - dt.timedelta(days=60), days[-1] + dt.timedelta(days=60)
    for day in sorted(cal):
        if not lo <= day <= hi or day in kinds:
            continue
        start, end = day, day
        while not cal.is_working_day(start - dt.timedelta(days=1)):
            start -= dt.timedelta(days=1)
        while not cal.is_working_day(end + dt.timedelta(days=1)):
            end += dt.timedelta(days=1)
        names = " ".join(cal.get(d, "") for d in _span(start, end))
        label = "spring_festival" if "Spring Festival" in names else "holiday"
        for d in _span(start, end):
            kinds[d] = label
    return kinds


def _span(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _promo_factor(day: dt.date, ch: ChannelProfile) -> tuple[float, float]:
    """Volume and AHT multipliers of 618 and 11.11 (build-up, peak, after-sales tail)."""
    for peak, amp, build, tail_days, tail_amp, aht_tail in (
        (dt.date(day.year, 6, 18), ch.peak_618, BUILDUP_618_DAYS, TAIL_618_DAYS,
         0.5 * (ch.peak_618 - 1.0), 0.12),
        (dt.date(day.year, 11, 11), ch.peak_1111, PRESALE_1111_DAYS, TAIL_1111_DAYS,
         ch.tail_1111, 0.20),
    ):
        k = (peak - day).days
        if 0 <= k <= build:
            # presale plateau (+12 % of the peak excess) plus exponential run-up to the peak
            vol = 1.0 + (amp - 1.0) * (0.12 + 0.88 * np.exp(-k / 2.5))
            aht = 0.93 if (ch.name == "chat" and k <= 2) else 1.0
            return vol, aht
        if 1 <= -k <= tail_days:
            j = -k
            fade = np.exp(-j / 4.0) * (1.0 - j / (tail_days + 1))
            return 1.0 + tail_amp * fade, 1.0 + aht_tail * np.exp(-j / 5.0)
    return 1.0, 1.0


def _spring_festival_factor(day: dt.date, ch: ChannelProfile, festivals: dict) -> float:
    """Volume multiplier around Spring Festival: 年货节 build-up, logistics stop, dip."""
    for new_year, (b0, b1) in festivals.items():
        peak = NIANHUO_PEAK.get(new_year.year, new_year - dt.timedelta(days=10))
        top = 1.0 + ch.nianhuo_amp
        if peak - dt.timedelta(days=10) <= day <= peak:
            return 1.0 + ch.nianhuo_amp * (1 - (peak - day).days / 10.0) ** 1.5
        if peak < day < b0:  # couriers stop taking orders: decline to 0.85
            frac = (day - peak).days / max((b0 - peak).days - 1, 1)
            return top + (0.85 - top) * frac
        if b0 <= day <= b1:
            deep, shallow = ch.sf_depth
            frac = max((day - new_year).days, 0) / max((b1 - new_year).days, 1)
            return 1.0 - (deep + (shallow - deep) * frac)
        if 1 <= (day - b1).days <= 7:
            return 0.8 + 0.2 * (day - b1).days / 8.0
    return 1.0


def _spring_festivals(cal: holidays.HolidayBase,
                      breaks: dict[dt.date, str]) -> dict[dt.date, tuple[dt.date, dt.date]]:
    """Map each Chinese New Year's day to the first and last day of its break."""
    festivals: dict[dt.date, tuple[dt.date, dt.date]] = {}
    for day, name in sorted(cal.items()):
        if name != SPRING_FESTIVAL or any(d.year == day.year for d in festivals):
            continue
        span = [d for d, kind in breaks.items()
                if kind == "spring_festival" and abs((d - day).days) < 12]
        if span:
            festivals[day] = (min(span), max(span))
    return festivals


def _day_factors(day: dt.date, kind: str, catch_up: bool, ch: ChannelProfile,
                 festivals: dict) -> tuple[float, float, float]:
    """(volume, aht, load) multipliers of one channel on one day."""
    if kind == "spring_festival":
        dow = 1.0  # the Spring Festival dip is relative to an average day
    elif kind == "holiday":
        dow = ch.dow_factor[SUNDAY]
    elif kind == "makeup_workday":
        dow = ch.dow_factor[WEDNESDAY]  # a make-up Saturday/Sunday is a mid-week day
    else:
        dow = ch.dow_factor[day.weekday()]
    promo_v, promo_a = _promo_factor(day, ch)
    festival = _spring_festival_factor(day, ch, festivals)
    holiday = ch.holiday_factor if kind == "holiday" else 1.0
    boost = ch.catch_up_factor if catch_up else 1.0
    aht = promo_a * (1.05 if kind == "spring_festival" else 1.0)
    return dow * promo_v * festival * holiday * boost, aht, promo_v * festival


def build_calendar(start: dt.date, end: dt.date,
                   channels: tuple[ChannelProfile, ...]) -> DayCalendar:
    """Daily volume and AHT multipliers for every channel from ``start`` to ``end``.

    Parameters
    ----------
    start, end : first and last day (inclusive).
    channels : channel profiles, in output column order.
    """
    days = _span(start, end)
    cal = holidays.China(years=range(start.year - 1, end.year + 2), language="en_US")
    breaks = _break_spans(cal, days)
    festivals = _spring_festivals(cal, breaks)
    kinds = [_day_kind(day, cal, breaks) for day in days]
    factors = np.ones((3, len(days), len(channels)))
    for i, (day, kind) in enumerate(zip(days, kinds)):
        # first working day after a break of 3+ days: backlog of deferred questions
        catch_up = cal.is_working_day(day) and not any(
            cal.is_working_day(day - dt.timedelta(days=k)) for k in (1, 2, 3))
        for c, ch in enumerate(channels):
            factors[:, i, c] = _day_factors(day, kind, catch_up, ch, festivals)
    kind_arr = np.array(kinds)
    weekend_shape = np.isin(kind_arr, ("weekend", "holiday", "spring_festival"))
    return DayCalendar(np.array(days), kind_arr, weekend_shape, *factors)


def _day_kind(day: dt.date, cal: holidays.HolidayBase, breaks: dict) -> str:
    if day in breaks:
        return breaks[day]
    if day.weekday() >= 5:
        return "makeup_workday" if cal.is_working_day(day) else "weekend"
    return "workday"
