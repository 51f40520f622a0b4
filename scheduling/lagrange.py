"""Lagrangian tour bound: the crew relaxation's LP duals priced against whole weeks.

The crew relaxation (:mod:`scheduling.relax`) sums each individual rule over a profile of
interchangeable agents, so its LP may give a profile shift counts that no agent's week
produces: starts that move from day to day at no stability cost, late shifts and rest only
on average. Dualizing the rows that tie a crew's shift counts to its profiles' counts
(``n[g,d,o] = sum_p m[p,d,o]``) with multipliers ``lam`` splits the relaxation into a
coverage part and one part per profile. Replacing each profile's part by ``size`` times
the cheapest single week of one of its agents under the same prices (every rule and soft
term of the roster model, solved by CP-SAT, its proved bound) gives the Lagrangian bound
(Geoffrion 1974, "Lagrangean relaxation for integer programming", Math. Prog. Study 2):

    L(lam) = min_coverage(lam) + sum_p size_p * T_p(lam).

With ``lam`` the LP's optimal duals, the LP optimum ``x*`` minimizes each part, so
``min_coverage(lam) = LP - sum_p P_p(x*)`` where ``P_p`` is profile ``p``'s part at ``x*``;
and since one agent's week is a point of the profile's aggregated polytope,
``size_p * T_p >= P_p``: the bound is never below the LP's. Every roster maps to a point
of this Lagrangian relaxation (agents' weeks are weeks; starts moved from last week's
roster are left out, at their floor of zero), so ``L`` bounds every roster.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from ortools.sat.python import cp_model

from scheduling.model import AGENT_RULES, RosterModel, add_shift_choice
from scheduling.problem import RosterProblem
from scheduling.relax import Profile, RelaxationLP
from scheduling.soft import AGENT_GOALS

__all__ = ["tour_bound"]

#: a week's prices are scaled by this and rounded down to CP-SAT integers (a lower price
#: keeps the bound valid; the loss is under 7 / PRICE_SCALE points per agent)
PRICE_SCALE = 100


def _link_prices(lp: RelaxationLP, prof: Profile) -> dict:
    """``{(d, option): price}``: the dual part of the Lagrangian cost of one shift,
    ``-lam_r * a_rm`` for the link row ``r`` of the profile's count ``m``."""
    proto = lp.model.model.proto
    prices = {}
    for key, m in prof.counts.items():
        row = prof.links[key]
        linear = proto.constraints[row].linear
        coef = dict(zip(linear.vars, linear.coeffs))[m.index]
        prices[key] = -lp.row_duals.get(row, 0.0) * coef
    return prices


def _profile_part(lp: RelaxationLP, prof: Profile, prices: dict) -> float:
    """``P_p(x*)``: the profile's soft terms and priced counts at the LP optimum (points)."""
    x = lp.values
    soft = sum(c * x[var.index] for term in prof.soft for var, c in term.terms)
    return soft + sum(prices[key] * x[m.index] for key, m in prof.counts.items())


def _agent_week(problem: RosterProblem, a: int) -> RosterModel:
    """Agent ``a`` alone: every hard family and the agent's own soft terms."""
    agent = problem.agents[a]
    locked = problem.locked
    if locked is not None and not locked.empty:
        locked = locked[locked["agent_id"] == agent.agent_id]
    alone = dataclasses.replace(problem, agents=(agent,), hint=None, locked=locked)
    rm = RosterModel(alone, cp_model.CpModel())
    for family in (add_shift_choice, *AGENT_RULES, *AGENT_GOALS):
        family(rm)
    return rm


def _cheapest_week(problem: RosterProblem, prof: Profile, prices: dict,
                   time_limit_s: float) -> float | None:
    """``T_p``: a lower bound (points) on the priced cost of one member's week, or None
    when no week of the member is feasible."""
    rm = _agent_week(problem, prof.members[0])
    variables, coefs = [], []
    for term in rm.soft:
        for var, c in term.terms:
            variables.append(var)
            coefs.append(c * PRICE_SCALE)
    for d in range(len(problem.days)):
        for option, var in rm.shifts[0, d]:
            price = math.floor(prices.get((d, option), 0.0) * PRICE_SCALE)
            if price:
                variables.append(var)
                coefs.append(price)
    rm.model.minimize(cp_model.LinearExpr.weighted_sum(variables, coefs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.05)
    solver.parameters.num_workers = 1
    status = solver.solve(rm.model)
    if status == cp_model.INFEASIBLE:
        return None
    return solver.best_objective_bound / PRICE_SCALE


def tour_bound(problem: RosterProblem, lp: RelaxationLP, deadline: float) -> int | None:
    """The Lagrangian tour bound (objective points) at the LP's duals.

    Profiles are priced largest first until ``deadline`` (``time.perf_counter()``
    seconds); a profile left unpriced keeps its LP part, which is still a valid bound of
    that part, so the result is at least the LP's bound. None when one agent has no
    feasible week (the roster model is then infeasible). Lowered by a relative 1e-6 (the
    LP's tolerances) before rounding up, like the LP's bound.
    """
    total = lp.objective
    profiles = sorted(lp.profiles, key=lambda p: -p.size)
    for k, prof in enumerate(profiles):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        prices = _link_prices(lp, prof)
        week = _cheapest_week(problem, prof, prices, min(2.0, left / (len(profiles) - k)))
        if week is None:
            return None
        total += prof.size * week - _profile_part(lp, prof, prices)
    return max(math.ceil(total - 1e-6 * max(abs(total), 1.0)), 0)
