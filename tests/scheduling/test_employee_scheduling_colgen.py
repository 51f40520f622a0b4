"""Column generation for the Curtois & Qu model: the pattern LP against one built from
every feasible row, the validity of its bound, the LP-guided restricted solve."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduling._bench_es_colgen import (
    _heuristic_round, _Master, _reduced_cost, column_generation, lp_guided_roster)
from scheduling._bench_es_model import build_model
from scheduling.employee_scheduling import (
    OFF, _bound_objective, hard_violations, objective_components, read_curtois_instance,
    solve_employee_scheduling)

from .curtois_data import CURTOIS, DATA, needs_curtois


@pytest.fixture(scope="module")
def tiny():
    return read_curtois_instance(DATA / "tiny_curtois.txt")


def _all_rows(inst, e):
    """Every row of employee ``e`` that passes the evaluator (brute force)."""
    rows = []
    for values in itertools.product([OFF, *range(inst.n_shifts)], repeat=inst.n_days):
        roster = np.full((inst.n_employees, inst.n_days), OFF)
        roster[e] = values
        if not [m for m in hard_violations(inst, roster)
                if m.startswith(inst.staff[e].employee_id)]:
            rows.append(np.array(values))
    return rows


@pytest.fixture(scope="module")
def tiny_rows(tiny):
    return [_all_rows(tiny, e) for e in range(tiny.n_employees)]


def test_pattern_lp_equals_the_lp_over_every_feasible_row(tiny, tiny_rows):
    full = _Master(tiny)
    for e, rows in enumerate(tiny_rows):
        for row in rows:
            full.add(e, row)
    exact_lp, _, _ = full.solve()
    start = np.array([rows[0] for rows in tiny_rows])
    cg = column_generation(tiny, start, deadline=math.inf, workers=2)
    assert cg.converged
    assert cg.lp_value == pytest.approx(exact_lp, abs=1e-6)
    assert cg.lower_bound <= exact_lp + 1e-6
    assert math.ceil(cg.lower_bound - 1e-6) >= math.ceil(exact_lp - 1e-6)
    # every generated column is a feasible row
    allowed = {(e, row.tobytes()) for e, rows in enumerate(tiny_rows) for row in rows}
    assert all((e, row.astype(int).tobytes()) in allowed for e, row in cg.columns)


def test_bound_never_exceeds_the_brute_force_optimum(tiny, tiny_rows):
    best = min(objective_components(tiny, np.array([a, b]))["total"]
               for a in tiny_rows[0] for b in tiny_rows[1])
    start = np.array([rows[-1] for rows in tiny_rows])
    cg = column_generation(tiny, start, deadline=math.inf, workers=1)
    assert cg.lower_bound <= best
    assert cg.support.shape == (tiny.n_employees, tiny.n_days, tiny.n_shifts)
    # the LP solution is a convex combination per employee: one day, at most one shift
    assert np.all(cg.support.sum(axis=2) <= 1 + 1e-9)


def test_heuristic_round_adds_only_feasible_improving_columns(tiny, tiny_rows):
    master = _Master(tiny)
    start = np.array([rows[-1] for rows in tiny_rows])
    for e in range(tiny.n_employees):
        master.add(e, start[e])
    lp, pi, sigma = master.solve()
    base = (tiny.off_request_weight - tiny.on_request_weight).astype(float)
    added = _heuristic_round(master, base, pi, sigma, np.random.default_rng(0), math.inf)
    new = master.columns[tiny.n_employees:]
    assert added == len(new)
    allowed = {(e, row.tobytes()) for e, rows in enumerate(tiny_rows) for row in rows}
    for e, row in new:
        assert (e, row.astype(int).tobytes()) in allowed
        assert _reduced_cost(master, e, row, pi, sigma) < 0
    assert added > 0  # the start rows are far from the LP optimum
    assert master.solve()[0] < lp


def test_guided_roster_is_feasible_and_stays_in_the_support(tiny, tiny_rows):
    start = np.array([rows[0] for rows in tiny_rows])
    cg = column_generation(tiny, start, deadline=math.inf, workers=2)
    model, mv = build_model(tiny)
    proto_before = str(model.proto)
    roster = lp_guided_roster(model, tiny, mv, cg.support, 5.0, 2, 0)
    assert roster is not None and hard_violations(tiny, roster) == []
    e_i, d_i = np.nonzero(roster != OFF)
    assert np.all(cg.support[e_i, d_i, roster[e_i, d_i]] > 0)
    always = cg.support.sum(axis=2) > 1 - 1e-6
    assert np.all(roster[always] != OFF)
    assert str(model.proto) == proto_before  # the model is left as built


def test_objective_bound_proves_optimality_and_keeps_the_optimum(tiny):
    model, _ = build_model(tiny)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    optimum = round(solver.objective_value)
    _bound_objective(model, optimum - 3)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == optimum
    _bound_objective(model, optimum)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == optimum
    _bound_objective(model, optimum + 1)  # the domain is really applied: it cuts the optimum off
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) > optimum


def test_colgen_strategy_proves_the_tiny_optimum(tiny, tiny_rows):
    best = min(objective_components(tiny, np.array([a, b]))["total"]
               for a in tiny_rows[0] for b in tiny_rows[1])
    seen = []
    res = solve_employee_scheduling(tiny, time_limit_s=10, workers=2, seed=0,
                                    strategy="colgen",
                                    progress=lambda t, obj, bound: seen.append((obj, bound)))
    assert hard_violations(tiny, res.roster) == []
    assert res.objective == best and res.status == "OPTIMAL"
    assert seen and seen[-1] == (res.objective, res.best_bound)  # the bound is reported too


@needs_curtois
@pytest.mark.parametrize("name, optimum", [("Instance2", 828), ("Instance4", 1716)])
def test_bound_on_published_optima(name, optimum):
    inst = read_curtois_instance(CURTOIS / f"{name}.txt")
    res = solve_employee_scheduling(inst, time_limit_s=20, workers=2, seed=0,
                                    strategy="colgen")
    assert hard_violations(inst, res.roster) == []
    assert res.best_bound <= optimum <= res.objective
    # the pattern LP's bound is tight on these (published column generation bounds)
    assert res.best_bound >= 0.99 * optimum
