"""Shift options on the interval grid: start, length, lunch and break windows, pay.

All times are minutes since local midnight of the shift's day; windows of lunch and
breaks are offsets (minutes) from the shift start, on the interval grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from scheduling.config import Contract, CostRates, ShiftRules, minutes_of
from scheduling.problem import RosterAgent, RosterProblem

__all__ = ["ShiftOption", "contract_options", "agent_day_options", "option_cost", "is_available",
           "plan_tz", "requirement_map", "interval_start"]


@dataclass(frozen=True)
class ShiftOption:
    """One possible shift of a day.

    ``lunch`` and each of ``breaks`` are ``(earliest, latest)`` start offsets in minutes from
    the shift start (inclusive, on the grid); ``paid_min`` excludes the unpaid lunch.
    """

    start_min: int
    length_min: int
    paid_min: int
    lunch: tuple[int, int] | None
    breaks: tuple[tuple[int, int], ...]
    late: bool
    night_min: int

    @property
    def end_min(self) -> int:
        """Shift end, minutes since midnight."""
        return self.start_min + self.length_min


def _ceil(value: float, step: int) -> int:
    return int(-(-round(value) // step) * step)


def _floor(value: float, step: int) -> int:
    return int(round(value) // step * step)


def _night_minutes(start: int, end: int, costs: CostRates) -> int:
    lo, hi = minutes_of(costs.night_start), minutes_of(costs.night_end)
    spans = [(lo, 1440), (0, hi)] if lo > hi else [(lo, hi)]
    return sum(max(0, min(end, b) - max(start, a)) for a, b in spans)


def _break_windows(length: int, paid: int, rules: ShiftRules, step: int) -> tuple:
    count = rules.breaks_per_4h * (paid // 240) if rules.break_min else 0
    windows = []
    for k in range(count):
        block = length / count
        lo = _ceil(k * block + rules.break_margin_h * 60, step)
        hi = _floor((k + 1) * block - rules.break_margin_h * 60 - rules.break_min, step)
        if lo > hi:
            raise ValueError(f"break_margin_h leaves no room for break {k + 1} of {count} in a "
                             f"{length / 60:g} h shift, got {rules.break_margin_h!r}")
        windows.append((lo, hi))
    return tuple(windows)


def contract_options(contract: Contract, rules: ShiftRules, costs: CostRates,
                     interval_min: int) -> list[ShiftOption]:
    """All shifts of ``contract`` within the center's opening hours, by start then length."""
    first, last = minutes_of(rules.earliest_start), minutes_of(rules.latest_end)
    late_after = minutes_of(rules.late_end_after)
    options = []
    for length_h in contract.shift_lengths_h:
        length = int(round(length_h * 60))
        lunch = None
        if rules.lunch_min and length >= rules.lunch_after_h * 60:
            lo = _ceil(rules.lunch_window_h[0] * 60, interval_min)
            hi = min(_floor(rules.lunch_window_h[1] * 60, interval_min), length - rules.lunch_min)
            if lo > hi:
                raise ValueError(f"lunch_window_h does not fit a {length_h:g} h shift, got "
                                 f"{rules.lunch_window_h!r}")
            lunch = (lo, hi)
        paid = length - (rules.lunch_min if lunch else 0)
        breaks = _break_windows(length, paid, rules, interval_min)
        for start in range(first, last - length + 1, rules.start_step_min):
            options.append(ShiftOption(start, length, paid, lunch, breaks,
                                       start + length > late_after,
                                       _night_minutes(start, start + length, costs)))
    options.sort(key=lambda o: (o.start_min, o.length_min))
    return options


def is_available(agent: RosterAgent, day: date) -> bool:
    """Whether the agent may work on ``day`` (weekday available and no approved time off)."""
    return day.weekday() in agent.available_weekdays and day not in agent.time_off


def agent_day_options(problem: RosterProblem, agent: RosterAgent, day: date,
                      options: list[ShiftOption], respect_availability: bool = True
                      ) -> list[ShiftOption]:
    """Options of ``agent`` on ``day``: inside the availability window unless told not to."""
    if not respect_availability:
        return list(options)
    if not is_available(agent, day):
        return []
    lo, hi = minutes_of(agent.earliest_start), minutes_of(agent.latest_end)
    return [o for o in options if o.start_min >= lo and o.end_min <= hi]


def option_cost(option: ShiftOption, contract: Contract, costs: CostRates, day: date,
                holidays: tuple[date, ...]) -> float:
    """Labor cost of one shift: ``wage * (paid_h * (1 + day premium) + night_h * night_frac)``.

    The day premium is the public-holiday premium on holidays, else the weekend premium on
    Saturday/Sunday. Night hours are counted over the shift span (lunch is never at night
    in practice).
    """
    if day in holidays:
        day_frac = costs.holiday_premium_frac
    elif day.weekday() >= 5:
        day_frac = costs.weekend_premium_frac
    else:
        day_frac = 0.0
    paid_h, night_h = option.paid_min / 60, option.night_min / 60
    return contract.hourly_wage * (paid_h * (1 + day_frac) + night_h * costs.night_premium_frac)


def plan_tz(problem: RosterProblem):
    """Time zone of the requirement timestamps (None when naive or empty)."""
    ds = problem.requirements["ds"]
    return getattr(ds.dt, "tz", None) if len(ds) else None


def requirement_map(problem: RosterProblem) -> dict[tuple[str, int, int], int]:
    """``{(channel, day index, minute of day): required}`` for requirement rows in the plan.

    Raises ``ValueError`` naming the row when a ``ds`` is off the interval grid or repeated.
    """
    req = problem.requirements
    if not len(req):
        return {}
    ds = pd.to_datetime(req["ds"])
    local = ds.dt.tz_localize(None) if ds.dt.tz is not None else ds
    day_index = {day: d for d, day in enumerate(problem.days)}
    out: dict[tuple[str, int, int], int] = {}
    for channel, stamp, required in zip(req["channel"], local, req["required"]):
        d = day_index.get(stamp.date())
        if d is None:
            continue
        minute = stamp.hour * 60 + stamp.minute
        if minute % problem.interval_min or stamp.second:
            raise ValueError(f"requirements.ds must lie on the {problem.interval_min}-minute "
                             f"grid, got {stamp}")
        key = (str(channel), d, minute)
        if key in out:
            raise ValueError(f"requirements has a repeated (channel, ds): ({channel}, {stamp})")
        out[key] = int(required)
    return out


def interval_start(problem: RosterProblem, d: int, minute: int, tz) -> pd.Timestamp:
    """Timestamp of the interval starting ``minute`` after midnight of plan day ``d``."""
    stamp = pd.Timestamp(problem.days[d]) + pd.Timedelta(minutes=minute)
    return stamp.tz_localize(tz) if tz is not None else stamp
