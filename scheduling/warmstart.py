"""A first roster fast: greedy shifts, then CP-SAT completes the rest with shifts fixed.

The greedy gives each agent (fullest contracts and fewest skills first) the feasible
shifts that cover the most intervals still short on one of the agent's skills, under every
individual hard rule. A copy of the model with those shifts fixed is then solved for
breaks, skill allocation and penalties; its full solution is a feasible roster of the
full model, reported as the first solution and used as a complete hint for the search.
Agents the greedy cannot place within their rules are left free for the solver.
"""

from __future__ import annotations

from collections import defaultdict
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scheduling.config import minutes_of
from scheduling.grid import ShiftOption, option_cost
from scheduling.model import RosterModel

__all__ = ["Solution", "greedy_shifts", "greedy_solution"]


@dataclass(frozen=True)
class Solution:
    """Values of every model variable (by proto index) and the objective."""

    values: np.ndarray
    objective_points: int
    complete: bool = True

    def value(self, var: cp_model.IntVar) -> int:
        """Value of ``var``."""
        return int(self.values[var.index])

    def boolean_value(self, var: cp_model.IntVar) -> bool:
        """Value of a Boolean ``var``."""
        return bool(self.values[var.index])


class _Residual:
    """Unmet head count per (channel, day, interval) over the shift window."""

    def __init__(self, rm: RosterModel):
        problem = rm.problem
        self.first = minutes_of(problem.rules.earliest_start)
        self.step = problem.interval_min
        slots = (minutes_of(problem.rules.latest_end) - self.first) // self.step
        self.channels = sorted({c for c, _, _ in rm.required}
                               | {c for a in problem.agents for c in a.skill_set})
        self.left = np.zeros((len(self.channels), len(problem.days), slots + 1))
        self.impact = np.ones_like(self.left)
        for (c, d, minute), need in rm.required.items():
            k = (minute - self.first) // self.step
            if 0 <= k < slots and minute >= self.first:
                self.left[self.channels.index(c), d, k] = need
                self.impact[self.channels.index(c), d, k] = rm.impact.get((c, d, minute), 1.0)

    def gains(self, skills: list[int], d: int, weights) -> np.ndarray:
        """Prefix sums over the day's intervals of the objective points one more agent of
        these skills saves: the marginal under-coverage penalty of the neediest skill, less
        over-coverage where none is short. An option's value is ``cs[hi] - cs[lo]``."""
        block = self.left[skills, d, :]
        neediest = np.argmax(block, axis=0)
        need = block[neediest, np.arange(block.shape[1])]
        impact = self.impact[np.asarray(skills)[neediest], d, np.arange(block.shape[1])]
        tier = np.clip(need - 1, 0, weights.under_coverage_tiers - 1)
        saved = np.where(need > 0, weights.under_coverage * impact
                         * weights.under_coverage_growth ** tier, -weights.over_coverage)
        return np.concatenate(([0.0], np.cumsum(saved)))

    def take(self, skills: list[int], d: int, option: ShiftOption) -> tuple:
        """One more agent on ``option`` serves the neediest skill per interval; the returned
        record undoes it with :meth:`restore`."""
        lo, hi = self.span(option)
        block = self.left[skills, d, lo:hi]
        rows = np.asarray(skills)[np.argmax(block, axis=0)]  # ties: primary skill
        self.left[rows, d, np.arange(lo, hi)] -= 1
        return rows, d, lo, hi, -1

    def restore(self, records: list[tuple]) -> None:
        """Undo :meth:`take` / :meth:`take_with_breaks` records."""
        for rows, d, lo, hi, sign in records:
            self.left[rows, d, np.arange(lo, hi)] -= sign

    def take_with_breaks(self, skills: list[int], d: int, option: ShiftOption,
                         rules) -> tuple[list, list[int]]:
        """:meth:`take` the shift, then place each lunch/break where the skill the agent
        would serve is least short, giving those intervals back. Returns undo records and
        the chosen piece offsets."""
        records = [self.take(skills, d, option)]
        served = dict(zip(range(records[0][2], records[0][3]), records[0][0]))
        offsets = []
        for _, lo_off, hi_off, length in option.pieces(rules):
            best, best_need = lo_off, np.inf
            for off in range(lo_off, hi_off + 1, self.step):
                lo = (option.start_min + off - self.first) // self.step
                slots = np.arange(lo, lo + length // self.step)
                need = self.left[[served[k] for k in slots], d, slots].sum()
                if need < best_need:
                    best, best_need = off, need
            lo = (option.start_min + best - self.first) // self.step
            slots = np.arange(lo, lo + length // self.step)
            rows = np.asarray([served[k] for k in slots])
            self.left[rows, d, slots] += 1
            records.append((rows, d, int(slots[0]), int(slots[-1]) + 1, +1))
            offsets.append(best)
        return records, offsets

    def span(self, option: ShiftOption) -> tuple[int, int]:
        """Slot range ``[lo, hi)`` of the shift."""
        return ((option.start_min - self.first) // self.step,
                (option.end_min - self.first) // self.step)


def _day_ok(rm: RosterModel, a: int, chosen: dict[int, ShiftOption], d: int) -> bool:
    """Whether a shift on day ``d`` keeps the day-count and consecutive-days rules."""
    problem = rm.problem
    agent = problem.agents[a]
    contract = problem.contract_of(agent)
    if d in chosen or sum(k // 7 == d // 7 for k in chosen) >= contract.max_days_week:
        return False
    limit = contract.max_consecutive_days or problem.rules.max_consecutive_days
    run = agent.previous_consecutive_days
    for k in range(len(problem.days)):
        run = run + 1 if (k in chosen or k == d) else 0
        if run > limit:
            return False
    return True


def _option_ok(rm: RosterModel, a: int, chosen: dict[int, ShiftOption], d: int,
               option: ShiftOption) -> bool:
    """Whether ``option`` on day ``d`` keeps the hours, rest and late-shift rules."""
    problem = rm.problem
    agent = problem.agents[a]
    contract = problem.contract_of(agent)
    paid = sum(o.paid_min for k, o in chosen.items() if k // 7 == d // 7) + option.paid_min
    if paid > contract.max_hours_week * 60:
        return False
    rest = problem.rules.min_rest_h * 60
    if d - 1 in chosen and option.start_min + 1440 - chosen[d - 1].end_min < rest:
        return False
    if d + 1 in chosen and chosen[d + 1].start_min + 1440 - option.end_min < rest:
        return False
    if d == 0 and agent.previous_shift_end is not None:
        day0 = datetime.combine(problem.days[0], datetime.min.time())
        gap = option.start_min - (agent.previous_shift_end.replace(tzinfo=None) - day0
                                  ).total_seconds() / 60
        if gap < rest:
            return False
    late = sum(o.late for o in chosen.values()) + option.late
    return contract.max_late_shifts_week is None or late <= contract.max_late_shifts_week


def _days_off_ok(rm: RosterModel, a: int, chosen: dict[int, ShiftOption]) -> bool:
    agent = rm.problem.agents[a]
    need = rm.problem.contract_of(agent).min_consecutive_days_off
    worked = [k in chosen for k in range(len(rm.problem.days))]
    runs, k = [], 0
    while k < len(worked):
        if worked[k]:
            k += 1
            continue
        end = k
        while end < len(worked) and not worked[end]:
            end += 1
        closed = (k > 0 or agent.previous_consecutive_days > 0) and end < len(worked)
        runs.append((end - k, closed))
        k = end
    return all(length >= need or not closed for length, closed in runs)


def _last_week(rm: RosterModel) -> dict:
    """``{(agent_id, weekday): start minute or None (off)}`` from ``problem.hint``."""
    hint = rm.problem.hint
    if hint is None or hint.empty:
        return {}
    starts = {(str(a), pd.Timestamp(s).weekday()): pd.Timestamp(s).hour * 60
              + pd.Timestamp(s).minute for a, s in zip(hint["agent_id"], hint["shift_start"])}
    return {(a, wd): starts.get((a, wd)) for a in set(hint["agent_id"].astype(str))
            for wd in range(7)}


def _score(rm: RosterModel, a: int, chosen: dict, d: int, option: ShiftOption,
           gain: float, cost: float, last: dict) -> float:
    """Objective points saved by adding ``option`` on day ``d`` (coverage less soft costs).

    With last week's roster as hint, moving a start costs ``stability`` per hour and
    working a day that was off costs ``stability`` once (a greedy preference only).
    """
    problem, w = rm.problem, rm.problem.weights
    agent = problem.agents[a]
    points = gain - w.cost * cost
    key = (agent.agent_id, problem.days[d].weekday())
    if key in last:
        before = last[key]
        points -= w.stability * (1 if before is None else abs(option.start_min - before) / 60)
    if agent.preferred_start is not None:
        points -= w.preference * abs(option.start_min - minutes_of(agent.preferred_start)) / 60
    if problem.days[d] in agent.off_requests:
        points -= w.preference
    weekday = problem.days[d].weekday()
    mate = d + 1 if weekday == 5 else d - 1 if weekday == 6 else None
    if mate in chosen:
        points -= w.fairness
    if option.late:
        points -= w.fairness * sum(o.late for o in chosen.values())
    if chosen:
        starts = sorted(o.start_min for o in chosen.values())
        points -= w.stability * abs(option.start_min - starts[len(starts) // 2]) / 60
    return points


def _pick(rm: RosterModel, residual: _Residual, a: int, chosen: dict, skills: list[int],
          costs: dict, last: dict, floor: float) -> tuple[int, ShiftOption] | None:
    best, best_score = None, floor
    for d in range(len(rm.problem.days)):
        if not rm.shifts[a, d] or not _day_ok(rm, a, chosen, d):
            continue
        cs = residual.gains(skills, d, rm.problem.weights)
        for option, _ in rm.shifts[a, d]:
            if not _option_ok(rm, a, chosen, d, option):
                continue
            lo, hi = residual.span(option)
            score = _score(rm, a, chosen, d, option, cs[hi] - cs[lo], costs[d, option], last)
            if score - 1e-3 * d > best_score:
                best, best_score = (d, option), score - 1e-3 * d
    return best


def _place_agent(rm: RosterModel, residual: _Residual, a: int, last: dict) -> dict | None:
    """Best shifts of agent ``a`` against the current residual (None if min hours fail)."""
    problem = rm.problem
    agent, contract = problem.agents[a], problem.contract_of(problem.agents[a])
    skills = [residual.channels.index(c) for c in agent.skill_set]
    costs = {(d, o): option_cost(o, contract, problem.costs, problem.days[d], problem.holidays)
             for d in range(len(problem.days)) for o, _ in rm.shifts[a, d]}
    chosen: dict[int, ShiftOption] = {}
    while sum(o.paid_min for o in chosen.values()) < contract.min_hours_week * 60:
        pick = _pick(rm, residual, a, chosen, skills, costs, last, -np.inf)
        if pick is None:
            return None
        chosen[pick[0]] = pick[1]
    while True:  # extra shifts up to max hours while they lower the objective
        pick = _pick(rm, residual, a, chosen, skills, costs, last, 0.0)
        if pick is None:
            break
        chosen[pick[0]] = pick[1]
    return chosen if _days_off_ok(rm, a, chosen) else None


def greedy_shifts(rm: RosterModel, passes: int = 2, budget_s: float = 3.0
                  ) -> tuple[dict[int, dict[int, ShiftOption]], dict]:
    """``{agent index: {day index: option}}`` for the agents the greedy could place.

    Construction (fullest contracts, fewest skills first), then up to ``passes`` rounds of
    ruin-and-recreate per agent (take the agent's shifts out, place it again) within
    ``budget_s`` seconds. Also returns ``{(agent, day): [offset per lunch/break]}``.
    """
    problem = rm.problem
    started = time.perf_counter()
    residual = _Residual(rm)
    last = _last_week(rm)
    order = sorted(range(len(problem.agents)), key=lambda a: (
        -problem.contract_of(problem.agents[a]).min_hours_week,
        len(problem.agents[a].skills), a))
    placed, taken, pieces = {}, {}, {}
    for round_ in range(passes + 1):
        for a in order:
            if round_ and time.perf_counter() - started > budget_s:
                break
            if a in taken:
                residual.restore(taken.pop(a))
            chosen = _place_agent(rm, residual, a, last)
            if chosen is None:
                chosen = placed.get(a)  # keep the previous placement (or none)
            if chosen is None:
                continue
            placed[a] = chosen
            skills = [residual.channels.index(c) for c in problem.agents[a].skill_set]
            taken[a] = []
            for d, option in chosen.items():
                records, pieces[a, d] = residual.take_with_breaks(skills, d, option,
                                                                  problem.rules)
                taken[a] += records
    return placed, pieces




def _set_breaks(rm: RosterModel, placed: dict, pieces: dict, values: np.ndarray) -> None:
    """Crew counts of lunches/breaks per offset from the greedy's per-agent placements."""
    crew_of = {a: g for g, (_, _, members) in enumerate(rm.crews) for a in members}
    for a, chosen in placed.items():
        for d, option in chosen.items():
            for (_, _, at), off in zip(rm.pieces[crew_of[a], d, option], pieces[a, d]):
                values[at[off].index] += 1


def _evaluate_derived(rm: RosterModel, values: np.ndarray) -> None:
    def val(v) -> int:
        return int(v) if isinstance(v, int) else int(values[v.index])

    for index in sorted(rm.derived):
        rule, operands = rm.derived[index]
        if rule == "sum":
            values[index] = sum(val(v) for v in operands)
        elif rule == "cumulative":
            previous, vs, cs = operands
            values[index] = val(previous) + sum(c * val(v) for v, c in zip(vs, cs))
        elif rule == "all":
            values[index] = int(all(val(v) for v in operands))
        elif rule == "at_least":
            late, k = operands
            values[index] = int(sum(val(v) for v in late) >= k)


def _allocate(rm: RosterModel, values: np.ndarray) -> dict:
    """Skill split of multi-skilled head counts toward the largest remaining need."""
    scheduled = defaultdict(int)
    multi = []
    for (skills, d, minute), (on, off) in rm.crew_work.items():
        working = int(values[on.index]) - sum(int(values[v.index]) for v in off)
        if len(skills) == 1:
            scheduled[skills[0][0], d, minute] += working
        else:
            multi.append((len(skills), skills, d, minute, working))
    for _, skills, d, minute, working in sorted(multi, key=lambda m: m[:1] + m[2:4]):
        for _ in range(working):
            c = max((c for c, _ in skills), key=lambda c: (
                rm.required.get((c, d, minute), 0) - scheduled[c, d, minute],
                -dict(skills)[c]))
            scheduled[c, d, minute] += 1
            values[rm.alloc[skills, c, d, minute].index] += 1
    return scheduled


def _balance(rm: RosterModel, values: np.ndarray, scheduled: dict) -> None:
    for key, (segments, over) in rm.balance.items():
        gap = rm.required.get(key, 0) - scheduled.get(key, 0)
        values[over.index] = max(-gap, 0)
        short = max(gap, 0)
        for k, seg in enumerate(segments):
            values[seg.index] = short if k == len(segments) - 1 else min(short, 1)
            short -= values[seg.index]


def _anchor(rm: RosterModel, values: np.ndarray) -> None:
    step = rm.problem.rules.start_step_min
    for a, (anchor, first, deviations) in rm.anchors.items():
        starts = {d: (o.start_min - first) // step for d in deviations
                  for o, v in rm.shifts[a, d] if values[v.index]}
        mid = int(np.median(list(starts.values()))) if starts else anchor.proto.domain[0]
        values[anchor.index] = mid
        for d, dev in deviations.items():
            values[dev.index] = abs(starts[d] - mid) if d in starts else 0


def greedy_solution(rm: RosterModel, budget_s: float = 3.0) -> Solution:
    """A complete assignment of every variable from the greedy shifts.

    ``complete`` is False when the greedy left agents unplaced (their shifts are 0).
    """
    placed, pieces = greedy_shifts(rm, budget_s=budget_s)
    values = np.zeros(len(rm.model.proto.variables), dtype=np.int64)
    for (a, d), xs in rm.shifts.items():
        for option, var in xs:
            values[var.index] = int(placed.get(a, {}).get(d) == option)
        values[rm.works[a, d].index] = int(d in placed.get(a, {}))
    for (g, d), counts in rm.counts.items():
        for option, n in counts.items():
            values[n.index] = sum(placed.get(a, {}).get(d) == option for a in rm.crews[g][2])
    _set_breaks(rm, placed, pieces, values)
    _evaluate_derived(rm, values)
    _balance(rm, values, _allocate(rm, values))
    _anchor(rm, values)
    points = sum(c * int(values[v.index]) for term in rm.soft for v, c in term.terms)
    return Solution(values, points, complete=len(placed) == len(rm.problem.agents))
