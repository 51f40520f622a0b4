"""Complete variable assignments from a shift placement (warm start / solution hint).

Given each placed agent's shifts and lunch/break offsets, every other model variable
follows: crew counts and piece counts, the helper counts, the skill split toward the
largest remaining need, shortfall tiers and surplus, fairness and stability variables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduling.model import RosterModel

__all__ = ["Solution", "solution_from_placement"]


@dataclass(frozen=True)
class Solution:
    """Values of every model variable (by proto index) and the objective."""

    values: np.ndarray
    objective_points: int
    complete: bool = True

    def value(self, var: cp_model.IntVar) -> int:
        """Value of ``var``."""
        return int(self.values[var.index])

    def boolean_value(self, var: cp_model.IntVar) -> bool:
        """Value of a Boolean ``var``."""
        return bool(self.values[var.index])


def _set_breaks(rm: RosterModel, placed: dict, pieces: dict, values: np.ndarray) -> None:
    """Crew counts of lunches/breaks per offset from the greedy's per-agent placements."""
    crew_of = {a: g for g, (_, _, members) in enumerate(rm.crews) for a in members}
    for a, chosen in placed.items():
        for d, option in chosen.items():
            for (_, _, at), off in zip(rm.pieces[crew_of[a], d, option], pieces[a, d]):
                values[at[off].index] += 1


def _evaluate_derived(rm: RosterModel, values: np.ndarray) -> None:
    """Helper variables in creation order: sums, running counts, at-least-k and none flags."""
    for index in sorted(rm.derived):
        rule, operands, extra = rm.derived[index]
        if rule == "sum":
            values[index] = values[operands].sum()
        elif rule == "cumulative":
            values[index] = values[operands] @ extra if len(operands) else 0
        elif rule == "at_least":
            values[index] = int(values[operands].sum() >= extra)
        elif rule == "none":
            values[index] = int(values[operands].sum() == 0)


def _allocate(rm: RosterModel, values: np.ndarray) -> dict:
    """Skill split of multi-skilled head counts toward the largest remaining need."""
    scheduled = defaultdict(int)
    multi = []
    for (skills, d, minute), (on, off, busy) in rm.crew_work.items():
        working = int(values[on.index]) - sum(int(values[v.index]) for v in off) - busy
        if len(skills) == 1:
            scheduled[skills[0][0], d, minute] += working
        else:
            multi.append((len(skills), skills, d, minute, working))
    for _, skills, d, minute, working in sorted(multi, key=lambda m: m[:1] + m[2:4]):
        for _ in range(working):
            c = max((c for c, _ in skills), key=lambda c: (
                rm.required.get((c, d, minute), 0) - scheduled[c, d, minute],
                -dict(skills)[c]))
            scheduled[c, d, minute] += 1
            values[rm.alloc[skills, c, d, minute].index] += 1
    return scheduled


def _balance(rm: RosterModel, values: np.ndarray, scheduled: dict) -> None:
    for key, (segments, over) in rm.balance.items():
        gap = rm.required.get(key, 0) - scheduled.get(key, 0)
        values[over.index] = max(-gap, 0)
        short = max(gap, 0)
        for k, seg in enumerate(segments):
            values[seg.index] = short if k == len(segments) - 1 else min(short, 1)
            short -= values[seg.index]


def _anchor(rm: RosterModel, values: np.ndarray) -> None:
    step = rm.problem.rules.start_step_min
    for a, (anchor, first, deviations) in rm.anchors.items():
        starts = {d: (o.start_min - first) // step for d in deviations
                  for o, v in rm.shifts[a, d] if values[v.index]}
        mid = int(np.median(list(starts.values()))) if starts else anchor.proto.domain[0]
        values[anchor.index] = mid
        for d, dev in deviations.items():
            values[dev.index] = abs(starts[d] - mid) if d in starts else 0


def solution_from_placement(rm: RosterModel, placed: dict, pieces: dict) -> Solution:
    """Every variable's value for ``placed`` (``{agent: {day: option}}``) and ``pieces``
    (``{(agent, day): [offset per lunch/break]}``); ``complete`` is False when some agents
    are not placed (their shifts are 0 and the hint may break their rules)."""
    values = np.zeros(len(rm.model.proto.variables), dtype=np.int64)
    for (a, d), xs in rm.shifts.items():
        for option, var in xs:
            values[var.index] = int(placed.get(a, {}).get(d) == option)
        values[rm.works[a, d].index] = int(d in placed.get(a, {}))
    for (g, d), counts in rm.counts.items():
        for option, n in counts.items():
            values[n.index] = sum(placed.get(a, {}).get(d) == option for a in rm.crews[g][2])
    _set_breaks(rm, placed, pieces, values)
    _evaluate_derived(rm, values)
    _balance(rm, values, _allocate(rm, values))
    _anchor(rm, values)
    points = sum(c * int(values[v.index]) for term in rm.soft for v, c in term.terms)
    return Solution(values, points, complete=len(placed) == len(rm.problem.agents))
