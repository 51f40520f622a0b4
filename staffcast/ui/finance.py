"""Finance views of a plan's labor cost: by period and contract, by channel, overtime.

Inputs are the pipeline's ``cost`` frame (one row per agent-day: ``agent_id, contract,
date, paid_hours, base_cost, night_premium, day_premium, total_cost``) and
``cost_by_channel`` (``channel, contract, paid_hours, base_cost, night_premium,
day_premium, total_cost``); only sums and ratios are taken here.
"""

from __future__ import annotations

import pandas as pd

MONEY_COLUMNS = ["paid_hours", "base_cost", "night_premium", "day_premium", "total_cost"]
PERIODS = ("week", "month")


def cost_by_period(cost: pd.DataFrame, period: str) -> pd.DataFrame:
    """Paid hours and cost per ``period`` (``week`` = ISO week from Monday, ``month``) and contract.

    Returns ``period, contract, paid_hours, base_cost, night_premium, day_premium, total_cost``,
    ``period`` being the first date of the week or month.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {list(PERIODS)}, got {period!r}")
    dates = pd.to_datetime(cost["date"])
    start = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D") if period == "week" else dates.dt.to_period("M").dt.start_time
    grouped = cost.assign(period=start.dt.date).groupby(["period", "contract"], as_index=False)[MONEY_COLUMNS].sum()
    return grouped.sort_values(["period", "contract"], ignore_index=True)


def cost_per_contact(cost_by_channel: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """Per channel: paid hours, premiums, total cost, forecast contacts and cost per contact."""
    by_channel = cost_by_channel.groupby("channel", as_index=False)[MONEY_COLUMNS].sum()
    table = by_channel.merge(kpis[["channel", "forecast_contacts"]], on="channel", how="outer").fillna(
        {c: 0.0 for c in MONEY_COLUMNS}
    )
    contacts = table["forecast_contacts"]
    table["cost_per_contact"] = table["total_cost"] / contacts.where(contacts > 0)
    return table


def overtime(cost: pd.DataFrame, standard_week_h: float) -> pd.DataFrame:
    """Paid hours beyond ``standard_week_h`` per agent and ISO week (China's standard: 40 h).

    Returns ``agent_id, contract, week, paid_hours, overtime_hours`` for agents with overtime.
    """
    if not standard_week_h > 0:
        raise ValueError(f"standard_week_h must be > 0, got {standard_week_h!r}")
    dates = pd.to_datetime(cost["date"])
    week = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.date
    weekly = cost.assign(week=week).groupby(["agent_id", "contract", "week"], as_index=False)["paid_hours"].sum()
    weekly["overtime_hours"] = (weekly["paid_hours"] - standard_week_h).clip(lower=0)
    return weekly[weekly["overtime_hours"] > 0].reset_index(drop=True)


def totals(cost: pd.DataFrame) -> dict[str, float]:
    """Sums of paid hours, base pay, night and day premiums and total cost."""
    return {column: float(cost[column].sum()) for column in MONEY_COLUMNS}
