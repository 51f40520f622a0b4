"""Search for the employee scheduling model: construction, LNS and hinted full solves.

* :func:`full_solve` — the full model with CP-SAT's own portfolio (its LNS workers);
* :func:`greedy_roster` — employee by employee, each solved alone with the cover priced
  at the margin of the employees already placed (always feasible when every employee is);
* :func:`improve_rows` — passes that replace one employee's row at a time by its best
  response to all the others (never worse, stops at a fixpoint);
* :func:`hint_roster` — a complete CP-SAT hint (every variable) from a roster;
* :func:`lns` — large-neighbourhood search. The model is built once; every decision
  literal is fixed to the incumbent by editing its domain in the model proto, and each
  step frees the literals of one neighbourhood (employees who could fill a badly
  covered shift, random employees over the whole horizon, or a block of employees over
  a window of days around a bad day), hints the incumbent, solves the small problem and
  keeps the result when it is no worse. Only the freed literals are touched per step,
  so a step costs O(neighbourhood), not O(model);
* :func:`weekend_exchange` — every employee over the Friday to Monday of every weekend
  at once (the max-weekends rule couples days weeks apart, out of any window's reach);
* :func:`polish` — the full model hinted with the incumbent, so CP-SAT's own
  neighbourhoods continue from it.

Neighbourhood size adapts as in ALNS practice (D. Pisinger, S. Ropke, "Large
neighborhood search", Handbook of Metaheuristics, 2010): it grows after a sub-problem is
solved to optimality and shrinks after a time-out.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from ortools.sat.python import cp_model

from scheduling._bench_es_instance import ShiftSchedulingInstance, objective_components
from scheduling._bench_es_model import ModelVars, build_model, extract_roster
from scheduling._bench_es_rows import best_response_passes, lagrangian_row, row_is_feasible

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
        self.all_cells = tuple(a.ravel() for a in np.indices(mv.work_index.shape))

    def release(self) -> None:
        """Free every cell and drop the hint: the model as built."""
        self.set(self.all_cells, None)
        self.proto.solution_hint.vars.clear()
        self.proto.solution_hint.values.clear()

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


def hint_roster(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
                roster: np.ndarray, seed: int) -> None:
    """Hint every variable of ``model`` (cover slacks, weekend flags too) from a roster.

    A hint of the assignment literals alone is incomplete: CP-SAT then spends a
    repair search on it and, with 2 workers, reported the hinted roster only seconds
    later (Instance10: first solution 12068 at 5.2 s from a 6597 hint). Solving the
    model with the roster fixed (presolve alone settles it) gives the full assignment.
    """
    fixer = _Fixer(model, mv)
    fixer.set(fixer.all_cells, roster)
    solver = _solver(10.0, 1, seed)
    status = solver.Solve(model)
    fixer.release()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = list(solver.ResponseProto().solution)
        fixer.proto.solution_hint.vars.extend(range(len(values)))
        fixer.proto.solution_hint.values.extend(values)


class _Trace(cp_model.CpSolverSolutionCallback):
    """Record (elapsed_s, objective) of every solution and forward it to ``progress``."""

    def __init__(self, progress: Progress | None, offset_s: float):
        super().__init__()
        self.points: list[tuple[float, int]] = []
        self._progress, self._offset_s = progress, offset_s

    def on_solution_callback(self) -> None:
        elapsed_s = self._offset_s + self.WallTime()
        self.points.append((elapsed_s, round(self.ObjectiveValue())))
        if self._progress is not None:
            self._progress(elapsed_s, self.ObjectiveValue(), self.BestObjectiveBound())


def full_solve(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
               time_limit_s: float, workers: int, seed: int,
               progress: Progress | None = None, offset_s: float = 0.0,
               linearization_level: int = 2) -> SearchState:
    """Solve the full model with CP-SAT's own portfolio; raise when no roster is found.

    ``linearization_level=2`` (every constraint and cut in the LP) is what made CP-SAT's
    LNS workers find better rosters on these instances (Instance7, 30 s, 2 workers:
    1175 against 1299 at the default level 1).
    """
    solver = _solver(time_limit_s, workers, seed)
    solver.parameters.linearization_level = int(linearization_level)
    trace = _Trace(progress, offset_s)
    status = solver.Solve(model, trace)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"{inst.name}: no feasible roster within {time_limit_s:.1f} s "
                           f"(solver status {solver.StatusName(status)})")
    roster = extract_roster(solver, inst, mv)
    obj = objective_components(inst, roster)["total"]
    return SearchState(roster=roster, objective=obj, best_bound=solver.BestObjectiveBound(),
                       status=solver.StatusName(status), trace=trace.points)


def single_employee_instance(inst: ShiftSchedulingInstance, e: int,
                             others: np.ndarray) -> ShiftSchedulingInstance:
    """Instance of employee ``e`` alone, priced at the margin of the other employees.

    ``others`` (D, S) counts the other employees' shifts. One more person on (d, s)
    saves the under weight when ``req − others >= 1`` and costs the over weight
    otherwise, which is what requirement ``clip(req − others, 0, 1)`` charges a lone
    employee; the objective differs from the full one by a constant only.
    """
    def pick(a: np.ndarray) -> np.ndarray:
        return a[e:e + 1]

    return dataclasses.replace(
        inst, staff=(inst.staff[e],), day_off=pick(inst.day_off),
        on_request_weight=pick(inst.on_request_weight),
        off_request_weight=pick(inst.off_request_weight),
        cover_required=np.clip(inst.cover_required - others, 0, 1),
        name=f"{inst.name}[{inst.staff[e].employee_id}]")


def greedy_roster(inst: ShiftSchedulingInstance, deadline: float, workers: int,
                  seed: int, give_up_at: float = math.inf,
                  fast_rows: bool = False) -> np.ndarray:
    """Build a roster employee by employee, each solved alone at the margin of the others.

    Employees in random order; each row is the optimum (or the best found within its
    share of the remaining time) of the single-employee problem. Every row satisfies the
    employee's hard rules, so the roster is feasible whenever each employee is. Rows keep
    a minimum time each, so long horizons may pass ``deadline``; past ``give_up_at``
    (``time.monotonic()``) the construction stops with a RuntimeError saying how far it got.
    With ``fast_rows`` a row comes from the Lagrangian dynamic program of
    ``_bench_es_rows`` (about 0.03 s for a year, Instance24, against 0.4-1.1 s for
    CP-SAT to find any row), checked by the evaluator; CP-SAT builds only the rows the
    dynamic program does not find.
    """
    rng = np.random.default_rng(seed)
    roster = np.full((inst.n_employees, inst.n_days), -1, dtype=int)
    counts = np.zeros((inst.n_days, inst.n_shifts), dtype=int)
    order = rng.permutation(inst.n_employees)
    for i, e in enumerate(order):
        if time.monotonic() > give_up_at:
            raise RuntimeError(f"{inst.name}: no roster in the time allowed; the construction "
                               f"had placed {i} of {len(order)} employees")
        row = lagrangian_row(inst, int(e), counts, rng) if fast_rows else None
        if row is None or not row_is_feasible(inst, int(e), row):
            row = _cp_sat_row(inst, int(e), counts, deadline, len(order) - i, workers, seed)
        roster[e] = row
        counts[np.flatnonzero(row >= 0), row[row >= 0]] += 1
    return roster


def _cp_sat_row(inst: ShiftSchedulingInstance, e: int, counts: np.ndarray, deadline: float,
                rows_left: int, workers: int, seed: int) -> np.ndarray:
    """Employee ``e``'s row from the single-employee CP-SAT model, within a time share."""
    sub = single_employee_instance(inst, int(e), counts)
    model, mv = build_model(sub)
    # Small floor (a single employee's model solves in well under a second for a
    # month, about a second for a year), so late employees cannot blow the budget.
    floor_s = 0.1 + inst.n_days / 364
    share = max(floor_s, (deadline - time.monotonic()) / rows_left)
    for limit in (share, max(10 * share, 30.0)):  # retry with more time before giving up
        solver = _solver(limit, workers, seed)
        status = solver.Solve(model)
        if status != cp_model.UNKNOWN:
            break
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"{inst.name}: employee {inst.staff[e].employee_id} has no "
                           f"schedule meeting their rules (status {solver.StatusName(status)})")
    return extract_roster(solver, sub, mv)[0]


def improve_rows(inst: ShiftSchedulingInstance, roster: np.ndarray, deadline: float,
                 workers: int, seed: int, max_passes: int = 3) -> np.ndarray:
    """Re-optimise one employee at a time at the margin of all the others, in passes.

    Each row is replaced by the optimum of :func:`single_employee_instance` priced at
    the other employees' current counts, so the full objective never gets worse; passes
    stop when one changes nothing, after ``max_passes`` or at ``deadline``.
    """
    def better_row(e: int, row: np.ndarray, others: np.ndarray, rng: np.random.Generator):
        sub = single_employee_instance(inst, e, others)
        model, mv = build_model(sub)
        solver = _solver(min(1.0, max(0.05, deadline - time.monotonic())), workers, seed)
        if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        new = extract_roster(solver, sub, mv)[0]
        better = objective_components(sub, new[None, :])["total"] < objective_components(
            sub, row[None, :])["total"]
        return new if better else None

    return best_response_passes(inst, roster, deadline, seed, max_passes, better_row)


def _neighbourhood(inst: ShiftSchedulingInstance, roster: np.ndarray, n_cells: int,
                   rng: np.random.Generator, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells (employee, day) to free, about ``n_cells`` of them, of one of three kinds.

    * cover: employees who could fill a badly covered (day, shift) — allowed there and
      not on it — or who sit on an over-covered one, over the whole horizon;
    * employees: random employees over the whole horizon (swaps between rows);
    * window: every employee (or a random block) over a window around a bad day.
    """
    n_e, n_d = inst.n_employees, inst.n_days
    n_cells = int(np.clip(n_cells, 2 * n_d, n_e * n_d))
    k = max(2, min(n_e, n_cells // n_d))
    kind = rng.random()
    days = np.arange(n_d)
    if kind < 0.4:
        d, s, short = _bad_cell(inst, roster, rng)
        if short:
            pool = np.flatnonzero(allowed[:, d, s] & (roster[:, d] != s))
        else:
            pool = np.flatnonzero(roster[:, d] == s)
        first = rng.choice(pool, size=min(len(pool), max(1, k // 2)), replace=False)
        rest = rng.permutation(np.setdiff1d(np.arange(n_e), first))[:k - len(first)]
        emps = np.concatenate([first, rest]).astype(int)
    elif kind < 0.7:
        emps = rng.choice(n_e, size=k, replace=False)
    else:
        k = n_e if rng.random() < 0.5 else max(2, min(n_e, n_cells // 7))
        length = int(np.clip(n_cells // k, 3, n_d))
        start = _bad_cell(inst, roster, rng)[0] - int(rng.integers(0, length))
        start = int(np.clip(start, 0, n_d - length))
        days = np.arange(start, start + length)
        emps = rng.choice(n_e, size=k, replace=False)
    e_i, d_i = np.meshgrid(emps, days, indexing="ij")
    return e_i.ravel(), d_i.ravel()


def _bad_cell(inst: ShiftSchedulingInstance, roster: np.ndarray,
              rng: np.random.Generator) -> tuple[int, int, bool]:
    """A (day, shift) drawn with probability ∝ its cover penalty, and whether it is short."""
    worked = roster[:, :, None] == np.arange(inst.n_shifts)  # (E, D, S)
    diff = worked.sum(axis=0) - inst.cover_required
    under = inst.cover_under_weight * np.maximum(-diff, 0)
    # A shortage of a type that everyone able to work it already works to their
    # maximum can move but never close (Instances 8 and 14: 12 of their 13-14
    # shortages are such nights), so those are drawn only when nothing else is left.
    room = worked.sum(axis=1) < np.array([r.max_shifts for r in inst.staff])  # (E, S)
    fixable = (inst.allowed() & ~worked & room[:, None, :]).any(axis=0)  # (D, S)
    if (under * fixable).sum() > 0:
        under = under * fixable
    cost = (under + inst.cover_over_weight * np.maximum(diff, 0)).ravel().astype(float)
    if cost.sum() <= 0:
        flat = int(rng.integers(0, cost.size))
    else:
        flat = int(rng.choice(cost.size, p=cost / cost.sum()))
    d, s = divmod(flat, inst.n_shifts)
    return d, s, bool(under.ravel()[flat] > 0)


def lns(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
        state: SearchState, deadline: float, workers: int, seed: int,
        progress: Progress | None = None, step_time_s: float = 0.5,
        started: float | None = None) -> SearchState:
    """Improve ``state`` in place by large-neighbourhood search until ``deadline``.

    Trace points and progress calls count seconds from ``started`` (``time.monotonic()``
    of the whole search; default: this call), so they line up with the steps before."""
    rng = np.random.default_rng(seed)
    fixer = _Fixer(model, mv)
    fixer.set(fixer.all_cells, state.roster)
    n_cells = 4.0 * inst.n_days
    allowed = inst.allowed()
    start = time.monotonic() if started is None else started
    while time.monotonic() < deadline - 0.05 and state.objective > state.best_bound:
        cells = _neighbourhood(inst, state.roster, int(n_cells), rng, allowed)
        status, _ = _step(model, inst, mv, fixer, state, cells,
                          min(step_time_s, deadline - time.monotonic()), workers, rng,
                          start, progress)
        n_cells *= 1.05 if status == cp_model.OPTIMAL else 0.7
        n_cells = float(np.clip(n_cells, 2 * inst.n_days, inst.n_employees * inst.n_days))
    fixer.release()
    return state


def _step(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
          fixer: _Fixer, state: SearchState, cells: tuple[np.ndarray, np.ndarray],
          time_limit_s: float, workers: int, rng: np.random.Generator, start: float,
          progress: Progress | None) -> tuple[int, bool]:
    """One neighbourhood step: free ``cells`` (the rest fixed to the incumbent), hint
    the incumbent, solve, keep the result in ``state`` when it is no worse and fix the
    cells again; the solver status and whether the objective improved."""
    fixer.set(cells, None)
    fixer.hint(cells, state.roster)
    solver = _solver(time_limit_s, workers, int(rng.integers(0, 2**31 - 1)))
    status = solver.Solve(model)
    state.steps += 1
    improved = False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        roster = extract_roster(solver, inst, mv)
        obj = objective_components(inst, roster)["total"]
        if obj <= state.objective:
            improved = obj < state.objective
            if improved:
                state.improvements += 1
                state.trace.append((time.monotonic() - start, obj))
                if progress is not None:
                    progress(time.monotonic() - start, obj, state.best_bound)
            state.roster, state.objective = roster, obj
    fixer.set(cells, state.roster)
    return status, improved


def weekend_days(inst: ShiftSchedulingInstance, weekends: np.ndarray,
                 pad_days: int = 1) -> np.ndarray:
    """Days of the given weekends (0 = the first Saturday and Sunday), each widened by
    ``pad_days`` on both sides (Friday and Monday for 1), clipped to the horizon."""
    days = {d for w in np.asarray(weekends).tolist()
            for d in range(7 * w + 5 - pad_days, 7 * w + 7 + pad_days)}
    return np.array(sorted(d for d in days if 0 <= d < inst.n_days), dtype=int)


def weekend_exchange(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
                     state: SearchState, deadline: float, workers: int, seed: int,
                     progress: Progress | None = None, started: float | None = None,
                     step_time_s: float = 5.0, max_days: int = 16,
                     patience: int = 2, max_literals: int = 4_000) -> SearchState:
    """Re-optimise every employee over the weekends at once, hinted with the incumbent.

    The max-weekends rule ties each employee's weekends together across the whole
    horizon, so trading a weekend between two employees changes days weeks apart,
    which no window of days reaches. Each step frees all employees on the Friday to
    Monday of every weekend (a random set of weekends holding ``max_days`` days, one of
    them with a shortage, when the horizon has more), solves within ``step_time_s``
    and keeps the result when it is no worse. Ends at ``deadline``, at the bound, after
    ``patience`` steps in a row without improvement, or when a step over every weekend
    is proved optimal without improving. Does nothing when every employee may work
    every weekend, or when a step would free more than ``max_literals`` assignment
    literals: Instances 12 and 13 (5,633 and 21,552) gained nothing in 10 s. Measured
    (Instance8, from 13-14 shortages): 1,398 to 1,314 in 9 s and 1,496 to 1,315 in 10 s,
    where windows of 8 days over everyone stayed at 1,400-1,406.

    Tried and measured worse: when the step over all weekends is proved optimal at 13
    shortages, widening the next steps by a few employees freed on every day, with more
    patience and a larger share. Interleaved on Instance8 (60 s, seeds 10-15) this code
    ended at 12 shortages in 6 of 6 runs, the widened one in 2 of 6 (its extra steps
    take time from the LNS rounds that follow).
    """
    n_weekends = (inst.n_days + 1) // 7  # a horizon ending on a Saturday has its last one
    per_weekend = len(weekend_days(inst, np.array([0])))
    if per_weekend == 0 or all(r.max_weekends >= n_weekends for r in inst.staff):
        return state
    take = max(1, min(n_weekends, max_days // per_weekend))
    freed = mv.x_index[:, weekend_days(inst, np.arange(take))]
    if int((freed >= 0).sum()) > max_literals:
        return state
    rng = np.random.default_rng(seed)
    fixer = _Fixer(model, mv)
    fixer.set(fixer.all_cells, state.roster)
    start = time.monotonic() if started is None else started
    idle = 0
    while (time.monotonic() < deadline - 0.1 and state.objective > state.best_bound
           and idle < patience):
        if take == n_weekends:
            weekends = np.arange(n_weekends)
        else:
            d, _, _ = _bad_cell(inst, state.roster, rng)
            first = min(d // 7, n_weekends - 1)
            others = rng.permutation(np.setdiff1d(np.arange(n_weekends), [first]))
            weekends = np.concatenate([[first], others[:take - 1]])
        days = weekend_days(inst, weekends)
        e_i, d_i = np.meshgrid(np.arange(inst.n_employees), days, indexing="ij")
        status, improved = _step(model, inst, mv, fixer, state, (e_i.ravel(), d_i.ravel()),
                                 min(step_time_s, deadline - time.monotonic()), workers, rng,
                                 start, progress)
        idle = 0 if improved else idle + 1
        if status == cp_model.OPTIMAL and not improved and take == n_weekends:
            break  # the whole neighbourhood is at its optimum
    fixer.release()
    return state


def polish(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
           state: SearchState, time_limit_s: float, workers: int, seed: int) -> SearchState:
    """Full-model solve hinted with the incumbent (CP-SAT's own LNS takes over)."""
    hint_roster(model, inst, mv, state.roster, seed)
    solver = _solver(time_limit_s, workers, seed)
    status = solver.Solve(model)
    model.Proto().solution_hint.vars.clear()
    model.Proto().solution_hint.values.clear()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        roster = extract_roster(solver, inst, mv)
        obj = objective_components(inst, roster)["total"]
        state.best_bound = max(state.best_bound, solver.BestObjectiveBound())
        if obj < state.objective:
            state.roster, state.objective = roster, obj
            state.improvements += 1
    return state
