"""Last week's roster as a hint: starts kept when free, moved starts priced and listed."""

from datetime import time, timedelta

import pandas as pd
import pytest

from scheduling import RosterAgent, RosterWeights, build_and_solve

from .roster_helpers import TZ, check_hard_rules, days, problem

WEIGHTS = RosterWeights(under_coverage=1000, over_coverage=20, cost=1, preference=50,
                        fairness=100, stability=10)
PLAN = days(3)


def _last_week(agent_id: str, clock: str, n_days: int = 3) -> pd.DataFrame:
    """A previous roster with the same start on the same weekdays one week earlier."""
    starts = [pd.Timestamp(f"{day - timedelta(days=7)} {clock}").tz_localize(TZ)
              for day in PLAN[:n_days]]
    return pd.DataFrame({"agent_id": agent_id, "shift_start": starts})


def _starts(res) -> dict:
    return {r.date: r.shift_start.time() for r in res.roster.itertuples()}


def test_last_weeks_start_is_kept_when_nothing_else_matters():
    # no demand, two shifts a week minimum: only the start times carry a price
    agent = RosterAgent("A1", "ft", {"phone": 1})
    prob = problem([agent], PLAN, {"phone": []}, weights=WEIGHTS, hint=_last_week("A1", "10:00"))
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    assert set(_starts(res).values()) == {time(10, 0)}
    assert res.objective_components["stability"] == 0


def test_moved_start_is_priced_per_hour_and_listed():
    # the agent may start at 11:00 at the earliest now: every worked day moves by one hour
    agent = RosterAgent("A1", "ft", {"phone": 1}, earliest_start="11:00")
    prob = problem([agent], PLAN, {"phone": []}, weights=WEIGHTS, hint=_last_week("A1", "10:00"))
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    worked = _starts(res)
    assert set(worked.values()) == {time(11, 0)}
    assert res.objective_components["stability"] == pytest.approx(10 * len(worked))
    moved = res.violations[res.violations["description"].str.startswith("start moved from last week")]
    assert len(moved) == len(worked)
    assert moved["amount"].tolist() == [pytest.approx(1.0)] * len(worked)


def test_agents_absent_from_last_week_are_free():
    agent = RosterAgent("A2", "ft", {"phone": 1}, earliest_start="11:00")
    prob = problem([agent], PLAN, {"phone": []}, weights=WEIGHTS, hint=_last_week("A1", "10:00"))
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    assert res.objective_components["stability"] == 0
