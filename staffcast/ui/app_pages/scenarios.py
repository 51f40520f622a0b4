"""Scenarios page: build a plan, clone it as a what-if variant, compare plans, price targets."""

from __future__ import annotations

import dataclasses
import uuid

import pandas as pd
import streamlit as st

from staffcast.errors import StaffcastError
from staffcast.i18n import error_text
from staffcast.scenario import load_scenario
from staffcast.ui import charts, job_panel, state, views
from staffcast.ui.jobs import app_time_limit_s, start_plan_job
from staffcast.ui.scenarios import (
    NewChannel,
    TargetChange,
    WhatIf,
    cached_forecast,
    compare_plans,
    relative_change,
    service_cost_curve,
    stored_scenario,
    variant_text,
    what_if_forecast,
    what_if_scenario,
)
from staffcast.ui.state import tr

KPI_FORMATS = {
    "forecast_contacts": ("number", 0), "paid_hours": ("number", 1), "agents_rostered": ("number", 0),
    "scheduled_agent_hours": ("number", 1), "service_level": ("percent", 1), "abandon_rate": ("percent", 1),
    "total_cost": ("money", 2), "cost_per_contact": ("money", 2),
}


def _build_section() -> None:
    st.subheader(tr("sc.build_title"))
    path = state.scenario_path()
    scenario, text = load_scenario(path)
    st.caption(tr("sc.working_scenario", name=scenario.name, path=str(path)))
    cols = st.columns(2)
    default_limit = app_time_limit_s(scenario.solver.time_limit_s)
    limit = cols[0].number_input(tr("sc.time_limit"), 5.0, 3600.0, default_limit, 5.0, key="sc_time_limit")
    replications = cols[1].number_input(tr("sc.replications"), 1, 1000, int(scenario.simulation.replications),
                                        key="sc_replications")
    if st.button(tr("sc.build"), type="primary", disabled=job_panel.busy(), key="sc_build", icon=":material/play_arrow:"):
        job_panel.start(start_plan_job(
            state.store(), scenario, text, label=scenario.name, time_limit_s=limit, replications=int(replications),
            extra_summary={"inputs_dir": str(path.parent)},
        ))
        st.rerun()


def _targets_editor(base) -> tuple[TargetChange, ...]:
    table = pd.DataFrame([
        {"channel": name, "service_level_pct": 100 * spec.service_level, "answer_s": spec.answer_s}
        for name, spec in base.channels.items()
    ])
    edited = st.data_editor(
        table, hide_index=True, disabled=["channel"], key="sc_targets",
        column_config={
            "channel": st.column_config.TextColumn(tr("kpi.channel")),
            "service_level_pct": st.column_config.NumberColumn(tr("sc.target_sl"), min_value=1.0, max_value=100.0, step=1.0),
            "answer_s": st.column_config.NumberColumn(tr("sc.target_answer"), min_value=1.0, step=5.0),
        },
    )
    changes = []
    for row, old in zip(edited.itertuples(), table.itertuples()):
        if (row.service_level_pct, row.answer_s) != (old.service_level_pct, old.answer_s):
            changes.append(TargetChange(row.channel, row.service_level_pct / 100, float(row.answer_s)))
    return tuple(changes)


def _new_channel_fields(base) -> tuple[NewChannel, ...]:
    """Inputs for opening a new channel (inside the variant form); empty name = none."""
    sources = list(base.history_channels)
    with st.expander(tr("sc.new_channel")):
        cols = st.columns(3)
        name = cols[0].text_input(tr("sc.new_channel_name"), value="", key="sc_new_name").strip()
        kind = cols[1].selectbox(tr("sc.new_channel_kind"), ["social", "chat", "voice", "email"], key="sc_new_kind")
        source = cols[2].selectbox(tr("sc.new_channel_from"), sources, key="sc_new_from")
        cols = st.columns(3)
        share = cols[0].number_input(tr("sc.new_channel_share"), 1.0, 500.0, 20.0, 5.0, key="sc_new_share")
        aht = cols[1].number_input(tr("sc.new_channel_aht"), 10.0, 7200.0, 300.0, 10.0, key="sc_new_aht")
        hours = cols[2].text_input(tr("sc.new_channel_open"), value="08:00-22:00", key="sc_new_open")
        cols = st.columns(4)
        level = cols[0].number_input(tr("sc.new_channel_sl"), 1.0, 100.0, 80.0, 1.0, key="sc_new_sl")
        answer = cols[1].number_input(tr("sc.new_channel_answer"), 1.0, 86400.0, 60.0, 5.0, key="sc_new_answer")
        patience = cols[2].number_input(tr("sc.new_channel_patience"), 1.0, 86400.0, 300.0, 10.0, key="sc_new_patience")
        concurrency = cols[3].number_input(tr("sc.new_channel_concurrency"), 1, 10, 1, 1, key="sc_new_conc")
        trained = st.selectbox(tr("sc.new_channel_trained"), ["", *base.channels], key="sc_new_trained")
    if not name:
        return ()
    return (NewChannel(
        name=name, kind=kind, derive_from=source, share=share / 100, aht_s=aht, service_level=level / 100,
        answer_s=answer, patience_s=None if kind == "email" else patience,
        concurrency=1 if kind in ("voice", "email") else int(concurrency), open=hours, trained_from=trained or None,
    ),)


def _what_if_form(base) -> WhatIf | None:
    channels = list(base.channels)
    contracts = list(base.contracts)
    with st.form("sc_variant"):
        name = st.text_input(tr("sc.variant_name"), value=tr("sc.variant_default"))
        cols = st.columns(3)
        volume = cols[0].number_input(tr("sc.volume_pct"), -90.0, 500.0, 0.0, 5.0)
        aht = cols[1].number_input(tr("sc.aht_pct"), -90.0, 500.0, 0.0, 5.0)
        deflection = cols[2].number_input(tr("sc.deflection_pct"), 0.0, 95.0, 0.0, 5.0)
        bots = [c for c, spec in base.channels.items() if spec.kind in ("chat", "social")]
        deflect = st.multiselect(tr("sc.deflect_channels"), channels, default=bots)
        cols = st.columns(3)
        absence = cols[0].number_input(tr("sc.absence_pct"), 0.0, 80.0, 100 * base.shrinkage.absence_frac, 1.0)
        meetings = cols[1].number_input(tr("sc.meetings_pct"), 0.0, 80.0, 100 * base.shrinkage.meetings_frac, 1.0)
        surge = cols[2].number_input(tr("sc.surge_pct"), 0.0, 99.0, 100 * base.shrinkage.surge_buffer_frac, 1.0)
        st.caption(tr("sc.targets_hint"))
        targets = _targets_editor(base)
        cols = st.columns(3)
        added = cols[0].number_input(tr("sc.added_agents"), 0, 500, 0, 1)
        contract = cols[1].selectbox(tr("ui.col.contract"), contracts)
        skills = cols[2].text_input(tr("sc.added_skills"), value=f"{channels[0]}:1")
        new_channels = _new_channel_fields(base)
        submitted = st.form_submit_button(tr("sc.build_variant"), type="primary", disabled=job_panel.busy())
    if not submitted:
        return None
    def changed(percent: float, base_frac: float) -> float | None:  # None keeps the base value
        return None if abs(percent / 100 - base_frac) < 1e-9 else percent / 100

    return WhatIf(
        name=name, volume_change_frac=volume / 100, aht_change_frac=aht / 100, bot_deflection_frac=deflection / 100,
        deflect_channels=tuple(deflect) if deflection else (), targets=targets,
        absence_frac=changed(absence, base.shrinkage.absence_frac),
        meetings_frac=changed(meetings, base.shrinkage.meetings_frac),
        surge_buffer_frac=changed(surge, base.shrinkage.surge_buffer_frac),
        added_agents=int(added), added_contract=contract if added else None, added_skills=skills if added else None,
        new_channels=new_channels,
    )


def _variant_section(plan) -> None:
    st.subheader(tr("sc.variant_title"))
    st.caption(tr("sc.variant_hint", plan_id=plan.id, name=plan.name))
    try:
        base = stored_scenario(plan.scenario_text, plan.summary, state.scenario_path().parent, state.work_dir())
    except StaffcastError as error:  # the plan's input files are gone: the rest of the page still works
        st.warning(error_text(error, state.lang()))
        return
    try:
        what_if = _what_if_form(base)
        if what_if is None:
            return
        scenario = what_if_scenario(base, what_if, state.work_dir() / f"variant-{uuid.uuid4().hex[:8]}")
    except StaffcastError as error:  # a bad form value: shown under the form, in the planner's language
        st.error(error_text(error, state.lang()))
        return
    cached = cached_forecast(plan.frames, plan.summary.get("selected_models", {}))
    forecast = what_if_forecast(cached.forecast, what_if)
    summary = {"inputs_dir": plan.summary.get("inputs_dir") or str(state.scenario_path().parent),
               "what_if": [*plan.summary.get("what_if", []), what_if.describe()]}
    job_panel.start(start_plan_job(
        state.store(), scenario, variant_text(plan.scenario_text, what_if), label=scenario.name,
        name=f"{plan.name} · {what_if.name}", forecast_result=dataclasses.replace(cached, forecast=forecast),
        time_limit_s=st.session_state.get("sc_time_limit"), replications=st.session_state.get("sc_replications"),
        parent_id=plan.id, extra_summary=summary,
    ))
    st.rerun()


def _formatted(table: pd.DataFrame, plan) -> pd.DataFrame:
    out = table.astype(object)
    for key, (kind, decimals) in KPI_FORMATS.items():
        if key not in out.index:
            continue
        fmt = {"number": lambda v: views.number(v, decimals), "percent": lambda v: views.percent(v, decimals),
               "money": lambda v: views.money(v, plan) if pd.notna(v) else "–"}[kind]
        out.loc[key] = [fmt(v) for v in table.loc[key]]
    return out.rename(index={key: tr(f"sc.kpi.{key}") for key in out.index})


def _compare_section(plan, plans: pd.DataFrame) -> None:
    st.subheader(tr("sc.compare_title"))
    ids = [int(i) for i in plans["id"]]
    names = dict(zip(ids, plans["name"]))
    if plan.parent_id in ids:  # a variant: compare the plan it was cloned from with it
        default = [plan.parent_id, plan.id]
    else:
        default = [plan.id, next(i for i in ids if i != plan.id)] if len(ids) > 1 else [plan.id]
    chosen = st.multiselect(tr("sc.compare_pick"), ids, default=default, format_func=lambda i: f"#{i} {names[i]}",
                            key=f"sc_compare_{plan.id}")  # a fresh choice for each shown plan
    if len(chosen) < 2:
        st.info(tr("sc.compare_need_two"))
        return
    loaded = {f"#{i} {names[i]}": state.load_plan(i) for i in chosen}
    table = compare_plans({label: (p.summary, p.frames["kpis"]) for label, p in loaded.items()})
    st.dataframe(_formatted(table, plan))
    change = relative_change(table)
    st.caption(tr("sc.change_vs_first"))
    st.dataframe(change.apply(lambda column: column.map(lambda v: views.percent(v, 1))).rename(
        index={key: tr(f"sc.kpi.{key}") for key in change.index}))


def _curve_section(plan) -> None:
    st.subheader(tr("sc.curve_title"))
    st.caption(tr("sc.curve_hint"))
    low, high = st.slider(tr("sc.curve_range"), 50, 99, (70, 95), 1, key="sc_curve_range")
    if not st.button(tr("sc.curve_compute"), key="sc_curve"):
        return
    try:
        base = stored_scenario(plan.scenario_text, plan.summary, state.scenario_path().parent, state.work_dir())
    except StaffcastError as error:
        st.warning(error_text(error, state.lang()))
        return
    paid = float(plan.summary.get("paid_hours") or 0)
    per_hour = float(plan.summary.get("total_cost", 0)) / paid if paid else 0.0
    levels = [level / 100 for level in range(low, high + 1, max(1, (high - low) // 8))]
    curve = service_cost_curve(base, plan.frames["forecast"], levels, per_hour)
    curve["label"] = [views.percent(v, 0) for v in curve["service_level"]]
    labels = {"title": tr("sc.curve_title"), "x": tr("sc.target_sl"), "y": tr("sc.estimated_cost")}
    st.plotly_chart(charts.curve_figure(curve, "service_level", "estimated_cost", labels))
    shown = curve.drop(columns="label").assign(
        service_level=curve["label"], required_hours=[views.number(v, 1) for v in curve["required_hours"]],
        scheduled_hours=[views.number(v, 1) for v in curve["scheduled_hours"]],
        estimated_cost=[views.money(v, plan) for v in curve["estimated_cost"]])
    st.dataframe(views.translated(shown, {
        "service_level": "sc.target_sl", "required_hours": "sc.required_hours",
        "scheduled_hours": "sc.scheduled_hours", "estimated_cost": "sc.estimated_cost"}), hide_index=True)


def render() -> None:
    st.title(tr("page.scenarios"))
    _build_section()
    plan = views.shown_plan()
    if plan is None:
        return
    _variant_section(plan)
    _compare_section(plan, state.list_plans())
    _curve_section(plan)


render()
