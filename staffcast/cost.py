"""Labor cost of a roster: paid hours × hourly wage × (1 + premiums).

The input is the roster's *paid timeline*: one row per agent per paid interval, with
``state`` ``work`` (serving ``channel``) or ``break`` (a paid break). Unpaid lunches are
simply absent. Premiums are fractions of the base wage:

* night: intervals starting in ``[night_start, night_end)`` (wrapping midnight);
* public holiday (statutory days, e.g. 300 % pay in China → premium 2.0) or weekend;
  the larger of the two applies, since Chinese law pays holiday work at the holiday rate
  whether or not the day falls on a weekend;
* night stacks on top of the day premium.

Cost of paid breaks is attributed to the channels the agent served that day, in
proportion to the intervals worked on each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from staffcast.scenario import CostSpec, parse_clock

COST_COLUMNS = [
    "agent_id", "contract", "date", "paid_hours", "base_cost",
    "night_premium", "day_premium", "total_cost",
]


def _in_clock_window(minutes: np.ndarray, start: int, end: int) -> np.ndarray:
    if start <= end:
        return (minutes >= start) & (minutes < end)
    return (minutes >= start) | (minutes < end)


def interval_cost(
    timeline: pd.DataFrame,
    contract_of: Mapping[str, str],
    wage_of_contract: Mapping[str, float],
    costs: CostSpec,
    public_holidays: Collection[dt.date],
    interval_min: int,
) -> pd.DataFrame:
    """Cost of each paid agent-interval; adds ``contract, hours, base_cost, night_premium,
    day_premium, total_cost`` to ``timeline`` (``agent_id, ds, state, channel``)."""
    frame = timeline.copy()
    frame["contract"] = frame["agent_id"].map(contract_of)
    unknown = frame["contract"].isna()
    if unknown.any():
        raise ValueError(f"agent_id {frame.loc[unknown, 'agent_id'].iloc[0]!r} has no contract")
    wage = frame["contract"].map(wage_of_contract).to_numpy(dtype=float)
    hours = interval_min / 60.0
    local = frame["ds"]
    minutes = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    night = _in_clock_window(
        minutes, parse_clock(costs.night_start, "night_start"), parse_clock(costs.night_end, "night_end")
    )
    dates = local.dt.date
    holiday = dates.isin(set(public_holidays)).to_numpy()
    weekend = (local.dt.day_of_week >= 5).to_numpy()
    day_rate = np.maximum(
        np.where(holiday, costs.holiday_premium_frac, 0.0),
        np.where(weekend, costs.weekend_premium_frac, 0.0),
    )
    frame["date"] = dates
    frame["hours"] = hours
    frame["base_cost"] = wage * hours
    frame["night_premium"] = wage * hours * costs.night_premium_frac * night
    frame["day_premium"] = wage * hours * day_rate
    frame["total_cost"] = frame["base_cost"] + frame["night_premium"] + frame["day_premium"]
    return frame


def cost_by_agent_day(priced: pd.DataFrame) -> pd.DataFrame:
    """Cost per agent and day (one row per worked shift)."""
    grouped = priced.groupby(["agent_id", "contract", "date"], as_index=False).agg(
        paid_hours=("hours", "sum"),
        base_cost=("base_cost", "sum"),
        night_premium=("night_premium", "sum"),
        day_premium=("day_premium", "sum"),
        total_cost=("total_cost", "sum"),
    )
    return grouped[COST_COLUMNS]


def cost_by_channel(priced: pd.DataFrame) -> pd.DataFrame:
    """Cost per channel and contract; paid breaks are shared out by the agent-day's work."""
    work = priced[priced["state"] == "work"]
    breaks = priced[priced["state"] != "work"]
    share = (
        work.groupby(["agent_id", "date", "channel"]).size()
        / work.groupby(["agent_id", "date"]).size()
    ).rename("share").reset_index()
    break_cost = breaks.groupby(["agent_id", "date"], as_index=False)[
        ["hours", "base_cost", "night_premium", "day_premium", "total_cost"]
    ].sum()
    shared = break_cost.merge(share, on=["agent_id", "date"], how="inner")
    value_columns = ["hours", "base_cost", "night_premium", "day_premium", "total_cost"]
    shared[value_columns] = shared[value_columns].mul(shared["share"], axis=0)
    contract = priced.drop_duplicates("agent_id").set_index("agent_id")["contract"]
    shared["contract"] = shared["agent_id"].map(contract)
    combined = pd.concat([work[["channel", "contract", *value_columns]], shared[["channel", "contract", *value_columns]]])
    result = combined.groupby(["channel", "contract"], as_index=False)[value_columns].sum()
    return result.rename(columns={"hours": "paid_hours"})
