"""Data page: keep the bundled sample or upload history, agents and last week's roster; validation report;
previews."""

from __future__ import annotations

import uuid
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from staffcast.i18n import error_text
from staffcast.scenario import format_clock
from staffcast.ui import state, validation, views
from staffcast.ui.state import tr

REPORT_COLUMNS = {"severity": "da.severity", "file": "da.file", "row": "da.row", "field": "da.field", "problem": "da.problem"}


@st.cache_data(show_spinner=False, max_entries=4)
def _validated(path: str, mtimes: tuple[float, ...], lang: str):
    return validation.validate_inputs(Path(path), lang)


def _mtimes(path) -> tuple[float, ...]:
    folder = path.parent
    return tuple(sorted(p.stat().st_mtime for p in folder.iterdir() if p.is_file()))


def _upload() -> None:
    with st.form("da_upload"):
        history = st.file_uploader(tr("da.history_file"), type=["csv", "gz", "xlsx"], key="da_history")
        agents = st.file_uploader(tr("da.agents_file"), type=["csv", "xlsx"], key="da_agents")
        previous = st.file_uploader(tr("da.previous_file"), type=["csv"], key="da_previous")
        scenario = st.file_uploader(tr("da.scenario_file"), type=["toml"], key="da_scenario")
        submitted = st.form_submit_button(tr("da.use_files"), type="primary")
    if not submitted:
        return
    if history is None and agents is None and scenario is None and previous is None:
        st.warning(tr("da.nothing_uploaded"))
        return
    text = scenario.getvalue().decode("utf-8") if scenario is not None else state.SAMPLE_SCENARIO.read_text("utf-8")
    try:
        path = validation.stage_inputs(
            state.work_dir() / f"inputs-{uuid.uuid4().hex[:8]}", text,
            (history.name, history.getvalue()) if history is not None else None,
            (agents.name, agents.getvalue()) if agents is not None else None,
            state.SAMPLE_SCENARIO.parent,
            (previous.name, previous.getvalue()) if previous is not None else None,
        )
    except (OSError, KeyError, ValueError) as error:
        st.error(tr("da.stage_failed", error=error_text(error, state.lang())))
        return
    st.session_state["scenario_path"] = str(path)
    st.rerun()


def _source() -> None:
    path = state.scenario_path()
    using_sample = path == state.SAMPLE_SCENARIO
    st.caption(tr("da.using_sample") if using_sample else tr("da.using_uploaded", path=str(path)))
    if not using_sample and st.button(tr("da.back_to_sample"), key="da_sample"):
        st.session_state["scenario_path"] = None
        st.rerun()
    with st.expander(tr("da.upload_title"), expanded=False):
        st.caption(tr("da.upload_hint"))
        _upload()


def _previews(history, agents) -> None:
    if history is not None:
        st.markdown(f"**{tr('da.history_preview', rows=views.number(len(history)))}**")
        st.dataframe(history.tail(200), hide_index=True, height=240)
        daily = history.assign(day=history["ds"].dt.date).groupby(["channel", "day"], as_index=False)["volume"].sum()
        fig = go.Figure([go.Scatter(x=rows["day"], y=rows["volume"], name=channel) for channel, rows in daily.groupby("channel")])
        fig.update_layout(title=tr("da.daily_volume"), xaxis_title=tr("ui.col.date"), yaxis_title=tr("ui.chart.contacts"),
                          margin={"l": 10, "r": 10, "t": 40, "b": 10})
        st.plotly_chart(fig)
    if agents is not None:
        st.markdown(f"**{tr('da.agents_preview', rows=len(agents))}**")
        shown = agents.assign(
            skills=[";".join(f"{c}:{p}" for c, p in s) for s in agents["skills"]],
            off_requests=[";".join(str(d) for d in days) for days in agents["off_requests"]],
            shift_requests=[";".join(f"{d}@{format_clock(m)}" if m is not None else str(d) for d, m in r)
                            for r in agents["shift_requests"]],
            commitments=[";".join(f"{d}@{format_clock(s)}-{format_clock(e)}" for d, s, e in c) for c in agents["commitments"]],
        )
        columns = ["agent_id", "name", "contract", "skills", "off_requests", "shift_requests", "commitments"]
        st.dataframe(shown[columns], hide_index=True, height=240)
        primary = agents.assign(primary=[s[0][0] for s in agents["skills"]]).groupby(["primary", "contract"]).size()
        fig = go.Figure([go.Bar(x=rows.index.get_level_values("primary"), y=rows.to_numpy(), name=contract)
                         for contract, rows in primary.groupby(level="contract")])
        fig.update_layout(barmode="stack", title=tr("da.agents_by_skill"), xaxis_title=tr("kpi.channel"),
                          yaxis_title=tr("ui.chart.agents"), margin={"l": 10, "r": 10, "t": 40, "b": 10})
        st.plotly_chart(fig)


def render() -> None:
    st.title(tr("page.data"))
    _source()
    path = state.scenario_path()
    st.subheader(tr("da.report_title"))
    with st.spinner(tr("da.validating")):
        report, history, agents = _validated(str(path), _mtimes(path), state.lang())
    errors = report[report["severity"] == "error"]
    if errors.empty:
        st.success(tr("da.valid", warnings=int((report["severity"] == "warning").sum())))
    else:
        st.error(tr("da.invalid", errors=len(errors)))
    if not report.empty:
        shown = report.assign(severity=[tr(f"da.{s}") for s in report["severity"]])
        st.dataframe(views.translated(shown, REPORT_COLUMNS), hide_index=True)
    st.subheader(tr("da.preview_title"))
    _previews(history, agents)


render()
