"""Solve a built roster model and package the result; :func:`build_and_solve` ties it up."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scheduling.explain import RosterInfeasibleError, explain_core, precheck
from scheduling.extract import extract_frames, objective_components
from scheduling.model import SCALE, RosterModel, build_model
from scheduling.problem import RosterProblem
from scheduling.hint import Solution
from scheduling.lagrange import tour_bound
from scheduling.lns import day_block_lns
from scheduling.relax import RelaxationLP, solve_relaxation
from scheduling.warmstart import greedy_solutions, lp_guide

__all__ = ["ProgressPoint", "RosterResult", "RosterNotFoundError", "solve_model",
           "build_and_solve"]


#: models with more variables than this (the sample week ~72,000, ten of its agents ~30,000,
#: the tests' 2-3 day instances a few hundred) run CP-SAT's LNS workers only: the first LP of
#: a week-size roster does not converge in time
LP_WORKER_MAX_VARIABLES = 20_000

#: share of the search time CP-SAT's own LNS gets at most on such large models before the
#: day-block search (:mod:`scheduling.lns`) takes over (it stops earlier when the
#: relaxation's LP arrives, see LP_GUIDE_POINTS): CP-SAT's neighbourhoods improve fairness,
#: preferences and stability fastest at first, the day blocks then move coverage and cost
#: (sample week, 60 s, seeds 0/1, before the LP-guided restart: 55 % 200,297 / 202,312,
#: 35 % 201,513 / 202,894, 20 % 201,347 / 202,057; CP-SAT alone 206,400-207,700). With
#: 30-agent day blocks, day blocks on one lane instead of CP-SAT until the LP arrives:
#: 193,790 / 194,168 against 190,086 / 189,236 (preferences 5.1k against 2.5k: CP-SAT's
#: phase is where agents swap shifts within crews); CP-SAT on one worker while the LP
#: solves: 191,098 / 189,716
CP_SAT_SHARE_LARGE = 0.55

#: greedy bonus (objective points) for a shift the relaxation's LP gives the agent's whole
#: profile; on large models CP-SAT stops when the LP arrives and the LP-guided greedy
#: roster restarts the search when it is better than CP-SAT's. Sample week, the whole solve
#: at 60 s, seeds 0/1: bonus 1,000: 199,303 / 198,273; 2,000: 197,223 / 197,933; 5,000:
#: 194,592 / 195,992; 10,000: 193,534 / 195,366; 20,000: 193,845 / 195,480; without the
#: guided restart 202,175 / 200,511. Again with 30-agent day blocks: 5,000: 192,177 /
#: 192,185; 10,000: 190,086 / 189,236; 20,000: 190,452 / 192,658
LP_GUIDE_POINTS = 10_000.0


class RosterNotFoundError(RuntimeError):
    """The time limit passed before the solver found any roster."""


@dataclass(frozen=True)
class ProgressPoint:
    """One improving solution: objective and best bound (points) at ``wall_s`` seconds.

    Points from the greedy first roster carry ``best_bound = 0`` (every soft term is >= 0).
    """

    objective: float
    best_bound: float
    wall_s: float


@dataclass(frozen=True, eq=False)
class RosterResult:
    """Solved roster and its quality.

    ``status`` is ``"OPTIMAL"`` or ``"FEASIBLE"``; ``gap`` is
    ``(objective - best_bound) / max(|objective|, 1)``; ``progress`` has columns
    ``wall_s, objective, best_bound`` (one row per improving solution).
    """

    roster: pd.DataFrame
    assignments: pd.DataFrame
    coverage: pd.DataFrame
    violations: pd.DataFrame
    breaks: pd.DataFrame
    status: str
    objective: float
    objective_components: dict[str, float]
    best_bound: float
    gap: float
    wall_s: float
    progress: pd.DataFrame = field(repr=False)


class _RelaxationBound:
    """The crew relaxation's LP bound, then its Lagrangian tour bound, in a background thread.

    HiGHS releases the GIL, so the LP (:func:`scheduling.relax.solve_relaxation`) runs
    beside the greedy start and CP-SAT's workers; its value (objective points, or None
    until it finishes) tightens the reported bound, which on week-size rosters otherwise
    comes from the objective floor alone. The LP's duals are then priced against whole
    agent weeks (:func:`scheduling.lagrange.tour_bound`) until the same deadline, which can
    only raise the bound.
    """

    def __init__(self, problem: RosterProblem, time_limit_s: float):
        self.value: int | None = None
        self.lp: RelaxationLP | None = None
        self.lp_ready = threading.Event()  # set when the LP is solved (or has failed)
        deadline = time.perf_counter() + time_limit_s
        self._thread = threading.Thread(target=self._run, args=(problem, deadline),
                                         name="roster-relaxation-bound", daemon=True)
        self._thread.start()

    def _run(self, problem: RosterProblem, deadline: float) -> None:
        try:
            lp = solve_relaxation(problem, deadline - time.perf_counter())
            if lp is None:
                return
            self.lp, self.value = lp, lp.bound_points()
            self.lp_ready.set()
            better = tour_bound(problem, lp, deadline)
            if better is not None and better > self.value:
                self.value = better
        except Exception as exc:  # noqa: BLE001 - the bound is optional; the roster is not
            warnings.warn(f"roster: the relaxation bound was not computed ({exc}); the reported "
                          "bound is CP-SAT's alone", RuntimeWarning, stacklevel=1)
        finally:
            self.lp_ready.set()

    def points(self) -> int:
        """The bound in objective points (0 until the LP finishes)."""
        return self.value or 0

    def finish(self, timeout_s: float) -> int:
        """Wait up to ``timeout_s`` for the LP (its own limit ends it about then) and
        return :meth:`points`; the thread never outlives the caller by more than that."""
        self._thread.join(timeout_s)
        return self.points()


class _ProgressRecorder(cp_model.CpSolverSolutionCallback):
    """Records objective and bound at each improving solution and forwards them."""

    def __init__(self, progress: Callable[[ProgressPoint], None] | None, started: float,
                 relaxation: _RelaxationBound):
        super().__init__()
        self._progress, self._started = progress, started
        self._relaxation = relaxation
        self.points: list[ProgressPoint] = []

    def on_solution_callback(self) -> None:
        bound = max(self.best_objective_bound, self._relaxation.points())
        self.report(self.objective_value / SCALE, bound / SCALE)

    def report(self, objective: float, bound: float) -> None:
        """Record and forward one point (only improving objectives)."""
        if self.points and objective >= self.points[-1].objective:
            return
        point = ProgressPoint(objective, bound, time.perf_counter() - self._started)
        self.points.append(point)
        if self._progress is not None:
            self._progress(point)


def _stop_when_lp(relaxation: _RelaxationBound, searching: threading.Event,
                  solver: cp_model.CpSolver) -> None:
    """Stop ``solver`` when the relaxation's LP is solved, while ``searching`` is set."""
    while searching.is_set():
        if relaxation.lp_ready.wait(0.1):
            if relaxation.lp is not None and searching.is_set():
                solver.stop_search()
            return


def _check_solver_args(time_limit_s: float, workers: int) -> None:
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers!r}")


def _hint(rm: RosterModel, solution: Solution) -> None:
    model = rm.model
    model.clear_hints()
    for index, value in enumerate(solution.values):
        model.add_hint(model.get_int_var_from_proto_index(index), int(value))


def _configure(solver: cp_model.CpSolver, time_limit_s: float, workers: int, seed: int,
               large: bool = False) -> None:
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # probing costs many seconds of presolve on week-size models for little gain here
    solver.parameters.cp_model_probing_level = 0
    if large:
        # With 2 workers CP-SAT runs one full-problem subsolver (default_lp) and interleaves
        # LNS and local search on the other. On week-size rosters default_lp spends the
        # whole minute in its first LP (tens of thousands of columns) and never moves the
        # bound or finds a roster; LNS on both workers does. Sample week, 60 s, 2 workers,
        # back to back: objective 231,480 (default) vs 223,072 (LNS only). The bound then
        # comes from the objective floor cut (scheduling.bound) and the crew relaxation's LP
        # (scheduling.relax). Small models keep the default, which proves them optimal.
        solver.parameters.use_lns_only = True


def solve_model(rm: RosterModel, time_limit_s: float, workers: int, seed: int,
                progress: Callable[[ProgressPoint], None] | None = None,
                started: float | None = None) -> RosterResult:
    """Warm-start, solve ``rm`` (limits via ``solver.parameters``) and extract the roster.

    A greedy roster (:mod:`scheduling.warmstart`) is the first solution when it places
    every agent, and a complete hint for the search either way. On large models CP-SAT's
    LNS runs until the relaxation's LP is solved (at most ``CP_SAT_SHARE_LARGE`` of the
    search time), the greedy guided by the LP's solution restarts from a better roster
    when it finds one, and the day-block search (:mod:`scheduling.lns`) takes the rest. The
    LP of the crew relaxation (:mod:`scheduling.relax`) and then its tour bound
    (:mod:`scheduling.lagrange`) run alongside; the reported bound is the best of CP-SAT's
    and theirs.

    Raises
    ------
    RosterInfeasibleError : the hard rules conflict (the rules are named).
    RosterNotFoundError : no roster found within ``time_limit_s``.
    """
    _check_solver_args(time_limit_s, workers)
    started = time.perf_counter() if started is None else started
    relaxation = _RelaxationBound(rm.problem, time_limit_s - (time.perf_counter() - started) - 1.5)
    recorder = _ProgressRecorder(progress, started, relaxation)
    greedy = None
    for candidate in greedy_solutions(rm, budget_s=min(12.0, 0.2 * time_limit_s)):
        if candidate.complete:
            recorder.report(candidate.objective_points / SCALE, 0.0)
        if greedy is None or (candidate.complete, -candidate.objective_points) > (
                greedy.complete, -greedy.objective_points):
            greedy = candidate
    _hint(rm, greedy)
    solver = cp_model.CpSolver()
    large = len(rm.model.proto.variables) > LP_WORKER_MAX_VARIABLES
    # keep time for extraction (week-size rosters: about 1.5 s with the bound thread's join, and
    # up to 2 s when the last 30-agent block ends at the deadline under load)
    deadline = started + time_limit_s - (2.0 if large else 1.0)
    search_s = max(deadline - time.perf_counter(), 0.5)
    _configure(solver, search_s * CP_SAT_SHARE_LARGE if large else search_s, workers, seed,
               large=large)
    searching = threading.Event()
    if large:
        # CP-SAT's phase ends early when the LP arrives: its guided greedy start is better
        searching.set()
        threading.Thread(target=_stop_when_lp, args=(relaxation, searching, solver),
                         daemon=True).start()
    status = solver.solve(rm.model, recorder)
    searching.clear()
    if status == cp_model.INFEASIBLE:
        raise RosterInfeasibleError(explain_core(rm.problem, time_limit_s, seed))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solution = Solution(np.asarray(solver.response_proto.solution, dtype=np.int64),
                            int(round(solver.objective_value)))
    elif greedy.complete:
        solution = greedy
    else:
        raise RosterNotFoundError(f"no roster found within time_limit_s={time_limit_s:g} "
                                  f"(solver status {solver.status_name(status)}); "
                                  f"allow more time")
    cp_bound = solver.best_objective_bound if status != cp_model.UNKNOWN else 0.0
    if large and status != cp_model.OPTIMAL:
        def improved(better: Solution) -> None:
            recorder.report(better.objective_points / SCALE,
                            max(cp_bound, relaxation.points()) / SCALE)

        if relaxation.lp is not None and deadline - time.perf_counter() > 10.0:
            guide = lp_guide(relaxation.lp.shares(), LP_GUIDE_POINTS)
            for candidate in greedy_solutions(rm, budget_s=4.0, guide=guide):
                if candidate.complete and candidate.objective_points < solution.objective_points:
                    solution = candidate
                    improved(solution)
        solution = day_block_lns(rm, solution, deadline, seed, improved, lanes=workers)
    objective = solution.objective_points / SCALE
    bound = max(cp_bound, relaxation.finish(timeout_s=2.0)) / SCALE
    frames = extract_frames(rm, solution)
    return RosterResult(
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE", objective=objective,
        objective_components=objective_components(rm, solution), best_bound=min(bound, objective),
        gap=(objective - bound) / max(abs(objective), 1.0),
        wall_s=time.perf_counter() - started,
        progress=pd.DataFrame([(p.wall_s, p.objective, p.best_bound) for p in recorder.points],
                              columns=["wall_s", "objective", "best_bound"]),
        **frames)


def build_and_solve(problem: RosterProblem, time_limit_s: float = 60.0, workers: int = 2,
                    seed: int = 0, progress: Callable[[ProgressPoint], None] | None = None
                    ) -> RosterResult:
    """Check, build, solve and extract a roster.

    Parameters
    ----------
    problem : the roster problem.
    time_limit_s : wall-time budget in seconds from the call: building, the greedy first
        roster and the CP-SAT search (which gets what remains, less ~1 s for extraction).
    workers : CP-SAT search workers.
    seed : solver random seed.
    progress : called with a :class:`ProgressPoint` at each improving solution.

    Raises
    ------
    RosterInfeasibleError : hard rules conflict; ``reasons`` names rules and agents.
    RosterNotFoundError : no roster found within the time limit.
    """
    _check_solver_args(time_limit_s, workers)
    started = time.perf_counter()
    reasons = precheck(problem)
    if reasons:
        raise RosterInfeasibleError(reasons)
    return solve_model(build_model(problem), time_limit_s, workers, seed, progress, started)
