"""Curtois & Qu employee scheduling: parser, evaluator against hand-computed values,
solver against a brute-force oracle, benchmark runner output."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import numpy as np
import pytest

from scheduling.employee_scheduling import (
    OFF, hard_violations, objective_components, parse_curtois_instance,
    read_curtois_instance, roster_frame, solve_employee_scheduling)

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_curtois.txt"
E, L, O = 0, 1, OFF

# Hand-checked roster of tiny_curtois.txt (A works E Mon-Wed and the weekend, B works L
# Tue-Thu). Penalties by hand: off-request A/Sat/E violated: 1; E uncovered Thu, Fri:
# 2 x 100; E over on Sun (required 0, over weight 3): 3; L uncovered Mon (1), Fri (2
# required), Sun (1): 4 x 100.  Total 604.
HAND_ROSTER = np.array([[E, E, E, O, O, E, E],
                        [O, L, L, L, O, O, O]])


@pytest.fixture(scope="module")
def tiny():
    return read_curtois_instance(TINY)


def test_parser_reads_every_section(tiny):
    assert tiny.n_days == 7 and tiny.shift_ids == ("E", "L")
    assert tiny.shift_length_min.tolist() == [480, 480]
    assert tiny.forbidden_next.tolist() == [[False, False], [True, False]]
    a, b = tiny.staff
    assert (a.max_shifts, a.max_total_min, a.min_total_min) == ((7, 7), 2400, 1440)
    assert (b.max_consecutive_shifts, b.min_consecutive_shifts, b.max_weekends) == (3, 1, 0)
    assert tiny.day_off[0, 3] and tiny.day_off[1, 0] and tiny.day_off.sum() == 2
    assert tiny.on_request_weight[1, 2, L] == 3 and tiny.off_request_weight[1, 6, L] == 2
    assert tiny.cover_required[4, L] == 2 and tiny.cover_over_weight[5, L] == 5


def test_objective_matches_hand_computation(tiny):
    comp = objective_components(tiny, HAND_ROSTER)
    assert comp == {"shift_on": 0, "shift_off": 1, "cover_under": 600, "cover_over": 3,
                    "total": 604}
    assert hard_violations(tiny, HAND_ROSTER) == []


def test_unmet_on_request_and_all_off_costs(tiny):
    roster = np.full((2, 7), OFF)
    comp = objective_components(tiny, roster)
    # Requests on: 2 + 3; cover: 6 E + 7 L persons required, all missing.
    assert comp["shift_on"] == 5 and comp["cover_under"] == 1300 and comp["shift_off"] == 0


@pytest.mark.parametrize("row_a, row_b, expected", [
    ([E, E, E, E, O, O, O], [O, L, L, L, O, O, O], "fixed day off 3"),
    ([E, E, E, O, O, E, E], [O, L, L, L, L, O, O], "4 consecutive shifts from day 1"),
    ([E, O, E, E, O, O, E], [O, L, L, L, O, O, O], "only 1 consecutive days off"),
    ([E, E, O, O, E, O, O], [O, L, L, L, O, O, O], "only 1 consecutive shifts"),
    ([E, E, E, O, O, E, O], [O, L, L, L, L, L, O], "5 consecutive shifts"),
    ([E, E, O, O, O, O, O], [O, L, L, L, O, O, O], "outside [1440, 2400]"),
    ([E, E, E, O, O, E, E], [O, L, L, L, O, L, O], "1 weekends worked > max 0"),
    ([O, L, E, O, O, E, E], [O, L, L, L, O, O, O], "follows L"),
])
def test_each_hard_rule_is_detected(tiny, row_a, row_b, expected):
    found = hard_violations(tiny, np.array([row_a, row_b]))
    assert any(expected in msg for msg in found), found


def test_min_consecutive_rules_exempt_horizon_edges(tiny):
    # A's single Monday shift is a 1-day stretch (A needs 2) touching the start of the
    # horizon, so it is allowed; the same stretch inside the horizon is not (see above).
    roster = np.array([[E, O, O, O, E, E, E], [O, L, L, L, O, O, O]])
    msgs = hard_violations(tiny, roster)
    assert not any("consecutive" in m for m in msgs), msgs


def _feasible_rows(inst, e):
    rows = []
    for values in itertools.product([OFF, E, L], repeat=inst.n_days):
        roster = np.full((inst.n_employees, inst.n_days), OFF)
        roster[e] = values
        msgs = [m for m in hard_violations(inst, roster) if m.startswith(inst.staff[e].employee_id)]
        if not msgs:
            rows.append(values)
    return np.array(rows)


def test_solver_matches_brute_force_optimum(tiny):
    rows_a, rows_b = _feasible_rows(tiny, 0), _feasible_rows(tiny, 1)
    best = min(objective_components(tiny, np.array([a, b]))["total"]
               for a in rows_a for b in rows_b)
    res = solve_employee_scheduling(tiny, time_limit_s=10, workers=2, seed=1)
    assert hard_violations(tiny, res.roster) == []
    assert res.objective == best
    assert res.status == "OPTIMAL"
    frame = roster_frame(tiny, res.roster)
    assert list(frame.columns) == ["employee_id", "day", "shift_id"]
    assert len(frame) == int((res.roster != OFF).sum())


def test_parser_errors_name_the_field():
    text = TINY.read_text().replace("A,0,E,2", "A,9,E,2")
    with pytest.raises(ValueError, match="SECTION_SHIFT_ON_REQUESTS: day must be in"):
        parse_curtois_instance(text)
    text = TINY.read_text().replace("A,E=7|L=7", "A,E=7")
    with pytest.raises(ValueError, match="MaxShifts missing"):
        parse_curtois_instance(text)


def test_roster_shape_is_checked(tiny):
    with pytest.raises(ValueError, match="roster must have shape"):
        objective_components(tiny, np.zeros((3, 7), dtype=int))


def test_benchmark_runner_last_line_is_json(capsys):
    from benchmarks.roster_quality import main

    main(["--curtois", str(TINY), "--musliu", str(DATA / "tiny_musliu.txt"),
          "--time-limit", "5"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    by_family = {r["family"]: r for r in result["instances"]}
    assert by_family["curtois"]["objective"] is not None
    assert by_family["curtois"]["best_known"] is None
    assert by_family["musliu"]["best_known"] == 120
    assert by_family["musliu"]["objective"] == 120 and by_family["musliu"]["gap"] == 0.0
    assert result["summary"]["musliu"]["at_or_better_than_known"] == 1
    assert result["summary"]["curtois"]["solved"] == 1


def test_model_objective_equals_evaluator(tiny):
    from ortools.sat.python import cp_model

    from scheduling._bench_es_model import build_model, extract_roster

    model, mv = build_model(tiny)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 2
    assert solver.Solve(model) == cp_model.OPTIMAL
    roster = extract_roster(solver, tiny, mv)
    assert objective_components(tiny, roster)["total"] == round(solver.ObjectiveValue())


def test_single_employee_pricing_and_greedy_are_feasible(tiny):
    from scheduling._bench_es_search import greedy_roster, single_employee_instance

    others = np.zeros((7, 2), dtype=int)
    others[4, L] = 1  # Friday L still short by one, Saturday L already over
    others[5, L] = 1
    sub = single_employee_instance(tiny, 1, others)
    assert sub.n_employees == 1 and sub.staff[0].employee_id == "B"
    assert sub.cover_required[4, L] == 1 and sub.cover_required[5, L] == 0
    roster = greedy_roster(tiny, deadline=0.0, workers=1, seed=3)
    assert hard_violations(tiny, roster) == []


def test_greedy_gives_up_past_its_limit_and_says_how_far_it_got(tiny):
    from scheduling._bench_es_search import greedy_roster

    with pytest.raises(RuntimeError, match=r"had placed 0 of 2 employees"):
        greedy_roster(tiny, deadline=0.0, workers=1, seed=3, give_up_at=time.monotonic() - 1)


def test_large_instance_path_is_constructive_and_feasible(tiny, monkeypatch):
    import scheduling.employee_scheduling as es

    monkeypatch.setattr(es, "LARGE_MODEL_VARS", 0)
    res = es.solve_employee_scheduling(tiny, time_limit_s=1, workers=1, seed=0)
    assert res.lns_steps == 0 and res.status == "FEASIBLE"
    assert hard_violations(tiny, res.roster) == []
    assert res.objective == objective_components(tiny, res.roster)["total"]


def test_strategies_reach_the_same_optimum_and_report_progress(tiny):
    seen = []
    full = solve_employee_scheduling(tiny, time_limit_s=5, workers=2, seed=2,
                                     progress=lambda t, obj, bound: seen.append(obj))
    assert full.lns_steps == 0 and full.status == "OPTIMAL"  # auto: column generation on tiny
    assert seen and seen[-1] == full.objective == full.trace[-1][1]
    for strategy in ("lns", "hybrid"):
        run = solve_employee_scheduling(tiny, time_limit_s=4, workers=2, seed=2,
                                        strategy=strategy)
        assert hard_violations(tiny, run.roster) == []
        assert run.objective == full.objective


def test_lns_trace_counts_seconds_from_the_start_of_the_search(tiny):
    times = []
    run = solve_employee_scheduling(tiny, time_limit_s=4, workers=2, seed=0, strategy="lns",
                                    progress=lambda t, obj, bound: times.append(t))
    assert len(run.trace) >= 2  # the start roster, then at least one LNS improvement
    trace_s = [t for t, _ in run.trace]
    assert trace_s == sorted(trace_s) and times == sorted(times)


def test_unknown_strategy_is_rejected(tiny):
    with pytest.raises(ValueError, match="strategy must be one of"):
        solve_employee_scheduling(tiny, time_limit_s=1, strategy="tabu")


@pytest.mark.parametrize("minimum, value", [(2, True), (3, True), (2, False), (4, False)])
@pytest.mark.parametrize("fixed_off", [None, 0, 3, 6])
def test_min_stretch_clauses_match_the_evaluator_rule(minimum, value, fixed_off):
    from ortools.sat.python import cp_model

    from scheduling._bench_es_instance import _runs
    from scheduling._bench_es_model import _forbid_short_stretches

    n_days = 7
    model = cp_model.CpModel()
    seq = [0 if d == fixed_off else model.new_bool_var(f"w{d}") for d in range(n_days)]
    _forbid_short_stretches(model, seq, minimum, value)
    found = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(tuple(0 if isinstance(v, int) else self.Value(v) for v in seq))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.Solve(model, Collect())
    expected = {bits for bits in itertools.product([0, 1], repeat=n_days)
                if (fixed_off is None or not bits[fixed_off])
                and all(v != value or first == 0 or first + length == n_days
                        or length >= minimum for v, first, length in _runs(np.array(bits)))}
    assert found == expected


def test_improve_rows_never_worsens_and_ends_at_a_fixpoint(tiny):
    from scheduling._bench_es_search import improve_rows

    start = objective_components(tiny, HAND_ROSTER)["total"]
    better = improve_rows(tiny, HAND_ROSTER, deadline=float("inf"), workers=1, seed=0,
                          max_passes=10)
    assert hard_violations(tiny, better) == []
    assert objective_components(tiny, better)["total"] < start
    again = improve_rows(tiny, better, deadline=float("inf"), workers=1, seed=1)
    assert np.array_equal(again, better)


def test_hint_roster_hints_every_variable_with_the_roster(tiny):
    from scheduling._bench_es_model import build_model
    from scheduling._bench_es_search import hint_roster

    model, mv = build_model(tiny)
    hint_roster(model, tiny, mv, HAND_ROSTER, seed=0)
    proto = model.Proto()
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values))
    assert len(hint) == len(proto.variables)
    for (e, d, s), var in mv.x.items():
        assert hint[var.index] == int(HAND_ROSTER[e, d] == s)
    # The roster was fixed only for the completion solve: every literal is free again.
    assert all(list(proto.variables[v.index].domain) == [0, 1] for v in mv.x.values())


def test_hinted_full_solve_reaches_the_optimum(tiny, monkeypatch):
    import scheduling.employee_scheduling as es

    plain = es.solve_employee_scheduling(tiny, time_limit_s=5, workers=2, seed=0)
    monkeypatch.setattr(es, "HINT_MIN_VARS", 0)
    hinted = es.solve_employee_scheduling(tiny, time_limit_s=5, workers=2, seed=0,
                                          strategy="full")
    assert hinted.status == "OPTIMAL" and hinted.objective == plain.objective
    assert hard_violations(tiny, hinted.roster) == []


def test_lns_does_not_aim_at_shortages_no_one_can_close(tiny):
    # HAND_ROSTER is short of L on Mon, Fri (2) and Sun; with A barred from L and B
    # capped at the 3 L shifts B works, those can only move. E is short on Thu (A's
    # day off) and Fri (A free): only Fri's E and Sun's over-covered E are worth a move.
    import dataclasses

    from scheduling._bench_es_search import _bad_cell
    capped = dataclasses.replace(tiny, staff=(
        dataclasses.replace(tiny.staff[0], max_shifts=(7, 0)),
        dataclasses.replace(tiny.staff[1], max_shifts=(0, 3))))
    rng = np.random.default_rng(0)
    drawn = {_bad_cell(capped, HAND_ROSTER, rng) for _ in range(200)}
    assert drawn == {(4, E, True), (6, E, False)}
    # Uncapped, the L shortages are drawn again.
    assert any(s == L for _, s, _ in {_bad_cell(tiny, HAND_ROSTER, rng) for _ in range(200)})


def test_weekend_days_are_friday_to_monday_clipped_to_the_horizon(tiny):
    from types import SimpleNamespace

    from scheduling._bench_es_search import weekend_days
    four_weeks = SimpleNamespace(n_days=28)  # only the horizon matters
    assert weekend_days(four_weeks, np.array([0, 3])).tolist() == [4, 5, 6, 7, 25, 26, 27]
    assert weekend_days(four_weeks, np.array([1]), pad_days=0).tolist() == [12, 13]
    assert weekend_days(tiny, np.array([0])).tolist() == [4, 5, 6]


def test_weekend_exchange_changes_only_weekends_never_worsens_and_restores_the_model(tiny):
    from scheduling._bench_es_model import build_model
    from scheduling._bench_es_search import SearchState, weekend_exchange
    model, mv = build_model(tiny)
    built = [tuple(v.domain) for v in model.Proto().variables]
    start = objective_components(tiny, HAND_ROSTER)["total"]
    state = SearchState(roster=HAND_ROSTER.copy(), objective=start, best_bound=0.0,
                        status="FEASIBLE")
    state = weekend_exchange(model, tiny, mv, state, time.monotonic() + 10, 2, 0)
    assert state.objective == objective_components(tiny, state.roster)["total"] < start
    assert hard_violations(tiny, state.roster) == []
    assert (state.roster[:, :4] == HAND_ROSTER[:, :4]).all()  # Monday to Thursday kept
    assert [tuple(v.domain) for v in model.Proto().variables] == built
    assert len(model.Proto().solution_hint.vars) == 0
