"""CP-SAT roster model: variables, hard-rule families and the builder.

Formulation: a Boolean ``x[a,d,o]`` per agent ``a``, day ``d`` and shift option ``o`` (at
most one per day) carries every individual hard rule. Agents with the same skills and
contract form a *crew*; ``n[g,d,o] = sum_a x[a,d,o]`` counts the crew's shifts of each type,
and integer ``p[g,d,o,piece,offset]`` place the lunch and each paid break of those shifts
inside their windows (``sum_offset p = n``). Piece windows are disjoint by construction
(:mod:`scheduling.grid`), so any split of the counts over the agents is a valid individual
placement (recovered in :mod:`scheduling.extract`). Working head counts per interval
(on shift minus on lunch/break) of crews with the same skill set are split over the skills
by integer variables, so nobody is counted twice. Soft families live in
:mod:`scheduling.soft`; the objective is assembled once in :func:`build_model`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduling.grid import ShiftOption, agent_day_options, contract_options, previous_end_min
from scheduling.problem import RosterProblem

__all__ = ["RosterModel", "build_model", "FAMILIES", "AGENT_RULES", "SCALE"]

#: hard-rule families that carry an enforcement literal per agent in explain mode
FAMILIES = ("availability", "time_off", "min_hours", "max_hours", "max_days", "rest",
            "consecutive_days", "days_off", "late_shifts", "commitments", "locks")
SCALE = 100  # objective points are multiplied by this and rounded to integers


@dataclass(eq=False)
class RosterModel:
    """The built CP-SAT model and the variables extraction needs."""

    problem: RosterProblem
    model: cp_model.CpModel
    explain: bool = False
    shifts: dict = field(default_factory=dict)    # (a, d) -> [(ShiftOption, BoolVar)]
    works: dict = field(default_factory=dict)     # (a, d) -> BoolVar
    crews: list = field(default_factory=list)     # [(skills, contract, [agent index])]
    counts: dict = field(default_factory=dict)    # (g, d) -> {ShiftOption: IntVar}
    pieces: dict = field(default_factory=dict)    # (g, d, o) -> [(kind, len, {offset: IntVar})]
    alloc: dict = field(default_factory=dict)     # (skills, channel, d, minute) -> IntVar
    required: dict = field(default_factory=dict)  # (channel, d, minute) -> int
    impact: dict = field(default_factory=dict)    # (channel, d, minute) -> shortfall weight
    soft: list = field(default_factory=list)      # [SoftTerm]
    literals: dict = field(default_factory=dict)  # (a, family) -> BoolVar (explain mode)
    balance: dict = field(default_factory=dict)   # (channel, d, minute) -> ([short], over)
    anchors: dict = field(default_factory=dict)   # a -> (anchor, first start, {d: deviation})
    derived: dict = field(default_factory=dict)   # var index -> (rule, indices, extra), hints
    crew_work: dict = field(default_factory=dict)  # (skills, d, minute) -> (on, [away], busy)
    late_only: set = field(default_factory=set)    # agents whose every option is late
    floor: int = 0  # objective >= floor (points), when the cut is added

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


def add_shift_choice(rm: RosterModel) -> None:
    """At most one shift per agent and day; in explain mode availability as a rule."""
    problem, model = rm.problem, rm.model
    for a, agent in enumerate(problem.agents):
        contract = problem.contract_of(agent)
        options = contract_options(contract, problem.rules, problem.costs, problem.interval_min)
        for d, day in enumerate(problem.days):
            own = agent_day_options(problem, agent, day, options, respect_availability=True)
            lock = problem.lock_of(agent, day)
            if lock is not None and not rm.explain:
                own = _locked_options(agent, day, own, lock)
            chosen = own if not rm.explain else options
            xs = [(o, model.new_bool_var(f"x[{agent.agent_id},{day},{o.start_min},{o.length_min}]"))
                  for o in chosen]
            rm.shifts[a, d] = xs
            work = model.new_bool_var(f"work[{agent.agent_id},{day}]")
            model.add(sum(v for _, v in xs) == work)
            rm.works[a, d] = work
            if agent.commitments_on(day):
                rm.enforce(model.add(work == 1), a, "commitments")
            if lock is not None:
                locked = [v for o, v in xs if (o.start_min, o.end_min) == lock]
                rm.enforce(model.add(sum(locked) == 1), a, "locks")
            if rm.explain:
                _add_availability(rm, a, day, xs, own)


def _locked_options(agent, day, own: list, lock: tuple[int, int]) -> list:
    """The one option matching a locked shift; a lock the rules forbid is an error in words."""
    matching = [o for o in own if (o.start_min, o.end_min) == lock]
    if not matching:
        from scheduling.explain import Conflict, RosterInfeasibleError

        start, end = (f"{m // 60:02d}:{m % 60:02d}" for m in lock)
        raise RosterInfeasibleError([Conflict(agent.agent_id, "lock_not_allowed",
                                              (("day", str(day)), ("start", start), ("end", end)))])
    return matching


def _add_availability(rm: RosterModel, a: int, day, xs: list, own: list) -> None:
    agent = rm.problem.agents[a]
    allowed, fixed = set(own), agent.commitments_on(day)
    for option, var in xs:
        if day in agent.time_off:
            rm.enforce(rm.model.add(var == 0), a, "time_off")
        elif not all(option.start_min <= s and e <= option.end_min for s, e in fixed):
            rm.enforce(rm.model.add(var == 0), a, "commitments")
        elif option not in allowed:
            rm.enforce(rm.model.add(var == 0), a, "availability")


def add_crew_breaks(rm: RosterModel) -> None:
    """Crew shift counts and the placement of their lunches and breaks inside the windows."""
    problem, model = rm.problem, rm.model
    by_crew = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        by_crew[agent.skills, agent.contract, agent.commitments].append(a)
    rm.crews = [(skills, contract, members)
                for (skills, contract, _), members in by_crew.items()]
    for g, (_, _, members) in enumerate(rm.crews):
        fixed_of = {d: problem.agents[members[0]].commitments_on(day)
                    for d, day in enumerate(problem.days)}
        for d in range(len(problem.days)):
            xs_of = defaultdict(list)
            for a in members:
                for option, var in rm.shifts[a, d]:
                    xs_of[option].append(var)
            rm.counts[g, d] = {}
            for option, xs in sorted(xs_of.items(), key=lambda kv: kv[0].start_min):
                n = model.new_int_var(0, len(xs), f"n[{g},{d},{option.start_min},"
                                                  f"{option.length_min}]")
                model.add(n == sum(xs))
                rm.counts[g, d][option] = n
                rm.pieces[g, d, option] = _place_pieces(rm, n, len(xs), option, fixed_of[d],
                                                        f"{g},{d},{option.start_min}")


def _place_pieces(rm: RosterModel, n: cp_model.IntVar, upper: int, option: ShiftOption,
                  fixed: tuple, tag: str) -> list:
    """Integer counts of lunches/breaks per start offset (never inside a commitment);
    each piece sums to ``n``."""
    placed = []
    step = rm.problem.interval_min
    for k, (kind, lo, hi, length) in enumerate(option.pieces(rm.problem.rules)):
        free = [off for off in range(lo, hi + 1, step)
                if all(option.start_min + off + length <= s or option.start_min + off >= e
                       for s, e in fixed)]
        at = {off: rm.model.new_int_var(0, upper, f"{kind}{k}[{tag},{off}]") for off in free}
        rm.model.add(sum(at.values()) == n)
        placed.append((kind, length, at))
    return placed


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
    for a, agent in enumerate(rm.problem.agents):
        prev_end = previous_end_min(rm.problem, agent)
        if prev_end is not None:
            for option, var in rm.shifts[a, 0]:
                if option.start_min < prev_end + rest:
                    rm.enforce(rm.model.add(var == 0), a, "rest")
        for d in range(len(rm.problem.days) - 1):
            today, tomorrow = rm.shifts[a, d], rm.shifts[a, d + 1]
            for end in sorted({o.end_min for o, _ in today}):
                early = [v for o, v in tomorrow if o.start_min + 1440 < end + rest]
                if early:
                    late = [v for o, v in today if o.end_min >= end]
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


#: hard families on one agent's own shift literals (after ``add_shift_choice``); the
#: Lagrangian tour bound (:mod:`scheduling.lagrange`) builds one agent's week from them
AGENT_RULES = (add_weekly_hours, add_max_days, add_late_shifts, add_rest, add_consecutive_days)


def build_model(problem: RosterProblem, explain: bool = False, floor: bool = True
                ) -> RosterModel:
    """Build the full roster model: hard families, soft families, one objective.

    Parameters
    ----------
    problem : the roster problem.
    explain : give every hard family of every agent an enforcement literal (for
        infeasibility explanations with assumptions) and keep days off as variables.
    floor : add the redundant cut ``objective >= objective_floor`` (:mod:`scheduling.bound`;
        never in explain mode, where rules may be relaxed).
    """
    from scheduling.soft import add_soft_goals, set_objective

    rm = RosterModel(problem, cp_model.CpModel(), explain=explain)
    add_shift_choice(rm)
    add_crew_breaks(rm)
    for family in AGENT_RULES:
        family(rm)
    add_soft_goals(rm)
    set_objective(rm, floor=floor and not explain)
    return rm

