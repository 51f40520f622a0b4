"""Large-neighbourhood search over the employee scheduling CP-SAT model.

The model is built once. After a first solve of the full model, every decision literal
is fixed to the incumbent by editing its domain in the model proto; each LNS step frees
the literals of one neighbourhood (a few employees over the whole horizon, or a block of
employees over a window of days around a badly covered day), hints the incumbent, solves
the small problem and keeps the result when it is no worse. Only the freed literals are
touched per step, so a step costs O(neighbourhood), not O(model).

Neighbourhood size adapts as in Pisinger & Ropke's ALNS practice: it grows after a
sub-problem is solved to optimality and shrinks after a time-out (D. Pisinger, S. Ropke,
"Large neighborhood search", Handbook of Metaheuristics, 2010).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from ortools.sat.python import cp_model

from scheduling._bench_es_instance import ShiftSchedulingInstance, objective_components
from scheduling._bench_es_model import ModelVars, extract_roster

Progress = Callable[[float, float, float], None]


@dataclass
class SearchState:
    """Incumbent and statistics of one search run."""

    roster: np.ndarray
    objective: int
    best_bound: float
    status: str
    steps: int = 0
    improvements: int = 0
    trace: list[tuple[float, int]] = field(default_factory=list)


def _solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, float(time_limit_s))
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    return solver


class _Fixer:
    """Fix / free the decision literals of a built model in place (proto domains)."""

    def __init__(self, model: cp_model.CpModel, mv: ModelVars):
        self.proto = model.Proto()
        self.mv = mv

    def _indexes(self, cells: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        e_i, d_i = cells
        x_idx = self.mv.x_index[e_i, d_i]  # (n, S)
        w_idx = self.mv.work_index[e_i, d_i]
        return x_idx, w_idx

    def set(self, cells: tuple[np.ndarray, np.ndarray], roster: np.ndarray | None) -> None:
        """Fix the cells to ``roster`` values, or free them when ``roster`` is None."""
        x_idx, w_idx = self._indexes(cells)
        if roster is None:
            x_val = np.full(x_idx.shape, -1)
            w_val = np.full(w_idx.shape, -1)
        else:
            shift = roster[cells]
            x_val = (shift[:, None] == np.arange(x_idx.shape[1])[None, :]).astype(int)
            w_val = (shift >= 0).astype(int)
        variables = self.proto.variables
        for idx, val in ((x_idx.ravel(), x_val.ravel()), (w_idx, w_val)):
            for i, v in zip(idx.tolist(), val.tolist()):
                if i >= 0:
                    dom = variables[i].domain
                    dom[0], dom[1] = (0, 1) if v < 0 else (v, v)

    def hint(self, cells: tuple[np.ndarray, np.ndarray], roster: np.ndarray) -> None:
        x_idx, w_idx = self._indexes(cells)
        shift = roster[cells]
        x_val = (shift[:, None] == np.arange(x_idx.shape[1])[None, :]).astype(int)
        keep = x_idx >= 0
        hint = self.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(x_idx[keep].tolist() + w_idx[w_idx >= 0].tolist())
        hint.values.extend(x_val[keep].tolist() + (shift[w_idx >= 0] >= 0).astype(int).tolist())


def initial_solve(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
                  time_limit_s: float, workers: int, seed: int) -> SearchState:
    """Solve the full model for a short time; raise when no roster is found."""
    solver = _solver(time_limit_s, workers, seed)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"{inst.name}: no feasible roster within {time_limit_s:.1f} s "
                           f"(solver status {solver.StatusName(status)})")
    roster = extract_roster(solver, inst, mv)
    obj = objective_components(inst, roster)["total"]
    return SearchState(roster=roster, objective=obj, best_bound=solver.BestObjectiveBound(),
                       status=solver.StatusName(status), trace=[(solver.WallTime(), obj)])


def _neighbourhood(inst: ShiftSchedulingInstance, roster: np.ndarray, n_cells: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cells (employee, day) to free: whole rows of a few employees or a day window."""
    n_e, n_d = inst.n_employees, inst.n_days
    n_cells = int(np.clip(n_cells, min(n_d, 2 * n_d), n_e * n_d))
    if rng.random() < 0.5:
        k = max(2, min(n_e, n_cells // n_d))
        emps = rng.choice(n_e, size=k, replace=False)
        days = np.arange(n_d)
    else:
        length = int(min(n_d, max(7, rng.integers(7, 3 * 7 + 1))))
        k = max(2, min(n_e, n_cells // length))
        start = _bad_day(inst, roster, rng) - int(rng.integers(0, length))
        start = int(np.clip(start, 0, n_d - length))
        days = np.arange(start, start + length)
        emps = rng.choice(n_e, size=k, replace=False)
    e_i, d_i = np.meshgrid(emps, days, indexing="ij")
    return e_i.ravel(), d_i.ravel()


def _bad_day(inst: ShiftSchedulingInstance, roster: np.ndarray, rng: np.random.Generator) -> int:
    """A day drawn with probability proportional to its cover penalty (uniform if none)."""
    assigned = (roster[:, :, None] == np.arange(inst.n_shifts)).sum(axis=0)
    diff = assigned - inst.cover_required
    cost = (inst.cover_under_weight * np.maximum(-diff, 0)
            + inst.cover_over_weight * np.maximum(diff, 0)).sum(axis=1).astype(float)
    if cost.sum() <= 0:
        return int(rng.integers(0, inst.n_days))
    return int(rng.choice(inst.n_days, p=cost / cost.sum()))


def lns(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
        state: SearchState, deadline: float, workers: int, seed: int,
        progress: Progress | None = None, step_time_s: float = 2.0) -> SearchState:
    """Improve ``state`` in place by large-neighbourhood search until ``deadline``."""
    rng = np.random.default_rng(seed)
    fixer = _Fixer(model, mv)
    all_cells = tuple(a.ravel() for a in np.indices((inst.n_employees, inst.n_days)))
    fixer.set(all_cells, state.roster)
    n_cells = 4.0 * inst.n_days
    start = time.monotonic()
    while time.monotonic() < deadline - 0.05 and state.objective > state.best_bound:
        cells = _neighbourhood(inst, state.roster, int(n_cells), rng)
        fixer.set(cells, None)
        fixer.hint(cells, state.roster)
        limit = min(step_time_s, deadline - time.monotonic())
        solver = _solver(limit, workers, int(rng.integers(0, 2**31 - 1)))
        status = solver.Solve(model)
        state.steps += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            roster = extract_roster(solver, inst, mv)
            obj = objective_components(inst, roster)["total"]
            if obj <= state.objective:
                if obj < state.objective:
                    state.improvements += 1
                    state.trace.append((time.monotonic() - start, obj))
                    if progress is not None:
                        progress(time.monotonic() - start, obj, state.best_bound)
                state.roster, state.objective = roster, obj
        n_cells *= 1.15 if status == cp_model.OPTIMAL else 0.85
        n_cells = float(np.clip(n_cells, 2 * inst.n_days, inst.n_employees * inst.n_days))
        fixer.set(cells, state.roster)
    return state
