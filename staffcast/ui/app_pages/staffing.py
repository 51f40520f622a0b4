"""Staffing page: targets, weekday × interval heatmap, Erlang C vs A vs simulation, risk."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from staffcast.ui import charts, queueing, views
from staffcast.ui.state import tr

TARGET_COLUMNS = {
    "channel": "kpi.channel", "kind": "st.kind", "mode": "st.mode", "service_level": "sc.target_sl",
    "answer_s": "sc.target_answer", "patience_s": "st.patience", "max_occupancy": "st.max_occupancy",
    "max_abandon": "st.max_abandon", "concurrency": "st.concurrency", "shrinkage": "st.shrinkage",
    "surge_buffer": "sc.surge_pct",
}
METRICS = ("scheduled_required", "required_agents", "volume", "occupancy")


def _targets(scenario) -> None:
    shrinkage = scenario.shrinkage
    rows = [{
        "channel": name, "kind": spec.kind, "mode": spec.mode, "service_level": views.percent(spec.service_level, 0),
        "answer_s": spec.answer_s, "patience_s": spec.patience_s, "max_occupancy": views.percent(spec.max_occupancy, 0),
        "max_abandon": views.percent(spec.max_abandon_frac, 0) if spec.max_abandon_frac is not None else "–",
        "concurrency": spec.concurrency, "shrinkage": views.percent(shrinkage.shrinkage_frac, 0),
        "surge_buffer": views.percent(shrinkage.surge_buffer_frac, 0),
    } for name, spec in scenario.channels.items()]
    st.dataframe(views.translated(pd.DataFrame(rows), TARGET_COLUMNS), hide_index=True)
    st.caption(tr("st.targets_hint"))


def _heatmap(plan) -> None:
    requirements = plan.frames["requirements"]
    cols = st.columns(2)
    with cols[0]:
        channel = views.channel_picker(requirements, key="st_channel")
    names = {m: tr(f"st.metric_{m}") for m in METRICS}
    metric = cols[1].selectbox(tr("st.metric"), METRICS, format_func=names.get, key="st_metric")
    rows = requirements[requirements["channel"] == channel]
    st.plotly_chart(charts.heatmap_figure(rows, metric, views.heatmap_labels(
        tr("st.heatmap_title", channel=channel, metric=tr(f"st.metric_{metric}")), tr(f"st.metric_{metric}"))))


def _models(plan, scenario) -> None:
    live = [c for c in scenario.channels if queueing.comparable(scenario, c)]
    if not live:
        st.info(tr("st.models_none"))
        return
    cols = st.columns(3)
    channel = cols[0].selectbox(tr("kpi.channel"), live, key="st_model_channel")
    day = cols[1].selectbox(tr("ui.col.date"), scenario.days, key="st_model_day")
    replications = cols[2].number_input(tr("sc.replications"), 1, 50, 5, key="st_model_reps")
    if not st.button(tr("st.models_run"), key="st_models"):
        st.caption(tr("st.models_hint"))
        return
    with st.spinner(tr("st.models_running")):
        table = queueing.compare_models(scenario, plan.frames["forecast"], channel, day, int(replications))
    fig = go.Figure([go.Scatter(x=table["ds"], y=table[m], name=tr(f"st.model_{m}"), line={"shape": "hv"})
                     for m in ("erlang_c", "erlang_a", "simulated")])
    fig.update_layout(title=tr("st.models_title", channel=channel), xaxis_title=tr("ui.chart.time"),
                      yaxis_title=tr("ui.chart.agents"), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(fig)
    st.dataframe(views.translated(table, {"ds": "ui.col.interval", "volume": "ui.chart.contacts", "aht_s": "st.aht",
                                          "erlang_c": "st.model_erlang_c", "erlang_a": "st.model_erlang_a",
                                          "simulated": "st.model_simulated"}), hide_index=True)


def _risk(plan) -> None:
    daily = plan.frames.get("simulation_daily")
    if daily is None or daily.empty:
        st.info(tr("st.no_simulation"))
        return
    shown = daily.assign(service_level=[views.percent(v) for v in daily["service_level"]],
                         p_meet_target=[views.percent(v, 0) for v in daily["p_meet_target"]])
    st.dataframe(views.translated(shown, {"channel": "kpi.channel", "date": "ui.col.date",
                                          "service_level": "sc.kpi.service_level", "p_meet_target": "st.p_meet"}),
                 hide_index=True)
    st.caption(tr("st.risk_hint"))


def render() -> None:
    st.title(tr("page.staffing"))
    plan = views.shown_plan()
    if plan is None:
        return
    views.plan_caption(plan)
    scenario = views.plan_scenario_or_warning(plan)
    if scenario is not None:
        st.subheader(tr("st.targets_title"))
        _targets(scenario)
    st.subheader(tr("st.heatmap_section"))
    _heatmap(plan)
    if scenario is not None:
        st.subheader(tr("st.models_section"))
        _models(plan, scenario)
    st.subheader(tr("st.risk_title"))
    _risk(plan)


render()
