"""The objective floor (scheduling.bound): valid, exact where the oracle is known, and a cut
that never removes the optimum."""

from dataclasses import replace

import pytest

from scheduling import RosterAgent, RosterWeights
from scheduling.bound import _late_floor, _partitions
from scheduling.model import SCALE, build_model
from scheduling.solve import solve_model

from .roster_helpers import RULES, days, problem

# only cost and over-coverage, so the optimum of an idle agent is known by hand
COST_OVER = RosterWeights(under_coverage=1000, over_coverage=20, cost=1, preference=0,
                          fairness=0, stability=0, secondary_skill=0)
# 9 h shifts starting 09:00 or later end after 17:00: late shifts
LATE_RULES = replace(RULES, late_end_after="17:00")


def test_partitions_are_the_bell_numbers_and_cover_each_item_once():
    for n, bell in [(0, 1), (1, 1), (2, 2), (3, 5), (4, 15), (5, 52)]:
        parts = _partitions(list(range(n)))
        assert len(parts) == bell
        assert all(sorted(x for part in p for x in part) == list(range(n)) for p in parts)
        assert len({tuple(sorted(tuple(sorted(part)) for part in p)) for p in parts}) == bell


def test_floor_is_the_hand_optimum_of_an_idle_agent():
    # one 9 h shift (8 paid h, 2 paid 30-min breaks) must be worked with nothing to cover:
    # cost 8 h * 30 = 240, surplus (480 - 60) / 30 = 14 intervals * 20 = 280
    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2),
                   {"phone": [(8, 20, 0)]}, weights=COST_OVER)
    rm = build_model(prob)
    assert rm.floor == (240 + 280) * SCALE
    res = solve_model(rm, time_limit_s=10, workers=2, seed=0)
    assert res.status == "OPTIMAL"
    assert res.objective == pytest.approx(520.0)
    assert res.best_bound == pytest.approx(520.0)


def test_channel_partition_counts_surplus_of_a_skill_nobody_needs():
    # the phone agent can only serve phone, where nothing is required: its 14 working
    # intervals are surplus although chat as a whole is short
    agents = [RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"chat": 1})]
    prob = problem(agents, days(2), {"phone": [(8, 20, 0)], "chat": [(8, 20, 2)]},
                   weights=COST_OVER)
    assert build_model(prob).floor == (2 * 240 + 14 * 20) * SCALE


def test_evening_requirement_forces_a_second_late_shift():
    # one agent, 19-20 h needed on both days: two late shifts (the second costs the fairness
    # weight 100) or at least one missing agent (1000); the floor takes the cheaper
    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2), {"phone": [(19, 20, 1)]},
                   rules=LATE_RULES, weights=replace(COST_OVER, fairness=100))
    assert _late_floor(build_model(prob)) == 100 * SCALE
    cheap_shortfall = replace(COST_OVER, fairness=100, under_coverage=40)
    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2), {"phone": [(19, 20, 1)]},
                   rules=LATE_RULES, weights=cheap_shortfall)
    assert _late_floor(build_model(prob)) == 40 * SCALE


@pytest.mark.parametrize("agents, n_days, profile", [
    ([RosterAgent("A1", "ft", {"phone": 1})], 2, {"phone": [(8, 12, 1), (19, 20, 1)]}),
    ([RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"phone": 1}),
      RosterAgent("A3", "pt", {"phone": 1})], 2, {"phone": [(8, 20, 2)]}),
    ([RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"chat": 1}),
      RosterAgent("A3", "pt", {"phone": 1})], 3,
     {"phone": [(8, 12, 2), (12, 20, 1)], "chat": [(8, 20, 0)]}),
])
def test_floor_cut_keeps_the_optimum(agents, n_days, profile):
    # independent of the cut: both models are solved to proven optimality
    prob = problem(agents, days(n_days), profile, rules=LATE_RULES)
    plain = solve_model(build_model(prob, floor=False), time_limit_s=10, workers=2, seed=0)
    rm = build_model(prob)
    cut = solve_model(rm, time_limit_s=10, workers=2, seed=0)
    assert plain.status == cut.status == "OPTIMAL"
    assert cut.objective == pytest.approx(plain.objective)
    assert 0 < rm.floor <= round(plain.objective * SCALE)


def test_no_floor_in_explain_mode():
    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2), {"phone": [(8, 20, 1)]})
    assert build_model(prob, explain=True).floor == 0


def test_only_large_models_search_with_lns_only():
    from ortools.sat.python import cp_model

    from scheduling.solve import LP_WORKER_MAX_VARIABLES, _configure

    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2), {"phone": [(8, 20, 1)]})
    assert len(build_model(prob).model.proto.variables) <= LP_WORKER_MAX_VARIABLES
    for large in (False, True):
        solver = cp_model.CpSolver()
        _configure(solver, 5.0, 2, 0, large=large)
        assert solver.parameters.use_lns_only is large
        assert solver.parameters.max_time_in_seconds == 5.0
