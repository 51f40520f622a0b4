"""Sample-size week (120 agents, 15-minute intervals): first roster fast, every rule holds."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from scheduling import RosterProblem, build_and_solve

from .roster_helpers import check_hard_rules

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("roster_sample",
                                                  ROOT / "benchmarks" / "roster_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_sample_week_first_roster_within_10s_and_rules_hold():
    bench = _bench()
    agents = bench.sample_agents(ROOT / "data" / "sample" / "agents.csv")
    req = bench.synthetic_requirements(agents, 0.9, np.random.default_rng(0))
    prob = RosterProblem(req, agents, bench.CONTRACTS, bench.RULES, bench.WEIGHTS, bench.WEEK,
                         15, bench.COSTS)
    points = []
    res = build_and_solve(prob, time_limit_s=15, workers=2, seed=0, progress=points.append)
    assert points[0].wall_s <= 10
    check_hard_rules(prob, res)
    assert sum(res.objective_components.values()) == pytest.approx(res.objective)
    assert res.coverage["shortfall"].sum() <= 0.01 * req["required"].sum()
