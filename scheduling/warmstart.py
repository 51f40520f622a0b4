"""A first roster fast: a greedy with ruin-and-recreate, as a complete CP-SAT hint.

Agents (fullest contracts and fewest skills first) take, one day at a time, the feasible
shift that saves the most objective points against the unmet demand (marginal convex
under-coverage of the neediest skill, less over-coverage, cost, preference, fairness and
stability terms), under every individual hard rule; lunch and breaks go where the served
skill is least short. Rounds of ruin-and-recreate then re-place each agent against the
others. :mod:`scheduling.hint` turns a placement into a value for every model variable, a
feasible roster reported as the first solution and given to CP-SAT as a complete hint.
Agents the greedy cannot place within their rules are left to the solver.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from scheduling.config import minutes_of
from scheduling.grid import ShiftOption, last_week_starts, option_cost, previous_end_min
from scheduling.hint import Solution, solution_from_placement
from scheduling.model import RosterModel

__all__ = ["Solution", "greedy_shifts", "greedy_solutions", "greedy_solution", "lp_guide"]


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

    def take_with_breaks(self, skills: list[int], d: int, option: ShiftOption, rules,
                         fixed: tuple = ()) -> tuple[list, list[int]]:
        """:meth:`take` the shift, give back the ``fixed`` commitment intervals, then place
        each lunch/break (outside commitments) where the skill the agent would serve is
        least short, giving those intervals back. Returns undo records and the offsets."""
        records = [self.take(skills, d, option)]
        served = dict(zip(range(records[0][2], records[0][3]), records[0][0]))
        for start, end in fixed:
            lo = (start - self.first) // self.step
            slots = np.arange(lo, -(-(end - self.first) // self.step))
            rows = np.asarray([served[k] for k in slots])
            self.left[rows, d, slots] += 1
            records.append((rows, d, int(slots[0]), int(slots[-1]) + 1, +1))
        offsets = []
        for _, lo_off, hi_off, length in option.pieces(rules):
            best, best_need = None, np.inf
            for off in range(lo_off, hi_off + 1, self.step):
                start = option.start_min + off
                if any(start < e and s < start + length for s, e in fixed):
                    continue
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
    prev_end = previous_end_min(problem, agent) if d == 0 else None
    if prev_end is not None and option.start_min - prev_end < rest:
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
    if any(day == problem.days[d] and (start is None or minutes_of(start) == option.start_min)
           for day, start in agent.shift_requests):
        points += w.preference
    weekday = problem.days[d].weekday()
    mate = d + 1 if weekday == 5 else d - 1 if weekday == 6 else None
    if mate in chosen:
        points -= w.fairness
    if option.late and a not in rm.late_only:
        points -= w.fairness * sum(o.late for o in chosen.values())
    if chosen:
        starts = sorted(o.start_min for o in chosen.values())
        points -= w.stability * abs(option.start_min - starts[len(starts) // 2]) / 60
    return points


def _pick(rm: RosterModel, residual: _Residual, a: int, chosen: dict, skills: list[int],
          costs: dict, last: dict, floor: float, guide: dict | None = None
          ) -> tuple[int, ShiftOption] | None:
    """The agent's best next shift scoring above ``floor``. ``guide`` adds a bonus per
    ``(a, d, option)`` to the choice; a shift beyond the contract minimum (``floor`` 0)
    must still pay for itself without it."""
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
            if guide:
                if floor == 0.0 and score <= 0.0:
                    continue
                score += guide.get((a, d, option), 0.0)
            if score - 1e-3 * d > best_score:
                best, best_score = (d, option), score - 1e-3 * d
    return best


def _pieces_fit(option: ShiftOption, fixed: tuple, rules, step: int) -> bool:
    """Whether every lunch/break of ``option`` has a start outside the commitments."""
    return all(any(all(option.start_min + off + length <= s or option.start_min + off >= e
                       for s, e in fixed) for off in range(lo, hi + 1, step))
               for _, lo, hi, length in option.pieces(rules))


def _place_agent(rm: RosterModel, residual: _Residual, a: int, last: dict,
                 guide: dict | None = None) -> dict | None:
    """Best shifts of agent ``a`` against the current residual (None if min hours fail)."""
    problem = rm.problem
    agent, contract = problem.agents[a], problem.contract_of(problem.agents[a])
    skills = [residual.channels.index(c) for c in agent.skill_set]
    costs = {(d, o): option_cost(o, contract, problem.costs, problem.days[d], problem.holidays)
             for d in range(len(problem.days)) for o, _ in rm.shifts[a, d]}
    chosen: dict[int, ShiftOption] = {}
    for d, day in enumerate(problem.days):  # days with fixed commitments or locks come first
        fixed = agent.commitments_on(day)
        if fixed or problem.lock_of(agent, day):
            cs = residual.gains(skills, d, problem.weights)
            options = [o for o, _ in rm.shifts[a, d] if _option_ok(rm, a, chosen, d, o)
                       and _pieces_fit(o, fixed, problem.rules, residual.step)]
            if not options or not _day_ok(rm, a, chosen, d):
                return None
            chosen[d] = max(options, key=lambda o: _score(
                rm, a, chosen, d, o, cs[residual.span(o)[1]] - cs[residual.span(o)[0]],
                costs[d, o], last))
    while sum(o.paid_min for o in chosen.values()) < contract.min_hours_week * 60:
        pick = _pick(rm, residual, a, chosen, skills, costs, last, -np.inf, guide)
        if pick is None:
            return None
        chosen[pick[0]] = pick[1]
    while True:  # extra shifts up to max hours while they lower the objective
        pick = _pick(rm, residual, a, chosen, skills, costs, last, 0.0, guide)
        if pick is None:
            break
        chosen[pick[0]] = pick[1]
    return chosen if _days_off_ok(rm, a, chosen) else None


def greedy_shifts(rm: RosterModel, passes: int = 2, budget_s: float = 3.0,
                  guide: dict | None = None) -> Iterator[tuple]:
    """Yield ``({agent: {day: option}}, {(agent, day): [offset per lunch/break]})``.

    Construction (fullest contracts, then most skills first) is yielded first; then up to
    ``passes`` rounds of ruin-and-recreate per agent (take the agent's shifts out, place it
    again) within ``budget_s`` seconds, and the final placement is yielded again. Agents the greedy
    cannot place within their rules are absent. ``guide`` is a bonus per ``(agent, day,
    option)`` (:func:`lp_guide`).

    Multi-skilled agents placed first take the hours where several channels are short and
    leave single-skill agents the rest, spreading evening shifts over more agents. Sample
    week: 228,000 against 239,300 for fewest skills first, and CP-SAT does not undo the
    difference within a minute (over-coverage and cost stay where the start put them).
    """
    problem = rm.problem
    started = time.perf_counter()
    residual = _Residual(rm)
    last = last_week_starts(rm.problem)
    order = sorted(range(len(problem.agents)), key=lambda a: (
        -problem.contract_of(problem.agents[a]).min_hours_week,
        -len(problem.agents[a].skills), a))
    placed, taken, pieces = {}, {}, {}
    for round_ in range(passes + 1):
        for a in order:
            if round_ and time.perf_counter() - started > budget_s:
                break
            if a in taken:
                residual.restore(taken.pop(a))
            chosen = _place_agent(rm, residual, a, last, guide)
            if chosen is None:
                chosen = placed.get(a)  # keep the previous placement (or none)
            if chosen is None:
                continue
            placed[a] = chosen
            skills = [residual.channels.index(c) for c in problem.agents[a].skill_set]
            taken[a] = []
            for d, option in chosen.items():
                records, pieces[a, d] = residual.take_with_breaks(
                    skills, d, option, problem.rules,
                    problem.agents[a].commitments_on(problem.days[d]))
                taken[a] += records
        if round_ == 0:
            yield dict(placed), dict(pieces)
    if passes:
        yield dict(placed), dict(pieces)




def greedy_solutions(rm: RosterModel, budget_s: float = 3.0,
                     guide: dict | None = None) -> Iterator[Solution]:
    """Complete assignments of every variable: after construction, then after improvement.

    ``complete`` is False when the greedy left agents unplaced (their shifts are 0). Up to
    ten ruin-and-recreate rounds within ``budget_s``: on the sample week they take the
    first roster from 228,000 (two rounds, 1.3 s) to 223,000 (ten, 3.9 s). ``guide``
    (points per ``(agent, day, option)``, e.g. from :func:`lp_guide`) steers the choice of
    shifts toward a relaxation's solution.
    """
    for placed, pieces in greedy_shifts(rm, passes=10, budget_s=budget_s, guide=guide):
        yield solution_from_placement(rm, placed, pieces)


def lp_guide(shares: dict, weight: float) -> dict:
    """Greedy bonus ``weight * share`` per ``(agent, day, option)`` from the share of the
    agent's profile the relaxation's LP puts on that shift
    (:meth:`scheduling.relax.RelaxationLP.shares`)."""
    return {key: weight * share for key, share in shares.items() if share > 0}


def greedy_solution(rm: RosterModel, budget_s: float = 3.0) -> Solution:
    """The best of :func:`greedy_solutions`."""
    return min(greedy_solutions(rm, budget_s), key=lambda s: (not s.complete,
                                                              s.objective_points))
