"""The greedy first roster is a feasible solution of the full model; contract extras hold."""

from dataclasses import replace
from datetime import datetime

from ortools.sat.python import cp_model

from scheduling import Contract, RosterAgent, build_and_solve
from scheduling.model import build_model
from scheduling.relax import solve_relaxation
from scheduling.solve import _hint
from scheduling.warmstart import greedy_shifts, greedy_solution, lp_guide

from .roster_helpers import RULES, check_hard_rules, days, problem

PROFILE = {"phone": [(8, 20, 2)], "chat": [(11, 20, 1)]}


def _agents():
    return [RosterAgent(f"F{k}", "ft", {"phone": 1, "chat": 2} if k % 2 else {"phone": 1},
                        preferred_start="09:00" if k == 1 else None) for k in range(3)] + [
        RosterAgent("P0", "pt", {"chat": 1}, earliest_start="14:00"),
        RosterAgent("P1", "pt", {"chat": 1, "phone": 2},
                    previous_shift_end=datetime(2026, 11, 29, 22, 0))]


def test_greedy_solution_is_feasible_and_consistent():
    rm = build_model(problem(_agents(), days(3), PROFILE))
    greedy = greedy_solution(rm)
    assert greedy.complete
    _hint(rm, greedy)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    assert solver.solve(rm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == greedy.objective_points


def test_first_progress_point_is_the_greedy_roster():
    points = []
    res = build_and_solve(problem(_agents(), days(3), PROFILE), time_limit_s=2, workers=2,
                          seed=0, progress=points.append)
    assert points[0].best_bound == 0.0 and points[-1].objective == res.objective
    assert res.status in ("FEASIBLE", "OPTIMAL")


def test_late_shift_limit_and_days_off_runs():
    contracts = {"ft": Contract("ft", (9,), 8, 32, 4, 30.0, max_late_shifts_week=1,
                                min_consecutive_days_off=2),
                 "pt": Contract("pt", (4,), 4, 8, 2, 20.0)}
    agents = [RosterAgent("L", "ft", {"phone": 1}), RosterAgent("M", "ft", {"phone": 1})]
    rules = replace(RULES, late_end_after="18:00")
    prob = problem(agents, days(5), {"phone": [(8, 20, 2)]}, contracts=contracts, rules=rules)
    res = build_and_solve(prob, time_limit_s=3, workers=2, seed=0)
    check_hard_rules(prob, res)
    for agent_id, shifts in res.roster.groupby("agent_id"):
        late = (shifts.shift_end.dt.hour * 60 + shifts.shift_end.dt.minute > 18 * 60).sum()
        assert late <= 1
        worked = [d in set(shifts.date) for d in prob.days]
        # an isolated single day off between two working days is forbidden
        for k in range(1, len(worked) - 1):
            assert not (worked[k - 1] and not worked[k] and worked[k + 1])


def test_last_week_hint_steers_the_first_roster():
    import pandas as pd

    agents = [RosterAgent("A", "ft", {"phone": 1}), RosterAgent("B", "ft", {"phone": 1})]
    last_week = pd.DataFrame({"agent_id": ["A"],
                              "shift_start": [pd.Timestamp("2026-11-23 11:00")]})
    for hint, expected in ((None, 8 * 60), (last_week, 11 * 60)):
        rm = build_model(problem(agents, days(1), {"phone": [(8, 20, 1)]}, hint=hint))
        placed, _ = list(greedy_shifts(rm))[-1]
        assert placed[0][0].start_min == expected


def test_lp_guide_steers_the_greedy_and_shares_are_per_agent_fractions():
    prob = problem(_agents(), days(3), PROFILE)
    lp = solve_relaxation(prob, 10)
    shares = lp.shares()
    for a in range(len(prob.agents)):
        for d in range(3):
            assert 0.0 <= sum(v for (b, e, _), v in shares.items() if (b, e) == (a, d)) <= 1 + 1e-6
    rm = build_model(prob)
    placed, _ = next(greedy_shifts(rm, passes=0))
    # a bonus on a start the plain greedy does not give agent F0 on day 0 makes it take that one
    d, option = next((d, o) for d in range(3) for o, _ in rm.shifts[0, d]
                     if placed[0].get(d) not in (None, o))
    guided, _ = next(greedy_shifts(rm, passes=0, guide=lp_guide({(0, d, option): 1.0}, 1e6)))
    assert guided[0][d] == option
