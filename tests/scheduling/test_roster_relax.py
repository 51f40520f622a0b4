"""The crew relaxation (scheduling.relax): its LP bound never exceeds a proven optimum, is
exact where the optimum is known by hand, and beats the objective floor on shaped demand."""

from dataclasses import replace
from datetime import datetime

import pytest
from ortools.sat.python import cp_model

from scheduling import RosterAgent, RosterWeights
from scheduling.model import SCALE, build_model
from scheduling.relax import _lp_arrays, build_relaxation, relaxation_bound
from scheduling.solve import solve_model

from .roster_helpers import MONDAY, RULES, days, problem

COST_OVER = RosterWeights(under_coverage=1000, over_coverage=20, cost=1, preference=0,
                          fairness=0, stability=0, secondary_skill=0)
LATE_RULES = replace(RULES, late_end_after="17:00")
WEIGHTS = RosterWeights(under_coverage=1000, over_coverage=20, cost=1, preference=50,
                        fairness=100, stability=10)


def test_bound_is_the_hand_optimum_of_an_idle_agent():
    # one 9 h shift must be worked with nothing to cover: cost 240 + 14 idle intervals * 20
    prob = problem([RosterAgent("A1", "ft", {"phone": 1})], days(2), {"phone": [(8, 20, 0)]},
                   weights=COST_OVER)
    assert relaxation_bound(prob, time_limit_s=10) == (240 + 280) * SCALE


def test_bound_beats_the_floor_when_demand_has_a_shape():
    # a morning peak: a 9 h shift covering it idles all afternoon, which the floor's
    # whole-week counting cannot see and the relaxation's interval balance does
    prob = problem([RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"phone": 1})],
                   days(2), {"phone": [(8, 12, 2)]}, weights=COST_OVER)
    bound = relaxation_bound(prob, time_limit_s=10)
    rm = build_model(prob)
    res = solve_model(rm, time_limit_s=10, workers=2, seed=0)
    assert res.status == "OPTIMAL"
    assert rm.floor < bound <= round(res.objective * SCALE)


CASES = {
    "late shifts spread over a crew": (
        [RosterAgent(f"A{k}", "ft", {"phone": 1}) for k in range(3)], 4,
        {"phone": [(8, 12, 1), (17, 20, 2)]}, {}),
    "two channels and part time": (
        [RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"chat": 1}),
         RosterAgent("A3", "pt", {"phone": 1})], 3,
        {"phone": [(8, 12, 2), (12, 20, 1)], "chat": [(8, 20, 0)]}, {"weights": RosterWeights()}),
    "weekend, preferences and requests": (
        [RosterAgent("A1", "ft", {"phone": 1}, preferred_start="10:00",
                     off_requests=(days(7)[5],)),
         RosterAgent("A2", "ft", {"phone": 1}, shift_requests=((days(7)[6], "09:00"),)),
         RosterAgent("A3", "pt", {"phone": 1}, shift_requests=((days(7)[5], None),))], 7,
        {"phone": [(8, 20, 1)]}, {}),
    "last week's rest and streak, commitments": (
        [RosterAgent("A1", "ft", {"phone": 1}, previous_shift_end=datetime(2026, 11, 29, 22),
                     previous_consecutive_days=5),
         RosterAgent("A2", "ft", {"phone": 1},
                     commitments=((datetime(2026, 12, 1, 10), datetime(2026, 12, 1, 11)),))], 3,
        {"phone": [(8, 20, 1)]}, {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bound_never_exceeds_a_proven_optimum(name):
    agents, n_days, profile, kw = CASES[name]
    prob = problem(agents, days(n_days), profile, rules=LATE_RULES, **({"weights": WEIGHTS} | kw))
    res = solve_model(build_model(prob, floor=False), time_limit_s=20, workers=2, seed=0)
    assert res.status == "OPTIMAL", name
    bound = relaxation_bound(prob, time_limit_s=10)
    assert bound is not None and 0 < bound <= round(res.objective * SCALE), name


def test_relaxation_mirrors_the_crews_and_aggregates_profiles():
    agents = [RosterAgent("A1", "ft", {"phone": 1}), RosterAgent("A2", "ft", {"phone": 1}),
              RosterAgent("A3", "ft", {"phone": 1}, preferred_start="09:00")]
    prob = problem(agents, days(2), {"phone": [(8, 20, 1)]})
    relaxed, profiles = build_relaxation(prob)
    assert relaxed.crews == build_model(prob).crews
    assert sorted(p.members for p in profiles) == [[0, 1], [2]]
    assert all(var.proto.domain[1] == p.size for p in profiles for var in p.counts.values())


def test_lp_arrays_translate_boolean_shapes_and_drop_conditional_rows():
    model = cp_model.CpModel()
    x, y, flag = (model.new_bool_var(name) for name in ("x", "y", "flag"))
    model.add_bool_or([x, y.Not()])
    model.add_at_most_one([x, y])
    model.add(x + y >= 2).only_enforce_if(flag)  # conditional: no row (still a relaxation)
    model.minimize(x + 2 * flag)
    arrays = _lp_arrays(model)
    # x + (1 - y) >= 1 and x + y <= 1, as A_ub rows
    assert sorted(map(tuple, arrays["A_ub"].toarray().tolist())) == [(-1, 1, 0), (1, 1, 0)]
    assert sorted(arrays["b_ub"].tolist()) == [0, 1]
    assert arrays["A_eq"].shape[0] == 0 and arrays["c"].tolist() == [1, 0, 2]


def test_bound_is_none_when_the_lp_is_infeasible():
    # the locked shift is the only option, but last week's late end leaves no rest for it
    prob = problem([RosterAgent("A1", "ft", {"phone": 1},
                                previous_shift_end=datetime(2026, 11, 29, 23))],
                   (MONDAY,), {"phone": [(8, 20, 1)]})
    assert relaxation_bound(prob, time_limit_s=5) is None
