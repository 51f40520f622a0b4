"""Crew relaxation of the roster model: a much smaller model whose optimum bounds the roster's.

Agents of one crew (same skills, contract and commitments) who also share every personal
input the objective or the hard rules look at (options per day after availability, time
off, locks and last week's rest; preferred start; requested days off; last week's streak)
form a *profile*. The relaxation keeps the crew-level part of the roster model unchanged —
shift counts per type, lunch and break placement, skill allocation, coverage balance — but
replaces each agent's shift literals by integer counts per profile, day and shift type, and
each individual rule by its sum over the profile's agents:

* at most ``size`` shifts per day (exactly ``size`` on a commitment or lock day);
* paid minutes per week in ``[size * min_hours, size * max_hours]``; working days per week
  at most ``size * max_days``; late shifts at most ``size * max_late``;
* every window of ``limit + 1`` consecutive days at most ``size * limit`` working days;
* rest: shifts ending at or after ``e`` on day ``d`` plus shifts of day ``d + 1`` starting
  less than ``min_rest_h`` after ``e`` at most ``size`` (each agent has at most one of them);
* the minimum run of days off has no aggregate form and is left out (a relaxation may drop
  rules).

Soft terms are summed the same way and are never larger than the roster model's: cost,
preferred starts and requested days off exactly; requested shifts missed at least
``size - given``; whole weekends worked at least
``sat + sun - size``; late shifts through the convex envelope of the per-agent penalty
``l (l - 1) / 2`` (``pen >= q L - size q (q + 1) / 2`` for every ``q``, Jensen); stability
and starts moved from last week's roster at their floor of zero (stability as a transport
from anchors the profile's agents hold all week to each day's starts was measured on the
sample week: the LP rose only from 181,401 to 181,590, since single-agent profiles split
their anchors fractionally, and took 22.5 s instead of 11.6 s). Every roster of the full
model therefore maps to a relaxed solution of no larger objective, so any lower bound proved
on the relaxation (its LP bound or its optimum) is a valid lower bound for the roster model (the aggregation argument of
tour-scheduling decompositions, e.g. Brunner & Bard 2013, "Flexible weekly tour scheduling
for postal service workers using a branch and price", J. Scheduling 16).

:func:`relaxation_bound` solves that model's LP with HiGHS (its interior-point method:
the sample week's 65k-column LP in about 8 s, where dual simplex needs over two minutes
and CP-SAT's own LP of the full model does not finish in a minute). Sample week, 60 s:
bound 182,254 against the objective floor's 151,612. :func:`solve_relaxation` keeps the LP's
solution and duals for :mod:`scheduling.lagrange`, which prices them against whole weeks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from scipy import sparse
from scipy.optimize import linprog

from scheduling.grid import (ShiftOption, agent_day_options, contract_options, option_cost,
                             previous_end_min)
from scheduling.model import RosterModel, _locked_options, _place_pieces, _weeks
from scheduling.problem import RosterProblem
from scheduling.soft import SoftTerm, _points, add_coverage, set_objective

__all__ = ["build_relaxation", "relaxation_bound", "solve_relaxation", "Profile", "RelaxationLP"]


class Profile:
    """Interchangeable agents of one crew: their shift counts per day and shift type."""

    def __init__(self, crew: int, members: list[int], options: tuple[tuple[ShiftOption, ...], ...]):
        self.crew, self.members, self.options = crew, members, options
        self.counts: dict[tuple[int, ShiftOption], cp_model.IntVar] = {}
        self.works: dict[int, cp_model.LinearExpr] = {}
        # (d, option) -> index of the constraint n[crew, d, option] == sum of profile counts
        self.links: dict[tuple[int, ShiftOption], int] = {}
        self.soft: list[SoftTerm] = []  # the profile's own soft terms

    @property
    def size(self) -> int:
        return len(self.members)


def _own_options(problem: RosterProblem, a: int, d: int, options: list[ShiftOption]) -> tuple:
    """The agent's options on day ``d`` as the full model allows them (locks, last week's rest)."""
    agent, day = problem.agents[a], problem.days[d]
    own = agent_day_options(problem, agent, day, options, respect_availability=True)
    lock = problem.lock_of(agent, day)
    if lock is not None:
        own = _locked_options(agent, day, own, lock)
    prev_end = previous_end_min(problem, agent) if d == 0 else None
    if prev_end is not None:
        rest = round(problem.rules.min_rest_h * 60)
        own = [o for o in own if o.start_min >= prev_end + rest]
    return tuple(own)


def _profiles(rm: RosterModel) -> list[Profile]:
    """Crews as the roster model forms them, split into profiles of interchangeable agents."""
    problem = rm.problem
    by_crew = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        by_crew[agent.skills, agent.contract, agent.commitments].append(a)
    rm.crews = [(skills, contract, members) for (skills, contract, _), members in by_crew.items()]
    profiles = []
    for g, (_, contract, members) in enumerate(rm.crews):
        options = contract_options(problem.contracts[contract], problem.rules, problem.costs,
                                   problem.interval_min)
        by_key = defaultdict(list)
        for a in members:
            agent = problem.agents[a]
            own = tuple(_own_options(problem, a, d, options) for d in range(len(problem.days)))
            locked = tuple(problem.lock_of(agent, day) is not None for day in problem.days)
            key = (own, locked, agent.preferred_start, agent.off_requests,
                   agent.shift_requests, agent.previous_consecutive_days)
            by_key[key].append(a)
        profiles += [Profile(g, group, key[0]) for key, group in by_key.items()]
    return profiles


def _add_counts(rm: RosterModel, profiles: list[Profile]) -> None:
    """Profile counts per day and shift type, crew counts, and lunch/break placement."""
    problem, model = rm.problem, rm.model
    per_crew = defaultdict(lambda: defaultdict(list))  # (g, d) -> option -> [count]
    for k, prof in enumerate(profiles):
        first = problem.agents[prof.members[0]]
        for d, day in enumerate(problem.days):
            for option in prof.options[d]:
                n = model.new_int_var(0, prof.size, f"m[{k},{d},{option.start_min},"
                                                    f"{option.length_min}]")
                prof.counts[d, option] = n
                per_crew[prof.crew, d][option].append((prof, n))
            works = sum(prof.counts[d, o] for o in prof.options[d])
            prof.works[d] = works
            if prof.options[d]:
                forced = first.commitments_on(day) or problem.lock_of(first, day) is not None
                if forced:
                    model.add(works == prof.size)
                else:
                    model.add(works <= prof.size)
    for g, (_, _, members) in enumerate(rm.crews):
        fixed_of = problem.agents[members[0]].commitments_on
        for d, day in enumerate(problem.days):
            rm.counts[g, d] = {}
            for option, ms in sorted(per_crew[g, d].items(), key=lambda kv: kv[0].start_min):
                upper = len(members)
                n = model.new_int_var(0, upper, f"n[{g},{d},{option.start_min},"
                                                f"{option.length_min}]")
                link = model.add(n == sum(m for _, m in ms))
                for prof, _ in ms:
                    prof.links[d, option] = link.index
                rm.counts[g, d][option] = n
                rm.pieces[g, d, option] = _place_pieces(rm, n, upper, option, fixed_of(day),
                                                        f"{g},{d},{option.start_min}")


def _add_rules(rm: RosterModel, prof: Profile) -> None:
    """The individual hard rules summed over the profile's agents."""
    problem, model = rm.problem, rm.model
    contract = problem.contract_of(problem.agents[prof.members[0]])
    n_days, size = len(problem.days), prof.size
    for week in _weeks(n_days):
        paid = sum(o.paid_min * prof.counts[d, o] for d in week for o in prof.options[d])
        model.add(paid >= size * round(contract.min_hours_week * 60))
        model.add(paid <= size * round(contract.max_hours_week * 60))
        if len(week) > contract.max_days_week:
            model.add(sum(prof.works[d] for d in week) <= size * contract.max_days_week)
        if contract.max_late_shifts_week is not None:
            late = [prof.counts[d, o] for d in week for o in prof.options[d] if o.late]
            model.add(sum(late) <= size * contract.max_late_shifts_week)
    limit = contract.max_consecutive_days or problem.rules.max_consecutive_days
    before = min(problem.agents[prof.members[0]].previous_consecutive_days, limit)
    for s in range(-before, n_days - limit):
        inside = [prof.works[d] for d in range(max(s, 0), s + limit + 1)]
        known = sum(1 for d in range(s, s + limit + 1) if d < 0)
        model.add(sum(inside) <= size * (limit - known))
    rest = round(problem.rules.min_rest_h * 60)
    for d in range(n_days - 1):
        for end in sorted({o.end_min for o in prof.options[d]}):
            early = [prof.counts[d + 1, o] for o in prof.options[d + 1]
                     if o.start_min + 1440 < end + rest]
            if early:
                late = [prof.counts[d, o] for o in prof.options[d] if o.end_min >= end]
                model.add(sum(late) + sum(early) <= size)


def _add_soft(rm: RosterModel, prof: Profile) -> None:
    """Cost, preferences and fairness of the profile's agents, summed (never overstated)."""
    problem, model, w = rm.problem, rm.model, rm.problem.weights
    first = problem.agents[prof.members[0]]
    contract = problem.contract_of(first)
    n_days = len(problem.days)
    for d, day in enumerate(problem.days):
        counts = [(o, prof.counts[d, o]) for o in prof.options[d]]
        if not counts:
            continue
        costs = [option_cost(o, contract, problem.costs, day, problem.holidays) for o, _ in counts]
        rm.soft.append(SoftTerm("cost", tuple((n, _points(w.cost, c)) for (_, n), c
                                              in zip(counts, costs)),
                                tuple((n, c) for (_, n), c in zip(counts, costs)),
                                "currency", "labor cost", None, None, d, None, False))
        hours = []
        if first.preferred_start is not None:
            pref = first.preferred_start.hour * 60 + first.preferred_start.minute
            hours = [(n, abs(o.start_min - pref) / 60) for o, n in counts if o.start_min != pref]
        if day in first.off_requests:
            hours += [(n, 1.0) for _, n in counts]
        if hours:
            rm.soft.append(SoftTerm("preference", tuple((n, _points(w.preference, h))
                                                        for n, h in hours),
                                    tuple(hours), "h", "preferences", None, None, d))
        for request_day, start in first.shift_requests:
            if request_day == day:
                minute = None if start is None else start.hour * 60 + start.minute
                given = [n for o, n in counts if minute is None or o.start_min == minute]
                missed = model.new_int_var(0, prof.size, f"missed[p{prof.members[0]},{d},{minute}]")
                model.add(missed + sum(given) >= prof.size)
                rm.soft.append(SoftTerm("preference", ((missed, _points(w.preference, 1)),),
                                        ((missed, 1.0),), "request", "requests missed", None,
                                        None, d))
    for d in range(n_days - 1):
        if problem.days[d].weekday() == 5 and prof.options[d] and prof.options[d + 1]:
            both = model.new_int_var(0, prof.size, f"weekend[p{prof.members[0]},{d}]")
            model.add(both >= prof.works[d] + prof.works[d + 1] - prof.size)
            rm.soft.append(SoftTerm("fairness", ((both, _points(w.fairness, 1)),),
                                    ((both, 1.0),), "weekend", "whole weekends", None, None, d))
    _add_late_spread(rm, prof)


def _add_late_spread(rm: RosterModel, prof: Profile) -> None:
    """Convex envelope of the per-agent late-shift penalty ``l (l - 1) / 2`` over the profile."""
    model, w = rm.model, rm.problem.weights
    n_days = len(rm.problem.days)
    all_late = all(o.late for d in range(n_days) for o in prof.options[d])
    late_days = sum(1 for d in range(n_days) if any(o.late for o in prof.options[d]))
    if all_late or late_days < 2:
        return
    late = sum(prof.counts[d, o] for d in range(n_days) for o in prof.options[d] if o.late)
    top = prof.size * late_days * (late_days - 1) // 2
    penalty = model.new_int_var(0, top, f"late[p{prof.members[0]}]")
    for q in range(1, late_days):
        model.add(penalty >= q * late - prof.size * q * (q + 1) // 2)
    rm.soft.append(SoftTerm("fairness", ((penalty, _points(w.fairness, 1)),),
                            ((penalty, 1.0),), "late shifts", "late shifts beyond the first"))


def build_relaxation(problem: RosterProblem) -> tuple[RosterModel, list[Profile]]:
    """Build the crew relaxation (same crews, counts, pieces and coverage as the roster model).

    Returns the model (its ``counts``, ``pieces``, ``alloc`` and ``balance`` mirror the
    roster model's) and the profiles with their count variables.
    """
    rm = RosterModel(problem, cp_model.CpModel())
    profiles = _profiles(rm)
    _add_counts(rm, profiles)
    for prof in profiles:
        _add_rules(rm, prof)
    add_coverage(rm)
    for prof in profiles:
        before = len(rm.soft)
        _add_soft(rm, prof)
        prof.soft = rm.soft[before:]
    set_objective(rm, floor=False)
    return rm, profiles


def _literal_terms(literals) -> tuple[list[int], list[float], float]:
    """Columns, coefficients and constant of ``sum(literals)`` (``-i - 1`` is ``not x_i``)."""
    cols, coefs, constant = [], [], 0.0
    for lit in literals:
        if lit >= 0:
            cols.append(lit)
            coefs.append(1.0)
        else:
            cols.append(-lit - 1)
            coefs.append(-1.0)
            constant += 1.0
    return cols, coefs, constant


def _linear_rows(constraint) -> list[tuple[list[int], list[float], float, float]]:
    """``(cols, coefs, lower, upper)`` rows of one constraint: linear ones and the Boolean
    shapes CP-SAT's Python layer turns small linear constraints into. Other constraints and
    conditional ones give no row: dropping a constraint keeps the LP a relaxation."""
    if len(constraint.enforcement_literal):
        return []
    if constraint.has_linear():
        linear = constraint.linear
        domain = linear.domain
        # the repeated fields of ortools' proto wrapper do not take negative indices
        return [(list(linear.vars), list(linear.coeffs), domain[0], domain[len(domain) - 1])]
    for shape, lower, upper in (("bool_or", 1, np.inf), ("at_most_one", -np.inf, 1),
                                ("exactly_one", 1, 1)):
        if getattr(constraint, f"has_{shape}")():
            cols, coefs, constant = _literal_terms(getattr(constraint, shape).literals)
            return [(cols, coefs, lower - constant, upper - constant)]
    if constraint.has_bool_and():
        rows = []
        for lit in constraint.bool_and.literals:
            cols, coefs, constant = _literal_terms([lit])
            rows.append((cols, coefs, 1 - constant, 1 - constant))
        return rows
    return []


def _lp_arrays(model: cp_model.CpModel) -> dict:
    """The linear relaxation of a CP-SAT model, as the arrays of :func:`scipy.optimize.linprog`."""
    return _lp_system(model)[0]


def _lp_system(model: cp_model.CpModel) -> tuple[dict, np.ndarray]:
    """:func:`_lp_arrays` and, for each row of ``A_eq``, the index of its proto constraint."""
    proto = model.proto
    n_vars = len(proto.variables)
    bounds = np.array([(v.domain[0], v.domain[len(v.domain) - 1]) for v in proto.variables],
                      dtype=float)
    rows, cols, coefs, lower, upper, origin = [], [], [], [], [], []
    for index, constraint in enumerate(proto.constraints):
        for row_cols, row_coefs, lo, hi in _linear_rows(constraint):
            rows += [len(lower)] * len(row_cols)
            cols += row_cols
            coefs += row_coefs
            lower.append(lo)
            upper.append(hi)
            origin.append(index)
    matrix = sparse.csr_array((coefs, (rows, cols)), shape=(len(lower), n_vars), dtype=float)
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    lower[lower <= -2**62], upper[upper >= 2**62] = -np.inf, np.inf
    equal = lower == upper
    has_upper, has_lower = ~equal & np.isfinite(upper), ~equal & np.isfinite(lower)
    cost = np.zeros(n_vars)
    np.add.at(cost, np.array(proto.objective.vars, dtype=np.int64),
              np.array(proto.objective.coeffs, dtype=float))
    return ({"c": cost, "A_ub": sparse.vstack([matrix[has_upper], -matrix[has_lower]]).tocsr(),
             "b_ub": np.concatenate([upper[has_upper], -lower[has_lower]]),
             "A_eq": matrix[equal], "b_eq": lower[equal], "bounds": bounds},
            np.array(origin, dtype=np.int64)[equal])


@dataclass(frozen=True, eq=False)
class RelaxationLP:
    """The crew relaxation, its LP optimum and the duals of its equality rows.

    ``row_duals`` maps a proto constraint index to the LP dual of its row (HiGHS'
    marginals: the objective's derivative with respect to the row's right-hand side).
    """

    model: RosterModel
    profiles: list[Profile]
    values: np.ndarray
    objective: float
    row_duals: dict[int, float]

    def shares(self) -> dict[tuple[int, int, ShiftOption], float]:
        """``{(agent, day, option): share}``: the LP's count of the agent's profile on that
        shift divided by the profile's size."""
        return {(a, d, option): float(self.values[m.index]) / prof.size
                for prof in self.profiles for (d, option), m in prof.counts.items()
                for a in prof.members}

    def bound_points(self) -> int:
        """The LP optimum as a bound in objective points, lowered by a relative 1e-6 (HiGHS'
        feasibility tolerances) before rounding up."""
        return max(math.ceil(self.objective - 1e-6 * max(abs(self.objective), 1.0)), 0)


def solve_relaxation(problem: RosterProblem, time_limit_s: float) -> RelaxationLP | None:
    """Build the crew relaxation and solve its LP with HiGHS' interior-point method (with
    crossover, so the duals are those of a basis); None when it does not finish within
    ``time_limit_s``."""
    rm, profiles = build_relaxation(problem)
    arrays, eq_constraints = _lp_system(rm.model)
    result = linprog(**arrays, method="highs-ipm",
                     options={"time_limit": max(float(time_limit_s), 0.1), "presolve": True})
    if result.status != 0:
        return None
    duals = dict(zip(eq_constraints.tolist(), np.asarray(result.eqlin.marginals).tolist()))
    return RelaxationLP(rm, profiles, np.asarray(result.x), float(result.fun), duals)


def relaxation_bound(problem: RosterProblem, time_limit_s: float) -> int | None:
    """Lower bound (objective points) on every roster of ``problem``: the optimum of the
    linear relaxation of the crew relaxation, solved by HiGHS' interior-point method, or
    None when it does not finish within ``time_limit_s``.

    The interior-point method (with crossover) solves the sample week's LP (65k columns)
    in about 8 s where dual simplex takes over two minutes. The optimum is lowered by a
    relative 1e-6 before rounding up, which covers HiGHS' feasibility tolerances.
    """
    lp = solve_relaxation(problem, time_limit_s)
    return None if lp is None else lp.bound_points()
