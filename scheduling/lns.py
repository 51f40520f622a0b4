"""Day-block large-neighbourhood search on a built roster model (week-size rosters).

In the roster model (:mod:`scheduling.model`) a shift change of agent ``a`` on day ``d``
moves its crew's count ``n[g,d,o]``, and the lunch/break placement counts of that crew and
day sum to those counts. CP-SAT's own LNS (``use_lns_only``, the large-model setting of
:mod:`scheduling.solve`) fixes a random share of all variables, so nearly every
neighbourhood keeps a placement count fixed that the move would have to change: it swaps
agents within crews (fairness, preferences, stability) but leaves coverage and cost where
the first roster put them. Sample week, 45 s of CP-SAT from the greedy roster: over-coverage
46,560 and cost 125,816 before and after.

Here each step frees coherent blocks: the shifts of a few agents on one day, the break
placement of their crews on that day and that day's skill allocation. Everything else stays
fixed at the incumbent (proto domains, changed in place and restored at the end), so
CP-SAT solves the step, usually to optimality, in one to two seconds without presolve; one
step per worker runs at once.

A step needs no hint-guided phase (the hint is the incumbent) and takes every linear row
into its LP at once: 24 sample-week blocks of 12 agents, each solved to optimality, took
15.4 s instead of 34.2 s. With steps that fast, larger blocks pay. Sample week, the whole
solve at 60 s, 2 workers, seeds 0 and 1 (objective, lower is better; bound 182,410):
12 agents 191,210 / 192,431; 16: 191,393 / 191,120; 20: 190,797 / 191,053; 24: 190,535 /
190,406; **30: 190,086 / 189,236**; 40: 188,299 / 190,465; 50: 192,030 / 191,816; 30 or
40 agents with 5 s a step: 190,476 / 191,074 and 189,364 / 190,747. Other block shapes,
points gained per second of solving from one 191.2k roster (day blocks of 30: 67.7): four
agents of one crew over the whole week with their crew's breaks and skill split 27.8, eight
16.8; 15 agents over two consecutive days 19.4; four random agents' whole weeks 0.1. At the
plateau a 600 s solve reaches (187,215) none of them gains more than 90 points in 12 steps.

Measured earlier with the default step parameters and before the LP-guided restart of
:mod:`scheduling.solve` (CP-SAT alone 206,400-207,700):

* 12 agents, one day, 3 s a step, CP-SAT's LNS first for 55 % of the time:
  200,297 and 202,312; CP-SAT's share at 35 % or 20 %: 201,513 / 202,894 and 201,347 /
  202,057; 16 agents 204,555 / 200,803;
* worse: a 1 s step limit 209,569 / 209,263 (improvements come after the step's LP);
  linearization level 0 or 2 in the steps 210,659 / 210,379 and 208,299 / 210,519; freeing
  only the block crews' skill split 203,070 / 202,663; every third block over two days
  (8 agents) 204,577 / 205,936; half the agents drawn by their own penalty and half among
  agents sharing their skills 201,836 / 202,673.

An improving step's solution comes from the full model with tighter domains, so it
satisfies every rule of the model as built.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduling.hint import Solution
from scheduling.model import RosterModel

__all__ = ["DayBlockSettings", "day_block_lns"]


@dataclass(frozen=True)
class DayBlockSettings:
    """Size and time of one step: ``agents`` agents' shifts on one day are freed."""

    agents: int = 30
    step_limit_s: float = 3.0

    def __post_init__(self) -> None:
        if self.agents < 1:
            raise ValueError(f"agents must be >= 1, got {self.agents!r}")
        if not self.step_limit_s > 0:
            raise ValueError(f"step_limit_s must be > 0, got {self.step_limit_s!r}")


class _BlockIndex:
    """Proto indices of the freeable blocks and their domains as built (shared by copies
    made with ``CpModel.clone``, which keep the indices).

    ``cells[a, d]`` are agent ``a``'s shift literals and work flag on day ``d``;
    ``placement[g, d]`` the lunch/break counts of crew ``g`` on day ``d``; ``allocation[d]``
    the skill split of day ``d``.
    """

    def __init__(self, rm: RosterModel):
        proto = rm.model.Proto()
        self.crew_of = {a: g for g, (_, _, members) in enumerate(rm.crews) for a in members}
        self.cells = {(a, d): np.array([v.index for _, v in xs] + [rm.works[a, d].index])
                      for (a, d), xs in rm.shifts.items()}
        placement = defaultdict(list)
        for (g, d, _), pieces in rm.pieces.items():
            for _, _, at in pieces:
                placement[g, d] += [v.index for v in at.values()]
        allocation = defaultdict(list)
        for (_, _, d, _), var in rm.alloc.items():
            allocation[d].append(var.index)
        self.placement = {key: np.array(ids, dtype=np.int64) for key, ids in placement.items()}
        self.allocation = {d: np.array(ids, dtype=np.int64) for d, ids in allocation.items()}
        self.built = {}  # index -> (lo, hi) as built, for every index this search touches
        for ids in (*self.cells.values(), *self.placement.values(), *self.allocation.values()):
            for i in ids.tolist():
                domain = proto.variables[i].domain
                if len(domain) != 2:
                    raise ValueError(f"variable {proto.variables[i].name} has a "
                                     f"non-interval domain; the day-block search needs [lo, hi]")
                self.built[i] = (domain[0], domain[1])

    def block(self, d: int, agents: list[int]) -> list[int]:
        """Indices freed when ``agents`` change their shifts on day ``d``."""
        crews = {self.crew_of[a] for a in agents}
        parts = [self.cells[a, d] for a in agents]
        parts += [self.placement[g, d] for g in sorted(crews) if (g, d) in self.placement]
        parts += [self.allocation[d]] if d in self.allocation else []
        return np.concatenate(parts).tolist() if parts else []


class _Blocks:
    """One model copy whose block domains are fixed and freed in place."""

    def __init__(self, index: _BlockIndex, model: cp_model.CpModel):
        self.index, self.model, self.proto = index, model, model.Proto()

    def fix(self, indices, values: np.ndarray) -> None:
        variables = self.proto.variables
        for i in indices:
            domain = variables[i].domain
            domain[0] = domain[1] = int(values[i])

    def free(self, indices) -> None:
        variables = self.proto.variables
        for i in indices:
            domain = variables[i].domain
            domain[0], domain[1] = self.index.built[i]

    def solve(self, hint: np.ndarray, limit_s: float, seed: int) -> Solution | None:
        """Solve this copy as its domains stand, from ``hint``; None without a solution."""
        proto_hint = self.proto.solution_hint
        proto_hint.vars.clear()
        proto_hint.values.clear()
        proto_hint.vars.extend(range(len(hint)))
        proto_hint.values.extend(hint.tolist())
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = limit_s
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        # the step's model is the full one with most domains fixed: presolving all of it
        # costs more than solving the block (sample week: 22 steps in 25 s without
        # presolve, 14 with)
        solver.parameters.cp_model_presolve = False
        solver.parameters.cp_model_probing_level = 0
        # the hint is the incumbent, already complete and feasible: no hint-guided phase;
        # every linear row goes into the LP at once (lazily, the block's LP takes many more
        # rounds); 24 sample-week blocks solved to optimality in 15.4 s instead of 34.2 s
        solver.parameters.hint_conflict_limit = 0
        solver.parameters.add_lp_constraints_lazily = False
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return Solution(np.asarray(solver.response_proto.solution, dtype=np.int64),
                        int(round(solver.objective_value)))


def _pick_blocks(rng: np.random.Generator, staffed: dict[int, list[int]], lanes: int,
                 agents: int) -> list[tuple[int, list[int]]]:
    """``lanes`` (day, agents) blocks on distinct days with distinct agents."""
    days = [d for d, members in staffed.items() if members]
    picks, taken = [], set()
    for d in rng.permutation(days)[:lanes].tolist():
        pool = [a for a in staffed[d] if a not in taken]
        if not pool:
            continue
        chosen = sorted(rng.choice(pool, size=min(agents, len(pool)), replace=False).tolist())
        taken.update(chosen)
        picks.append((d, chosen))
    return picks


def day_block_lns(rm: RosterModel, incumbent: Solution, deadline: float, seed: int,
                  on_improve: Callable[[Solution], None] | None = None,
                  settings: DayBlockSettings = DayBlockSettings(), lanes: int = 1) -> Solution:
    """Improve ``incumbent`` (a complete solution of ``rm``) by day-block steps until
    ``deadline`` (``time.perf_counter()`` seconds); return the best solution.

    Each step frees ``settings.agents`` random agents with options on a random day, their
    crews' break placement on that day and the day's skill allocation, and solves the rest
    of the model fixed (one CP-SAT worker, no presolve). With ``lanes`` > 1 that many steps
    run at once in threads, on model copies, on distinct days with distinct agents: their
    changes touch disjoint variables of the rules and the objective, so improving steps
    are combined (one more solve with every block fixed settles the shared counts, and the
    better of the combination and the best single step is kept). Strictly better solutions
    replace the incumbent and are passed to ``on_improve``. The model's domains are
    restored and its hint cleared before returning; randomness only through ``seed``.
    """
    if lanes < 1:
        raise ValueError(f"lanes must be >= 1, got {lanes!r}")
    rng = np.random.default_rng(seed)
    index = _BlockIndex(rm)
    copies = [_Blocks(index, rm.model)]
    copies += [_Blocks(index, rm.model.clone()) for _ in range(lanes - 1)]
    n_days = len(rm.problem.days)
    staffed = {d: [a for a in range(len(rm.problem.agents)) if rm.shifts[a, d]]
               for d in range(n_days)}
    every = sorted(index.built)
    best = incumbent
    for copy in copies:
        copy.fix(every, best.values)
    step = 0
    try:
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            while True:
                left = deadline - time.perf_counter()
                picks = _pick_blocks(rng, staffed, lanes, settings.agents)
                if left < 0.2 or not picks:
                    break
                limit = min(settings.step_limit_s, left)
                freed = [index.block(d, agents) for d, agents in picks]
                for copy, indices in zip(copies, freed):
                    copy.free(indices)
                step += len(picks)
                found = list(pool.map(
                    lambda k: copies[k].solve(best.values, limit, seed + step + k),
                    range(len(picks))))
                better = [(sol, indices) for sol, indices in zip(found, freed)
                          if sol is not None and sol.objective_points < best.objective_points]
                touched = [i for indices in freed for i in indices]
                for copy, indices in zip(copies, freed):
                    copy.fix(indices, best.values)
                if not better:
                    continue
                candidate = min((sol for sol, _ in better), key=lambda s: s.objective_points)
                if len(better) > 1 and deadline - time.perf_counter() > 0.2:
                    candidate = _combine(copies[0], best, better, touched, candidate,
                                         deadline - time.perf_counter(), seed + step)
                best = candidate
                for copy in copies:
                    copy.fix(touched, best.values)
                if on_improve is not None:
                    on_improve(best)
    finally:
        copies[0].free(every)
        rm.model.clear_hints()
    return best


def _combine(copy: _Blocks, best: Solution, better: list[tuple[Solution, list[int]]],
             touched: list[int], fallback: Solution, limit_s: float, seed: int) -> Solution:
    """The incumbent with every improving block's values, its other variables re-solved;
    ``fallback`` when that is not better."""
    values = best.values.copy()
    for sol, indices in better:
        values[indices] = sol.values[indices]
    copy.fix(touched, values)
    combined = copy.solve(values, limit_s, seed)
    if combined is not None and combined.objective_points < fallback.objective_points:
        return combined
    return fallback
