"""Benchmark the roster engine on the sample center's week (issue 7 goals).

Goals: first feasible roster within 10 s and a gap of at most 2 % to the solver's own
bound at 60 s, on 2 workers. Agents come from ``data/sample/agents.csv`` (or a synthetic
120-agent center with ``--synthetic-agents``); requirements from ``--requirements CSV``
(``channel, ds, required``) or a synthetic weekly profile scaled to ``--load-frac`` of the
agents' productive capacity.

    python benchmarks/roster_sample.py --time-limit 60 --workers 2

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scheduling import (  # noqa: E402
    Contract, CostRates, RosterAgent, RosterProblem, RosterWeights, ShiftRules, build_and_solve)
from scheduling.grid import contract_options  # noqa: E402

WEEK = tuple(date(2026, 11, 30) + timedelta(days=k) for k in range(7))
SHARES = {"phone": 0.40, "chat": 0.33, "email": 0.15, "social": 0.12}
CLOSE = {"phone": 22, "chat": 23, "email": 22, "social": 22}


def scenario_config(path: Path) -> dict:
    """Contracts, shift rules, pay premiums and weights from the scenario file's sections."""
    with open(path, "rb") as handle:
        cfg = tomllib.load(handle)
    shifts = cfg["shifts"]
    return {
        "contracts": {name: Contract(name, tuple(c["shift_lengths_h"]), c["min_hours_week"],
                                     c["max_hours_week"], c["max_days_week"], c["hourly_wage"])
                      for name, c in cfg["contracts"].items()},
        "rules": ShiftRules(shifts["earliest_start"], shifts["latest_end"],
                            shifts["start_step_min"], shifts["min_rest_h"],
                            shifts["max_consecutive_days"], shifts["lunch_min"],
                            shifts["lunch_after_h"], tuple(shifts["lunch_window_h"]),
                            shifts["break_min"], shifts["breaks_per_4h"]),
        "costs": CostRates(**cfg["costs"]),
        "weights": RosterWeights(**cfg["weights"]),
    }


SCENARIO = scenario_config(ROOT / "data/sample/scenario.toml")
CONTRACTS, RULES = SCENARIO["contracts"], SCENARIO["rules"]
COSTS, WEIGHTS = SCENARIO["costs"], SCENARIO["weights"]


def _split(text: object) -> list[str]:
    return [] if pd.isna(text) or not str(text).strip() else str(text).split(";")


def sample_agents(path: Path) -> tuple[RosterAgent, ...]:
    """Agents of ``agents.csv`` (columns as in docs/architecture.md)."""
    frame = pd.read_csv(path, dtype=str)
    return tuple(RosterAgent(
        agent_id=row.agent_id, contract=row.contract,
        skills={s.split(":")[0]: int(s.split(":")[1]) for s in _split(row.skills)},
        available_weekdays=tuple(_split(row.available_days)),
        earliest_start=row.earliest_start, latest_end=row.latest_end,
        time_off=tuple(date.fromisoformat(d) for d in _split(row.time_off)),
        preferred_start=None if pd.isna(row.preferred_start) else row.preferred_start)
        for row in frame.itertuples())


def synthetic_agents(n: int, rng: np.random.Generator) -> tuple[RosterAgent, ...]:
    """A 70 % full-time center with the sample's skill mix and a few restrictions."""
    skill_sets = [{"phone": 1}, {"chat": 1}, {"phone": 1, "chat": 2}, {"chat": 1, "social": 2},
                  {"email": 1, "chat": 2}, {"phone": 1, "chat": 2, "email": 2, "social": 2},
                  {"social": 1, "email": 2}]
    agents = []
    for k in range(n):
        full = rng.random() < 0.7
        evening = not full and rng.random() < 0.4
        off = (WEEK[int(rng.integers(7))],) if rng.random() < 0.08 else ()
        agents.append(RosterAgent(
            f"S{k + 1:03d}", "full_time" if full else "part_time",
            skill_sets[int(rng.integers(len(skill_sets)))],
            earliest_start="18:00" if evening else "08:00", latest_end="23:00", time_off=off,
            preferred_start=None if rng.random() < 0.7 else f"{int(rng.integers(8, 14)):02d}:00"))
    return tuple(agents)


def synthetic_requirements(agents: tuple[RosterAgent, ...], load_frac: float,
                           rng: np.random.Generator) -> pd.DataFrame:
    """Two-hump daily profile per channel, totals ``load_frac`` of productive capacity."""
    capacity = sum(5 * 30 if a.contract == "full_time" else 4.5 * 15 for a in agents)
    hours = np.arange(8, 23, 0.25)
    rows = []
    for channel, share in SHARES.items():
        shape = np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2) + 0.9 * np.exp(
            -0.5 * ((hours - 15.5) / 2.2) ** 2) + 0.35 * np.exp(-0.5 * ((hours - 20.5) / 1.2) ** 2)
        shape = np.where(hours < CLOSE[channel], shape, 0.0)
        for day in WEEK:
            day_factor = 0.85 if day.weekday() >= 5 else 1.0
            level = shape / shape.sum() * capacity * load_frac * share / 7 * day_factor
            noisy = level * rng.lognormal(0, 0.08, size=level.size)
            for h, req in zip(hours, np.round(noisy).astype(int)):
                ds = pd.Timestamp(day) + pd.Timedelta(hours=float(h))
                rows.append((channel, ds.tz_localize("Asia/Shanghai"), int(req)))
    return pd.DataFrame(rows, columns=["channel", "ds", "required"])


def structural_bound(problem: RosterProblem) -> float:
    """A simple valid lower bound for context (not the solver's): every agent costs at least
    ``min_hours * wage``, and all productive intervals beyond the total requirement are
    surplus (each working interval serves exactly one channel)."""
    w = problem.weights
    cost = productive = 0.0
    for agent in problem.agents:
        contract = problem.contracts[agent.contract]
        options = contract_options(contract, problem.rules, problem.costs, problem.interval_min)
        frac = min((o.paid_min - len(o.breaks) * problem.rules.break_min) / o.paid_min
                   for o in options)
        cost += contract.min_hours_week * contract.hourly_wage
        productive += contract.min_hours_week * 60 * frac / problem.interval_min
    surplus = max(0.0, productive - float(problem.requirements["required"].sum()))
    return w.cost * cost + w.over_coverage * surplus


def pipeline_problem() -> RosterProblem:
    """The sample week's roster problem as the staffcast pipeline builds it."""
    from staffcast import pipeline
    from staffcast.scenario import load_scenario

    scenario, _ = load_scenario(ROOT / "data/sample/scenario.toml")
    history, agents = pipeline.load_inputs(scenario)
    forecast = pipeline.run_forecast(scenario, history).forecast
    forecast = pipeline.apply_scenario_overrides(scenario, forecast)
    requirements = pipeline.run_staffing(scenario, forecast)
    return pipeline.roster_problem(scenario, requirements, agents)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=Path, default=ROOT / "data/sample/agents.csv")
    parser.add_argument("--synthetic-agents", type=int, default=0,
                        help="use N synthetic agents instead of the agents file")
    parser.add_argument("--requirements", type=Path, help="CSV channel,ds,required")
    parser.add_argument("--pipeline", action="store_true",
                        help="real sample week: forecast + staffing + scenario mapping of the "
                             "staffcast pipeline (about 30 s before the roster starts)")
    parser.add_argument("--load-frac", type=float, default=0.9)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.pipeline:
        problem = pipeline_problem()
    else:
        agents = (synthetic_agents(args.synthetic_agents, rng) if args.synthetic_agents
                  else sample_agents(args.agents))
        if args.requirements:
            req = pd.read_csv(args.requirements, parse_dates=["ds"])[["channel", "ds", "required"]]
        else:
            req = synthetic_requirements(agents, args.load_frac, rng)
        problem = RosterProblem(req, agents, CONTRACTS, RULES, WEIGHTS, WEEK, 15, COSTS)
    agents, req = problem.agents, problem.requirements
    instance = ("sample-week (pipeline requirements)" if args.pipeline else
                f"{'synthetic' if args.synthetic_agents else 'sample'} agents, "
                f"{'file' if args.requirements else 'synthetic'} requirements")
    started = time.perf_counter()
    points = []
    result = build_and_solve(problem, args.time_limit, args.workers, args.seed,
                             progress=lambda p: points.append(p))
    total_s = time.perf_counter() - started
    first = points[0] if points else None
    for p in points:
        print(f"t={p.wall_s:7.2f}s objective={p.objective:12.1f} bound={p.best_bound:12.1f}")
    summary = {
        "instance": instance, "agents": len(agents), "required_agent_intervals":
            int(req["required"].sum()), "status": result.status,
        "first_feasible_s": round(first.wall_s, 2) if first else None,
        "objective": result.objective, "best_bound": result.best_bound,
        "gap": round(result.gap, 5), "time_s": round(total_s, 2),
        "shortfall_agent_intervals": int(result.coverage["shortfall"].sum()),
        "components": result.objective_components,
        "structural_lower_bound": round(structural_bound(problem), 1),
        "gap_vs_structural_bound": round(1 - structural_bound(problem) / result.objective, 4),
        "goal_first_feasible_10s": bool(first and first.wall_s <= 10),
        "goal_gap_2pct": bool(result.gap <= 0.02),
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
