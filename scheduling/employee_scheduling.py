"""Employee shift scheduling (Curtois & Qu benchmark model) solved by CP-SAT + LNS.

Public entry points: :func:`read_curtois_instance` / :func:`parse_curtois_instance`
(instance format of T. Curtois and R. Qu, "Computational results on new staff scheduling
benchmark instances", University of Nottingham, 2014), :func:`objective_components` and
:func:`hard_violations` (an independent evaluator of any roster), and
:func:`solve_employee_scheduling` (the solver).

Solving, with one time budget (build the strengthened CP-SAT model once,
``_bench_es_model``), strategy ``"auto"`` = ``"colgen"`` up to ``COLGEN_MAX_DAYS``:

* a start roster (``_start_roster``, ``_COLGEN_START_FRAC`` of the budget): an
  employee-by-employee construction priced at the margin (``greedy_roster`` with rows
  from the Lagrangian dynamic program of ``_bench_es_rows``, CP-SAT only for the rows it
  misses), best responses with the same rows (``improve_rows_fast``), then exact
  best-response passes with CP-SAT rows (``improve_rows``);
* the pattern LP by column generation (``_bench_es_colgen``, up to ``_COLGEN_FRAC`` of
  the budget): heuristic pricing with the dynamic-programming rows first, then exact
  CP-SAT pricing per employee with dual smoothing. Its Lagrangian bound
  is the result's ``best_bound`` and is given to CP-SAT as the objective's lower bound
  (``_bound_objective``), so a roster at the bound ends the search as optimal;
* the compact model restricted to the LP's support (``lp_guided_roster``,
  ``_GUIDED_FRAC``), a RINS-like step that keeps the integer model's cell-by-cell
  freedom;
* when some employee may not work every weekend: the weekend exchange
  (``weekend_exchange``, up to ``_WEEKEND_FRAC``), every employee re-optimised over
  the Friday to Monday of every weekend at once;
* the rest of the budget: up to ``POLISH_ONLY_VARS`` assignment literals the full model
  hinted with the incumbent (CP-SAT's own LNS workers, ``linearization_level=2``),
  above it rounds of our large-neighbourhood search (fix most of the roster,
  re-optimise a few employees over the horizon or every employee over a window of
  days) each followed by a hinted full solve (``_bench_es_search``);
* above ``LARGE_MODEL_VARS`` literals (Instances 23, 24): the construction and
  best-response passes with the dynamic-programming rows alone, restarted while time
  remains.

Why column generation: the compact model's LP bound is weak (Instance6 205, Instance10
10 against best known 1950 and 4631), because fractional work literals spread every
employee evenly over the days while integer stretch patterns cannot, so CP-SAT searched
almost blind and improved by single uncovered slots. The pattern LP is nearly tight
(Instance10: 4630.4 against the optimum 4631, converged in 8 s). Measured (60 s, 2
workers, seed 0) before / after: Instance5 1236 -> 1148, Instance8 1617 -> 1404,
Instance14 1436 -> 1303; from the restricted solve alone (10 s, after 1.4-10.5 s of
column generation): Instance6 1952, Instance7 1061, Instance9 439, Instance10 4631,
Instance11 3443 (the last three the best known values).

The earlier strategies stay selectable: ``"full"`` (one full-model solve, hinted with a
start roster above ``HINT_MIN_VARS`` literals), ``"lns"`` (the start roster, then our
LNS alternated with hinted full solves; it beat the hinted full solve on instances
10-14 before column generation: Instance10 4960 / 4772 against 5145 / 4963) and
``"hybrid"``. Other levers checked: there are no identical employees in instances 5-14
(every contract has individual requests or days off), so symmetry breaking has nothing
to break; the MIP solvers bundled with OR-Tools on the compact model were far worse
(Instance8: HiGHS 9985 after 25 s, root bound 1261; SCIP no roster in 60 s); the
restricted master IP over the generated columns (CP-SAT, 20 s) stayed far above the
restricted compact model (Instance8 2410 against 1497).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scheduling._bench_es_instance import (
    OFF, ShiftSchedulingInstance, StaffRules, hard_violations, objective_components,
    parse_curtois_instance, read_curtois_instance)
from scheduling._bench_es_colgen import column_generation, lp_guided_roster
from scheduling._bench_es_model import ModelVars, build_model
from scheduling._bench_es_rows import improve_rows_fast
from scheduling._bench_es_search import (
    Progress, SearchState, full_solve, greedy_roster, hint_roster, improve_rows, lns, polish,
    weekend_exchange)

LARGE_MODEL_VARS = 150_000  # above this many assignment literals: constructive only
# A year-long construction keeps a minimum time per employee and may pass the budget
# (Instance23: 127 s for 60 s); past this multiple of the budget it gives up with an error
# (Instance24 took over 6 minutes), so a caller always hears back.
OVERRUN_FACTOR = 3.0
# "auto": column generation up to this horizon. Longer horizons (Instances 16-22) did
# worse with it at 60 s (Instance22 253920 against 87941, Instance19 5809 against 5586):
# its pricing rounds grow with the horizon and leave the LNS too little time.
COLGEN_MAX_DAYS = 42
FULL_SOLVE_VARS = 3_000  # "auto" past COLGEN_MAX_DAYS: one full-model solve up to this many
# "colgen": after the guided roster, the hinted full solve alone up to this many literals,
# our LNS rounds above. Instance8 (2,158 literals), whose shortages the full solve could
# not close: 1,405 / 1,397 / 1,401 with the LNS rounds against 1,496 / 1,401 / 1,402 (60 s).
POLISH_ONLY_VARS = 2_000
HINT_MIN_VARS = 3_000  # "full": hint with a start roster only above this many literals
STRATEGIES = ("auto", "colgen", "full", "lns", "hybrid")
_HYBRID_FULL_FRAC = 0.5  # "hybrid": share of the budget for the full solve
_FAST_IMPROVE_FRAC = 0.75  # start roster: share of its time before the CP-SAT best responses
_HINT_FRAC = 0.2  # "full": share of the budget for the start roster it is hinted with
_ROUND_FRAC = 0.4  # one LNS + polish round, as a share of the budget
_POLISH_FRAC = 0.5  # share of a round for the hinted full-model solve
_COLGEN_START_FRAC = 0.05  # "colgen": share of the budget for the start roster
_COLGEN_FRAC = 0.5  # "colgen": share of the budget (from the start) for column generation
_GUIDED_FRAC = 0.2  # "colgen": share of the budget for the LP-guided restricted solve
_WEEKEND_FRAC = 0.25  # "colgen": at most this share of the budget for the weekend exchange

__all__ = [
    "OFF", "ShiftSchedulingInstance", "StaffRules", "EmployeeScheduleResult",
    "read_curtois_instance", "parse_curtois_instance", "objective_components",
    "hard_violations", "solve_employee_scheduling", "roster_frame",
]


@dataclass(frozen=True)
class EmployeeScheduleResult:
    """Outcome of :func:`solve_employee_scheduling`.

    ``roster`` is (employees, days) of shift indexes with ``OFF`` (-1) for a day off;
    ``components`` the benchmark objective by term (recomputed by the evaluator, not read
    from the solver); ``best_bound`` the full model's lower bound; ``status`` is
    ``"OPTIMAL"`` when the objective meets that bound, else ``"FEASIBLE"``.
    """

    instance: str
    roster: np.ndarray
    components: dict[str, int]
    best_bound: float
    status: str
    wall_s: float
    lns_steps: int
    improvements: int
    trace: tuple[tuple[float, int], ...]

    @property
    def objective(self) -> int:
        return self.components["total"]


def roster_frame(instance: ShiftSchedulingInstance, roster: np.ndarray) -> pd.DataFrame:
    """Long frame ``employee_id, day, shift_id`` with one row per worked day."""
    e_i, d_i = np.nonzero(np.asarray(roster) != OFF)
    return pd.DataFrame({
        "employee_id": [instance.staff[e].employee_id for e in e_i],
        "day": d_i.astype(int),
        "shift_id": [instance.shift_ids[roster[e, d]] for e, d in zip(e_i, d_i)],
    })


def solve_employee_scheduling(instance: ShiftSchedulingInstance, time_limit_s: float = 60.0,
                              workers: int = 2, seed: int = 0,
                              progress: Progress | None = None,
                              initial_frac: float = 0.2,
                              strategy: str = "auto") -> EmployeeScheduleResult:
    """Minimise the Curtois & Qu objective within ``time_limit_s`` (wall clock, all steps).

    Parameters
    ----------
    instance : ShiftSchedulingInstance
    time_limit_s : float
        Total budget in seconds, model building included.
    workers : int
        CP-SAT ``num_workers`` for every solve.
    seed : int
        Seed of the solver and of the neighbourhood choice.
    progress : callable(elapsed_s, objective, bound), optional
        Called after each improvement.
    initial_frac : float
        Share of the budget for the start roster of the ``"lns"`` strategy, in (0, 1].
    strategy : {"auto", "colgen", "full", "lns", "hybrid"}
        ``"auto"``: ``"colgen"`` up to ``COLGEN_MAX_DAYS`` days, else ``"full"`` up to
        ``FULL_SOLVE_VARS`` literals and ``"lns"`` above. ``"colgen"``: the start
        roster, column generation (the bound), the LP-guided restricted solve, then
        hinted full solves or our LNS (see the module docstring); ``"full"``: one
        full-model solve (CP-SAT's portfolio and its own LNS workers), above
        ``HINT_MIN_VARS`` literals hinted with the start roster;
        ``"lns"``: the start roster, then our LNS alternated with hinted full-model
        solves; ``"hybrid"``: the full solve for half the budget, then our LNS from its
        roster.

    Raises
    ------
    ValueError
        On a bad argument. RuntimeError when no feasible roster is found in time.
    """
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    if not 0 < initial_frac <= 1:
        raise ValueError(f"initial_frac must be in (0, 1], got {initial_frac!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    start = time.monotonic()
    deadline = start + time_limit_s
    if int(instance.allowed().sum()) > LARGE_MODEL_VARS:
        return _greedy_only(instance, start, deadline, workers, seed)
    model, mv = build_model(instance)
    if strategy == "auto":
        strategy = ("colgen" if instance.n_days <= COLGEN_MAX_DAYS
                    else "full" if len(mv.x) <= FULL_SOLVE_VARS else "lns")
    if strategy == "colgen":
        state = _colgen_search(model, instance, mv, start, deadline, workers, seed, progress)
    elif strategy == "full":
        if len(mv.x) > HINT_MIN_VARS:
            roster = _start_roster(instance, start, deadline, workers, seed, _HINT_FRAC)
            hint_roster(model, instance, mv, roster, seed)
        state = full_solve(model, instance, mv, max(0.5, deadline - time.monotonic()),
                           workers, seed, progress, offset_s=time.monotonic() - start)
    elif strategy == "hybrid":
        full_s = _HYBRID_FULL_FRAC * (deadline - time.monotonic())
        state = full_solve(model, instance, mv, full_s, workers, seed, progress,
                           offset_s=time.monotonic() - start)
        state = lns(model, instance, mv, state, deadline, workers, seed, progress,
                    started=start)
    else:
        state = _lns_search(model, instance, mv, start, deadline, workers, seed, progress,
                            initial_frac)
    comp = objective_components(instance, state.roster)
    status = "OPTIMAL" if comp["total"] <= state.best_bound else "FEASIBLE"
    return EmployeeScheduleResult(
        instance=instance.name, roster=state.roster, components=comp,
        best_bound=float(state.best_bound), status=status,
        wall_s=time.monotonic() - start, lns_steps=state.steps,
        improvements=state.improvements, trace=tuple(state.trace))


def _colgen_search(model: cp_model.CpModel, instance: ShiftSchedulingInstance, mv: ModelVars,
                   start: float, deadline: float, workers: int, seed: int,
                   progress: Progress | None) -> SearchState:
    """Start roster; the pattern LP by column generation, whose Lagrangian bound is the
    result's bound; the compact model restricted to the LP's support; the weekend
    exchange; then, while the bound is not met, the hinted full solve (up to
    ``POLISH_ONLY_VARS`` literals) or rounds of our LNS and hinted full solves."""
    budget_s = deadline - start
    roster = _start_roster(instance, start, deadline, workers, seed, _COLGEN_START_FRAC)
    state = SearchState(roster=roster, objective=objective_components(instance, roster)["total"],
                        best_bound=0.0, status="FEASIBLE")
    _report(state, start, progress)
    cg = column_generation(instance, roster, start + _COLGEN_FRAC * budget_s, workers, seed)
    if math.isfinite(cg.lower_bound):
        state.best_bound = max(0.0, float(math.ceil(cg.lower_bound - 1e-6)))
        _bound_objective(model, int(state.best_bound))
        _report(state, start, progress)  # the bound is news to a progress display
    left_s = deadline - time.monotonic()
    if state.objective > state.best_bound and left_s > 0.2 and math.isfinite(cg.lp_value):
        guided = lp_guided_roster(model, instance, mv, cg.support,
                                  min(_GUIDED_FRAC * budget_s, left_s), workers, seed)
        if guided is not None:
            _offer(state, instance, guided, start, progress)
    if state.objective > state.best_bound:
        left_s = deadline - time.monotonic()
        state = weekend_exchange(model, instance, mv, state,
                                 time.monotonic() + min(left_s, _WEEKEND_FRAC * budget_s),
                                 workers, seed, progress, started=start)
    left_s = deadline - time.monotonic()
    if state.objective <= state.best_bound or left_s < 0.5:
        return state
    if len(mv.x) <= POLISH_ONLY_VARS:
        before = state.objective
        state = polish(model, instance, mv, state, left_s, workers, seed)
        if state.objective < before:
            _report(state, start, progress)
        return state
    return _lns_rounds(model, instance, mv, state, start, deadline, workers, seed, progress)


def _bound_objective(model: cp_model.CpModel, bound: int) -> None:
    """Tell CP-SAT the objective is at least ``bound`` (valid for every roster), so a
    roster at the bound is proved optimal at once and the solve ends."""
    objective = model.proto.objective
    # The domain applies to the linear part, without the model's constant offset.
    lower = bound - int(round(objective.offset))
    objective.domain.clear()
    objective.domain.extend([lower, 2**62])


def _report(state: SearchState, start: float, progress: Progress | None) -> None:
    state.trace.append((time.monotonic() - start, state.objective))
    if progress is not None:
        progress(time.monotonic() - start, state.objective, state.best_bound)


def _offer(state: SearchState, instance: ShiftSchedulingInstance, roster: np.ndarray,
           start: float, progress: Progress | None) -> None:
    """Keep ``roster`` when it beats the incumbent."""
    objective = objective_components(instance, roster)["total"]
    if objective < state.objective:
        state.roster, state.objective = roster, objective
        state.improvements += 1
        _report(state, start, progress)


def _lns_search(model: cp_model.CpModel, instance: ShiftSchedulingInstance, mv: ModelVars,
                start: float, deadline: float, workers: int, seed: int,
                progress: Progress | None, initial_frac: float) -> SearchState:
    """Greedy construction, then rounds of our LNS each followed by a hinted full solve."""
    roster = _start_roster(instance, start, deadline, workers, seed, initial_frac)
    obj = objective_components(instance, roster)["total"]
    state = SearchState(roster=roster, objective=obj, best_bound=0.0, status="FEASIBLE")
    _report(state, start, progress)
    return _lns_rounds(model, instance, mv, state, start, deadline, workers, seed, progress)


def _lns_rounds(model: cp_model.CpModel, instance: ShiftSchedulingInstance, mv: ModelVars,
                state: SearchState, start: float, deadline: float, workers: int, seed: int,
                progress: Progress | None) -> SearchState:
    """Rounds of our LNS, each followed by a full-model solve hinted with the incumbent."""
    round_s = max(5.0, _ROUND_FRAC * (deadline - start))
    while time.monotonic() < deadline - 0.1 and state.objective > state.best_bound:
        lns_end = min(deadline, time.monotonic() + (1 - _POLISH_FRAC) * round_s)
        state = lns(model, instance, mv, state, lns_end, workers, seed + state.steps, progress,
                    started=start)
        left = deadline - time.monotonic()
        if left > 0.5 and state.objective > state.best_bound:
            state = polish(model, instance, mv, state, min(left, _POLISH_FRAC * round_s),
                           workers, seed)
    return state


def _start_roster(instance: ShiftSchedulingInstance, start: float, deadline: float,
                  workers: int, seed: int, frac: float) -> np.ndarray:
    """Greedy construction then row-by-row improvement, within ``frac`` of the budget."""
    first_s = max(1.0, min(frac * (deadline - start), deadline - time.monotonic()))
    now = time.monotonic()
    # Rows from the dynamic program first (Instance22: 81867 after 13 s, against 102052
    # after 93 s for the CP-SAT rows; Instance13: 6530 after 2.6 s against 8848 after
    # 10.7 s), then exact CP-SAT best responses for the last quarter.
    roster = greedy_roster(instance, now + first_s / 2, workers, seed,
                           give_up_at=start + OVERRUN_FACTOR * (deadline - start),
                           fast_rows=True)
    roster = improve_rows_fast(instance, roster, now + _FAST_IMPROVE_FRAC * first_s, seed)
    return improve_rows(instance, roster, now + first_s, workers, seed)


def _greedy_only(instance: ShiftSchedulingInstance, start: float, deadline: float,
                 workers: int, seed: int) -> EmployeeScheduleResult:
    """Very large instances: the employee-by-employee construction with rows from the
    dynamic program (CP-SAT for the rows it misses), then best-response passes with it,
    restarted from new employee orders while a whole round fits the budget (no full
    model, whose Python build alone exceeds a minute). Measured (60 s, 2 workers):
    Instance23 52728 in 47 s, Instance24 95759 in 40 s, where the CP-SAT rows took 127 s
    and found no roster within 194 s. May overrun the budget to stay feasible, up to
    ``OVERRUN_FACTOR`` times it."""
    best, best_obj, round_s, attempt = None, None, 0.0, 0
    # Restarts from new employee orders while a whole round still fits the budget.
    while best is None or time.monotonic() + round_s < deadline:
        began = time.monotonic()
        roster = greedy_roster(instance, deadline, workers, seed + attempt,
                               give_up_at=start + OVERRUN_FACTOR * (deadline - start),
                               fast_rows=True)
        roster = improve_rows_fast(instance, roster, deadline, seed + attempt)
        obj = objective_components(instance, roster)["total"]
        if best_obj is None or obj < best_obj:
            best, best_obj = roster, obj
        round_s, attempt = max(round_s, time.monotonic() - began), attempt + 1
    roster = best
    comp = objective_components(instance, roster)
    return EmployeeScheduleResult(
        instance=instance.name, roster=roster, components=comp, best_bound=0.0,
        status="FEASIBLE", wall_s=time.monotonic() - start, lns_steps=0, improvements=0,
        trace=((time.monotonic() - start, comp["total"]),))
