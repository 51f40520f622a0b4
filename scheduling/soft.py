"""Soft-goal families of the roster model and the single objective.

Each family appends :class:`SoftTerm` records (objective terms with readable subjects) to
``rm.soft``; :func:`set_objective` minimizes their sum once. Objective points are the
scenario weights times the natural amount (agents short, currency, hours...), scaled by
``SCALE`` to integers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduling.bound import objective_floor
from scheduling.grid import last_week_starts, option_cost, requirement_map
from scheduling.model import SCALE, RosterModel

__all__ = ["SoftTerm", "GOALS", "AGENT_GOALS", "add_soft_goals", "add_last_week", "set_objective"]

#: objective components, in report order
GOALS = ("under_coverage", "over_coverage", "cost", "preference", "fairness", "stability",
         "skill_priority")


@dataclass(frozen=True)
class SoftTerm:
    """One soft-goal term: objective ``sum(coef * var)`` and its natural ``amount``.

    ``listed`` terms with a positive amount are reported as broken soft goals.
    """

    goal: str
    terms: tuple[tuple[cp_model.IntVar, int], ...]
    amount: tuple[tuple[cp_model.IntVar, float], ...]
    unit: str
    what: str
    agent: int | None = None
    channel: str | None = None
    day: int | None = None
    minute: int | None = None
    listed: bool = True


def _indices(variables: list, previous=0) -> np.ndarray:
    """Proto indices of ``variables`` (plus ``previous`` when it is a variable, last)."""
    extra = [previous.index] if not isinstance(previous, int) else []
    return np.array([v.index for v in variables] + extra, dtype=np.int64)


def _points(weight: float, amount: float) -> int:
    return int(round(weight * amount * SCALE))


def add_coverage(rm: RosterModel) -> None:
    """Per channel and interval: scheduled + short - surplus = required (soft both ways).

    Under-coverage is convex piecewise linear (tiers of growing marginal weight); crews of
    multi-skilled agents with the same skill set split their working head count over the
    skills by integer variables.
    """
    problem, model, w = rm.problem, rm.model, rm.problem.weights
    rm.required, rm.impact = requirement_map(problem)
    by_skills = defaultdict(list)
    for g, (skills, _, _) in enumerate(rm.crews):
        by_skills[skills].append(g)
    scheduled = defaultdict(list)
    capacity = defaultdict(int)
    for skills, crews in by_skills.items():
        size = sum(len(rm.crews[g][2]) for g in crews)
        for c, _ in skills:
            capacity[c] += size
        for (d, minute), expr in _skill_set_work(rm, skills, crews).items():
            if len(skills) == 1:
                scheduled[skills[0][0], d, minute].append(expr)
                continue
            ys = []
            for c, priority in skills:
                y = model.new_int_var(0, size, f"alloc[{'+'.join(dict(skills))}>{c},{d},{minute}]")
                rm.alloc[skills, c, d, minute] = y
                scheduled[c, d, minute].append(y)
                ys.append(y)
                if priority > 1 and w.secondary_skill:
                    rm.soft.append(SoftTerm("skill_priority", ((y, _points(
                        w.secondary_skill, priority - 1)),), ((y, 1.0),), "agent-intervals",
                        f"served on skill priority {priority}", None, c, d, minute, False))
            model.add(sum(ys) == expr)
    for key in sorted(set(rm.required) | set(scheduled)):
        if scheduled[key] or rm.required.get(key, 0):
            _add_interval_balance(rm, key, scheduled[key], capacity[key[0]])


def _skill_set_work(rm: RosterModel, skills: tuple, crews: list[int]) -> dict:
    """``{(d, minute): linear expression}`` of the crews' working head count.

    On shift minus on lunch or break, through sparse helper counts: ``on[t]`` follows
    ``on[t - 1] + starts(t) - ends(t)`` and ``away[kind, t]`` counts pieces starting at ``t``.
    """
    model, step = rm.model, rm.problem.interval_min
    out = {}
    for d in range(len(rm.problem.days)):
        delta = defaultdict(lambda: ([], []))
        away = defaultdict(list)
        size = 0
        for g in crews:
            size += len(rm.crews[g][2])
            for option, n in rm.counts[g, d].items():
                delta[option.start_min][0].append(n)
                delta[option.start_min][1].append(1)
                delta[option.end_min][0].append(n)
                delta[option.end_min][1].append(-1)
                for _, length, at in rm.pieces[g, d, option]:
                    for off, var in at.items():
                        away[length, option.start_min + off].append(var)
        if not delta:
            continue
        busy = defaultdict(int)  # agents in a fixed commitment (they work that day)
        for g in crews:
            for a in rm.crews[g][2]:
                for s, e in rm.problem.agents[a].commitments_on(rm.problem.days[d]):
                    for minute in range(s - s % step, e, step):
                        busy[minute] += 1
        starts = {}
        for (length, t), vs in away.items():
            starts[length, t] = model.new_int_var(0, size, f"away{length}[{d},{t}]")
            model.add(starts[length, t] == sum(vs))
            rm.derived[starts[length, t].index] = ("sum", _indices(vs), None)
        covering = defaultdict(list)
        for (length, t), var in starts.items():
            for minute in range(t, t + length, step):
                covering[minute].append(var)
        previous = 0
        for minute in range(min(delta), max(delta), step):
            vs, cs = delta.get(minute, ([], []))
            on = model.new_int_var(0, size, f"on[{d},{minute}]")
            model.add(on == previous + cp_model.LinearExpr.weighted_sum(vs, cs))
            rm.derived[on.index] = ("cumulative", _indices(vs, previous),
                                    np.array(list(cs) + [1] * (not isinstance(previous, int))))
            previous = on
            off = covering[minute]
            out[d, minute] = on - sum(off) - busy[minute]
            rm.crew_work[skills, d, minute] = (on, off, busy[minute])
    return out


def _add_interval_balance(rm: RosterModel, key: tuple, scheduled: list, capacity: int) -> None:
    model, w = rm.model, rm.problem.weights
    channel, d, minute = key
    required = rm.required.get(key, 0)
    tag = f"{channel},{d},{minute}"
    short_terms, short_amount = [], []
    for k in range(w.under_coverage_tiers if required else 0):
        last = k == w.under_coverage_tiers - 1
        upper = max(required - k, 0) if last else 1
        if upper == 0:
            break
        seg = model.new_int_var(0, upper, f"short{k + 1}[{tag}]")
        short_terms.append((seg, _points(w.under_coverage * rm.impact.get(key, 1.0),
                                         w.under_coverage_growth ** k)))
        short_amount.append((seg, 1.0))
    over = model.new_int_var(0, max(capacity - required, 0), f"over[{tag}]")
    short = sum(v for v, _ in short_amount)
    model.add(sum(scheduled) + short - over == required)
    rm.balance[key] = ([v for v, _ in short_amount], over)
    if short_terms:
        rm.soft.append(SoftTerm("under_coverage", tuple(short_terms), tuple(short_amount),
                                "agents", "under-coverage", None, channel, d, minute))
    rm.soft.append(SoftTerm("over_coverage", ((over, _points(w.over_coverage, 1)),),
                            ((over, 1.0),), "agents", "over-coverage", None, channel, d, minute))


def add_cost(rm: RosterModel) -> None:
    """Labor cost of every shift (wage, night, weekend and holiday premiums)."""
    problem = rm.problem
    for (a, d), xs in rm.shifts.items():
        contract = problem.contract_of(problem.agents[a])
        costs = [option_cost(o, contract, problem.costs, problem.days[d], problem.holidays)
                 for o, _ in xs]
        terms = tuple((v, _points(problem.weights.cost, c)) for (_, v), c in zip(xs, costs))
        if terms:
            rm.soft.append(SoftTerm("cost", terms, tuple((v, c) for (_, v), c in zip(xs, costs)),
                                    "currency", "labor cost", a, None, d, None, False))


def add_preferences(rm: RosterModel) -> None:
    """Hours away from the preferred start; working on a requested day off; a requested
    shift (or working day) not given."""
    problem, w = rm.problem, rm.problem.weights
    for (a, d), xs in rm.shifts.items():
        agent = problem.agents[a]
        if agent.preferred_start is not None:
            _add_start_distance(rm, "preference", w.preference, a, d,
                                agent.preferred_start.hour * 60 + agent.preferred_start.minute,
                                "start away from preferred start")
        if problem.days[d] in agent.off_requests and xs:
            work = rm.works[a, d]
            rm.soft.append(SoftTerm("preference", ((work, _points(w.preference, 1)),),
                                    ((work, 1.0),), "day", "works on a requested day off",
                                    a, None, d))
        for day, start in agent.shift_requests:
            if day == problem.days[d]:
                _add_shift_request(rm, a, d, start)


def _add_shift_request(rm: RosterModel, a: int, d: int, start) -> None:
    """A request to work on day ``d`` (a shift starting at ``start``, or any shift): one
    ``missed`` flag, at least ``1 - sum(matching shifts)``, costs ``preference`` once."""
    model, w = rm.model, rm.problem.weights
    minute = None if start is None else start.hour * 60 + start.minute
    matching = [v for o, v in rm.shifts[a, d] if minute is None or o.start_min == minute]
    missed = model.new_bool_var(f"missed[{rm.problem.agents[a].agent_id},{d},{minute}]")
    model.add(missed + sum(matching) >= 1)
    rm.derived[missed.index] = ("none", _indices(matching), None)
    what = ("not on the requested shift" if minute is not None
            else "off on a day the agent asked to work")
    rm.soft.append(SoftTerm("preference", ((missed, _points(w.preference, 1)),),
                            ((missed, 1.0),), "request", what, a, None, d))


def add_fairness(rm: RosterModel) -> None:
    """Full weekends worked; late shifts spread (the k-th late shift costs k - 1 units) among
    agents who could also work earlier shifts."""
    problem, model, w = rm.problem, rm.model, rm.problem.weights
    n = len(problem.days)
    for a, agent in enumerate(problem.agents):
        for d in range(n - 1):
            if problem.days[d].weekday() == 5 and rm.shifts[a, d] and rm.shifts[a, d + 1]:
                both = model.new_bool_var(f"weekend[{agent.agent_id},{d}]")
                model.add(both >= rm.works[a, d] + rm.works[a, d + 1] - 1)
                rm.derived[both.index] = ("at_least", _indices([rm.works[a, d],
                                                                rm.works[a, d + 1]]), 2)
                rm.soft.append(SoftTerm("fairness", ((both, _points(w.fairness, 1)),),
                                        ((both, 1.0),), "weekend", "works the whole weekend",
                                        a, None, d))
        late = [v for d in range(n) for o, v in rm.shifts[a, d] if o.late]
        late_days = sum(1 for d in range(n) if any(o.late for o, _ in rm.shifts[a, d]))
        if all(o.late for d in range(n) for o, _ in rm.shifts[a, d]):
            rm.late_only.add(a)  # agents available only for late shifts are not spread
            continue
        if late_days < 2:
            continue
        extra = [model.new_bool_var(f"late{k}[{agent.agent_id}]") for k in range(2, late_days + 1)]
        model.add(sum(late) <= 1 + sum(extra))
        rm.derived.update({v.index: ("at_least", _indices(late), k + 2)
                           for k, v in enumerate(extra)})
        for first, second in zip(extra, extra[1:]):
            model.add_implication(second, first)
        rm.soft.append(SoftTerm("fairness", tuple((v, _points(w.fairness, k + 1))
                                                  for k, v in enumerate(extra)),
                                tuple((v, 1.0) for v in extra), "late shifts",
                                "late shifts beyond the first", a))


def add_stability(rm: RosterModel) -> None:
    """Hours each start differs from the agent's usual start (an anchor variable)."""
    problem, model, w = rm.problem, rm.model, rm.problem.weights
    step_h = problem.rules.start_step_min / 60
    first = min((o.start_min for xs in rm.shifts.values() for o, _ in xs), default=0)
    for a, agent in enumerate(problem.agents):
        days = [d for d in range(len(problem.days)) if rm.shifts[a, d]]
        starts = {(o.start_min - first) // problem.rules.start_step_min
                  for d in days for o, _ in rm.shifts[a, d]}
        if len(days) < 2 or len(starts) < 2 or not w.stability:
            continue
        top = max(starts)
        anchor = model.new_int_var(min(starts), top, f"anchor[{agent.agent_id}]")
        rm.anchors[a] = (anchor, first, {})
        for d in days:
            xs = rm.shifts[a, d]
            start = sum(((o.start_min - first) // problem.rules.start_step_min) * v for o, v in xs)
            slack = top * (1 - rm.works[a, d])
            dev = model.new_int_var(0, top, f"dev[{agent.agent_id},{d}]")
            rm.anchors[a][2][d] = dev
            model.add(dev >= start - anchor - slack)
            model.add(dev >= anchor - start - slack)
            rm.soft.append(SoftTerm("stability", ((dev, _points(w.stability, step_h)),),
                                    ((dev, step_h),), "h", "start away from usual start",
                                    a, None, d))


def add_last_week(rm: RosterModel) -> None:
    """Hours each start differs from the agent's start on the same weekday of the previous
    roster (``problem.hint``), on days worked in both weeks; priced at ``stability``.

    Agents keep their rhythm from week to week; days switched between work and off are
    not priced (coverage decides them), only moved starts.
    """
    problem, w = rm.problem, rm.problem.weights
    if not w.stability:
        return
    last = last_week_starts(problem)
    for a, d in rm.shifts:
        before = last.get((problem.agents[a].agent_id, problem.days[d].weekday()))
        if before is not None:
            _add_start_distance(rm, "stability", w.stability, a, d, before, "start moved from last week")


def _add_start_distance(rm: RosterModel, goal: str, weight: float, a: int, d: int,
                        target_min: int, what: str) -> None:
    """``weight`` per hour between agent ``a``'s start on day ``d`` and ``target_min``."""
    hours = [(v, abs(o.start_min - target_min) / 60) for o, v in rm.shifts[a, d]
             if o.start_min != target_min]
    if hours:
        rm.soft.append(SoftTerm(goal, tuple((v, _points(weight, h)) for v, h in hours),
                                tuple(hours), "h", what, a, None, d))


#: soft families priced on one agent's own shift literals (the last week's starts aside);
#: the Lagrangian tour bound (:mod:`scheduling.lagrange`) prices one agent's week with them
AGENT_GOALS = (add_cost, add_preferences, add_fairness, add_stability)


def add_soft_goals(rm: RosterModel) -> None:
    """All soft families, in report order."""
    add_coverage(rm)
    for family in AGENT_GOALS:
        family(rm)
    add_last_week(rm)


def set_objective(rm: RosterModel, floor: bool = True) -> None:
    """Minimize the sum of all soft terms (assembled once).

    With ``floor`` the objective also gets the redundant cut ``objective >=
    objective_floor(rm)`` (:mod:`scheduling.bound`): valid for every roster of the model, it
    is the bound CP-SAT reports when its LP does not converge in time.
    """
    variables = [v for term in rm.soft for v, _ in term.terms]
    coefs = [c for term in rm.soft for _, c in term.terms]
    objective = cp_model.LinearExpr.weighted_sum(variables, coefs)
    rm.model.minimize(objective)
    if floor:
        rm.floor = objective_floor(rm)
        rm.model.add(objective >= rm.floor)
