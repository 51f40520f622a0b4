"""CP-SAT roster model: variables, hard-rule families and the builder.

Formulation (per agent ``a`` and day ``d``): a Boolean ``x[a,d,o]`` per shift option ``o``
(at most one), Booleans for the lunch start and for each paid break's start at absolute
minutes, linked to the chosen option's windows. The agent works interval ``t`` iff
``sum_o covers(o,t) x - lunch covering t - breaks covering t`` is 1. Agents with the same
skill set form a group; the group's working head count per interval is split over its
skills by integer variables, so nobody is counted twice (aggregated formulation; individual
assignments are recovered in :mod:`scheduling.extract`). Soft families live in
:mod:`scheduling.soft`; the objective is assembled once in :func:`build_model`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

from scheduling.grid import ShiftOption, agent_day_options, contract_options
from scheduling.problem import RosterProblem

__all__ = ["RosterModel", "build_model", "FAMILIES", "SCALE"]

#: hard-rule families that carry an enforcement literal per agent in explain mode
FAMILIES = ("availability", "time_off", "min_hours", "max_hours", "max_days", "rest",
            "consecutive_days", "days_off", "late_shifts")
SCALE = 100  # objective points are multiplied by this and rounded to integers


@dataclass(eq=False)
class RosterModel:
    """The built CP-SAT model and the variables extraction needs."""

    problem: RosterProblem
    model: cp_model.CpModel
    shifts: dict = field(default_factory=dict)    # (a, d) -> [(ShiftOption, BoolVar)]
    lunches: dict = field(default_factory=dict)   # (a, d) -> {abs start min: BoolVar}
    breaks: dict = field(default_factory=dict)    # (a, d) -> [{abs start min: BoolVar}]
    works: dict = field(default_factory=dict)     # (a, d) -> BoolVar
    groups: list = field(default_factory=list)    # [(skills, [agent index])]
    alloc: dict = field(default_factory=dict)     # (g, channel, d, minute) -> IntVar
    required: dict = field(default_factory=dict)  # (channel, d, minute) -> int
    soft: list = field(default_factory=list)      # [SoftTerm]
    literals: dict = field(default_factory=dict)  # (a, family) -> BoolVar (explain mode)
    explain: bool = False

    def literal(self, a: int, family: str) -> cp_model.IntVar | None:
        """Enforcement literal of ``family`` for agent ``a`` (explain mode), else None."""
        if family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
        if not self.explain:
            return None
        key = (a, family)
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"rule[{family},{a}]")
        return self.literals[key]

    def enforce(self, constraint: cp_model.Constraint, a: int, family: str) -> None:
        """Make ``constraint`` conditional on the family literal in explain mode."""
        lit = self.literal(a, family)
        if lit is not None:
            constraint.only_enforce_if(lit)


def add_shift_choice(rm: RosterModel, explain: bool) -> None:
    """Variables: at most one shift per agent and day, lunch and break starts; availability."""
    problem, model = rm.problem, rm.model
    for a, agent in enumerate(problem.agents):
        contract = problem.contract_of(agent)
        options = contract_options(contract, problem.rules, problem.costs, problem.interval_min)
        for d, day in enumerate(problem.days):
            own = agent_day_options(problem, agent, day, options, respect_availability=True)
            chosen = agent_day_options(problem, agent, day, options, not explain)
            xs = [(o, model.new_bool_var(f"x[{agent.agent_id},{day},{o.start_min},{o.length_min}]"))
                  for o in chosen]
            rm.shifts[a, d] = xs
            work = model.new_bool_var(f"work[{agent.agent_id},{day}]")
            model.add(sum(v for _, v in xs) == work)
            rm.works[a, d] = work
            if explain:
                _add_availability(rm, a, day, xs, own)
            _add_breaks(rm, a, d, xs)


def _add_availability(rm: RosterModel, a: int, day, xs: list, own: list) -> None:
    agent = rm.problem.agents[a]
    allowed = set(own)
    for option, var in xs:
        if day in agent.time_off:
            rm.enforce(rm.model.add(var == 0), a, "time_off")
        elif option not in allowed:
            rm.enforce(rm.model.add(var == 0), a, "availability")


def _add_breaks(rm: RosterModel, a: int, d: int, xs: list[tuple[ShiftOption, object]]) -> None:
    """Lunch and paid breaks start inside the chosen shift's windows and never overlap."""
    model, step = rm.model, rm.problem.interval_min
    rules = rm.problem.rules
    rm.lunches[a, d] = _windowed(model, xs, lambda o: o.lunch, step, f"lunch[{a},{d}]")
    n_breaks = max((len(o.breaks) for o, _ in xs), default=0)
    rm.breaks[a, d] = [
        _windowed(model, xs, lambda o, k=k: o.breaks[k] if len(o.breaks) > k else None, step,
                  f"break{k}[{a},{d}]") for k in range(n_breaks)]
    occupancy = defaultdict(list)
    for start, var in rm.lunches[a, d].items():
        for t in range(start, start + rules.lunch_min, step):
            occupancy[t].append(var)
    for starts in rm.breaks[a, d]:
        for start, var in starts.items():
            for t in range(start, start + rules.break_min, step):
                occupancy[t].append(var)
    for t, vs in occupancy.items():
        if len(vs) > 1:
            model.add_at_most_one(vs)


def _windowed(model: cp_model.CpModel, xs: list, window_of, step: int, name: str) -> dict:
    """One Boolean per absolute start minute, exactly one iff the chosen shift has the window.

    A start is allowed only if a chosen option supports it: ``start[t] -> OR(x[o])``.
    """
    supports = defaultdict(list)
    having = []
    for option, var in xs:
        window = window_of(option)
        if window is None:
            continue
        having.append(var)
        for off in range(window[0], window[1] + 1, step):
            supports[option.start_min + off].append(var)
    starts = {t: model.new_bool_var(f"{name}@{t}") for t in sorted(supports)}
    if having:
        model.add(sum(starts.values()) == sum(having))
    for t, var in starts.items():
        model.add_bool_or(supports[t]).only_enforce_if(var)
    return starts


def add_weekly_hours(rm: RosterModel) -> None:
    """Paid hours of each block of up to 7 plan days within the contract's min/max."""
    for a, agent in enumerate(rm.problem.agents):
        contract = rm.problem.contract_of(agent)
        for week in _weeks(len(rm.problem.days)):
            paid = sum(o.paid_min * v for d in week for o, v in rm.shifts[a, d])
            rm.enforce(rm.model.add(paid >= round(contract.min_hours_week * 60)), a, "min_hours")
            rm.enforce(rm.model.add(paid <= round(contract.max_hours_week * 60)), a, "max_hours")


def add_max_days(rm: RosterModel) -> None:
    """Working days per week at most ``max_days_week``."""
    for a, agent in enumerate(rm.problem.agents):
        limit = rm.problem.contract_of(agent).max_days_week
        for week in _weeks(len(rm.problem.days)):
            if len(week) > limit:
                rm.enforce(rm.model.add(sum(rm.works[a, d] for d in week) <= limit),
                           a, "max_days")


def add_late_shifts(rm: RosterModel) -> None:
    """At most ``max_late_shifts_week`` late shifts per week where the contract limits them."""
    for a, agent in enumerate(rm.problem.agents):
        limit = rm.problem.contract_of(agent).max_late_shifts_week
        if limit is None:
            continue
        for week in _weeks(len(rm.problem.days)):
            late = [v for d in week for o, v in rm.shifts[a, d] if o.late]
            if len(late) > limit:
                rm.enforce(rm.model.add(sum(late) <= limit), a, "late_shifts")


def add_rest(rm: RosterModel) -> None:
    """At least ``min_rest_h`` between a shift's end and the next start (and last week's)."""
    rest = round(rm.problem.rules.min_rest_h * 60)
    day0 = datetime.combine(rm.problem.days[0], datetime.min.time())
    for a, agent in enumerate(rm.problem.agents):
        if agent.previous_shift_end is not None:
            prev_end = (agent.previous_shift_end.replace(tzinfo=None) - day0).total_seconds() // 60
            for option, var in rm.shifts[a, 0]:
                if option.start_min < prev_end + rest:
                    rm.enforce(rm.model.add(var == 0), a, "rest")
        for d in range(len(rm.problem.days) - 1):
            today, tomorrow = rm.shifts[a, d], rm.shifts[a, d + 1]
            for end in sorted({o.end_min for o, _ in today}):
                late = [v for o, v in today if o.end_min >= end]
                early = [v for o, v in tomorrow if o.start_min + 1440 < end + rest]
                if early:
                    rm.enforce(rm.model.add_at_most_one(late + early), a, "rest")


def add_consecutive_days(rm: RosterModel) -> None:
    """Max consecutive working days (counting last week's streak) and min days off in a row."""
    n = len(rm.problem.days)
    for a, agent in enumerate(rm.problem.agents):
        contract = rm.problem.contract_of(agent)
        limit = contract.max_consecutive_days or rm.problem.rules.max_consecutive_days
        before = min(agent.previous_consecutive_days, limit)
        for s in range(-before, n - limit):
            inside = [rm.works[a, d] for d in range(max(s, 0), s + limit + 1)]
            known = sum(1 for d in range(s, s + limit + 1) if d < 0)
            rm.enforce(rm.model.add(sum(inside) <= limit - known), a, "consecutive_days")
        for length in range(1, contract.min_consecutive_days_off):
            for s in range(0, n - length):
                if s == 0 and agent.previous_consecutive_days == 0:
                    continue
                span = [rm.works[a, d] for d in range(s, s + length)]
                border = [rm.works[a, s - 1].Not()] if s > 0 else []
                clause = border + [rm.works[a, s + length].Not()] + span
                rm.enforce(rm.model.add_bool_or(clause), a, "days_off")


def _weeks(n_days: int) -> list[range]:
    return [range(s, min(s + 7, n_days)) for s in range(0, n_days, 7)]


def build_model(problem: RosterProblem, explain: bool = False) -> RosterModel:
    """Build the full roster model: hard families, soft families, one objective.

    Parameters
    ----------
    problem : the roster problem.
    explain : give every hard family of every agent an enforcement literal (for
        infeasibility explanations with assumptions) and keep days off as variables.
    """
    from scheduling.soft import add_soft_goals, set_objective

    rm = RosterModel(problem, cp_model.CpModel(), explain=explain)
    add_shift_choice(rm, explain)
    add_weekly_hours(rm)
    add_max_days(rm)
    add_late_shifts(rm)
    add_rest(rm)
    add_consecutive_days(rm)
    add_soft_goals(rm)
    set_objective(rm)
    return rm

