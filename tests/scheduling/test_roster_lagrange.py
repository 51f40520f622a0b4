"""Lagrangian tour bound: whole weeks priced exactly, never above a roster, never below the LP."""

import time

import pandas as pd
import pytest

from scheduling import (Contract, CostRates, RosterAgent, RosterProblem, RosterWeights,
                        build_and_solve)
from scheduling.lagrange import _cheapest_week, tour_bound
from scheduling.model import SCALE
from scheduling.relax import solve_relaxation

from .roster_helpers import RULES, TZ, days, problem

TWO_DAYS = {"ft": Contract("ft", (9,), 16, 16, 2, 30.0)}


def _two_day_problem(spans=((8, 17), (11, 20)), **agent_kw) -> RosterProblem:
    """One agent who must work both days; phone needs one agent ``spans[d]`` on day ``d``."""
    plan = days(2)
    rows = []
    for day, (lo, hi) in zip(plan, spans):
        for minute in range(8 * 60, 20 * 60, 30):
            ds = (pd.Timestamp(day) + pd.Timedelta(minutes=minute)).tz_localize(TZ)
            rows.append(("phone", ds, int(lo * 60 <= minute < hi * 60)))
    req = pd.DataFrame(rows, columns=["channel", "ds", "required"])
    return RosterProblem(req, (RosterAgent("F0", "ft", {"phone": 1}, **agent_kw),), TWO_DAYS,
                         RULES, RosterWeights(), plan, 30, CostRates())


def test_cheapest_week_pays_every_soft_term_of_one_agent():
    prob = _two_day_problem()
    lp = solve_relaxation(prob, 10)
    (prof,) = lp.profiles
    discounted = (8 * 60, 11 * 60)  # start on day 0, on day 1
    prices = {(d, o): -1e6 if o.start_min == discounted[d] else 0.0 for d, o in prof.counts}
    week = _cheapest_week(prob, prof, prices, 10)
    # both discounted shifts, 2 x 8 paid hours at 30, their starts 3 h apart at 10 per hour
    assert week == pytest.approx(-2e6 + (2 * 8 * 30 + 3 * 10) * SCALE)


@pytest.mark.parametrize("case", ["two_days", "two_days_preferred", "mixed"])
def test_tour_bound_lies_between_the_lp_and_a_roster(case):
    if case == "mixed":
        agents = [RosterAgent(f"F{k}", "ft", {"phone": 1, "chat": 2} if k % 2 else {"phone": 1})
                  for k in range(3)]
        agents.append(RosterAgent("P0", "pt", {"chat": 1}, preferred_start="14:00"))
        prob = problem(agents, days(3), {"phone": [(8, 12, 2), (12, 20, 1)],
                                         "chat": [(14, 20, 1)]})
    else:
        prob = _two_day_problem(preferred_start="10:00" if case.endswith("preferred") else None)
    lp = solve_relaxation(prob, 10)
    bound = tour_bound(prob, lp, time.perf_counter() + 20)
    roster = build_and_solve(prob, time_limit_s=5, workers=2, seed=0)
    assert lp.bound_points() <= bound <= round(roster.objective * SCALE)


def test_tour_bound_after_the_deadline_is_the_lp_bound():
    prob = _two_day_problem()
    lp = solve_relaxation(prob, 10)
    assert tour_bound(prob, lp, time.perf_counter() - 1) == lp.bound_points()


def test_tour_bound_is_none_when_an_agent_has_no_feasible_week():
    # two 8 h days needed, only Monday and Wednesday available, days off in runs of two:
    # the relaxation leaves the run rule out and has a solution, the agent's week has none
    plan = days(3)
    req = pd.DataFrame({"channel": "phone", "ds": [pd.Timestamp(plan[0]).tz_localize(TZ)],
                        "required": [1]})
    contracts = {"ft": Contract("ft", (9,), 16, 16, 2, 30.0, min_consecutive_days_off=2)}
    prob = RosterProblem(req, (RosterAgent("F0", "ft", {"phone": 1}, available_weekdays=(0, 2)),),
                         contracts, RULES, RosterWeights(), plan, 30, CostRates())
    lp = solve_relaxation(prob, 10)
    assert lp is not None
    assert tour_bound(prob, lp, time.perf_counter() + 10) is None
