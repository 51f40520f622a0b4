"""Conflicting hard rules are explained in words naming the rules and agents."""

from datetime import date, datetime

import pytest

from scheduling import Contract, RosterAgent, RosterInfeasibleError, build_and_solve

from .roster_helpers import days, problem

PROFILE = {"phone": [(8, 20, 1)]}


def test_min_hours_out_of_reach_names_agent_and_rule():
    plan = days(3)
    agents = [RosterAgent("OK", "ft", {"phone": 1}),
              RosterAgent("B7", "ft", {"phone": 1}, time_off=plan[:2],
                          available_weekdays=("Mon", "Tue", "Wed"))]
    prob = problem(agents, plan, PROFILE, contracts={
        "ft": Contract("ft", (9,), 16, 16, 2, 30.0)})
    with pytest.raises(RosterInfeasibleError) as err:
        build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    text = str(err.value)
    assert "B7" in text and "OK" not in text.replace("No roster", "")
    assert "16" in text and "1 available day" in text and "2026-11-30" in text
    assert err.value.reasons and all("B7" in r for r in err.value.reasons)


def test_streak_and_hours_conflict_found_by_assumptions():
    # 6 days worked before the plan and at most 6 in a row: Monday must be off, so two
    # shifts (16 h) cannot fit in Monday-Tuesday; the pre-check cannot see this
    agent = RosterAgent("C3", "ft", {"phone": 1}, previous_consecutive_days=6)
    contracts = {"ft": Contract("ft", (9,), 16, 16, 2, 30.0)}
    prob = problem([agent, RosterAgent("D4", "ft", {"phone": 1})], days(2), PROFILE,
                   contracts=contracts)
    with pytest.raises(RosterInfeasibleError) as err:
        build_and_solve(prob, time_limit_s=10, workers=2, seed=0)
    reasons = " | ".join(err.value.reasons)
    assert "C3" in reasons and "D4" not in reasons
    assert "consecutive working days" in reasons and "16 paid hours" in reasons


def test_rest_after_last_week_in_core():
    # last shift ended Monday 03:00 (night work): 13 h rest forbids every Monday start
    # up to 16:00, and the only allowed 9 h shifts end by 20:00 -> no Monday shift;
    # with one plan day and 8 paid hours required this is infeasible
    agent = RosterAgent("R1", "ft", {"phone": 1},
                        previous_shift_end=datetime(2026, 11, 30, 3, 0))
    contracts = {"ft": Contract("ft", (9,), 8, 8, 1, 30.0)}
    prob = problem([agent], days(1), PROFILE, contracts=contracts)
    with pytest.raises(RosterInfeasibleError) as err:
        build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    reasons = " | ".join(err.value.reasons)
    assert "rest" in reasons and "R1" in reasons and "8 paid hours" in reasons
    assert date(2026, 11, 30).isoformat() in reasons


def test_commitment_on_time_off_names_both_rules():
    plan = days(2)
    agent = RosterAgent("K9", "pt", {"phone": 1}, time_off=(plan[0],),
                        commitments=((datetime(2026, 11, 30, 9, 0),
                                      datetime(2026, 11, 30, 10, 0)),))
    prob = problem([agent], plan, PROFILE)
    with pytest.raises(RosterInfeasibleError) as err:
        build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    reasons = " | ".join(err.value.reasons)
    assert "K9" in reasons and "must attend 2026-11-30 09:00-10:00" in reasons
    assert "time off on 2026-11-30" in reasons
