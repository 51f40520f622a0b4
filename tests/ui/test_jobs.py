"""Background jobs: progress, solver points, cancellation and failures, without the pipeline."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from staffcast.ui.jobs import STAGES, PlanJob


def test_result_stages_and_solver_points_are_reported():
    def work(job: PlanJob) -> int:
        job.stage_done("load", 0.1)
        job.solver_point(SimpleNamespace(wall_s=0.5, objective=10.0, best_bound=4.0))
        job.solver_point(SimpleNamespace(wall_s=0.9, objective=8.0, best_bound=6.0))
        job.stage_done("forecast", 1.0)
        return 42

    job = PlanJob("test").start(work)
    assert job.join(10)
    snap = job.snapshot()
    assert (snap.state, snap.result, snap.error) == ("done", 42, None)
    assert [s for s, _ in snap.stages] == ["load", "forecast"]
    assert snap.solver == ((0.5, 10.0, 4.0), (0.9, 8.0, 6.0))
    assert snap.fraction == pytest.approx(2 / len(STAGES))
    assert snap.current_stage == "staffing"


def test_skipped_stages_count_as_done():
    job = PlanJob("cached", skipped=("forecast",))
    job.stage_done("load", 0.0)
    snap = job.snapshot()
    assert snap.current_stage == "staffing"
    assert snap.fraction == pytest.approx(2 / len(STAGES))


def test_cancel_stops_at_the_next_report_and_keeps_no_result():
    started, release = threading.Event(), threading.Event()

    def work(job: PlanJob) -> int:
        job.stage_done("load", 0.0)
        started.set()
        release.wait(10)
        job.stage_done("forecast", 1.0)  # raises: the user cancelled meanwhile
        return 1

    job = PlanJob("cancel me").start(work)
    assert started.wait(10)
    assert job.snapshot().state == "running"
    job.cancel()
    release.set()
    assert job.join(10)
    snap = job.snapshot()
    assert snap.state == "cancelled" and snap.result is None and snap.cancel_requested


def test_a_failure_becomes_a_message():
    def work(job: PlanJob) -> int:
        raise ValueError("agents.csv line 3: contract must be one of ['full_time'], got 'x'")

    job = PlanJob("broken").start(work)
    assert job.join(10)
    snap = job.snapshot()
    assert snap.state == "failed"
    assert "ValueError" in snap.error and "agents.csv line 3" in snap.error


def test_a_data_error_is_kept_for_the_pages_language():
    from staffcast.errors import DataError
    from staffcast.i18n import Text, error_text

    def work(job: PlanJob) -> int:
        raise DataError.of("err.data.no_rows", path="history.csv", what=Text("err.what.history"))

    job = PlanJob("broken").start(work)
    assert job.join(10)
    snap = job.snapshot()
    assert isinstance(snap.failure, DataError)
    assert error_text(snap.failure, "en") in snap.error
    assert error_text(snap.failure, "zh") != error_text(snap.failure, "en")
    assert "history.csv" in error_text(snap.failure, "zh")


def test_conflicting_rules_are_kept_for_the_pages_language():
    from scheduling import Conflict
    from staffcast.errors import RosterConflictError
    from staffcast.i18n import conflict_lines

    conflict = Conflict("S03", "max_days", (("days", 5), ("contract", "full_time")))

    def work(job: PlanJob) -> int:
        raise RosterConflictError("roster: No roster satisfies the hard rules", (conflict,))

    job = PlanJob("conflict").start(work)
    assert job.join(10)
    snap = job.snapshot()
    assert snap.state == "failed" and snap.conflicts == (conflict,)
    assert conflict_lines(snap.conflicts, "zh") == ["坐席 S03：每周至多上班 5 天（合同 full_time）"]
    assert conflict_lines(snap.conflicts, "en") == ["agent S03: at most 5 working days a week (contract full_time)"]


def test_cancel_inside_a_cp_sat_callback_ends_the_search():
    """The solver progress callback raising ends CP-SAT's search promptly (no time limit wait)."""
    import time

    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 50, f"x{i}") for i in range(40)]
    model.add_all_different(xs)
    model.maximize(sum((i % 7 + 1) * x for i, x in enumerate(xs)))

    job = PlanJob("solver")

    class Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            job.solver_point(SimpleNamespace(wall_s=self.wall_time, objective=self.objective_value,
                                             best_bound=self.best_objective_bound))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 1
    job.cancel()
    started = time.perf_counter()
    with pytest.raises(Exception, match="solver"):
        solver.solve(model, Callback())
    assert time.perf_counter() - started < 10
