"""Soft-goal accounting, the convex shortfall penalty and the too-few-agents case."""

from dataclasses import replace

import pytest

from scheduling import RosterAgent, RosterWeights, build_and_solve

from .roster_helpers import check_hard_rules, days, problem

WEIGHTS = RosterWeights(under_coverage=1000, under_coverage_growth=2.0, under_coverage_tiers=3,
                        over_coverage=20, cost=1, preference=50, fairness=100, stability=10)


def _penalty(short: int, w: RosterWeights) -> float:
    """Independent oracle: k-th missing agent costs w * growth ** min(k - 1, tiers - 1)."""
    return sum(w.under_coverage * w.under_coverage_growth ** min(k, w.under_coverage_tiers - 1)
               for k in range(short))


@pytest.fixture(scope="module")
def short_staffed():
    agents = [RosterAgent("A1", "ft", {"phone": 1, "chat": 2}),
              RosterAgent("A2", "pt", {"phone": 1}, preferred_start="15:00"),
              RosterAgent("A3", "pt", {"chat": 1, "phone": 2})]
    prob = problem(agents, days(2), {"phone": [(8, 20, 3)], "chat": [(10, 18, 2)]},
                   weights=WEIGHTS)
    return prob, build_and_solve(prob, time_limit_s=3, workers=2, seed=0)


def test_too_few_agents_gives_roster_and_shortfall(short_staffed):
    prob, res = short_staffed
    check_hard_rules(prob, res)
    assert res.coverage["shortfall"].sum() > 0
    assert not res.roster.empty
    listed = res.violations[res.violations.goal == "under_coverage"]
    assert len(listed) == (res.coverage["shortfall"] > 0).sum()
    assert listed.description.str.contains("under-coverage").all()


def test_under_coverage_component_is_the_convex_penalty(short_staffed):
    _, res = short_staffed
    expected = sum(_penalty(int(s), WEIGHTS) for s in res.coverage["shortfall"])
    assert res.objective_components["under_coverage"] == pytest.approx(expected)
    expected_over = WEIGHTS.over_coverage * res.coverage["surplus"].sum()
    assert res.objective_components["over_coverage"] == pytest.approx(expected_over)


def test_components_sum_to_objective(short_staffed):
    _, res = short_staffed
    assert sum(res.objective_components.values()) == pytest.approx(res.objective)
    assert res.best_bound <= res.objective + 1e-6
    assert 0 <= res.gap <= 1


def test_cost_component_matches_paid_hours(short_staffed):
    prob, res = short_staffed
    wage = {a.agent_id: prob.contracts[a.contract].hourly_wage for a in prob.agents}
    expected = sum(wage[r.agent_id] * r.paid_hours for r in res.roster.itertuples())
    assert res.objective_components["cost"] == pytest.approx(expected)


def test_violation_penalties_add_up_to_components(short_staffed):
    _, res = short_staffed
    by_goal = res.violations.groupby("goal")["penalty"].sum()
    for goal in ("under_coverage", "over_coverage", "preference", "fairness", "stability"):
        assert by_goal.get(goal, 0.0) == pytest.approx(res.objective_components[goal])
    assert (res.violations.amount > 0).all()


def test_shortfall_spread_by_convexity():
    # one agent, two channels needing 2 each in 10-12 h: a convex penalty prefers 1+1 short
    # (2 * 1000) over 0+2 short (1000 + 2000) when the single agent serves either channel
    agents = [RosterAgent("A", "pt", {"phone": 1, "chat": 1})]
    weights = RosterWeights(under_coverage=1000, under_coverage_growth=2.0, over_coverage=0,
                            cost=0, preference=0, fairness=0, stability=0, secondary_skill=0)
    prob = problem(agents, days(1), {"phone": [(8, 20, 1)], "chat": [(8, 20, 2)]},
                   weights=weights)
    res = build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    worked = res.coverage.groupby("ds")["scheduled"].sum()
    busy = res.coverage[res.coverage.ds.isin(worked[worked > 0].index)]
    assert (busy[busy.channel == "chat"]["scheduled"] == 1).all()


def test_interval_weight_steers_the_skill_served():
    agents = [RosterAgent("A", "pt", {"phone": 1, "chat": 1})]
    weights = RosterWeights(under_coverage=1000, over_coverage=0, cost=0, preference=0,
                            fairness=0, stability=0, secondary_skill=0)
    prob = problem(agents, days(1), {"phone": [(8, 20, 1)], "chat": [(8, 20, 1)]},
                   weights=weights)
    req = prob.requirements.assign(weight=(prob.requirements.channel == "chat") * 2.0 + 1.0)
    prob = replace(prob, requirements=req)
    res = build_and_solve(prob, time_limit_s=10, workers=1, seed=0)
    assert set(res.assignments.channel) == {"chat"}
    short = res.coverage.merge(req, on=["channel", "ds", "required"])
    expected = 1000 * (short.shortfall * short.weight).sum()
    assert res.objective_components["under_coverage"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="requirements.weight"):
        replace(prob, requirements=req.assign(weight=-1.0))
