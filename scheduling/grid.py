"""Shift options on the interval grid: start, length, lunch and break windows, pay.

All times are minutes since local midnight of the shift's day; windows of lunch and
breaks are offsets (minutes) from the shift start, on the interval grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from scheduling.config import Contract, CostRates, ShiftRules, minutes_of
from scheduling.problem import RosterAgent, RosterProblem

__all__ = ["ShiftOption", "contract_options", "agent_day_options", "option_cost", "is_available",
           "last_week_starts", "previous_end_min", "plan_tz", "requirement_map", "interval_start"]


@dataclass(frozen=True)
class ShiftOption:
    """One possible shift of a day.

    ``lunch`` and each of ``breaks`` are ``(earliest, latest)`` start offsets in minutes from
    the shift start (inclusive, on the grid); ``paid_min`` excludes the unpaid lunch.
    ``pieces(rules)`` lists ``(kind, earliest, latest, length_min)`` of lunch and breaks.
    """

    start_min: int
    length_min: int
    paid_min: int
    lunch: tuple[int, int] | None
    breaks: tuple[tuple[int, int], ...]
    late: bool
    night_min: int

    def pieces(self, rules: ShiftRules) -> list[tuple[str, int, int, int]]:
        """Lunch then breaks as ``(kind, earliest offset, latest offset, length_min)``."""
        lunch = [("lunch", *self.lunch, rules.lunch_min)] if self.lunch else []
        return lunch + [("break", lo, hi, rules.break_min) for lo, hi in self.breaks]

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


def _split(lo: int, end: int, count: int, rules: ShiftRules, step: int, length: int) -> list:
    """``count`` break windows in equal blocks of ``[lo, end)``; a break ends by its block end."""
    windows = []
    for k in range(count):
        block_lo = lo + k * (end - lo) / count
        block_hi = lo + (k + 1) * (end - lo) / count
        first, last = _ceil(block_lo, step), _floor(block_hi - rules.break_min, step)
        if first > last:
            raise ValueError(f"break_margin_h leaves no room for the paid breaks of a "
                             f"{length / 60:g} h shift, got {rules.break_margin_h!r}")
        windows.append((first, last))
    return windows


def _break_windows(length: int, paid: int, lunch: tuple[int, int] | None, rules: ShiftRules,
                   step: int) -> tuple:
    """Paid-break windows: half before the lunch window, half after it, none overlapping.

    Without lunch the shift (less ``break_margin_h`` at both ends) is cut into equal
    blocks, one break per block. Disjoint windows let the model count breaks per shift type
    instead of per agent without ever placing two pieces of one agent on top of each other.
    """
    count = rules.breaks_per_4h * (paid // 240) if rules.break_min else 0
    margin = rules.break_margin_h * 60
    if count == 0:
        return ()
    if lunch is None:
        return tuple(_split(margin, length - margin, count, rules, step, length))
    before = (count + 1) // 2
    return tuple(_split(margin, lunch[0], before, rules, step, length)
                 + _split(lunch[1] + rules.lunch_min, length - margin, count - before, rules,
                          step, length))


def contract_options(contract: Contract, rules: ShiftRules, costs: CostRates,
                     interval_min: int) -> list[ShiftOption]:
    """All shifts of ``contract`` (its lengths, and its start times when it lists them) within
    the center's opening hours, by start then length."""
    first, last = minutes_of(rules.earliest_start), minutes_of(rules.latest_end)
    late_after = minutes_of(rules.late_end_after)
    allowed = {minutes_of(t) for t in contract.start_times}
    off_grid = sorted(m for m in allowed if m < first or (m - first) % rules.start_step_min)
    if off_grid:
        raise ValueError(f"start_times of contract {contract.name!r} must lie on the shift start grid "
                         f"({rules.earliest_start:%H:%M} plus multiples of {rules.start_step_min} min), "
                         f"got {off_grid[0] // 60:02d}:{off_grid[0] % 60:02d}")
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
        breaks = _break_windows(length, paid, lunch, rules, interval_min)
        for start in range(first, last - length + 1, rules.start_step_min):
            if allowed and start not in allowed:
                continue
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
    """Options of ``agent`` on ``day``: inside the availability window and covering the
    day's commitments, unless told not to respect them."""
    if not respect_availability:
        return list(options)
    if not is_available(agent, day):
        return []
    lo, hi = minutes_of(agent.earliest_start), minutes_of(agent.latest_end)
    fixed = agent.commitments_on(day)
    return [o for o in options if o.start_min >= lo and o.end_min <= hi
            and all(o.start_min <= s and e <= o.end_min for s, e in fixed)]


def previous_end_min(problem: RosterProblem, agent: RosterAgent) -> float | None:
    """End of the agent's last shift before the plan, in whole minutes after midnight of the
    first plan day (negative on the day before); None when not given."""
    if agent.previous_shift_end is None:
        return None
    day0 = datetime.combine(problem.days[0], datetime.min.time())
    return (agent.previous_shift_end.replace(tzinfo=None) - day0).total_seconds() // 60


def last_week_starts(problem: RosterProblem) -> dict[tuple[str, int], int | None]:
    """``{(agent_id, weekday): start minute, or None when off}`` from ``problem.hint``
    (the previous roster), for the agents it lists; empty without a hint."""
    hint = problem.hint
    if hint is None or hint.empty:
        return {}
    starts = {(str(a), ts.weekday()): ts.hour * 60 + ts.minute
              for a, ts in zip(hint["agent_id"], map(pd.Timestamp, hint["shift_start"]))}
    return {(a, weekday): starts.get((a, weekday))
            for a in set(hint["agent_id"].astype(str)) for weekday in range(7)}


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


def requirement_map(problem: RosterProblem) -> tuple[dict, dict]:
    """``{(channel, day index, minute of day): required}`` for requirement rows in the plan,
    and ``{key: weight}`` from the optional ``weight`` column (service-level impact of a
    missing agent, default 1).

    Raises ``ValueError`` naming the row when a ``ds`` is off the interval grid or repeated.
    """
    req = problem.requirements
    if not len(req):
        return {}, {}
    ds = pd.to_datetime(req["ds"])
    local = ds.dt.tz_localize(None) if ds.dt.tz is not None else ds
    weights = req["weight"] if "weight" in req.columns else pd.Series(1.0, index=req.index)
    day_index = {day: d for d, day in enumerate(problem.days)}
    out: dict[tuple[str, int, int], int] = {}
    impact: dict[tuple[str, int, int], float] = {}
    for channel, stamp, required, weight in zip(req["channel"], local, req["required"], weights):
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
        impact[key] = float(weight)
    return out, impact


def interval_start(problem: RosterProblem, d: int, minute: int, tz) -> pd.Timestamp:
    """Timestamp of the interval starting ``minute`` after midnight of plan day ``d``."""
    stamp = pd.Timestamp(problem.days[d]) + pd.Timedelta(minutes=minute)
    return stamp.tz_localize(tz) if tz is not None else stamp
