"""A valid lower bound on the roster objective, added to the model as a redundant cut.

CP-SAT's own linear relaxation of a week-size roster (tens of thousands of columns) does not
converge within a minute on two workers, so its best bound stays near zero and the reported
gap is meaningless. The bound here is cheap, exact in integer objective points and valid for
every roster the model allows, so ``objective >= floor`` removes no roster; it gives the
search (and the reported gap) an honest floor.

Derivation (aggregate counting, in the spirit of the LP bounds of Dantzig's set-covering
shift scheduling formulation):

* **Labor cost.** Each shift option ``o`` of agent ``a`` costs ``c_o`` points for ``p_o``
  paid minutes; with ``r_a = min_o c_o / p_o`` the agent costs at least ``r_a`` times its
  paid minutes, and the weekly-hours rule forces at least ``60 * min_hours_week`` paid
  minutes in every block of up to 7 plan days.
* **Over-coverage.** Per channel and interval ``over - short = scheduled - required``, so
  ``over >= scheduled - required``. An agent works (on shift, not at lunch, on a break or in
  a commitment) at least ``f_a * paid - commitments`` minutes, with ``f_a`` the smallest
  working fraction of its options, and each working interval serves exactly one channel of
  its skills. For any partition of the channels, the agents whose skills lie inside a part
  ``S`` serve ``S`` only, so ``over(S) >= work(S) - required(S)``; the bound takes the best
  partition.
"""

from __future__ import annotations

import math
from collections import defaultdict

from scheduling.config import minutes_of
from scheduling.model import RosterModel, _weeks

__all__ = ["objective_floor", "MAX_PARTITION_CHANNELS"]

#: channel partitions are enumerated up to this many channels (Bell(6) = 203), else the
#: whole channel set is one part
MAX_PARTITION_CHANNELS = 6


def _partitions(items: list) -> list[list[list]]:
    """All set partitions of ``items`` (recursive: the first item joins a part or its own)."""
    if not items:
        return [[]]
    first, rest = items[0], _partitions(items[1:])
    out = []
    for partition in rest:
        out.append([[first]] + partition)
        for k in range(len(partition)):
            out.append(partition[:k] + [[first] + partition[k]] + partition[k + 1:])
    return out


def _agent_floor(rm: RosterModel, a: int, cost_coef: dict) -> tuple[float, float]:
    """(cost points, working minutes) agent ``a`` contributes at least."""
    problem = rm.problem
    agent = problem.agents[a]
    contract = problem.contract_of(agent)
    options = [(o, v) for d in range(len(problem.days)) for o, v in rm.shifts[a, d]]
    paid = [o.paid_min for o, _ in options if o.paid_min > 0]
    if not paid:
        return 0.0, 0.0
    min_paid = round(contract.min_hours_week * 60) * len(_weeks(len(problem.days)))
    rate = min(cost_coef.get(v.index, 0) / o.paid_min for o, v in options if o.paid_min > 0)
    breaks = {o: sum(length for kind, _, _, length in o.pieces(problem.rules) if kind == "break")
              for o, _ in options}
    frac = min((o.paid_min - breaks[o]) / o.paid_min for o, _ in options if o.paid_min > 0)
    fixed = sum(e - s for day in problem.days for s, e in agent.commitments_on(day))
    return rate * min_paid, max(frac * min_paid - fixed, 0.0)


def _late_marginals(rm: RosterModel) -> list[float]:
    """Fairness points of each possible late shift (per agent: the k-th one's weight)."""
    problem = rm.problem
    spread = {term.agent: [c for _, c in term.terms] for term in rm.soft
              if term.goal == "fairness" and term.agent is not None and term.day is None}
    blocks = len(_weeks(len(problem.days)))
    out = []
    for a, agent in enumerate(problem.agents):
        late_days = sum(1 for d in range(len(problem.days))
                        if any(o.late for o, _ in rm.shifts[a, d]))
        cap = min(late_days, problem.contract_of(agent).max_days_week * blocks)
        steps = [0] + spread.get(a, [])
        out += [steps[k] if k < len(steps) else 0 for k in range(cap)]
    return sorted(out)


def _late_floor(rm: RosterModel) -> float:
    """Fairness plus under-coverage points the evening requirement forces at least."""
    problem = rm.problem
    late_after, step = minutes_of(problem.rules.late_end_after), problem.interval_min
    first_tier = {(term.channel, term.day, term.minute): term.terms[0][1] for term in rm.soft
                  if term.goal == "under_coverage"}
    evening = defaultdict(lambda: defaultdict(int))  # d -> minute -> total required
    for (channel, d, minute), need in rm.required.items():
        if minute + step > late_after and need:
            evening[d][minute] += need
    units = []  # cheapest shortfall points of each unit of evening requirement
    for d, totals in evening.items():
        minute = max(totals, key=totals.get)
        u = min(c for (ch, dd, mm), c in first_tier.items() if dd == d and mm == minute)
        units += [u] * totals[minute]
    units.sort(reverse=True)
    marginals = _late_marginals(rm)
    return float(sum(min(m, u) for m, u in zip(marginals, units)) + sum(units[len(marginals):]))


def objective_floor(rm: RosterModel) -> int:
    """Lower bound (integer objective points) on the objective of every feasible roster.

    Parameters
    ----------
    rm : a built model whose soft terms are collected (``rm.soft``, ``rm.required``).

    Returns
    -------
    The labor-cost, over-coverage and late-shift floors (disjoint objective terms), rounded up to
    the next integer (the objective is integer).
    """
    problem = rm.problem
    cost_coef = {v.index: c for term in rm.soft if term.goal == "cost" for v, c in term.terms}
    over_coef = min((c for term in rm.soft if term.goal == "over_coverage"
                     for _, c in term.terms), default=0)
    cost = 0.0
    work_of = defaultdict(float)  # skill set -> working intervals, at least
    for a, agent in enumerate(problem.agents):
        points, work_min = _agent_floor(rm, a, cost_coef)
        cost += points
        work_of[frozenset(agent.skill_set)] += work_min / problem.interval_min
    required = defaultdict(int)
    for (channel, _, _), need in rm.required.items():
        required[channel] += need
    channels = sorted(set(required) | {c for skills in work_of for c in skills})
    parts = (_partitions(channels) if len(channels) <= MAX_PARTITION_CHANNELS
             else [[channels]])
    surplus = max(sum(max(0.0, sum(w for s, w in work_of.items() if s <= set(part))
                          - sum(required[c] for c in part)) for part in partition)
                  for partition in parts)
    # the objective is an integer >= value, so it is >= ceil(value); the relative 1e-9 absorbs
    # float error in the sums of ratios
    value = cost + over_coef * surplus + _late_floor(rm)
    return max(math.ceil(value - 1e-9 * max(abs(value), 1.0)), 0)
