"""Frozen, validated configuration dataclasses of the roster model.

They mirror the ``[shifts]``, ``[contracts.*]``, ``[costs]`` and ``[weights]`` sections of
the scenario file; :mod:`scheduling.problem` holds the agents and the problem itself.
Times of day accept ``datetime.time`` or ``"HH:MM"`` strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

__all__ = ["ShiftRules", "Contract", "CostRates", "RosterWeights", "to_time", "minutes_of"]


def to_time(value: time | str, name: str) -> time:
    """Return ``value`` as ``datetime.time``; strings are ``"HH:MM"`` (``"24:00"`` allowed)."""
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            hours, minutes = (int(part) for part in value.strip().split(":"))
        except ValueError:
            raise ValueError(f"{name} must be a time 'HH:MM', got {value!r}") from None
        if (hours, minutes) == (24, 0):
            return time(23, 59, 59, 999999)
        if 0 <= hours < 24 and 0 <= minutes < 60:
            return time(hours, minutes)
    raise ValueError(f"{name} must be a time 'HH:MM', got {value!r}")


def minutes_of(value: time) -> int:
    """Minutes since midnight; the ``24:00`` marker (23:59:59.999999) maps to 1440."""
    if value == time(23, 59, 59, 999999):
        return 1440
    return value.hour * 60 + value.minute


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def _set_time(obj: object, name: str) -> None:
    object.__setattr__(obj, name, to_time(getattr(obj, name), name))


@dataclass(frozen=True)
class ShiftRules:
    """Shift rules of the center (scenario ``[shifts]``).

    Parameters
    ----------
    earliest_start, latest_end : no shift starts before / ends after (center opening hours).
    start_step_min : shift starts lie on this grid, counted from ``earliest_start``.
    min_rest_h : minimum rest between the end of a shift and the next start (also across
        the previous week's last shift).
    max_consecutive_days : hard limit on consecutive working days.
    lunch_min : unpaid lunch length, given to shifts of at least ``lunch_after_h`` hours.
    lunch_window_h : (earliest, latest) lunch start, hours after the shift start.
    break_min : length of one paid break.
    breaks_per_4h : paid breaks per full 4 paid hours.
    break_margin_h : no paid break within this many hours of the shift start or end; the
        shift is cut into equal blocks, one per break, and each break lies in its block.
    late_end_after : a shift ending after this time is a *late shift* (fairness).
    """

    earliest_start: time | str = time(8, 0)
    latest_end: time | str = time(23, 0)
    start_step_min: int = 30
    min_rest_h: float = 11.0
    max_consecutive_days: int = 6
    lunch_min: int = 60
    lunch_after_h: float = 6.0
    lunch_window_h: tuple[float, float] = (3.0, 5.0)
    break_min: int = 15
    breaks_per_4h: int = 1
    break_margin_h: float = 1.0
    late_end_after: time | str = time(21, 0)

    def __post_init__(self) -> None:
        for name in ("earliest_start", "latest_end", "late_end_after"):
            _set_time(self, name)
        object.__setattr__(self, "lunch_window_h", tuple(float(v) for v in self.lunch_window_h))
        start, end = minutes_of(self.earliest_start), minutes_of(self.latest_end)
        _check(end > start, f"latest_end must be after earliest_start, got {self.latest_end!r}")
        _check(self.start_step_min > 0, f"start_step_min must be > 0, got {self.start_step_min!r}")
        _check(self.min_rest_h >= 0, f"min_rest_h must be >= 0, got {self.min_rest_h!r}")
        _check(self.max_consecutive_days >= 1,
               f"max_consecutive_days must be >= 1, got {self.max_consecutive_days!r}")
        _check(self.lunch_min >= 0, f"lunch_min must be >= 0, got {self.lunch_min!r}")
        _check(self.lunch_after_h > 0, f"lunch_after_h must be > 0, got {self.lunch_after_h!r}")
        window = self.lunch_window_h
        _check(len(window) == 2 and 0 <= window[0] <= window[-1],
               f"lunch_window_h must be (earliest, latest) with 0 <= earliest <= latest, "
               f"got {self.lunch_window_h!r}")
        _check(self.break_min >= 0, f"break_min must be >= 0, got {self.break_min!r}")
        _check(self.breaks_per_4h >= 0, f"breaks_per_4h must be >= 0, got {self.breaks_per_4h!r}")
        _check(self.break_margin_h >= 0,
               f"break_margin_h must be >= 0, got {self.break_margin_h!r}")


@dataclass(frozen=True)
class Contract:
    """Employment contract (scenario ``[contracts.<name>]``).

    Parameters
    ----------
    name : contract key, referenced by ``RosterAgent.contract``.
    shift_lengths_h : allowed shift lengths in hours, *including* the unpaid lunch.
    min_hours_week, max_hours_week : paid hours per week (hard).
    max_days_week : working days per week (hard).
    hourly_wage : loaded cost per paid hour (scenario currency).
    max_consecutive_days : overrides ``ShiftRules.max_consecutive_days`` when set.
    min_consecutive_days_off : a stretch of days off between two working days is at least
        this long (1 = no rule).
    max_late_shifts_week : hard limit on late shifts (see ``ShiftRules.late_end_after``).
    start_times : allowed shift start times (each on the shift start grid); empty = every
        start of the grid.
    """

    name: str
    shift_lengths_h: tuple[float, ...]
    min_hours_week: float
    max_hours_week: float
    max_days_week: int
    hourly_wage: float
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int = 1
    max_late_shifts_week: int | None = None
    start_times: tuple[time | str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "shift_lengths_h", tuple(float(v) for v in self.shift_lengths_h))
        object.__setattr__(self, "start_times", tuple(sorted({to_time(v, "start_times")
                                                              for v in self.start_times})))
        _check(bool(self.name), f"name must be a non-empty string, got {self.name!r}")
        _check(len(self.shift_lengths_h) > 0 and all(v > 0 for v in self.shift_lengths_h),
               f"shift_lengths_h must be non-empty and > 0, got {self.shift_lengths_h!r}")
        _check(self.min_hours_week >= 0,
               f"min_hours_week must be >= 0, got {self.min_hours_week!r}")
        _check(self.max_hours_week >= self.min_hours_week,
               f"max_hours_week must be >= min_hours_week, got {self.max_hours_week!r}")
        _check(1 <= self.max_days_week <= 7,
               f"max_days_week must be in [1, 7], got {self.max_days_week!r}")
        _check(self.hourly_wage >= 0, f"hourly_wage must be >= 0, got {self.hourly_wage!r}")
        _check(self.max_consecutive_days is None or self.max_consecutive_days >= 1,
               f"max_consecutive_days must be >= 1, got {self.max_consecutive_days!r}")
        _check(self.min_consecutive_days_off >= 1,
               f"min_consecutive_days_off must be >= 1, got {self.min_consecutive_days_off!r}")
        _check(self.max_late_shifts_week is None or self.max_late_shifts_week >= 0,
               f"max_late_shifts_week must be >= 0, got {self.max_late_shifts_week!r}")


@dataclass(frozen=True)
class CostRates:
    """Pay premiums for the labor-cost term (scenario ``[costs]``).

    Paid hours cost ``hourly_wage * (1 + premium)``; night hours are those of the shift in
    ``[night_start, night_end)`` (wrapping midnight); weekend and public-holiday premiums
    apply to every paid hour of the day.
    """

    night_premium_frac: float = 0.0
    night_start: time | str = time(22, 0)
    night_end: time | str = time(6, 0)
    weekend_premium_frac: float = 0.0
    holiday_premium_frac: float = 0.0

    def __post_init__(self) -> None:
        for name in ("night_start", "night_end"):
            _set_time(self, name)
        for name in ("night_premium_frac", "weekend_premium_frac", "holiday_premium_frac"):
            value = getattr(self, name)
            _check(value >= 0, f"{name} must be >= 0, got {value!r}")


@dataclass(frozen=True)
class RosterWeights:
    """Weights of the soft goals (scenario ``[weights]``), in objective points.

    Under-coverage is convex piecewise linear per channel and interval: the k-th missing
    agent (k = 1, 2, ...) costs ``under_coverage * under_coverage_growth ** (k - 1)``,
    growing for the first ``under_coverage_tiers`` agents and flat afterwards.
    ``over_coverage`` is per surplus agent-interval, ``cost`` per currency unit, ``preference``
    per hour away from the preferred start and per worked day-off request, ``fairness`` per
    full weekend worked and per late shift of spread between agents of a contract,
    ``stability`` per hour a start differs from the agent's usual start, and
    ``secondary_skill`` per agent-interval served on a skill of priority > 1 (per rank).
    """

    under_coverage: float = 1000.0
    under_coverage_growth: float = 2.0
    under_coverage_tiers: int = 3
    over_coverage: float = 20.0
    cost: float = 1.0
    preference: float = 50.0
    fairness: float = 100.0
    stability: float = 10.0
    secondary_skill: float = 1.0

    def __post_init__(self) -> None:
        for name in ("under_coverage", "over_coverage", "cost", "preference", "fairness",
                     "stability", "secondary_skill"):
            value = getattr(self, name)
            _check(value >= 0, f"{name} must be >= 0, got {value!r}")
        _check(self.under_coverage_growth >= 1,
               f"under_coverage_growth must be >= 1, got {self.under_coverage_growth!r}")
        _check(self.under_coverage_tiers >= 1,
               f"under_coverage_tiers must be >= 1, got {self.under_coverage_tiers!r}")
