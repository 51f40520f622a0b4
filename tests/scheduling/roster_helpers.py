"""Small synthetic roster problems and an independent checker of every hard rule."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from scheduling import (Contract, CostRates, RosterProblem, RosterResult,
                        RosterWeights, ShiftRules)

TZ = "Asia/Shanghai"
MONDAY = date(2026, 11, 30)

RULES = ShiftRules(earliest_start="08:00", latest_end="20:00", start_step_min=60, min_rest_h=13,
                   max_consecutive_days=6, lunch_min=60, lunch_after_h=6, lunch_window_h=(3, 5),
                   break_min=30, breaks_per_4h=1, break_margin_h=1.0)
CONTRACTS = {
    "ft": Contract("ft", (9,), 8, 16, 2, 30.0),
    "pt": Contract("pt", (4,), 4, 8, 2, 20.0),
}


def days(n: int, first: date = MONDAY) -> tuple[date, ...]:
    return tuple(first + timedelta(days=k) for k in range(n))


def requirements(plan: tuple[date, ...], profile: dict[str, list[tuple[int, int, int]]],
                 interval_min: int = 30) -> pd.DataFrame:
    """Requirement frame from ``{channel: [(from_hour, to_hour, head count)]}``, 08-20 h."""
    rows = []
    for day in plan:
        for minute in range(8 * 60, 20 * 60, interval_min):
            ds = (pd.Timestamp(day) + pd.Timedelta(minutes=minute)).tz_localize(TZ)
            for channel, spans in profile.items():
                need = sum(n for lo, hi, n in spans if lo * 60 <= minute < hi * 60)
                rows.append((channel, ds, need))
    return pd.DataFrame(rows, columns=["channel", "ds", "required"])


def problem(agents, plan, profile, contracts=CONTRACTS, rules=RULES,
            weights: RosterWeights | None = None, **kw) -> RosterProblem:
    return RosterProblem(requirements(plan, profile), tuple(agents), contracts, rules,
                         weights or RosterWeights(), plan, 30, kw.pop("costs", CostRates()),
                         **kw)


def _minute(ts: pd.Timestamp) -> int:
    return ts.hour * 60 + ts.minute


def check_hard_rules(prob: RosterProblem, res: RosterResult) -> None:
    """Assert every hard rule on the extracted frames (independent of the model)."""
    roster, rules = res.roster, prob.rules
    agents = {a.agent_id: a for a in prob.agents}
    assert not roster.duplicated(["agent_id", "date"]).any(), "two shifts on one day"
    for row in roster.itertuples():
        agent, contract = agents[row.agent_id], prob.contracts[agents[row.agent_id].contract]
        start, end = _minute(row.shift_start), _minute(row.shift_end)
        assert row.shift_start.date() == row.date == row.shift_end.date()
        assert (end - start) / 60 in contract.shift_lengths_h
        assert start >= _minute(pd.Timestamp(f"2000-01-01 {rules.earliest_start}"))
        assert end <= _minute(pd.Timestamp(f"2000-01-01 {rules.latest_end}"))
        assert (start - 8 * 60) % rules.start_step_min == 0
        assert row.date.weekday() in agent.available_weekdays
        assert row.date not in agent.time_off
        assert start >= agent.earliest_start.hour * 60 + agent.earliest_start.minute
        assert end <= agent.latest_end.hour * 60 + agent.latest_end.minute + 1
        _check_breaks(prob, res, row, start, end)
    for agent_id, shifts in roster.groupby("agent_id"):
        agent = agents[agent_id]
        contract = prob.contracts[agent.contract]
        hours = shifts["paid_hours"].sum()
        assert contract.min_hours_week - 1e-9 <= hours <= contract.max_hours_week + 1e-9
        assert len(shifts) <= contract.max_days_week
        _check_rest_and_runs(prob, agent, shifts.sort_values("shift_start"))
    for agent in prob.agents:
        for start, end in agent.commitments:
            day = roster[(roster.agent_id == agent.agent_id) & (roster.date == start.date())]
            assert len(day) == 1, f"{agent.agent_id} must work on {start.date()}"
            assert day.shift_start.iloc[0].tz_localize(None) <= start
            assert end <= day.shift_end.iloc[0].tz_localize(None)
        if agent.agent_id not in set(roster["agent_id"]):
            assert prob.contracts[agent.contract].min_hours_week == 0
    _check_assignments(prob, res)


def _check_breaks(prob, res, row, start, end) -> None:
    rules = prob.rules
    pieces = res.breaks[(res.breaks.agent_id == row.agent_id) & (res.breaks.date == row.date)]
    lunches = pieces[pieces.kind == "lunch"]
    paid_breaks = pieces[pieces.kind == "break"]
    has_lunch = end - start >= rules.lunch_after_h * 60
    assert len(lunches) == int(has_lunch)
    for lunch in lunches.itertuples():
        offset = _minute(lunch.start) - start
        assert rules.lunch_window_h[0] * 60 <= offset <= rules.lunch_window_h[1] * 60
        assert _minute(lunch.end) - _minute(lunch.start) == rules.lunch_min
        assert not lunch.paid
    paid_min = end - start - (rules.lunch_min if has_lunch else 0)
    assert abs(row.paid_hours * 60 - paid_min) < 1e-9
    assert len(paid_breaks) == rules.breaks_per_4h * (paid_min // 240)
    for brk in paid_breaks.itertuples():
        assert _minute(brk.end) - _minute(brk.start) == rules.break_min and brk.paid
        assert _minute(brk.start) >= start + rules.break_margin_h * 60
        assert _minute(brk.end) <= end - rules.break_margin_h * 60
    spans = sorted((_minute(p.start), _minute(p.end)) for p in pieces.itertuples())
    for (_, first_end), (second_start, _) in zip(spans, spans[1:]):
        assert first_end <= second_start, "lunch and breaks overlap"


def _check_rest_and_runs(prob, agent, shifts) -> None:
    rest = timedelta(hours=prob.rules.min_rest_h)
    ends = [s.tz_localize(None) for s in shifts["shift_end"]]
    starts = [s.tz_localize(None) for s in shifts["shift_start"]]
    if agent.previous_shift_end is not None:
        assert starts[0] - agent.previous_shift_end >= rest
    for end, nxt in zip(ends, starts[1:]):
        assert nxt - end >= rest
    contract = prob.contracts[agent.contract]
    limit = contract.max_consecutive_days or prob.rules.max_consecutive_days
    worked = set(shifts["date"])
    run = agent.previous_consecutive_days
    for day in prob.days:
        run = run + 1 if day in worked else 0
        assert run <= limit
    # runs of days off between two working days (the day before the plan counts when worked)
    flags = [agent.previous_consecutive_days > 0] + [day in worked for day in prob.days]
    off_run = None
    for flag in flags:
        if flag and off_run:
            assert off_run >= contract.min_consecutive_days_off, f"{agent.agent_id}: {off_run} day(s) off"
        off_run = 0 if flag else (None if off_run is None else off_run + 1)
    late_after = _minute(pd.Timestamp(f"2000-01-01 {prob.rules.late_end_after}"))
    if contract.max_late_shifts_week is not None:
        for first in range(0, len(prob.days), 7):
            week = set(prob.days[first:first + 7])
            late = [e for d, e in zip(shifts["date"], shifts["shift_end"])
                    if d in week and _minute(e) > late_after]
            assert len(late) <= contract.max_late_shifts_week, f"{agent.agent_id}: {len(late)} late"
    if contract.start_times:
        allowed = {t.hour * 60 + t.minute for t in contract.start_times}
        assert {_minute(s) for s in shifts["shift_start"]} <= allowed


def _check_assignments(prob, res) -> None:
    skills = {a.agent_id: set(a.skill_set) for a in prob.agents}
    expected = set()
    for row in res.roster.itertuples():
        off = res.breaks[(res.breaks.agent_id == row.agent_id) & (res.breaks.date == row.date)]
        t = row.shift_start
        while t < row.shift_end:
            if not ((off.start <= t) & (t < off.end)).any():
                expected.add((row.agent_id, t))
            t += pd.Timedelta(minutes=prob.interval_min)
    got = list(zip(res.assignments.agent_id, res.assignments.ds))
    assert len(got) == len(set(got)), "an agent counted twice in one interval"
    assert set(got) == expected
    assert all(c in skills[a] for a, c in zip(res.assignments.agent_id, res.assignments.channel))
    counts = res.assignments.groupby(["channel", "ds"]).size()
    cov = res.coverage.set_index(["channel", "ds"])
    for key, scheduled in cov["scheduled"].items():
        assert scheduled == counts.get(key, 0)
    assert counts.sum() == cov["scheduled"].sum()
    assert (cov["shortfall"] == (cov["required"] - cov["scheduled"]).clip(lower=0)).all()
    assert (cov["surplus"] == (cov["scheduled"] - cov["required"]).clip(lower=0)).all()
