"""Hard rules hold on solved small rosters; coverage equals the assignments."""

from datetime import datetime

import pytest

from scheduling import RosterAgent, build_and_solve

from .roster_helpers import MONDAY, check_hard_rules, days, problem

PROFILE = {"phone": [(9, 17, 1), (10, 12, 1)], "chat": [(12, 19, 1)]}


def _agents():
    return (
        RosterAgent("A1", "ft", {"phone": 1, "chat": 2}),
        RosterAgent("A2", "ft", {"phone": 1}, time_off=(days(3)[1],)),
        RosterAgent("A3", "pt", {"chat": 1}, earliest_start="12:00", preferred_start="14:00"),
        RosterAgent("A4", "pt", {"phone": 1, "chat": 1}, available_weekdays=("Mon", "Wed")),
        RosterAgent("A5", "ft", {"chat": 1}, previous_shift_end=datetime(2026, 11, 29, 20, 0),
                    previous_consecutive_days=5),
    )


@pytest.fixture(scope="module")
def solved():
    prob = problem(_agents(), days(3), PROFILE)
    return prob, build_and_solve(prob, time_limit_s=3, workers=2, seed=0)


def test_every_hard_rule_holds(solved):
    prob, res = solved
    assert res.status in ("OPTIMAL", "FEASIBLE")
    check_hard_rules(prob, res)


def test_rest_after_previous_week_and_streak(solved):
    prob, res = solved
    a5 = res.roster[res.roster.agent_id == "A5"]
    first = a5[a5.date == MONDAY]
    # 13 h rest after Sunday 20:00 -> no start before Monday 09:00
    assert (first.shift_start.dt.hour >= 9).all()
    # 5 days worked before the plan, limit 6 -> cannot work both Monday and Tuesday
    assert not {MONDAY, days(2)[1]} <= set(a5.date)


def test_roster_columns_are_the_contract(solved):
    _, res = solved
    assert list(res.roster.columns[:6]) == ["agent_id", "date", "shift_start", "shift_end",
                                            "paid_hours", "breaks"]
    assert list(res.assignments.columns) == ["agent_id", "ds", "channel"]
    assert list(res.coverage.columns) == ["channel", "ds", "required", "scheduled", "shortfall",
                                          "surplus"]
    assert str(res.coverage.ds.dt.tz) == "Asia/Shanghai"
    assert res.roster.breaks.str.contains("lunch").any()


def test_multi_skilled_agent_counted_once():
    prob = problem([RosterAgent("M", "pt", {"phone": 1, "chat": 2})], days(1),
                   {"phone": [(8, 20, 1)], "chat": [(8, 20, 1)]})
    res = build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    check_hard_rules(prob, res)
    per_interval = res.coverage.groupby("ds")["scheduled"].sum()
    assert per_interval.max() == 1
    assert res.coverage["shortfall"].sum() >= 24 - per_interval.sum()
    served = res.assignments.channel.value_counts()
    assert served.get("phone", 0) == len(res.assignments)  # primary skill preferred


def test_preferred_start_kept_when_free():
    agent = RosterAgent("P", "pt", {"phone": 1}, preferred_start="13:00")
    prob = problem([agent], days(1), {"phone": [(8, 20, 1)]})
    res = build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    assert res.roster.shift_start.iloc[0].hour == 13
    assert res.objective_components["preference"] == 0


def test_progress_reports_improving_objectives(solved):
    prob, _ = solved
    points = []
    res = build_and_solve(prob, time_limit_s=3, workers=1, seed=1, progress=points.append)
    assert points, "progress callback never called"
    objectives = [p.objective for p in points]
    assert objectives == sorted(objectives, reverse=True)
    assert all(p.best_bound <= p.objective + 1e-6 for p in points)
    assert res.objective == pytest.approx(objectives[-1])
    assert list(res.progress.columns) == ["wall_s", "objective", "best_bound"]


def test_fixed_commitment_inside_shift_and_not_counted():
    plan = days(2)
    training = (datetime(2026, 11, 30, 10, 0), datetime(2026, 11, 30, 11, 0))
    agents = [RosterAgent("T", "ft", {"phone": 1}, commitments=(training,)),
              RosterAgent("U", "ft", {"phone": 1})]
    prob = problem(agents, plan, {"phone": [(8, 20, 1)]})
    res = build_and_solve(prob, time_limit_s=3, workers=2, seed=0)
    check_hard_rules(prob, res)
    busy = res.assignments[(res.assignments.agent_id == "T")
                           & (res.assignments.ds.dt.tz_localize(None) >= training[0])
                           & (res.assignments.ds.dt.tz_localize(None) < training[1])]
    assert busy.empty
    pieces = res.breaks[res.breaks.agent_id == "T"]
    assert (pieces.kind == "commitment").sum() == 1
    assert "commitment" in res.roster[res.roster.agent_id == "T"].breaks.iloc[0]


def test_contract_limits_hold_against_demand():
    # every evening wants two agents and mornings one: without the contract rules each agent
    # would work late every day, start at any hour and take single days off
    from dataclasses import replace

    from scheduling import Contract

    from .roster_helpers import RULES

    rules = replace(RULES, late_end_after="18:00")
    contracts = {"ft": Contract("ft", (9,), 16, 40, 5, 30.0, max_late_shifts_week=2,
                                min_consecutive_days_off=2, start_times=("08:00", "11:00"))}
    agents = [RosterAgent(f"L{k}", "ft", {"phone": 1}) for k in range(3)]
    plan = days(7)
    prob = problem(agents, plan, {"phone": [(8, 20, 1), (14, 20, 1)]}, contracts=contracts, rules=rules)
    res = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    check_hard_rules(prob, res)
    late = res.roster[res.roster.shift_end.dt.hour * 60 + res.roster.shift_end.dt.minute > 18 * 60]
    assert late.groupby("agent_id").size().max() == 2  # the limit binds
    assert set(res.roster.shift_start.dt.strftime("%H:%M")) <= {"08:00", "11:00"}
