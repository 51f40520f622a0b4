"""Agents and the roster problem: the validated input of :func:`scheduling.build_and_solve`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from scheduling.config import Contract, CostRates, RosterWeights, ShiftRules, minutes_of, to_time

__all__ = ["RosterAgent", "RosterProblem", "WEEKDAYS"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekday(value: int | str) -> int:
    if isinstance(value, str) and value.strip().title()[:3] in WEEKDAYS:
        return WEEKDAYS.index(value.strip().title()[:3])
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    raise ValueError(f"available_weekdays must hold 0..6 or Mon..Sun, got {value!r}")


@dataclass(frozen=True)
class RosterAgent:
    """One agent (a row of ``agents.csv``).

    Parameters
    ----------
    agent_id : unique id.
    contract : key into ``RosterProblem.contracts``.
    skills : ``{channel: priority}`` (1 = primary) or pairs; stored as pairs by priority.
    available_weekdays : weekdays the agent may work (0 = Monday or ``"Mon"``).
    earliest_start, latest_end : daily availability window (local time).
    time_off : approved days off (hard).
    preferred_start : preferred shift start (soft).
    off_requests : requested days off (soft).
    shift_requests : requested shifts as ``(date, start)``: the agent asks to work a shift
        starting at ``start`` that day, or any shift when ``start`` is None (soft).
    previous_shift_end : end of the last shift before the plan (local, naive), for rest.
    previous_consecutive_days : working days in a row right before the plan.
    commitments : fixed ``(start, end)`` local datetimes (training, meetings) within one
        day: the agent works that day, on a shift covering them, with no break inside them,
        and is not counted in coverage meanwhile (hard).
    """

    agent_id: str
    contract: str
    skills: Mapping[str, int] | tuple[tuple[str, int], ...]
    available_weekdays: tuple[int | str, ...] = (0, 1, 2, 3, 4, 5, 6)
    earliest_start: time | str = time(0, 0)
    latest_end: time | str = "24:00"
    time_off: tuple[date, ...] = ()
    preferred_start: time | str | None = None
    off_requests: tuple[date, ...] = ()
    shift_requests: tuple[tuple[date, time | str | None], ...] = ()
    previous_shift_end: datetime | None = None
    previous_consecutive_days: int = 0
    commitments: tuple[tuple[datetime, datetime], ...] = ()

    def __post_init__(self) -> None:
        pairs = self.skills.items() if isinstance(self.skills, Mapping) else self.skills
        skills = tuple(sorted(((str(c), int(p)) for c, p in pairs), key=lambda cp: (cp[1], cp[0])))
        if not skills or any(p < 1 for _, p in skills) or len({c for c, _ in skills}) < len(skills):
            raise ValueError(f"skills of agent {self.agent_id!r} must be distinct channels with "
                             f"priority >= 1, got {self.skills!r}")
        object.__setattr__(self, "skills", skills)
        days = tuple(sorted({_weekday(v) for v in self.available_weekdays}))
        object.__setattr__(self, "available_weekdays", days)
        for name in ("earliest_start", "latest_end"):
            object.__setattr__(self, name, to_time(getattr(self, name), name))
        if self.preferred_start is not None:
            object.__setattr__(self, "preferred_start",
                               to_time(self.preferred_start, "preferred_start"))
        object.__setattr__(self, "time_off", tuple(sorted(set(self.time_off))))
        object.__setattr__(self, "off_requests", tuple(sorted(set(self.off_requests))))
        requests = {(day, None if start is None else to_time(start, "shift_requests"))
                    for day, start in self.shift_requests}
        clash = sorted(day for day, _ in requests if day in self.off_requests or day in self.time_off)
        if clash:
            raise ValueError(f"shift_requests of agent {self.agent_id!r} fall on a requested or "
                             f"approved day off, got {clash[0]}")
        object.__setattr__(self, "shift_requests", tuple(sorted(
            requests, key=lambda r: (r[0], r[1] is not None, r[1] or time()))))
        if minutes_of(self.latest_end) <= minutes_of(self.earliest_start):
            raise ValueError(f"latest_end of agent {self.agent_id!r} must be after "
                             f"earliest_start, got {self.latest_end!r}")
        commitments = tuple(sorted((start, end) for start, end in self.commitments))
        for start, end in commitments:
            if not (end > start and end.date() == start.date()
                    or end == datetime.combine(start.date(), time()) + timedelta(days=1)):
                raise ValueError(f"commitments of agent {self.agent_id!r} must end after they "
                                 f"start on the same day, got {(start, end)!r}")
        object.__setattr__(self, "commitments", commitments)
        if self.previous_consecutive_days < 0:
            raise ValueError(f"previous_consecutive_days must be >= 0, got "
                             f"{self.previous_consecutive_days!r}")

    def commitments_on(self, day: date) -> tuple[tuple[int, int], ...]:
        """Commitments on ``day`` as ``(start, end)`` minutes since midnight."""
        return tuple((s.hour * 60 + s.minute, (e - datetime.combine(day, time())).seconds // 60
                      or 1440) for s, e in self.commitments if s.date() == day)

    @property
    def skill_set(self) -> tuple[str, ...]:
        """Channels the agent can serve, primary first."""
        return tuple(c for c, _ in self.skills)


@dataclass(frozen=True, eq=False)
class RosterProblem:
    """A roster to build for consecutive ``days``.

    Parameters
    ----------
    requirements : frame ``channel, ds, required`` (int head count to cover; ``ds`` is the
        interval start), optional ``weight`` (service-level impact of a missing agent,
        multiplies the under-coverage penalty; default 1). Absent intervals require 0.
    agents, contracts, rules, weights : see the dataclasses.
    days : consecutive plan dates.
    interval_min : interval length in minutes (divides 60 and all shift/break lengths).
    costs : pay premiums for the cost term; ``holidays`` are public-holiday dates.
    hint : optional previous roster (``agent_id, shift_start``, e.g. last week's roster
        frame); the first roster prefers the same weekday starts (stability).
    locked : optional shifts the planner fixed (``agent_id, date, shift_start, shift_end``,
        local times); they are hard: the solver keeps them and re-optimizes the rest.
    """

    requirements: pd.DataFrame
    agents: tuple[RosterAgent, ...]
    contracts: Mapping[str, Contract]
    rules: ShiftRules = field(default_factory=ShiftRules)
    weights: RosterWeights = field(default_factory=RosterWeights)
    days: tuple[date, ...] = ()
    interval_min: int = 15
    costs: CostRates = field(default_factory=CostRates)
    holidays: tuple[date, ...] = ()
    hint: pd.DataFrame | None = None
    locked: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "agents", tuple(self.agents))
        object.__setattr__(self, "days", tuple(self.days))
        object.__setattr__(self, "holidays", tuple(self.holidays))
        self._check_grid()
        self._check_agents()
        missing = {"channel", "ds", "required"} - set(self.requirements.columns)
        if missing:
            raise ValueError(f"requirements is missing columns {sorted(missing)}")
        if self.hint is not None:
            gone = {"agent_id", "shift_start"} - set(self.hint.columns)
            if gone:
                raise ValueError(f"hint is missing columns {sorted(gone)}")
        object.__setattr__(self, "_locks", self._parse_locks())
        if "weight" in self.requirements.columns:
            weight = self.requirements["weight"]
            bad = weight[~(weight >= 0)]
            if len(bad):
                raise ValueError(f"requirements.weight must be >= 0, got {bad.iloc[0]!r}")
        req = self.requirements["required"]
        if len(req) and (req.isna().any() or (req < 0).any()
                         or not (req.round() == req).all()):
            raise ValueError(f"requirements.required must be integers >= 0, got "
                             f"{req[req.isna() | (req < 0) | (req.round() != req)].iloc[0]!r}")

    def _check_grid(self) -> None:
        if self.interval_min <= 0 or 60 % self.interval_min:
            raise ValueError(f"interval_min must divide 60, got {self.interval_min!r}")
        if not self.days:
            raise ValueError("days must hold at least one date, got ()")
        for before, after in zip(self.days, self.days[1:]):
            if after - before != timedelta(days=1):
                raise ValueError(f"days must be consecutive dates, got {before} then {after}")
        rules, step = self.rules, self.interval_min
        for name in ("start_step_min", "lunch_min", "break_min"):
            if getattr(rules, name) % step:
                raise ValueError(f"{name} must be a multiple of interval_min={step}, "
                                 f"got {getattr(rules, name)!r}")
        if minutes_of(rules.earliest_start) % step:
            raise ValueError(f"earliest_start must lie on the {step}-minute grid, "
                             f"got {rules.earliest_start!r}")
        for contract in self.contracts.values():
            for length_h in contract.shift_lengths_h:
                if (length_h * 60) % step:
                    raise ValueError(f"shift_lengths_h of contract {contract.name!r} must be "
                                     f"multiples of interval_min={step}, got {length_h!r}")

    def _check_agents(self) -> None:
        ids = [a.agent_id for a in self.agents]
        if len(set(ids)) < len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"agent_id must be unique, got {dup!r} twice")
        for agent in self.agents:
            for start, end in agent.commitments:
                if (start.minute % self.interval_min or end.minute % self.interval_min
                        or start.second or end.second):
                    raise ValueError(f"commitments of agent {agent.agent_id!r} must lie on the "
                                     f"{self.interval_min}-minute grid, got {(start, end)!r}")
            if agent.contract not in self.contracts:
                raise ValueError(f"contract of agent {agent.agent_id!r} must be one of "
                                 f"{sorted(self.contracts)}, got {agent.contract!r}")

    def _parse_locks(self) -> dict[tuple[str, date], tuple[int, int]]:
        """``{(agent_id, date): (start minute, end minute)}`` of the locked shifts."""
        if self.locked is None or self.locked.empty:
            return {}
        missing = {"agent_id", "date", "shift_start", "shift_end"} - set(self.locked.columns)
        if missing:
            raise ValueError(f"locked is missing columns {sorted(missing)}")
        known = {a.agent_id for a in self.agents}
        locks = {}
        for row in self.locked.itertuples(index=False):
            day = pd.Timestamp(row.date).date()
            if row.agent_id not in known or day not in self.days:
                raise ValueError(f"locked shift of agent {row.agent_id!r} on {day} is not in the plan "
                                 "(unknown agent or date outside the planned days)")
            midnight = pd.Timestamp(day)
            start, end = (pd.Timestamp(t).tz_localize(None) if pd.Timestamp(t).tzinfo else pd.Timestamp(t)
                          for t in (row.shift_start, row.shift_end))
            locks[row.agent_id, day] = (int((start - midnight) / pd.Timedelta(minutes=1)),
                                        int((end - midnight) / pd.Timedelta(minutes=1)))
        return locks

    def lock_of(self, agent: RosterAgent, day: date) -> tuple[int, int] | None:
        """``(start, end)`` minutes after midnight of the shift locked for ``agent`` on ``day``."""
        return self._locks.get((agent.agent_id, day))

    def contract_of(self, agent: RosterAgent) -> Contract:
        """The contract of ``agent``."""
        return self.contracts[agent.contract]
