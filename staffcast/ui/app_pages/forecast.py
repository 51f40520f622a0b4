"""Forecast page: history, forecast and bands per channel; backtest; events and overrides."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from staffcast.errors import StaffcastError
from staffcast.i18n import error_text
from staffcast.scenario import parse_scenario
from staffcast.ui import charts, job_panel, state, views
from staffcast.ui.jobs import start_plan_job
from staffcast.ui.scenarios import calendar_from_tables, with_calendar
from staffcast.ui.state import tr

BACKTEST_COLUMNS = {
    "channel": "kpi.channel", "model": "fc.model", "wape": "fc.wape", "mase": "fc.mase", "bias": "fc.bias",
    "coverage_80": "fc.coverage_80", "selected": "fc.selected",
}


def _chart(plan, scenario) -> None:
    forecast = plan.frames["forecast"]
    channel = views.channel_picker(forecast, key="fc_channel")
    history = None
    if scenario is not None and st.toggle(tr("fc.show_history"), value=True, key="fc_history"):
        history = views.recent_history(scenario)
    st.plotly_chart(charts.forecast_figure(forecast, channel, views.forecast_labels(), history))
    selected = plan.summary.get("selected_models", {}).get(channel)
    if selected:
        st.caption(tr("fc.selected_model", channel=channel, model=selected))


def _backtest(plan) -> None:
    backtest = plan.frames.get("backtest")
    if backtest is None or backtest.empty:
        st.info(tr("fc.no_backtest"))
        return
    shown = backtest[[c for c in BACKTEST_COLUMNS if c in backtest.columns]]
    st.dataframe(views.translated(shown, BACKTEST_COLUMNS), hide_index=True)
    st.caption(tr("fc.backtest_hint"))


def _calendar_tables(scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    events = pd.DataFrame(
        [{"name": e.name, "dates": "; ".join(d.isoformat() for d in e.dates), "pre_days": e.pre_days, "post_days": e.post_days}
         for e in scenario.events], columns=["name", "dates", "pre_days", "post_days"])
    overrides = pd.DataFrame(
        [{"date": o.date, "channel": o.channel, "factor": o.factor, "start": o.start, "end": o.end} for o in scenario.overrides],
        columns=["date", "channel", "factor", "start", "end"])
    overrides["date"] = pd.to_datetime(overrides["date"]).dt.date
    return events, overrides


def _calendar(plan, scenario) -> None:
    events, overrides = _calendar_tables(scenario)
    st.caption(tr("fc.events_hint"))
    edited_events = st.data_editor(events, num_rows="dynamic", hide_index=True, key="fc_events", column_config={
        "name": st.column_config.TextColumn(tr("fc.event_name")), "dates": st.column_config.TextColumn(tr("fc.event_dates")),
        "pre_days": st.column_config.NumberColumn(tr("fc.pre_days"), min_value=0, max_value=60, step=1),
        "post_days": st.column_config.NumberColumn(tr("fc.post_days"), min_value=0, max_value=60, step=1)})
    st.caption(tr("fc.overrides_hint"))
    edited_overrides = st.data_editor(overrides, num_rows="dynamic", hide_index=True, key="fc_overrides", column_config={
        "date": st.column_config.DateColumn(tr("ui.col.date")),
        "channel": st.column_config.SelectboxColumn(tr("kpi.channel"), options=list(scenario.channels)),
        "factor": st.column_config.NumberColumn(tr("fc.factor"), min_value=0.0, step=0.1),
        "start": st.column_config.TextColumn(tr("fc.start")), "end": st.column_config.TextColumn(tr("fc.end"))})
    if not st.button(tr("fc.replan"), disabled=job_panel.busy(), key="fc_replan", icon=":material/refresh:"):
        return
    try:
        new_events, new_overrides = calendar_from_tables(edited_events, edited_overrides)
        text = with_calendar(plan.scenario_text, new_events, new_overrides)
        folder = views.plan_inputs_dir(plan)
        new_scenario = parse_scenario(text, source=tr("fc.edited_scenario"), base_dir=folder)
    except (ValueError, StaffcastError) as error:
        st.error(error_text(error, state.lang()))
        return
    job_panel.start(start_plan_job(state.store(), new_scenario, text, label=new_scenario.name,
                                   extra_summary={"inputs_dir": str(folder)}))
    st.rerun()


def render() -> None:
    st.title(tr("page.forecast"))
    plan = views.shown_plan()
    if plan is None:
        return
    views.plan_caption(plan)
    scenario = views.plan_scenario_or_warning(plan)
    _chart(plan, scenario)
    st.subheader(tr("fc.backtest_title"))
    _backtest(plan)
    if scenario is not None:
        st.subheader(tr("fc.calendar_title"))
        _calendar(plan, scenario)


render()
