"""Turn a solved roster model into frames: shifts, breaks, assignments, coverage, violations."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from scheduling.grid import interval_start, plan_tz
from scheduling.model import SCALE, RosterModel
from scheduling.soft import GOALS
from scheduling.hint import Solution

__all__ = ["extract_frames", "objective_components"]

ROSTER_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "paid_hours", "breaks",
                  "contract"]
BREAK_COLUMNS = ["agent_id", "date", "kind", "start", "end", "paid"]
COVERAGE_COLUMNS = ["channel", "ds", "required", "scheduled", "shortfall", "surplus"]
VIOLATION_COLUMNS = ["goal", "agent_id", "channel", "date", "ds", "amount", "unit", "penalty",
                     "kind", "description"]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _chosen(rm: RosterModel, solution: Solution) -> dict:
    """``{(a, d): (option, [(start minute, length, kind)])}`` of worked days.

    The crew's lunch/break counts per start offset are dealt out to the crew's agents on
    that shift type in agent order; windows are disjoint, so every deal is valid.
    """
    out = {}
    for g, (_, _, members) in enumerate(rm.crews):
        for d in range(len(rm.problem.days)):
            on = defaultdict(list)
            for a in members:
                for option, var in rm.shifts[a, d]:
                    if solution.boolean_value(var):
                        on[option].append(a)
            for option, agents in on.items():
                pieces = {a: [] for a in agents}
                for kind, length, at in rm.pieces[g, d, option]:
                    offsets = [off for off, var in at.items() for _ in range(solution.value(var))]
                    for a, off in zip(agents, offsets):
                        pieces[a].append((option.start_min + off, length, kind))
                for a in agents:
                    fixed = rm.problem.agents[a].commitments_on(rm.problem.days[d])
                    pieces[a] += [(s, e - s, "commitment") for s, e in fixed]
                    out[a, d] = (option, sorted(pieces[a]))
    return out


def _shift_frames(rm: RosterModel, chosen: dict, tz) -> tuple[pd.DataFrame, pd.DataFrame]:
    problem = rm.problem
    rows, break_rows = [], []
    for (a, d), (option, pieces) in sorted(chosen.items()):
        agent = problem.agents[a]
        for start, length, kind in pieces:
            break_rows.append((agent.agent_id, problem.days[d], kind,
                               interval_start(problem, d, start, tz),
                               interval_start(problem, d, start + length, tz), kind != "lunch"))
        text = "; ".join(f"{_hhmm(s)}-{_hhmm(s + n)} {k}" for s, n, k in pieces)
        rows.append((agent.agent_id, problem.days[d],
                     interval_start(problem, d, option.start_min, tz),
                     interval_start(problem, d, option.end_min, tz),
                     option.paid_min / 60, text, agent.contract))
    return (pd.DataFrame(rows, columns=ROSTER_COLUMNS),
            pd.DataFrame(break_rows, columns=BREAK_COLUMNS))


def _working(rm: RosterModel, chosen: dict) -> dict:
    """``{(skills, d, minute): [agent index]}`` of agents working (not on break)."""
    step = rm.problem.interval_min
    out = defaultdict(list)
    for (a, d), (option, pieces) in sorted(chosen.items()):
        off = {m for start, length, _ in pieces for m in range(start, start + length, step)}
        for minute in range(option.start_min, option.end_min, step):
            if minute not in off:
                out[rm.problem.agents[a].skills, d, minute].append(a)
    return out


def _assign(rm: RosterModel, solution: Solution, working: dict) -> list[tuple]:
    """Split each group's working agents over skills as the allocation says.

    Agents keep the channel of their previous interval when the allocation allows it.
    """
    rows, previous = [], {}
    for (skills, d, minute) in sorted(working, key=lambda k: (k[1], k[2], k[0])):
        agents = working[skills, d, minute]
        if len(skills) == 1:
            quota = {skills[0][0]: len(agents)}
        else:
            quota = {c: solution.value(rm.alloc[skills, c, d, minute]) for c, _ in skills}
        rest = []
        for a in agents:
            channel = previous.get((a, d, minute - rm.problem.interval_min))
            if channel is not None and quota.get(channel, 0) > 0:
                quota[channel] -= 1
                previous[a, d, minute] = channel
            else:
                rest.append(a)
        for a in rest:
            channel = next(c for c, _ in skills if quota[c] > 0)
            quota[channel] -= 1
            previous[a, d, minute] = channel
        rows.extend((a, d, minute, previous[a, d, minute]) for a in agents)
    return rows


def _coverage(rm: RosterModel, assigned: list[tuple], tz) -> pd.DataFrame:
    counts = defaultdict(int)
    for _, d, minute, channel in assigned:
        counts[channel, d, minute] += 1
    rows = []
    for key in sorted(set(counts) | set(rm.required)):
        channel, d, minute = key
        required, scheduled = rm.required.get(key, 0), counts.get(key, 0)
        rows.append((channel, interval_start(rm.problem, d, minute, tz), required, scheduled,
                     max(required - scheduled, 0), max(scheduled - required, 0)))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS).sort_values(
        ["channel", "ds"], ignore_index=True)


def _violations(rm: RosterModel, solution: Solution, tz) -> pd.DataFrame:
    rows = []
    for term in rm.soft:
        if not term.listed:
            continue
        amount = sum(solution.value(v) * k for v, k in term.amount)
        if amount <= 1e-9:
            continue
        penalty = sum(solution.value(v) * c for v, c in term.terms) / SCALE
        agent = rm.problem.agents[term.agent].agent_id if term.agent is not None else None
        day = rm.problem.days[term.day] if term.day is not None else None
        ds = interval_start(rm.problem, term.day, term.minute, tz) if term.minute is not None \
            else None
        subject = " ".join(str(s) for s in (agent, term.channel, ds if ds is not None else day)
                           if s is not None)
        rows.append((term.goal, agent, term.channel, day, ds, amount, term.unit, penalty, term.what,
                     f"{term.what}: {subject} ({amount:g} {term.unit})"))
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def objective_components(rm: RosterModel, solution: Solution) -> dict[str, float]:
    """Objective points per soft goal; they sum to the objective value."""
    totals = dict.fromkeys(GOALS, 0)
    for term in rm.soft:
        totals[term.goal] += sum(solution.value(v) * c for v, c in term.terms)
    return {goal: total / SCALE for goal, total in totals.items()}


def extract_frames(rm: RosterModel, solution: Solution) -> dict[str, pd.DataFrame]:
    """Roster, breaks, assignments, coverage and violations frames of the solution."""
    tz = plan_tz(rm.problem)
    chosen = _chosen(rm, solution)
    roster, breaks = _shift_frames(rm, chosen, tz)
    assigned = _assign(rm, solution, _working(rm, chosen))
    ids = [agent.agent_id for agent in rm.problem.agents]
    assignments = pd.DataFrame(
        [(ids[a], interval_start(rm.problem, d, minute, tz), c) for a, d, minute, c in assigned],
        columns=["agent_id", "ds", "channel"]).sort_values(["agent_id", "ds"], ignore_index=True)
    return {"roster": roster, "breaks": breaks, "assignments": assignments,
            "coverage": _coverage(rm, assigned, tz), "violations": _violations(rm, solution, tz)}
