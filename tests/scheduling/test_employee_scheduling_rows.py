"""Rule-based rows of the Curtois & Qu model (``_bench_es_rowdp``, ``_bench_es_rows``):
dynamic programs against brute force, constructed rows against the independent evaluator
:func:`hard_violations` on real instances, the CP-SAT fallback and the give-up report."""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
import pytest

from scheduling._bench_es_instance import OFF, hard_violations, objective_components
from scheduling._bench_es_rowdp import banded_row, shortest_rows
from scheduling._bench_es_rows import (
    _problem, improve_rows_fast, lagrangian_row, row_is_feasible)
from scheduling._bench_es_search import greedy_roster
from scheduling.employee_scheduling import read_curtois_instance

from .curtois_data import CURTOIS, DATA, needs_curtois


@pytest.fixture(scope="module")
def tiny():
    return read_curtois_instance(DATA / "tiny_curtois.txt")


def _one_employee(inst, e, **rules):
    """Instance of employee ``e`` alone with some of their rules replaced."""
    staff = dataclasses.replace(inst.staff[e], **rules)
    return dataclasses.replace(
        inst, staff=(staff,), day_off=inst.day_off[e:e + 1],
        on_request_weight=inst.on_request_weight[e:e + 1],
        off_request_weight=inst.off_request_weight[e:e + 1])


def _all_rows(inst):
    """Every row of the one-employee ``inst`` that the evaluator accepts."""
    rows = [np.array(r) for r in itertools.product(range(-1, inst.n_shifts), repeat=inst.n_days)]
    return [r for r in rows if not hard_violations(inst, r[None, :])]


def _cost(cost, row):
    days = np.flatnonzero(row != OFF)
    return float(cost[days, row[days]].sum())


@pytest.mark.parametrize("seed", range(6))
def test_shortest_rows_match_brute_force_on_the_sequence_rules(tiny, seed):
    rng = np.random.default_rng(seed)
    e = seed % 2
    # Resource rules relaxed: the program handles the sequence rules exactly.
    one = _one_employee(tiny, e, max_shifts=(7, 7), min_total_min=0, max_total_min=10**6,
                        max_weekends=1, max_consecutive_shifts=int(rng.integers(2, 5)),
                        min_consecutive_shifts=int(rng.integers(1, 4)),
                        min_consecutive_days_off=int(rng.integers(1, 4)))
    feasible = _all_rows(one)
    p = _problem(one, 0)
    cost = rng.normal(size=(3, one.n_days, one.n_shifts))
    for b, row in enumerate(shortest_rows(p, cost)):
        assert hard_violations(one, row[None, :]) == []
        assert _cost(cost[b], row) == pytest.approx(min(_cost(cost[b], r) for r in feasible))


@pytest.mark.parametrize("seed", range(4))
def test_banded_row_is_exact_for_the_minutes_window(tiny, seed):
    rng = np.random.default_rng(10 + seed)
    one = _one_employee(tiny, 0, max_shifts=(7, 7), max_weekends=1, min_total_min=1440,
                        max_total_min=1920)
    feasible = _all_rows(one)
    p = _problem(one, 0)
    cost = rng.normal(size=(one.n_days, one.n_shifts))
    reference = np.full(one.n_days, OFF)  # far from the window: the band must span it
    row = banded_row(p, cost, reference, band_min=7 * 480)
    assert hard_violations(one, row[None, :]) == []
    assert _cost(cost, row) == pytest.approx(min(_cost(cost, r) for r in feasible))
    assert banded_row(p, cost, reference, band_min=480) is None  # the window is out of reach


@needs_curtois
@pytest.mark.parametrize("name, employees", [
    ("Instance5", range(16)), ("Instance13", range(0, 120, 12)),
    ("Instance24", range(0, 150, 30))])
def test_lagrangian_rows_pass_the_evaluator_on_real_instances(name, employees):
    inst = read_curtois_instance(CURTOIS / f"{name}.txt")
    rng = np.random.default_rng(0)
    counts = np.zeros((inst.n_days, inst.n_shifts), dtype=int)
    found = 0
    for e in employees:
        row = lagrangian_row(inst, e, counts, rng)
        if row is not None:
            found += 1
            assert row_is_feasible(inst, e, row), (name, e)
            counts[np.flatnonzero(row >= 0), row[row >= 0]] += 1
    assert found >= 0.8 * len(employees)


@needs_curtois
def test_fast_construction_and_improvement_are_feasible_on_a_year():
    inst = read_curtois_instance(CURTOIS / "Instance22.txt")
    began = time.monotonic()
    roster = greedy_roster(inst, time.monotonic() + 30, workers=1, seed=0, fast_rows=True)
    assert hard_violations(inst, roster) == []
    assert time.monotonic() - began < 15  # CP-SAT rows alone take about a second each
    start = objective_components(inst, roster)["total"]
    better = improve_rows_fast(inst, roster, time.monotonic() + 0.5, seed=0, max_passes=1)
    assert hard_violations(inst, better) == []
    assert objective_components(inst, better)["total"] <= start


def test_rows_the_program_misses_come_from_cp_sat(tiny, monkeypatch):
    import scheduling._bench_es_search as search

    monkeypatch.setattr(search, "lagrangian_row", lambda *args, **kwargs: None)
    roster = search.greedy_roster(tiny, deadline=time.monotonic() + 5, workers=1, seed=0,
                                  fast_rows=True)
    assert hard_violations(tiny, roster) == []


def test_an_employee_without_any_feasible_row_is_reported(tiny):
    # 7 days cannot hold 4000 minutes of 480-minute shifts: both paths must say so.
    bad = dataclasses.replace(tiny, staff=(dataclasses.replace(
        tiny.staff[0], min_total_min=4000, max_total_min=4400), tiny.staff[1]))
    assert lagrangian_row(bad, 0, np.zeros((7, 2), dtype=int), np.random.default_rng(0)) is None
    with pytest.raises(RuntimeError, match="employee A has no schedule"):
        greedy_roster(bad, deadline=time.monotonic() + 2, workers=1, seed=0, fast_rows=True)
