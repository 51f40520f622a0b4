"""Shrinkage, surge buffer, agent-hours and FTE."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from staffing import Shrinkage, agent_hours, scheduled_agents, shrinkage_per_interval


def test_total_is_planned_plus_unplanned_and_validates():
    s = Shrinkage(planned_frac=0.05, unplanned_frac=0.08, surge_buffer_frac=0.10)
    assert s.total_frac == pytest.approx(0.13)
    with pytest.raises(ValueError, match="planned_frac"):
        Shrinkage(planned_frac=1.2)
    with pytest.raises(ValueError, match="unplanned_frac"):
        Shrinkage(unplanned_frac=-0.1)
    with pytest.raises(ValueError, match="surge_buffer_frac"):
        Shrinkage(surge_buffer_frac=2.0)
    with pytest.raises(ValueError, match="must be < 1"):
        Shrinkage(planned_frac=0.6, unplanned_frac=0.5)


def test_scheduled_agents_formula_and_oracle():
    # pyworkforce / CRAN ErlangC examples: 14 productive, 30 % shrinkage -> 20; 15 -> 22
    assert scheduled_agents([14, 15], 0.3).tolist() == [20, 22]
    # exact multiples do not round up through floating error: 87 x 1/0.87 = 100
    assert scheduled_agents(87, 0.13).item() == 100
    got = scheduled_agents(np.array([0, 10, 33]), np.array([0.1, 0.2, 0.3]), 0.1)
    assert got.tolist() == [0, int(np.ceil(10 * 1.1 / 0.8)), int(np.ceil(33 * 1.1 / 0.7))]
    with pytest.raises(ValueError, match="shrinkage_frac"):
        scheduled_agents(5, 1.0)
    with pytest.raises(ValueError, match="required_agents"):
        scheduled_agents(-1, 0.1)


def test_shrinkage_per_day_and_per_interval():
    ds = pd.Series(pd.date_range("2026-11-30", periods=192, freq="15min", tz="Asia/Shanghai"))
    per_day = shrinkage_per_interval(ds, {dt.date(2026, 11, 30): 0.2}, default_frac=0.1)
    assert (per_day[:96] == 0.2).all() and (per_day[96:] == 0.1).all()
    series = pd.Series(0.3, index=pd.DatetimeIndex(ds[:4]))
    per_interval = shrinkage_per_interval(ds, series, default_frac=0.05)
    assert (per_interval[:4] == 0.3).all() and (per_interval[4:] == 0.05).all()
    assert (shrinkage_per_interval(ds, 0.12) == 0.12).all()
    with pytest.raises(ValueError, match="shrinkage"):
        shrinkage_per_interval(ds, {dt.date(2026, 11, 30): 1.5})


def test_agent_hours_and_fte():
    ds = pd.date_range("2026-11-30", periods=8, freq="15min", tz="Asia/Shanghai")
    req = pd.DataFrame({"channel": "phone", "ds": ds, "required_agents": 4,
                        "scheduled_required": 5})
    out = agent_hours(req, 15, hours_per_fte_week=40.0)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["required_hours"] == pytest.approx(8.0)  # 4 agents x 2 h
    assert row["scheduled_hours"] == pytest.approx(10.0)
    assert row["fte"] == pytest.approx(10.0 * 7 / 40.0)
    with pytest.raises(ValueError, match="hours_per_fte_week"):
        agent_hours(req, 15, hours_per_fte_week=0)
