"""Widgets shared by several pages: the shown plan, KPI tables and chart labels.

Everything here formats or lays out numbers the packages computed; nothing computes them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from staffcast.i18n import error_text, format_money, format_number, format_percent, render
from staffcast.storage import StoredPlan
from staffcast.ui import state
from staffcast.ui.charts import WEEKDAY_KEYS
from staffcast.ui.state import tr


def shown_plan() -> StoredPlan | None:
    """The plan picked in the sidebar (latest by default), or None with a hint when there is none."""
    plan_id = st.session_state.get("plan_pick")
    if plan_id is None:
        st.info(tr("app.no_plans"))
        return None
    return state.load_plan(plan_id)


def scenario_language(scenario_text: str) -> str | None:
    """The ``language`` field of a scenario's TOML text, if it parses."""
    try:
        return tomllib.loads(scenario_text).get("language")
    except tomllib.TOMLDecodeError:
        return None


def currency(plan: StoredPlan) -> str:
    return plan.summary.get("currency", "CNY")


def money(value: float, plan: StoredPlan) -> str:
    return format_money(value, currency(plan), state.lang())


def number(value: float, decimals: int = 0) -> str:
    return "–" if pd.isna(value) else format_number(value, state.lang(), decimals)


def percent(value: float, decimals: int = 1) -> str:
    return "–" if pd.isna(value) else format_percent(value, state.lang(), decimals)


def kpi_table(kpis: pd.DataFrame, plan: StoredPlan) -> pd.DataFrame:
    """The per-channel KPI frame with translated headers and locale-formatted values."""
    rows = []
    for row in kpis.itertuples():
        rows.append({
            tr("kpi.channel"): row.channel,
            tr("kpi.forecast_contacts"): number(row.forecast_contacts),
            tr("kpi.required_hours"): number(row.required_scheduled_hours, 1),
            tr("kpi.scheduled_hours"): number(row.scheduled_agent_hours, 1),
            tr("kpi.service_level"): f"{percent(row.simulated_service_level)} "
            f"[{percent(row.service_level_lo)}–{percent(row.service_level_hi)}]",
            tr("kpi.target"): f"{percent(row.service_level_target, 0)} / {row.target_label}",
            tr("kpi.abandon"): percent(row.abandon_rate),
            tr("ui.kpi.asa"): number(row.asa_s, 0),
            tr("ui.kpi.occupancy"): percent(row.occupancy),
            tr("ui.kpi.cost"): money(row.labor_cost, plan),
            tr("ui.kpi.cost_per_contact"): money(row.cost_per_contact, plan) if pd.notna(row.cost_per_contact) else "–",
        })
    return pd.DataFrame(rows)


def summary_metrics(plan: StoredPlan) -> None:
    """Headline numbers of a plan as ``st.metric`` tiles."""
    summary = plan.summary
    roster = summary.get("roster", {})
    cols = st.columns(4)
    cols[0].metric(tr("ui.metric.total_cost"), money(summary.get("total_cost", float("nan")), plan))
    cols[1].metric(tr("ui.metric.contacts"), number(summary.get("forecast_contacts", float("nan"))))
    cols[2].metric(tr("ui.metric.paid_hours"), number(summary.get("paid_hours", float("nan")), 1))
    cols[3].metric(tr("ui.metric.agents"), number(roster.get("agents_rostered", float("nan"))))
    if roster:
        st.caption(tr("ui.roster_status", status=roster.get("status", "?"), gap=percent(roster.get("gap", float("nan")), 2),
                      shifts=roster.get("shifts", 0)))


def plan_caption(plan: StoredPlan) -> None:
    """Which plan is shown, and for a what-if variant the changes it was built with."""
    st.caption(tr("ui.plan_caption", plan_id=plan.id, name=plan.name,
                  created=f"{plan.created_at:%Y-%m-%d %H:%M}", fingerprint=plan.fingerprint[:12]))
    for change in plan.summary.get("what_if", ()):
        st.caption(tr("ui.variant_of", parent_id=plan.parent_id or "?", name=change.get("name", ""),
                      changes="; ".join(describe_what_if(change))))


def plan_notes(plan: StoredPlan) -> None:
    """The data notes saved with the plan (rows left out, missing data), in the planner's
    language; a plan saved with English text notes shows them as they are."""
    for note in plan.notes:
        st.info(tr("ui.note", note=render(note, state.lang())), icon=":material/info:")


WHAT_IF_FRACTIONS = {
    "volume_change_frac": "sc.volume_pct", "aht_change_frac": "sc.aht_pct", "bot_deflection_frac": "sc.deflection_pct",
    "absence_frac": "sc.absence_pct", "meetings_frac": "sc.meetings_pct", "surge_buffer_frac": "sc.surge_pct",
}


def describe_what_if(change: Mapping) -> list[str]:
    """The changes of a stored what-if variant in words, e.g. ``Volume change (%): +30%``."""
    parts = [
        f"{tr(key)}: {100 * change[field]:+.0f}%" if field.endswith("change_frac")
        else f"{tr(key)}: {percent(change[field], 0)}"
        for field, key in WHAT_IF_FRACTIONS.items() if change.get(field)
    ]
    if change.get("deflect_channels") and change.get("bot_deflection_frac"):
        parts.append(f"{tr('sc.deflect_channels')}: {', '.join(change['deflect_channels'])}")
    parts += [f"{target['channel']} {percent(target['service_level'], 0)} / {target['answer_s']:g} s"
              for target in change.get("targets", ())]
    if change.get("added_agents"):
        parts.append(f"{tr('sc.added_agents')}: {change['added_agents']} ({change['added_contract']}, {change['added_skills']})")
    return parts


def channel_picker(frame: pd.DataFrame, key: str) -> str:
    """A channel selector over the channels of ``frame``."""
    channels = list(dict.fromkeys(frame["channel"]))
    return st.selectbox(tr("kpi.channel"), channels, key=key)


def forecast_labels() -> dict[str, str]:
    return {"title": tr("ui.chart.forecast_title"), "x": tr("ui.chart.time"), "y": tr("ui.chart.contacts"),
            "band": tr("ui.chart.band"), "forecast": tr("ui.chart.forecast"), "history": tr("ui.chart.history")}


def heatmap_labels(title: str, value: str) -> dict[str, str]:
    labels = {"title": title, "x": tr("ui.chart.weekday"), "y": tr("ui.chart.time_of_day"), "value": value}
    labels.update({f"weekday.{d}": tr(f"ui.weekday.{d}") for d in WEEKDAY_KEYS})
    return labels


def gantt_labels() -> dict[str, str]:
    return {"title": tr("ui.chart.gantt_title"), "x": tr("ui.chart.time"), "y": tr("ui.chart.agent"),
            "kind.shift": tr("ui.chart.shift"), "kind.lunch": tr("ui.chart.lunch"), "kind.break": tr("ui.chart.break")}


def coverage_labels() -> dict[str, str]:
    return {"title": tr("ui.chart.coverage_title"), "x": tr("ui.chart.time"), "y": tr("ui.chart.agents"),
            "required": tr("ui.chart.required"), "scheduled": tr("ui.chart.scheduled"), "shortfall": tr("ui.chart.shortfall")}


def solver_labels() -> dict[str, str]:
    return {"title": tr("ui.chart.solver_title"), "x": tr("ui.chart.seconds"), "y": tr("ui.chart.points"),
            "objective": tr("ui.chart.objective"), "bound": tr("ui.chart.bound")}


def translated(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with the columns in ``names`` renamed to their texts (``{column: key}``)."""
    return frame.rename(columns={column: tr(key) for column, key in names.items() if column in frame.columns})


ROSTER_COLUMNS = {
    "agent_id": "ui.col.agent_id", "date": "ui.col.date", "shift_start": "ui.col.shift_start",
    "shift_end": "ui.col.shift_end", "paid_hours": "ui.col.paid_hours", "breaks": "ui.col.breaks",
    "contract": "ui.col.contract",
}


def plan_scenario(plan: StoredPlan):
    """The scenario the shown plan was built from (inputs from its folder or the working one)."""
    from staffcast.ui.scenarios import stored_scenario

    return stored_scenario(plan.scenario_text, plan.summary, plan_inputs_dir(plan), state.work_dir())


def plan_scenario_or_warning(plan: StoredPlan):
    """:func:`plan_scenario`, or ``None`` with a warning on the page when its inputs are gone."""
    from staffcast.errors import StaffcastError

    try:
        return plan_scenario(plan)
    except (StaffcastError, OSError) as error:
        st.warning(error_text(error, state.lang()))
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _history(path: str, mtime: float, timezone: str, channels: tuple[str, ...], days: int) -> pd.DataFrame:
    from zoneinfo import ZoneInfo

    from staffcast.loading import read_history

    frame = read_history(Path(path), ZoneInfo(timezone), dict.fromkeys(channels)).frame
    return frame[frame["ds"] >= frame["ds"].max() - pd.Timedelta(days=days)]


def recent_history(scenario, days: int = 28) -> pd.DataFrame:
    """The last ``days`` days of the scenario's history (cached per file version)."""
    path = Path(scenario.history)
    return _history(str(path), path.stat().st_mtime, scenario.timezone, tuple(scenario.channels), days)


def names_of(scenario) -> dict[str, str]:
    """Display name per agent id from the scenario's agents file (empty if unreadable)."""
    try:
        agents = pd.read_csv(scenario.agents, dtype=str, keep_default_na=False) if str(scenario.agents).endswith(
            (".csv", ".gz")) else pd.read_excel(scenario.agents, dtype=str)
    except (OSError, ValueError):
        return {}
    return dict(zip(agents["agent_id"], agents.get("name", agents["agent_id"])))


def download_buttons(stem: str, csv_frame: pd.DataFrame, excel: Callable[[], bytes], key: str) -> None:
    """A CSV and an Excel download side by side; files are made only when clicked."""
    from staffcast.ui.exports import csv_bytes

    cols = st.columns(2)
    cols[0].download_button(tr("ui.download_csv"), lambda: csv_bytes(csv_frame), f"{stem}.csv", "text/csv",
                            key=f"{key}_csv", icon=":material/download:")
    cols[1].download_button(tr("ui.download_excel"), excel, f"{stem}.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
                            icon=":material/download:")


def plan_inputs_dir(plan: StoredPlan) -> Path:
    """Folder of the plan's input files: recorded by the app, else the working scenario's."""
    return Path(plan.summary.get("inputs_dir") or state.scenario_path().parent)
