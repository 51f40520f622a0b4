"""Locked shifts: kept exactly, the rest re-optimized; impossible locks explained in words."""

from dataclasses import replace

import pandas as pd
import pytest

from scheduling import RosterAgent, RosterInfeasibleError, build_and_solve

from .roster_helpers import TZ, check_hard_rules, days, problem

AGENTS = [RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"phone": 1}),
          RosterAgent("A3", "pt", {"phone": 1})]
PLAN = days(2)


def lock(agent_id: str, day_index: int, start_h: int, end_h: int) -> dict:
    day = PLAN[day_index]
    stamp = pd.Timestamp(day).tz_localize(TZ)
    return {"agent_id": agent_id, "date": day, "shift_start": stamp + pd.Timedelta(hours=start_h),
            "shift_end": stamp + pd.Timedelta(hours=end_h)}


@pytest.fixture(scope="module")
def base():
    return problem(AGENTS, PLAN, {"phone": [(8, 12, 2), (12, 20, 1)]})


def _shift(res, agent_id, day):
    row = res.roster[(res.roster.agent_id == agent_id) & (res.roster.date == day)]
    return None if row.empty else (row.shift_start.iloc[0].hour, row.shift_end.iloc[0].hour)


def test_locked_shifts_are_kept_and_rules_still_hold(base):
    free = build_and_solve(base, time_limit_s=5, workers=2, seed=0)
    # lock A1 into a late shift it would not choose freely, and A3 into a morning shift
    locks = pd.DataFrame([lock("A1", 0, 11, 20), lock("A3", 1, 8, 12)])
    assert _shift(free, "A1", PLAN[0]) != (11, 20)
    locked = replace(base, locked=locks)
    res = build_and_solve(locked, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(locked, res)
    assert _shift(res, "A1", PLAN[0]) == (11, 20)
    assert _shift(res, "A3", PLAN[1]) == (8, 12)
    assert res.objective >= free.objective - 1e-6  # a lock can only cost


def test_lock_the_rules_forbid_is_explained(base):
    too_long = replace(base, locked=pd.DataFrame([lock("A3", 0, 8, 17)]))  # part-timers work 4 h
    with pytest.raises(RosterInfeasibleError, match="agent A3: the shift locked on 2026-11-30 .08:00-17:00."):
        build_and_solve(too_long, time_limit_s=5, workers=2, seed=0)


def test_lock_outside_the_plan_names_agent_and_day(base):
    with pytest.raises(ValueError, match="locked shift of agent 'ZZ'"):
        replace(base, locked=pd.DataFrame([lock("ZZ", 0, 8, 17)]))
