"""Finance page: labor cost by week and month, by channel and contract, per contact; export."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from staffcast.ui import exports, finance, views
from staffcast.ui.state import tr

MONEY = {"base_cost", "night_premium", "day_premium", "total_cost", "cost_per_contact"}
COLUMNS = {
    "period": "fi.period", "contract": "ui.col.contract", "channel": "kpi.channel", "paid_hours": "ui.col.paid_hours",
    "base_cost": "fi.base_cost", "night_premium": "fi.night_premium", "day_premium": "fi.day_premium",
    "total_cost": "fi.total_cost", "forecast_contacts": "kpi.forecast_contacts", "cost_per_contact": "ui.kpi.cost_per_contact",
    "agent_id": "ui.col.agent_id", "week": "ro.week", "overtime_hours": "fi.overtime_hours",
}


def _shown(frame, plan):
    out = frame.copy()
    for column in out.columns:
        if column in MONEY:
            out[column] = [views.money(v, plan) if v == v else "–" for v in out[column]]
        elif column in ("paid_hours", "overtime_hours", "forecast_contacts"):
            out[column] = [views.number(v, 1) for v in out[column]]
    return views.translated(out, COLUMNS)


def _by_period(plan) -> None:
    names = {p: tr(f"fi.by_{p}") for p in finance.PERIODS}  # texts fixed now, not at format time
    period = st.radio(tr("fi.period"), finance.PERIODS, format_func=names.get, horizontal=True, key="fi_period")
    table = finance.cost_by_period(plan.frames["cost"], period)
    fig = go.Figure([go.Bar(x=rows["period"].astype(str), y=rows["total_cost"], name=contract)
                     for contract, rows in table.groupby("contract")])
    fig.update_layout(barmode="stack", title=tr("fi.cost_by_period"), xaxis_title=tr("fi.period"),
                      yaxis_title=tr("fi.total_cost"), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      xaxis_type="category")
    st.plotly_chart(fig)
    st.dataframe(_shown(table, plan), hide_index=True)


def render() -> None:
    st.title(tr("page.finance"))
    plan = views.shown_plan()
    if plan is None:
        return
    views.plan_caption(plan)
    totals = finance.totals(plan.frames["cost"])
    cols = st.columns(4)
    cols[0].metric(tr("fi.total_cost"), views.money(totals["total_cost"], plan))
    cols[1].metric(tr("fi.base_cost"), views.money(totals["base_cost"], plan))
    cols[2].metric(tr("fi.premiums"), views.money(totals["night_premium"] + totals["day_premium"], plan))
    cols[3].metric(tr("ui.col.paid_hours"), views.number(totals["paid_hours"], 1))

    st.subheader(tr("fi.by_period_title"))
    _by_period(plan)
    st.subheader(tr("fi.by_channel_title"))
    per_contact = finance.cost_per_contact(plan.frames["cost_by_channel"], plan.frames["kpis"])
    st.dataframe(_shown(per_contact, plan), hide_index=True)
    st.dataframe(_shown(plan.frames["cost_by_channel"], plan), hide_index=True)

    st.subheader(tr("fi.overtime_title"))
    standard = st.number_input(tr("fi.standard_week"), 1.0, 80.0, 40.0, 1.0, key="fi_standard")
    extra = finance.overtime(plan.frames["cost"], standard)
    if extra.empty:
        st.success(tr("fi.no_overtime", hours=views.number(standard)))
    else:
        st.dataframe(_shown(extra, plan), hide_index=True)

    st.subheader(tr("fi.export_title"))
    sheets = {"by_week": finance.cost_by_period(plan.frames["cost"], "week"),
              "by_month": finance.cost_by_period(plan.frames["cost"], "month"),
              "by_channel": per_contact, "by_channel_contract": plan.frames["cost_by_channel"],
              "by_agent_day": plan.frames["cost"], "overtime": extra}
    views.download_buttons(f"labor-cost-plan-{plan.id}", plan.frames["cost"], lambda: exports.excel_bytes(sheets),
                           key="fi_export")


render()
