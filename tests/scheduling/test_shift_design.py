"""Shift design: Musliu-format parser, objective, the cyclic call-center optimum (55)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scheduling._bench_musliu_io import parse_musliu_instance, read_musliu_instance
from scheduling.shift_design import (
    DesignWeights, DutyLimits, ShiftType, candidate_shifts, coverage_of, design_objective,
    design_shifts)

DATA = Path(__file__).parent / "data"

# Cyclic daily shift cover, hourly demand; 8-hour shifts may start at any full hour and
# wrap past midnight; minimise the number of agents. Published optimum 55. Source:
# GitHub sevenxx07/LP-Scheduling-problem, README.md (commit 32dd938b), the "call center
# scheduling" ILP assignment of the Combinatorial Optimization course, CTU Prague.
# No license is stated there, so the 24 numbers are re-stated here rather than copied.
CYCLIC_DEMAND = [6, 6, 6, 6, 6, 8, 9, 12, 18, 22, 25, 21, 21, 20, 18, 21, 21, 24, 24, 18,
                 18, 18, 12, 8]


@pytest.fixture(scope="module")
def tiny():
    return read_musliu_instance(DATA / "tiny_musliu.txt")


def test_parser_reads_requirement_templates_weights(tiny):
    assert tiny.slot_min == 60 and tiny.requirement.shape == (7, 24)
    assert tiny.requirement[0, 8] == 2 and tiny.requirement[5, 8] == 0
    assert tiny.requirement[0, 0] == 1  # Sunday's night shift wraps into Monday
    f, n = tiny.shift_types
    assert f.name == "F" and (f.start_min_earliest, f.start_min_latest) == (420, 540)
    assert (n.length_min_shortest, n.length_min_longest) == (420, 540)
    assert tiny.weights == DesignWeights(1, 1, 60)
    assert tiny.duty_limits == DutyLimits(3, 5, 38.5)
    assert tiny.known_value == 120
    assert tiny.planted == ((480, 480, (2, 2, 2, 2, 2, 0, 0)), (1320, 480, (1,) * 7))


def test_planted_solution_reproduces_known_value(tiny):
    candidates = [("F", 8, 8), ("N", 22, 8)]
    counts = np.array([[2, 2, 2, 2, 2, 0, 0], [1] * 7])
    cov = coverage_of(counts, candidates, 7, 24)
    np.testing.assert_array_equal(cov, tiny.requirement)
    comp = design_objective(tiny.requirement, cov, 2, tiny.weights, 60)
    assert comp == {"under_min": 0, "over_min": 0, "shifts_used": 2, "total": 120}


def test_objective_counts_person_minutes():
    req = np.array([[2, 2, 0, 1]])  # slot_min 360: one day of four 6-hour slots
    cov = np.array([[1, 3, 0, 1]])
    comp = design_objective(req, cov, 3, DesignWeights(2, 1, 10), 360)
    # one person-slot short (360 min, weight 2) + one over (360 min, weight 1) + 3 shifts
    assert comp == {"under_min": 360, "over_min": 360, "shifts_used": 3,
                    "total": 720 + 360 + 30}


def test_design_reaches_known_value(tiny):
    res = design_shifts(tiny.requirement, tiny.shift_types, tiny.weights, 5.0,
                        slot_min=tiny.slot_min, duty_limits=tiny.duty_limits)
    assert res.objective == 120 and res.status == "OPTIMAL"
    assert res.components["under_min"] == res.components["over_min"] == 0
    np.testing.assert_array_equal(res.coverage, tiny.requirement)
    days = [f"day_{d}" for d in range(7)]
    assert sorted(res.shifts[days].sum(axis=1).tolist()) == [7, 10]


def test_cyclic_call_center_optimum_is_55():
    req = np.array([CYCLIC_DEMAND])
    every_hour = ShiftType("any", 0, 23 * 60, 480, 480)
    # No shortage allowed in practice (weight 1000); each over-covered person-hour costs 1,
    # and Σ coverage = 8·agents, so minimising over-cover minimises agents.
    res = design_shifts(req, [every_hour], DesignWeights(1000, 1, 0), 10.0, slot_min=60)
    assert res.components["under_min"] == 0
    agents = int(res.shifts["day_0"].sum())
    assert agents == 55
    assert res.components["over_min"] == (55 * 8 - sum(CYCLIC_DEMAND)) * 60


def test_duty_limits_force_long_shifts(tiny):
    # hi = 4.5 duties/week at 38.5 h means mean shift length >= 38.5*60/4.5 = 513.3 min.
    limits = DutyLimits(3, 4.5, 38.5)
    res = design_shifts(tiny.requirement, tiny.shift_types, tiny.weights, 5.0,
                        slot_min=60, duty_limits=limits)
    heads = res.shifts[[f"day_{d}" for d in range(7)]].sum(axis=1)
    mean_len = float((heads * res.shifts["length_min"]).sum() / heads.sum())
    assert mean_len >= 38.5 * 60 / 4.5 - 1e-9
    assert res.objective > 120


def test_candidates_stay_on_grid_and_windows():
    cands = candidate_shifts((ShiftType("x", 50, 130, 100, 200),), 30)
    starts = sorted({c[1] for c in cands})
    lengths = sorted({c[2] for c in cands})
    assert starts == [2, 3, 4] and lengths == [4, 5, 6]


def test_bad_inputs_name_the_field(tiny):
    with pytest.raises(ValueError, match="start_min_latest"):
        ShiftType("x", 100, 50, 60, 60)
    with pytest.raises(ValueError, match="per_shift"):
        DesignWeights(1, 1, -3)
    with pytest.raises(ValueError, match="requirement must have shape"):
        design_shifts(np.zeros((7, 10), dtype=int), tiny.shift_types, tiny.weights,
                      1.0, slot_min=60)
    with pytest.raises(ValueError, match="time_limit_s"):
        design_shifts(tiny.requirement, tiny.shift_types, tiny.weights, 0.0, slot_min=60)
    lines = (DATA / "tiny_musliu.txt").read_text(encoding="latin-1").splitlines()
    at = lines.index("#Requirements:") + 1
    lines[at] = " ".join(lines[at].split()[:-1])  # one slot short
    with pytest.raises(ValueError, match="Requirements must hold"):
        parse_musliu_instance("\n".join(lines))
