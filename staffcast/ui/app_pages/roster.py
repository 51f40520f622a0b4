"""Roster page: Gantt chart per agent, required vs scheduled cover, broken goals, exports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from staffcast.errors import StaffcastError
from staffcast.ui import charts, exports, job_panel, state, views
from staffcast.ui.jobs import app_time_limit_s, start_plan_job
from staffcast.ui.scenarios import cached_forecast
from staffcast.ui.state import tr

VIOLATION_COLUMNS = {
    "goal": "ui.col.goal", "agent_id": "ui.col.agent_id", "channel": "kpi.channel", "date": "ui.col.date",
    "ds": "ui.col.interval", "amount": "ui.col.amount", "unit": "ui.col.unit", "penalty": "ui.col.penalty",
    "description": "ui.col.description",
}
SUMMARY_COLUMNS = {
    "goal": "ui.col.goal", "kind": "ro.kind", "unit": "ui.col.unit", "count": "ro.count",
    "amount": "ui.col.amount", "penalty": "ui.col.penalty",
}
COVERAGE_COLUMNS = {
    "channel": "kpi.channel", "ds": "ui.col.interval", "required": "ui.chart.required",
    "scheduled": "ui.chart.scheduled", "shortfall": "ui.chart.shortfall", "surplus": "ui.col.surplus",
}


def _names(plan) -> dict[str, str]:
    try:
        return views.names_of(views.plan_scenario(plan))
    except (StaffcastError, OSError):
        return {}


def _gantt(plan, names: dict[str, str]) -> None:
    roster = plan.frames["roster"]
    days = sorted(roster["date"].astype(str).unique())
    cols = st.columns(2)
    day = cols[0].selectbox(tr("ui.col.date"), [tr("ro.all_days"), *days], key="ro_day")
    contracts = sorted(roster["contract"].unique()) if "contract" in roster else []
    contract = cols[1].selectbox(tr("ui.col.contract"), [tr("ro.all_contracts"), *contracts], key="ro_contract")
    shown = roster
    if day != tr("ro.all_days"):
        shown = shown[shown["date"].astype(str) == day]
    if contract != tr("ro.all_contracts"):
        shown = shown[shown["contract"] == contract]
    breaks = plan.frames.get("breaks")
    if breaks is not None and "agent_id" in breaks and "date" in breaks:
        kept = breaks["date"].astype(str).isin(set(shown["date"].astype(str))) & breaks["agent_id"].isin(set(shown["agent_id"]))
        breaks = breaks[kept]
    label_names = {a: f"{a} {names.get(a, '')}".strip() for a in shown["agent_id"].unique()}
    st.plotly_chart(charts.gantt_figure(charts.gantt_segments(shown, breaks), views.gantt_labels(), label_names))


def _coverage(plan) -> None:
    coverage = plan.frames["coverage"]
    channel = views.channel_picker(coverage, key="ro_channel")
    st.plotly_chart(charts.coverage_figure(coverage, channel, views.coverage_labels()))
    short = coverage[coverage["shortfall"] > 0]
    st.markdown(f"**{tr('ro.shortfalls', count=len(short))}**")
    if not short.empty:
        st.dataframe(views.translated(short, COVERAGE_COLUMNS), hide_index=True)


def _text(prefix: str, english: str) -> str:
    """The translation of a scheduler phrase (``"start moved from last week"`` ->
    ``vio.start_moved_from_last_week``); the phrase itself when the catalog lacks it."""
    key = prefix + "".join(ch if ch.isalnum() else "_" for ch in english.strip().lower())
    try:
        return tr(key)
    except KeyError:
        return english


def violation_table(violations: pd.DataFrame) -> pd.DataFrame:
    """Broken soft goals with goal names and descriptions in the session's language.

    Plans saved before violations carried ``kind`` take it from the English description.
    """
    kinds = violations["kind"] if "kind" in violations else violations["description"].str.split(":").str[0]
    descriptions = []
    for row, kind in zip(violations.itertuples(), kinds):
        when = row.ds if row.ds is not None and not pd.isna(row.ds) else row.date
        subject = " ".join(str(part) for part in (row.agent_id, row.channel, when)
                           if part is not None and not pd.isna(part))
        descriptions.append(tr("ro.violation_line", kind=_text("vio.", kind), subject=subject,
                               amount=f"{row.amount:g}", unit=_text("vunit.", row.unit)))
    return violations.assign(kind=[_text("vio.", k) for k in kinds], description=descriptions,
                             goal=[_text("goal.", g) for g in violations["goal"]],
                             unit=[_text("vunit.", u) for u in violations["unit"]])


def violation_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Count, amount and penalty per goal and kind of :func:`violation_table`, largest penalty first."""
    summary = table.groupby(["goal", "kind", "unit"], as_index=False).agg(
        count=("penalty", "size"), amount=("amount", "sum"), penalty=("penalty", "sum"))
    return summary.sort_values("penalty", ascending=False, ignore_index=True)


def _violations(plan) -> None:
    violations = plan.frames.get("violations")
    if violations is None or violations.empty:
        st.success(tr("ro.no_violations"))
        return
    table = violation_table(violations)
    st.dataframe(views.translated(violation_summary(table), SUMMARY_COLUMNS), hide_index=True)
    with st.expander(tr("ro.violation_detail", count=len(table))):
        st.dataframe(views.translated(table.drop(columns="kind"), VIOLATION_COLUMNS), hide_index=True)


def _exports(plan, names: dict[str, str]) -> None:
    labels = {"agent": tr("ui.col.agent_id"), "name": tr("ro.name"), "paid_hours": tr("ui.col.paid_hours"),
              "week": tr("ro.week"), "off": tr("ro.off")}
    roster = plan.frames["roster"]

    def workbook() -> bytes:
        return exports.excel_bytes({
            **exports.roster_grids(roster, names, labels),
            "roster": roster, "breaks": plan.frames.get("breaks", roster.iloc[:0]), "coverage": plan.frames["coverage"],
        })

    views.download_buttons(f"roster-plan-{plan.id}", roster, workbook, key="ro_export")


def _lock_and_resolve(plan, names: dict[str, str]) -> None:
    roster = plan.frames["roster"].reset_index(drop=True)
    previous = plan.frames.get("roster_locks")
    locked_before = set() if previous is None else set(zip(previous["agent_id"], previous["date"].astype(str)))
    table = roster[["agent_id", "date"]].astype({"date": str}).assign(
        name=roster["agent_id"].map(names).fillna(""),
        shift=[f"{s:%H:%M}–{e:%H:%M}" for s, e in zip(roster["shift_start"], roster["shift_end"])],
    )
    table.insert(0, "lock", [(a, d) in locked_before for a, d in zip(table["agent_id"], table["date"])])
    edited = st.data_editor(
        table, hide_index=True, disabled=["agent_id", "date", "name", "shift"], key=f"ro_locks_{plan.id}",
        column_config={"lock": st.column_config.CheckboxColumn(tr("ro.lock_column"))},
    )
    chosen = roster[edited["lock"].to_numpy(dtype=bool)]
    if not st.button(tr("ro.resolve", count=len(chosen)), disabled=job_panel.busy() or chosen.empty, key="ro_resolve"):
        return
    # the stored forecast already holds the plan's overrides: do not apply them twice
    scenario = views.plan_scenario(plan).model_copy(update={"overrides": ()})
    label = tr("ro.resolved_name", count=len(chosen))
    job_panel.start(start_plan_job(
        state.store(), scenario, plan.scenario_text, label=f"{scenario.name} · {label}", name=f"{plan.name} · {label}",
        forecast_result=cached_forecast(plan.frames, plan.summary.get("selected_models", {})),
        roster_locks=chosen[["agent_id", "date", "shift_start", "shift_end"]],
        time_limit_s=st.session_state.get("sc_time_limit") or app_time_limit_s(scenario.solver.time_limit_s),
        parent_id=plan.id,
        extra_summary={key: plan.summary[key] for key in ("inputs_dir", "what_if") if key in plan.summary},
    ))
    st.rerun()


def render() -> None:
    st.title(tr("page.roster"))
    plan = views.shown_plan()
    if plan is None:
        return
    views.plan_caption(plan)
    names = _names(plan)
    st.subheader(tr("ui.chart.gantt_title"))
    _gantt(plan, names)
    st.subheader(tr("ui.chart.coverage_title"))
    _coverage(plan)
    st.subheader(tr("ro.violations_title"))
    _violations(plan)
    st.subheader(tr("ui.chart.solver_title"))
    roster = plan.summary.get("roster", {})
    if roster:
        nan = float("nan")
        st.caption(tr("ro.solver_summary", status=roster.get("status", "?"),
                      objective=views.number(roster.get("objective", nan)),
                      bound=views.number(roster.get("best_bound", nan)), gap=views.percent(roster.get("gap", nan), 2)))
    if "solver_progress" in plan.frames:
        job_panel.solver_chart(plan.frames["solver_progress"])
    st.subheader(tr("ro.lock_title"))
    st.caption(tr("ro.lock_hint"))
    _lock_and_resolve(plan, names)
    st.subheader(tr("ro.export_title"))
    st.caption(tr("ro.export_hint"))
    _exports(plan, names)


render()
