"""Column generation for the Curtois & Qu model: the pattern LP, its bound and its guidance.

The compact model's LP bound is weak (fractional work literals spread every employee
evenly over the days), while the LP over whole rows ("patterns", one convex combination
per employee) is nearly tight: its bound is what the benchmark's published lower bounds
come from (Curtois & Qu 2014, changes.html "column generation LB"). Here:

* the restricted master LP (GLOP, columns added in place) —
  ``min Σ c_r λ_r + Σ (w_under·u + w_over·o)`` with one convexity row per employee
  (duals σ_e) and one cover row per (day, shift) (duals π_ds);
* heuristic pricing first: the fast rule-based rows of ``_bench_es_rows`` at the duals,
  one per employee and round, while they still improve the rows of a quarter of the
  employees (cheap rounds move a degenerate master where exact ones stall);
* then exact pricing: each employee's rules as a CP-SAT model built once, re-solved with
  the reduced costs as its objective (``c − π·a``, scaled to integers); all rows it finds
  on the way are offered as columns;
* dual smoothing (Wentges, "Weighted Dantzig-Wolfe decomposition", ITOR 4, 1997): prices
  are a mix of the best-bound duals and the current ones, falling back to the current
  duals after a round that finds nothing (a "mis-pricing");
* the Lagrangian bound ``Σ π·req + Σ_e min_r (c_r − π·a_r)`` of every priced round is a
  valid lower bound of the benchmark objective (pricing bounds from CP-SAT, less the
  worst rounding of the scaled costs), whether or not the LP has converged.

:func:`lp_guided_roster` then solves the compact model restricted to the LP's support
(a (day, shift) an employee never takes in the LP solution is forbidden; a day worked
in every one of its rows is worked), a RINS-like step ("relaxation induced
neighbourhood", Danna, Rothberg & Le Pape, Math. Prog. 102, 2005) that keeps the
integer model's flexibility cell by cell, where the restricted master IP over the same
columns could only combine whole rows. Measured (2 workers, 20 s each, columns from a
converged column generation): Instance8, 1967 columns, restricted compact model 1497
against 2410 for the restricted master IP (CP-SAT); Instance9 439 (the optimum) after
3.9 s of the restricted compact model.
"""

from __future__ import annotations

import dataclasses
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduling._bench_es_instance import OFF, ShiftSchedulingInstance
from scheduling._bench_es_model import ModelVars, build_model, extract_roster
from scheduling._bench_es_rows import cheap_row, row_is_feasible

_COST_SCALE = 1000  # reduced costs to CP-SAT integers: 1/1000 of the smallest weight
_SMOOTHING = 0.5  # weight of the best-bound duals in the prices (Wentges' alpha)
_PRICE_LIMIT_S = 2.0  # per employee and round; a time-out still gives a valid bound
_RC_EPS = 1e-6
# A heuristic round adding columns for fewer than this share of the employees hands
# over to exact pricing (the tail, where only exact pricing finds the last columns).
_HEURISTIC_MIN_SHARE = 0.25


@dataclass(frozen=True)
class ColumnGeneration:
    """Outcome of :func:`column_generation`.

    ``lp_value`` of the last restricted master; ``lower_bound`` the best Lagrangian bound
    (valid for every roster); ``support`` (E, D, S) the LP solution's share of each
    employee's rows that work shift s on day d; ``columns`` the rows generated, as
    (employee, row) pairs.
    """

    lp_value: float
    lower_bound: float
    support: np.ndarray
    columns: tuple[tuple[int, np.ndarray], ...]
    rounds: int
    converged: bool


class _Master:
    """Restricted master LP; columns are added in place and GLOP re-solves warm."""

    def __init__(self, inst: ShiftSchedulingInstance):
        self.inst = inst
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        # Without presolve GLOP re-solves from the previous basis after columns are
        # added (Instance13, the same 12 re-solves of 1,320-2,640 columns: 5.7 s and
        # 10,240 pivots against 11.3 s and 33,918 with presolve).
        self.solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        inf = self.solver.infinity()
        self.convexity = [self.solver.Constraint(1, 1) for _ in range(inst.n_employees)]
        objective = self.solver.Objective()
        self.cover = []
        for d in range(inst.n_days):
            row = []
            for s in range(inst.n_shifts):
                req = float(inst.cover_required[d, s])
                c = self.solver.Constraint(req, req)
                under, over = self.solver.NumVar(0, inf, ""), self.solver.NumVar(0, inf, "")
                c.SetCoefficient(under, 1)
                c.SetCoefficient(over, -1)
                objective.SetCoefficient(under, float(inst.cover_under_weight[d, s]))
                objective.SetCoefficient(over, float(inst.cover_over_weight[d, s]))
                row.append(c)
            self.cover.append(row)
        objective.SetMinimization()
        self.columns: list[tuple[int, np.ndarray]] = []
        self._vars: list = []
        self._seen: set[tuple[int, bytes]] = set()

    def add(self, e: int, row: np.ndarray) -> bool:
        """Add employee ``e``'s row as a column; False when it is already there."""
        key = (e, row.tobytes())
        if key in self._seen:
            return False
        self._seen.add(key)
        var = self.solver.NumVar(0, 1, "")
        self.solver.Objective().SetCoefficient(var, float(row_cost(self.inst, e, row)))
        self.convexity[e].SetCoefficient(var, 1)
        for d in np.flatnonzero(row != OFF).tolist():
            self.cover[d][row[d]].SetCoefficient(var, 1)
        self.columns.append((e, row.copy()))
        self._vars.append(var)
        return True

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """LP value, cover duals π (D, S) and convexity duals σ (E,); None when GLOP
        gives up (it reported ABNORMAL once on Instance17 after thousands of columns;
        the LP itself is always feasible, every employee having a column)."""
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        pi = np.array([[c.dual_value() for c in row] for row in self.cover])
        sigma = np.array([c.dual_value() for c in self.convexity])
        return self.solver.Objective().Value(), pi, sigma

    def support(self) -> np.ndarray:
        """(E, D, S) Σ λ of the columns working shift s on day d, at the last solve."""
        inst = self.inst
        out = np.zeros((inst.n_employees, inst.n_days, inst.n_shifts))
        for (e, row), var in zip(self.columns, self._vars):
            lam = var.solution_value()
            if lam > 1e-9:
                days = np.flatnonzero(row != OFF)
                out[e, days, row[days]] += lam
        return out


def row_cost(inst: ShiftSchedulingInstance, e: int, row: np.ndarray) -> int:
    """Request penalties of employee ``e`` working ``row`` (the column's cost)."""
    x = row[:, None] == np.arange(inst.n_shifts)
    return int((inst.on_request_weight[e] * ~x).sum() + (inst.off_request_weight[e] * x).sum())


class _Pricer:
    """One employee's hard rules as a CP-SAT model, built once and re-priced per round."""

    def __init__(self, inst: ShiftSchedulingInstance, e: int):
        zero_req = np.zeros_like(inst.on_request_weight[e:e + 1])
        zero_cover = np.zeros_like(inst.cover_required)
        self.sub = dataclasses.replace(
            inst, staff=(inst.staff[e],), day_off=inst.day_off[e:e + 1],
            on_request_weight=zero_req, off_request_weight=zero_req,
            cover_required=zero_cover, cover_under_weight=zero_cover,
            cover_over_weight=zero_cover, name=f"{inst.name}[{inst.staff[e].employee_id}]")
        self.model, self.mv = build_model(self.sub)
        self.keys = list(self.mv.x)
        self.literals = [self.mv.x[k] for k in self.keys]
        # On-requests cost their weight unless worked: a constant plus −weight per literal.
        self.constant = float(inst.on_request_weight[e].sum())
        self.max_rounding = 0.5 / _COST_SCALE * inst.n_days  # one literal per day at most

    def price(self, cost: np.ndarray, time_limit_s: float) -> tuple[list[np.ndarray], float]:
        """Rows found for ``cost`` (D, S) per worked shift, best last, and a lower bound
        of ``constant + min_row Σ cost`` (−inf when the solve gave none)."""
        coefs = [int(round(_COST_SCALE * cost[d, s])) for (_, d, s) in self.keys]
        self.model.minimize(cp_model.LinearExpr.weighted_sum(self.literals, coefs))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        solver.parameters.num_workers = 1
        rows = _RowCollector(self.mv)
        status = solver.solve(self.model, rows)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return [], -math.inf
        bound = self.constant + solver.best_objective_bound / _COST_SCALE - self.max_rounding
        return rows.rows, bound


class _RowCollector(cp_model.CpSolverSolutionCallback):
    """Every improving row of one pricing solve (each may be a column)."""

    def __init__(self, mv: ModelVars):
        super().__init__()
        self.rows: list[np.ndarray] = []
        self._mv = mv
        self._cells = np.nonzero(mv.x_index[0] >= 0)

    def on_solution_callback(self) -> None:
        d_i, s_i = self._cells
        row = np.full(self._mv.x_index.shape[1], OFF, dtype=int)
        for d, s in zip(d_i.tolist(), s_i.tolist()):
            if self.boolean_value(self._mv.x[0, d, s]):
                row[d] = s
        self.rows.append(row)


def column_generation(inst: ShiftSchedulingInstance, rows: np.ndarray, deadline: float,
                      workers: int = 2, seed: int = 0) -> ColumnGeneration:
    """Pattern LP of ``inst`` from the start ``rows`` (a feasible roster) until it
    converges or ``deadline`` (``time.monotonic()``). Should the LP solver fail, the
    result is that of the last LP it solved.

    Rounds price heuristically first (:func:`_heuristic_round`) and exactly once the
    heuristic runs dry; only exact rounds give a bound, and only an exact round at the
    current duals that finds nothing proves convergence.
    """
    master = _Master(inst)
    for e in range(inst.n_employees):
        master.add(e, rows[e])
    pricers: list[_Pricer | None] = [None] * inst.n_employees
    req = inst.cover_required.astype(float)
    base = (inst.off_request_weight - inst.on_request_weight).astype(float)  # (E, D, S)
    rng = np.random.default_rng(seed)
    best_bound, center, misprice, rounds, converged = -math.inf, None, False, 0, False
    lp, support = math.inf, np.zeros((inst.n_employees, inst.n_days, inst.n_shifts))
    heuristic, heuristic_enough = True, max(1, math.ceil(_HEURISTIC_MIN_SHARE * inst.n_employees))

    def price(e: int, duals: np.ndarray) -> tuple[list[np.ndarray], float]:
        if pricers[e] is None:
            pricers[e] = _Pricer(inst, e)
        left = deadline - time.monotonic()
        return pricers[e].price(base[e] - duals, min(_PRICE_LIMIT_S, left))

    with ThreadPoolExecutor(max(1, workers)) as pool:
        while True:
            solved = master.solve()
            if solved is None:
                break
            (lp, pi, sigma), support = solved, master.support()
            if time.monotonic() >= deadline:
                break
            if math.isfinite(best_bound) and math.ceil(best_bound - 1e-6) >= lp - 1e-6:
                converged = True  # integer objective: the bound is met
                break
            # One heuristic phase only: resuming it after exact rounds slowed the tail
            # (Instance12 at 30 s: bound 3,907 against 4,039 with a single phase).
            if heuristic:
                heuristic = _heuristic_round(master, base, pi, sigma, rng,
                                             deadline) >= heuristic_enough
                if heuristic:
                    continue
            smooth = center is not None and not misprice
            duals = _SMOOTHING * center + (1 - _SMOOTHING) * pi if smooth else pi
            found = list(pool.map(lambda e: price(e, duals), range(inst.n_employees)))
            rounds += 1
            bound = float((duals * req).sum()) + sum(b for _, b in found)
            if bound > best_bound:
                best_bound, center = bound, duals
            added = 0
            for e, (new_rows, _) in enumerate(found):
                for row in new_rows:
                    if _reduced_cost(master, e, row, pi, sigma) < -_RC_EPS and master.add(e, row):
                        added += 1
            if added == 0 and not smooth:
                converged = time.monotonic() < deadline  # pricing at π found nothing
                break
            misprice = added == 0
    return ColumnGeneration(lp_value=lp, lower_bound=best_bound, support=support,
                            columns=tuple(master.columns), rounds=rounds, converged=converged)


def _reduced_cost(master: _Master, e: int, row: np.ndarray, pi: np.ndarray,
                  sigma: np.ndarray) -> float:
    days = np.flatnonzero(row != OFF)
    return row_cost(master.inst, e, row) - pi[days, row[days]].sum() - sigma[e]


def _heuristic_round(master: _Master, base: np.ndarray, pi: np.ndarray, sigma: np.ndarray,
                     rng: np.random.Generator, deadline: float) -> int:
    """Price every employee with the fast rule-based rows (:func:`cheap_row`) at the
    duals ``pi``; the number of columns added.

    About 2 ms an employee against 70 ms for exact pricing (Instance13: 120 employees,
    18 shift types), so the LP moves in many cheap rounds: there, from the start
    roster's 6,630 to 2,097 in 60 s, where exact pricing stayed at 6,835 for 40 s (the
    master is highly degenerate and each exact round took about 7 s)."""
    inst, added = master.inst, 0
    for e in range(inst.n_employees):
        if time.monotonic() >= deadline:
            break
        row = cheap_row(inst, e, base[e] - pi, rng)
        if (row is not None and _reduced_cost(master, e, row, pi, sigma) < -_RC_EPS
                and row_is_feasible(inst, e, row) and master.add(e, row)):
            added += 1
    return added


def lp_guided_roster(model: cp_model.CpModel, inst: ShiftSchedulingInstance, mv: ModelVars,
                     support: np.ndarray, time_limit_s: float, workers: int,
                     seed: int) -> np.ndarray | None:
    """Best roster of the compact model restricted to the LP's ``support`` (see the module
    docstring) within ``time_limit_s``; None when it finds none. ``model`` is left as built."""
    restricted = model.clone()
    proto = restricted.proto
    worked = support.sum(axis=2)
    for (e, d, s), var in mv.x.items():
        if support[e, d, s] < 1e-6:
            _fix(proto, var.index, 0)
    e_i, d_i = np.nonzero((worked > 1 - 1e-6) & (mv.work_index >= 0))
    for i in mv.work_index[e_i, d_i].tolist():
        _fix(proto, i, 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    status = solver.solve(restricted)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return extract_roster(solver, inst, mv)


def _fix(proto, index: int, value: int) -> None:
    domain = proto.variables[index].domain
    domain[0], domain[1] = value, value
