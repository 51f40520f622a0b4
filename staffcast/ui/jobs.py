"""Long work off the page: build and save a plan in a background thread, with progress.

The page starts a :class:`PlanJob` and polls :meth:`PlanJob.snapshot` (a Streamlit
fragment re-runs every second), so the page never blocks. The pipeline reports each
finished stage and every improving roster the CP-SAT solver finds (objective and best
bound). :meth:`PlanJob.cancel` makes the next report raise :class:`JobCancelled`, which
stops the pipeline at the next stage boundary or the solver at its next solution (an
exception raised in a CP-SAT solution callback ends the search); nothing is saved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from staffcast.scenario import Scenario
from staffcast.storage import PlanStore

STAGES = ("load", "forecast", "staffing", "roster", "simulation", "cost", "save")


class JobCancelled(Exception):
    """Raised inside the worker thread when the user cancelled the job."""


@dataclass(frozen=True)
class JobSnapshot:
    """What the page shows about a job at one moment.

    ``state`` is ``running``, ``done``, ``failed`` or ``cancelled``; ``stages`` lists
    ``(stage, seconds)`` of finished stages; ``solver`` lists ``(wall_s, objective,
    best_bound)`` of improving rosters; ``result`` is the saved plan id when done.
    """

    label: str
    state: str
    stages: tuple[tuple[str, float], ...]
    solver: tuple[tuple[float, float, float], ...]
    elapsed_s: float
    skipped: tuple[str, ...] = ()
    error: str | None = None
    result: Any = None
    cancel_requested: bool = False
    conflicts: tuple = ()  # conflicting hard rules of a failed roster (scheduling.Conflict)
    failure: BaseException | None = None  # the error itself, for a message in the page's language

    @property
    def fraction(self) -> float:
        """Share of the pipeline's stages finished (skipped stages count as finished)."""
        done = {name for name, _ in self.stages} | set(self.skipped)
        return len(done & set(STAGES)) / len(STAGES)

    @property
    def current_stage(self) -> str | None:
        """The first stage not finished yet, or None when all are."""
        done = {name for name, _ in self.stages} | set(self.skipped)
        return next((s for s in STAGES if s not in done), None)


@dataclass
class PlanJob:
    """One unit of long work running in a daemon thread; thread-safe to poll and cancel."""

    label: str
    skipped: tuple[str, ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _stages: list = field(default_factory=list, repr=False)
    _solver: list = field(default_factory=list, repr=False)
    _state: str = "running"
    _failure: BaseException | None = None
    _result: Any = None
    _started: float = field(default_factory=time.perf_counter, repr=False)
    _finished: float | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self, work: Callable[[PlanJob], Any]) -> PlanJob:
        """Run ``work(self)`` in a background thread; its return value becomes the result."""
        self._thread = threading.Thread(target=self._run, args=(work,), name=f"staffcast-{self.label}", daemon=True)
        self._thread.start()
        return self

    def _run(self, work: Callable[[PlanJob], Any]) -> None:
        try:
            result = work(self)
        except JobCancelled:
            self._finish("cancelled", None)
        except Exception as error:  # noqa: BLE001 - any failure becomes a message on the page
            # the error itself is kept: the page words it (and its conflicts) in its own language
            self._finish("failed", None, error)
        else:
            self._finish("done", result)

    def _finish(self, state: str, result: Any, failure: BaseException | None = None) -> None:
        with self._lock:
            self._state, self._result, self._failure = state, result, failure
            self._finished = time.perf_counter()

    # ---- called from the worker thread
    def check(self) -> None:
        """Raise :class:`JobCancelled` if the user asked to cancel."""
        if self._cancel.is_set():
            raise JobCancelled(self.label)

    def stage_done(self, stage: str, seconds: float) -> None:
        """Pipeline progress callback: one stage finished."""
        with self._lock:
            self._stages.append((stage, float(seconds)))
        self.check()

    def solver_point(self, point: Any) -> None:
        """Solver progress callback: an improving roster (``objective, best_bound, wall_s``)."""
        with self._lock:
            self._solver.append((float(point.wall_s), float(point.objective), float(point.best_bound)))
        self.check()

    # ---- called from the page
    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the thread; True when it has finished."""
        if self._thread is not None:
            self._thread.join(timeout_s)
        return self.snapshot().state != "running"

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            end = self._finished if self._finished is not None else time.perf_counter()
            failure = self._failure
            return JobSnapshot(
                label=self.label, state=self._state, stages=tuple(self._stages), solver=tuple(self._solver),
                elapsed_s=end - self._started, skipped=self.skipped,
                error=f"{type(failure).__name__}: {failure}" if failure is not None else None,
                result=self._result, cancel_requested=self._cancel.is_set(),
                conflicts=tuple(getattr(failure, "conflicts", ())), failure=failure,
            )


APP_TIME_LIMIT_S = 40.0  # default solver limit in the app: a re-plan of the sample then takes < 60 s on 2 cores


def app_time_limit_s(scenario_limit_s: float) -> float:
    """Solver time limit for a plan started from the app."""
    return min(float(scenario_limit_s), APP_TIME_LIMIT_S)


def build_and_save(
    job: PlanJob,
    store: PlanStore,
    scenario: Scenario,
    scenario_text: str,
    *,
    name: str | None = None,
    time_limit_s: float | None = None,
    replications: int | None = None,
    forecast_result: Any = None,
    roster_locks: Any = None,
    parent_id: int | None = None,
    extra_summary: Mapping | None = None,
) -> int:
    """Build the plan with ``job`` as progress callback, then save it; returns the plan id."""
    from staffcast.pipeline import build_plan  # imports every stage: only when a plan is built

    plan = build_plan(
        scenario, scenario_text, time_limit_s=time_limit_s, replications=replications,
        progress=job.stage_done, solver_progress=job.solver_point, forecast_result=forecast_result,
        roster_locks=roster_locks,
    )
    job.check()
    started = time.perf_counter()
    summary = {**plan.summary, **(extra_summary or {})}
    plan_id = store.save(name or plan.name, plan.scenario_text, plan.fingerprint, summary, plan.frames, parent_id)
    job.stage_done("save", time.perf_counter() - started)
    return plan_id


def start_plan_job(
    store: PlanStore, scenario: Scenario, scenario_text: str, label: str, **options: Any
) -> PlanJob:
    """Start building and saving a plan in the background (options as :func:`build_and_save`)."""
    skipped = ("forecast",) if options.get("forecast_result") is not None else ()
    job = PlanJob(label=label, skipped=skipped)
    return job.start(lambda j: build_and_save(j, store, scenario, scenario_text, **options))
