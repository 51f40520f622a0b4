"""The running job's panel: progress, the solver's objective and bound, a cancel button.

Drawn above every page while a job runs; a fragment re-runs it every second, so the page
stays usable. When the job ends, the whole app re-runs once to show the new plan.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from staffcast.errors import StaffcastError
from staffcast.i18n import conflict_lines, error_text
from staffcast.ui import charts, views
from staffcast.ui.jobs import JobSnapshot, PlanJob
from staffcast.ui.state import lang, tr

POLL_S = 1.0


def start(job: PlanJob) -> None:
    """Make ``job`` the session's job (one at a time)."""
    st.session_state["job"] = job


def busy() -> bool:
    """True while the session's job is running."""
    job = st.session_state.get("job")
    return job is not None and job.snapshot().state == "running"


def _stage_text(stage: str | None) -> str:
    if stage is None:
        return tr("job.finishing")
    return tr("job.save_stage") if stage == "save" else tr(f"stage.{stage}")


def _running(job: PlanJob, snap: JobSnapshot) -> None:
    text = tr("job.running", label=snap.label, stage=_stage_text(snap.current_stage), seconds=f"{snap.elapsed_s:.0f}")
    st.progress(snap.fraction, text=text)
    if snap.solver:
        wall_s, objective, bound = snap.solver[-1]
        cols = st.columns(3)
        cols[0].metric(tr("ui.chart.objective"), views.number(objective))
        cols[1].metric(tr("ui.chart.bound"), views.number(bound))
        cols[2].metric(tr("job.solutions"), len(snap.solver))
        if len(snap.solver) >= 2:
            solver_chart(snap)
    if snap.cancel_requested:
        st.caption(tr("job.cancelling"))
    else:
        st.button(tr("job.cancel"), on_click=job.cancel, key="job_cancel", icon=":material/cancel:")


def _ended(snap: JobSnapshot) -> None:
    st.session_state["job"] = None
    if snap.state == "done":
        st.session_state["_next_plan_id"] = snap.result
        st.session_state["_job_message"] = ("success", tr("job.done", label=snap.label, plan_id=snap.result,
                                                          seconds=f"{snap.elapsed_s:.0f}"))
    elif snap.state == "cancelled":
        st.session_state["_job_message"] = ("warning", tr("job.cancelled", label=snap.label))
    elif snap.conflicts:
        lines = "\n".join(f"- {line}" for line in conflict_lines(snap.conflicts, lang()))
        st.session_state["_job_message"] = ("error", tr("job.failed", label=snap.label,
                                                        error=f"{tr('cli.roster_conflict')}\n{lines}"))
    else:
        # the user's own mistakes in their language; anything else as raised (type and message)
        failure = snap.failure
        error = error_text(failure, lang()) if isinstance(failure, StaffcastError) else snap.error
        st.session_state["_job_message"] = ("error", tr("job.failed", label=snap.label, error=error))
    st.rerun()


@st.fragment(run_every=POLL_S)
def _panel() -> None:
    job = st.session_state.get("job")
    if job is None:
        return
    snap = job.snapshot()
    if snap.state != "running":
        _ended(snap)
        return
    with st.container(border=True):
        _running(job, snap)


def show() -> None:
    """The last job's outcome (once) and the running job's live panel."""
    message = st.session_state.pop("_job_message", None)
    if message is not None:
        kind, text = message
        getattr(st, kind)(text)
    if st.session_state.get("job") is not None:
        _panel()


def solver_chart(snap_or_frame) -> None:
    """The solver's objective and bound over time (from a snapshot or a stored frame)."""
    if isinstance(snap_or_frame, JobSnapshot):
        frame = pd.DataFrame(snap_or_frame.solver, columns=["wall_s", "objective", "best_bound"])
    else:
        frame = snap_or_frame
    st.plotly_chart(charts.solver_figure(frame, views.solver_labels()))
