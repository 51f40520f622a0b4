"""Turn a solved roster model into frames: shifts, breaks, assignments, coverage, violations."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from ortools.sat.python import cp_model

from scheduling.grid import interval_start, plan_tz
from scheduling.model import SCALE, RosterModel
from scheduling.soft import GOALS

__all__ = ["extract_frames", "objective_components"]

ROSTER_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "paid_hours", "breaks",
                  "contract"]
BREAK_COLUMNS = ["agent_id", "date", "kind", "start", "end", "paid"]
COVERAGE_COLUMNS = ["channel", "ds", "required", "scheduled", "shortfall", "surplus"]
VIOLATION_COLUMNS = ["goal", "agent_id", "channel", "date", "ds", "amount", "unit", "penalty",
                     "description"]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _chosen(rm: RosterModel, solver: cp_model.CpSolver) -> dict:
    """``{(a, d): (option, lunch start | None, [break starts])}`` of worked days."""
    out = {}
    for (a, d), xs in rm.shifts.items():
        picked = [o for o, v in xs if solver.boolean_value(v)]
        if not picked:
            continue
        lunch = [t for t, v in rm.lunches[a, d].items() if solver.boolean_value(v)]
        breaks = [t for starts in rm.breaks[a, d] for t, v in starts.items()
                  if solver.boolean_value(v)]
        out[a, d] = (picked[0], lunch[0] if lunch else None, sorted(breaks))
    return out


def _shift_frames(rm: RosterModel, chosen: dict, tz) -> tuple[pd.DataFrame, pd.DataFrame]:
    problem, rules = rm.problem, rm.problem.rules
    rows, break_rows = [], []
    for (a, d), (option, lunch, breaks) in sorted(chosen.items()):
        agent = problem.agents[a]
        pieces = [(lunch, rules.lunch_min, "lunch", False)] if lunch is not None else []
        pieces += [(t, rules.break_min, "break", True) for t in breaks]
        pieces.sort()
        for start, length, kind, paid in pieces:
            break_rows.append((agent.agent_id, problem.days[d], kind,
                               interval_start(problem, d, start, tz),
                               interval_start(problem, d, start + length, tz), paid))
        text = "; ".join(f"{_hhmm(s)}-{_hhmm(s + n)} {k}" for s, n, k, _ in pieces)
        rows.append((agent.agent_id, problem.days[d],
                     interval_start(problem, d, option.start_min, tz),
                     interval_start(problem, d, option.end_min, tz),
                     option.paid_min / 60, text, agent.contract))
    return (pd.DataFrame(rows, columns=ROSTER_COLUMNS),
            pd.DataFrame(break_rows, columns=BREAK_COLUMNS))


def _working(rm: RosterModel, chosen: dict) -> dict:
    """``{(g, d, minute): [agent index]}`` of agents working (not on break) per interval."""
    rules, step = rm.problem.rules, rm.problem.interval_min
    group_of = {a: g for g, (_, members) in enumerate(rm.groups) for a in members}
    out = defaultdict(list)
    for (a, d), (option, lunch, breaks) in sorted(chosen.items()):
        off = set()
        if lunch is not None:
            off.update(range(lunch, lunch + rules.lunch_min, step))
        for t in breaks:
            off.update(range(t, t + rules.break_min, step))
        for minute in range(option.start_min, option.end_min, step):
            if minute not in off:
                out[group_of[a], d, minute].append(a)
    return out


def _assign(rm: RosterModel, solver: cp_model.CpSolver, working: dict) -> list[tuple]:
    """Split each group's working agents over skills as the allocation says.

    Agents keep the channel of their previous interval when the allocation allows it.
    """
    rows, previous = [], {}
    for (g, d, minute) in sorted(working, key=lambda k: (k[1], k[2], k[0])):
        skills, _ = rm.groups[g]
        agents = working[g, d, minute]
        if len(skills) == 1:
            quota = {skills[0][0]: len(agents)}
        else:
            quota = {c: solver.value(rm.alloc[g, c, d, minute]) for c, _ in skills}
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


def _violations(rm: RosterModel, solver: cp_model.CpSolver, tz) -> pd.DataFrame:
    rows = []
    for term in rm.soft:
        if not term.listed:
            continue
        amount = sum(solver.value(v) * k for v, k in term.amount)
        if amount <= 1e-9:
            continue
        penalty = sum(solver.value(v) * c for v, c in term.terms) / SCALE
        agent = rm.problem.agents[term.agent].agent_id if term.agent is not None else None
        day = rm.problem.days[term.day] if term.day is not None else None
        ds = interval_start(rm.problem, term.day, term.minute, tz) if term.minute is not None \
            else None
        subject = " ".join(str(s) for s in (agent, term.channel, ds if ds is not None else day)
                           if s is not None)
        rows.append((term.goal, agent, term.channel, day, ds, amount, term.unit, penalty,
                     f"{term.what}: {subject} ({amount:g} {term.unit})"))
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def objective_components(rm: RosterModel, solver: cp_model.CpSolver) -> dict[str, float]:
    """Objective points per soft goal; they sum to the objective value."""
    totals = dict.fromkeys(GOALS, 0)
    for term in rm.soft:
        totals[term.goal] += sum(solver.value(v) * c for v, c in term.terms)
    return {goal: total / SCALE for goal, total in totals.items()}


def extract_frames(rm: RosterModel, solver: cp_model.CpSolver) -> dict[str, pd.DataFrame]:
    """Roster, breaks, assignments, coverage and violations frames of the solution."""
    tz = plan_tz(rm.problem)
    chosen = _chosen(rm, solver)
    roster, breaks = _shift_frames(rm, chosen, tz)
    assigned = _assign(rm, solver, _working(rm, chosen))
    ids = [agent.agent_id for agent in rm.problem.agents]
    assignments = pd.DataFrame(
        [(ids[a], interval_start(rm.problem, d, minute, tz), c) for a, d, minute, c in assigned],
        columns=["agent_id", "ds", "channel"]).sort_values(["agent_id", "ds"], ignore_index=True)
    return {"roster": roster, "breaks": breaks, "assignments": assignments,
            "coverage": _coverage(rm, assigned, tz), "violations": _violations(rm, solver, tz)}
