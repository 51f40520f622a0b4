"""Overview page: the shown plan's KPIs, forecast, requirements and roster at a glance."""

from __future__ import annotations

import streamlit as st

from staffcast.ui import charts, views
from staffcast.ui.state import tr


def render() -> None:
    st.title(tr("page.overview"))
    plan = views.shown_plan()
    if plan is None:
        return
    views.plan_caption(plan)
    views.plan_notes(plan)
    views.summary_metrics(plan)
    frames = plan.frames
    st.subheader(tr("ui.section.kpis"))
    st.dataframe(views.kpi_table(frames["kpis"], plan), hide_index=True)

    st.subheader(tr("ui.section.forecast"))
    channel = views.channel_picker(frames["forecast"], key="overview_channel")
    st.plotly_chart(charts.forecast_figure(frames["forecast"], channel, views.forecast_labels()))

    st.subheader(tr("ui.section.requirements"))
    requirements = frames["requirements"]
    st.plotly_chart(charts.heatmap_figure(
        requirements[requirements["channel"] == channel], "scheduled_required",
        views.heatmap_labels(tr("ui.chart.heatmap_title", channel=channel), tr("ui.chart.agents")),
    ))

    st.subheader(tr("ui.section.roster"))
    segments = charts.gantt_segments(frames["roster"], frames.get("breaks"))
    st.plotly_chart(charts.gantt_figure(segments, views.gantt_labels()))
    st.dataframe(views.translated(frames["roster"], views.ROSTER_COLUMNS), hide_index=True)


render()
