"""Shift-on and day-off requests: honoured when free, reported and priced when not."""

from datetime import time

import pytest

from scheduling import RosterAgent, RosterWeights, build_and_solve

from .roster_helpers import check_hard_rules, days, problem

WEIGHTS = RosterWeights(under_coverage=1000, over_coverage=20, cost=1, preference=50,
                        fairness=100, stability=10)
PLAN = days(3)


def _starts(res) -> dict:
    return {(r.agent_id, r.date): r.shift_start.time() for r in res.roster.itertuples()}


def test_requested_shift_start_is_given():
    agent = RosterAgent("A1", "ft", {"phone": 1}, shift_requests=((PLAN[1], "11:00"),))
    prob = problem([agent], PLAN, {"phone": []}, weights=WEIGHTS)
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    assert _starts(res).get(("A1", PLAN[1])) == time(11, 0)
    assert res.objective_components["preference"] == 0
    assert "preference" not in set(res.violations["goal"])


def test_requested_working_day_is_given_and_day_off_respected():
    agents = [RosterAgent("A1", "ft", {"phone": 1}, shift_requests=((PLAN[2], None),),
                          off_requests=(PLAN[0],))]
    prob = problem(agents, PLAN, {"phone": [(8, 20, 1)]}, weights=WEIGHTS)
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    worked = {d for _, d in _starts(res)}
    # two shifts are worth covering; the requests decide which two days
    assert worked == {PLAN[1], PLAN[2]}
    assert res.objective_components["preference"] == 0


def test_request_that_cannot_be_met_is_priced_and_listed():
    # a request is worth 500, a 4 h part-time shift costs less (pay and idle time): the agent works as many
    # requested shifts as the contract allows (2 days), and one of three is missed
    weights = RosterWeights(preference=500, cost=1, stability=0)
    agent = RosterAgent("A1", "pt", {"phone": 1},
                        shift_requests=tuple((day, "10:00") for day in PLAN))
    prob = problem([agent], PLAN, {"phone": []}, weights=weights)
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    assert sorted(_starts(res).values()) == [time(10, 0)] * 2
    assert res.objective_components["preference"] == pytest.approx(500)
    missed = res.violations[res.violations["goal"] == "preference"]
    assert len(missed) == 1 and missed["penalty"].sum() == pytest.approx(500)
    assert missed["description"].iloc[0].startswith("not on the requested shift: A1")


def test_request_on_a_day_off_is_refused():
    with pytest.raises(ValueError, match="shift_requests of agent 'A1' fall on a requested"):
        RosterAgent("A1", "ft", {"phone": 1}, off_requests=(PLAN[0],),
                    shift_requests=((PLAN[0], "09:00"),))
    with pytest.raises(ValueError, match="shift_requests must be a time"):
        RosterAgent("A1", "ft", {"phone": 1}, shift_requests=((PLAN[0], "9am"),))
