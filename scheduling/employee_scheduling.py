"""Employee shift scheduling (Curtois & Qu benchmark model) solved by CP-SAT + LNS.

Public entry points: :func:`read_curtois_instance` / :func:`parse_curtois_instance`
(instance format of T. Curtois and R. Qu, "Computational results on new staff scheduling
benchmark instances", University of Nottingham, 2014), :func:`objective_components` and
:func:`hard_violations` (an independent evaluator of any roster), and
:func:`solve_employee_scheduling` (the solver).

Solving, in three steps with one time budget:

1. build the strengthened CP-SAT model once (``_bench_es_model``);
2. a first solution: the full model for a share of the budget or, for large models
   (or when that finds nothing), an employee-by-employee construction priced at the
   margin (``greedy_roster``);
3. rounds of large-neighbourhood search (fix most of the roster, re-optimise a few
   employees over the horizon or every employee over a window of days, repeat) followed
   by a full-model solve hinted with the incumbent, whose own neighbourhoods differ
   (``_bench_es_search``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduling._bench_es_instance import (
    OFF, ShiftSchedulingInstance, StaffRules, hard_violations, objective_components,
    parse_curtois_instance, read_curtois_instance)
from scheduling._bench_es_model import build_model
from scheduling._bench_es_search import (
    Progress, SearchState, greedy_roster, initial_solve, lns, polish)

LARGE_MODEL_VARS = 150_000  # above this many assignment literals: constructive only
GREEDY_START_VARS = 20_000  # above this: start from the construction, not a full solve
_ROUND_FRAC = 0.4  # one LNS + polish round, as a share of the budget
_POLISH_FRAC = 0.5  # share of a round for the hinted full-model solve

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
                              initial_frac: float = 0.2) -> EmployeeScheduleResult:
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
        Called after each improvement of the LNS.
    initial_frac : float
        Share of the budget for the first full-model solve, in (0, 1].

    Raises
    ------
    ValueError
        On a bad argument. RuntimeError when no feasible roster is found in time.
    """
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    if not 0 < initial_frac <= 1:
        raise ValueError(f"initial_frac must be in (0, 1], got {initial_frac!r}")
    start = time.monotonic()
    deadline = start + time_limit_s
    if int(instance.allowed().sum()) > LARGE_MODEL_VARS:
        return _greedy_only(instance, start, deadline, workers, seed)
    model, mv = build_model(instance)
    first_s = max(1.0, min(initial_frac * time_limit_s, deadline - time.monotonic()))
    state = None
    if len(mv.x) <= GREEDY_START_VARS:
        try:
            state = initial_solve(model, instance, mv, first_s, workers, seed)
        except RuntimeError:
            state = None
    if state is None:  # large model, or no roster yet: construct one
        roster = greedy_roster(instance, time.monotonic() + first_s, workers, seed)
        obj = objective_components(instance, roster)["total"]
        state = SearchState(roster=roster, objective=obj, best_bound=0.0, status="FEASIBLE")
    if progress is not None:
        progress(time.monotonic() - start, state.objective, state.best_bound)
    # Alternate our LNS with hinted full-model solves (CP-SAT's own neighbourhoods).
    round_s = max(5.0, _ROUND_FRAC * time_limit_s)
    while time.monotonic() < deadline - 0.1 and state.objective > state.best_bound:
        lns_end = min(deadline, time.monotonic() + (1 - _POLISH_FRAC) * round_s)
        state = lns(model, instance, mv, state, lns_end, workers, seed + state.steps, progress)
        left = deadline - time.monotonic()
        if left > 0.5 and state.objective > state.best_bound:
            state = polish(model, instance, mv, state, min(left, _POLISH_FRAC * round_s),
                           workers, seed)
    comp = objective_components(instance, state.roster)
    status = "OPTIMAL" if comp["total"] <= state.best_bound else "FEASIBLE"
    return EmployeeScheduleResult(
        instance=instance.name, roster=state.roster, components=comp,
        best_bound=float(state.best_bound), status=status,
        wall_s=time.monotonic() - start, lns_steps=state.steps,
        improvements=state.improvements, trace=tuple(state.trace))


def _greedy_only(instance: ShiftSchedulingInstance, start: float, deadline: float,
                 workers: int, seed: int) -> EmployeeScheduleResult:
    """Very large instances: the employee-by-employee construction alone (no full model,
    whose Python build alone exceeds a minute); may overrun the budget to stay feasible."""
    roster = greedy_roster(instance, deadline, workers, seed)
    comp = objective_components(instance, roster)
    return EmployeeScheduleResult(
        instance=instance.name, roster=roster, components=comp, best_bound=0.0,
        status="FEASIBLE", wall_s=time.monotonic() - start, lns_steps=0, improvements=0,
        trace=((time.monotonic() - start, comp["total"]),))
