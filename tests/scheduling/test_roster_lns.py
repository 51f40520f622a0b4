"""Day-block LNS: improves a poor roster, keeps every rule, restores the model."""

import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduling import RosterAgent
from scheduling.hint import Solution
from scheduling.lns import DayBlockSettings, day_block_lns
from scheduling.model import build_model

from .roster_helpers import days, problem

PROFILE = {"phone": [(8, 12, 2), (12, 20, 1)], "chat": [(14, 20, 1)]}


def _model():
    agents = [RosterAgent(f"F{k}", "ft", {"phone": 1, "chat": 2} if k % 2 else {"phone": 1})
              for k in range(3)] + [RosterAgent("P0", "pt", {"chat": 1})]
    return build_model(problem(agents, days(3), PROFILE))


def _solve(model: cp_model.CpModel) -> Solution:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 3
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Solution(np.asarray(solver.response_proto.solution, dtype=np.int64),
                    int(round(solver.objective_value)))


def _domains(rm):
    return [tuple(v.domain) for v in rm.model.Proto().variables]


@pytest.mark.parametrize("lanes", [1, 2])
def test_day_block_lns_improves_a_poor_roster_and_restores_the_model(lanes):
    rm = _model()
    free = _solve(rm.model.clone())
    # a poor but valid roster: every agent starts at the latest start on day 0
    forced = rm.model.clone()
    for a in range(len(rm.problem.agents)):
        latest = max(o.start_min for o, _ in rm.shifts[a, 0])
        forced.add(sum(v for o, v in rm.shifts[a, 0] if o.start_min == latest) == 1)
    poor = _solve(forced)
    assert poor.objective_points > free.objective_points
    before = _domains(rm)
    seen = []
    best = day_block_lns(rm, poor, time.perf_counter() + 5.0, seed=3, on_improve=seen.append,
                         settings=DayBlockSettings(agents=4, step_limit_s=1.0), lanes=lanes)
    assert best.objective_points < poor.objective_points
    assert seen and seen[-1] is best
    assert [s.objective_points for s in seen] == sorted({s.objective_points for s in seen},
                                                        reverse=True)
    assert _domains(rm) == before
    assert not rm.model.Proto().solution_hint.vars
    # the result is a solution of the model as built, with the objective it reports
    check = rm.model.clone()
    for index, value in enumerate(best.values):
        check.add_hint(check.get_int_var_from_proto_index(index), int(value))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(check) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == best.objective_points


def test_day_block_lns_returns_the_incumbent_when_out_of_time():
    rm = _model()
    incumbent = _solve(rm.model.clone())
    assert day_block_lns(rm, incumbent, time.perf_counter(), seed=0) is incumbent


def test_day_block_lns_rejects_zero_lanes():
    rm = _model()
    with pytest.raises(ValueError, match="lanes"):
        day_block_lns(rm, _solve(rm.model.clone()), time.perf_counter() + 1, seed=0, lanes=0)


@pytest.mark.parametrize("kwargs", [{"agents": 0}, {"step_limit_s": 0.0}])
def test_day_block_settings_reject_bad_values(kwargs):
    with pytest.raises(ValueError):
        DayBlockSettings(**kwargs)
