"""Infeasibility explanations in words: pre-checks per agent and assumption cores.

An instance with too few agents is never infeasible (coverage is soft); only hard rules
of agents can conflict. :func:`precheck` catches the common case (min weekly hours out of
reach given availability, time off and max days) before solving; :func:`explain_core`
rebuilds the model with one enforcement literal per agent and rule family, solves under
those assumptions and names the rules in the infeasible core.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.grid import agent_day_options, contract_options
from scheduling.problem import WEEKDAYS, RosterAgent, RosterProblem

__all__ = ["Conflict", "RULE_TEXTS", "RosterInfeasibleError", "precheck", "explain_core",
           "describe_rule"]

#: English sentence per conflict rule; ``Conflict.values`` fill the placeholders. The app and
#: the command line render the same keys from their catalogs (``rule.<key>``).
RULE_TEXTS = {
    "availability": "works only on {weekdays} between {start} and {end}",
    "time_off": "approved time off on {dates}",
    "min_hours": "at least {hours} paid hours a week (contract {contract})",
    "max_hours": "at most {hours} paid hours a week (contract {contract})",
    "max_days": "at most {days} working days a week (contract {contract})",
    "rest": "at least {hours} h rest between shifts",
    "rest_after": "at least {hours} h rest between shifts (last shift ended {last_end})",
    "consecutive_days": "at most {limit} consecutive working days",
    "consecutive_days_after": "at most {limit} consecutive working days (already {already} "
                              "before the plan)",
    "days_off": "days off come in runs of at least {run}",
    "late_shifts": "at most {limit} late shifts a week",
    "locks": "keeps the shifts the planner locked on {dates}",
    "commitments": "must attend {sessions} inside a shift",
    "hours_unreachable": "contract {contract} needs {min_hours}-{max_hours} paid hours a week, "
                         "but with {available} available day(s) in the plan (works only on "
                         "{weekdays} between {start} and {end}; time off: {time_off}), shifts of "
                         "{lengths} h and at most {max_days} days, the closest reachable is {best} h",
    "lock_not_allowed": "the shift locked on {day} ({start}-{end}) is not allowed by the agent's "
                        "contract lengths, availability, time off or the shift rules; unlock it "
                        "or change it",
    "not_isolated": "the solver could not isolate the conflicting rules within {seconds} s "
                    "(status {status})",
}


@dataclass(frozen=True)
class Conflict:
    """One hard rule of one agent in a conflict: ``rule`` (a key of :data:`RULE_TEXTS`) and
    the values of its sentence; ``weekdays`` is a tuple of weekday numbers (0 = Monday)."""

    agent_id: str | None
    rule: str
    values: tuple[tuple[str, object], ...] = ()

    def describe(self, template: str | None = None, weekday_names: tuple[str, ...] = WEEKDAYS,
                 agent_label: str = "agent {agent_id}: ", separator: str = ", ") -> str:
        """The sentence (``template``, else the English one), after the agent label; weekday
        names joined by ``separator``."""
        values = {key: separator.join(weekday_names[d] for d in value) if key == "weekdays" else value
                  for key, value in self.values}
        text = (template or RULE_TEXTS[self.rule]).format(**values)
        return (agent_label.format(agent_id=self.agent_id) if self.agent_id else "") + text


class RosterInfeasibleError(ValueError):
    """No roster satisfies the hard rules; ``conflicts`` names them (:class:`Conflict`) and
    ``reasons`` says them in English."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = tuple(conflicts)
        self.reasons = [c.describe() for c in self.conflicts]
        super().__init__("No roster satisfies the hard rules:\n- " + "\n- ".join(self.reasons))


def _days_text(days) -> str:
    return ", ".join(map(str, days)) or "-"


def _rule(problem: RosterProblem, agent: RosterAgent, family: str) -> Conflict:
    """The :class:`Conflict` of one hard-rule family of one agent."""
    contract = problem.contract_of(agent)
    limit = contract.max_consecutive_days or problem.rules.max_consecutive_days
    values = {
        "availability": {"weekdays": tuple(agent.available_weekdays),
                         "start": f"{agent.earliest_start:%H:%M}", "end": f"{agent.latest_end:%H:%M}"},
        "time_off": {"dates": _days_text(agent.time_off)},
        "min_hours": {"hours": f"{contract.min_hours_week:g}", "contract": contract.name},
        "max_hours": {"hours": f"{contract.max_hours_week:g}", "contract": contract.name},
        "max_days": {"days": contract.max_days_week, "contract": contract.name},
        "rest": {"hours": f"{problem.rules.min_rest_h:g}"},
        "consecutive_days": {"limit": limit},
        "days_off": {"run": contract.min_consecutive_days_off},
        "late_shifts": {"limit": contract.max_late_shifts_week},
        "locks": {"dates": _days_text(d for d in problem.days if problem.lock_of(agent, d))},
        "commitments": {"sessions": ", ".join(f"{s:%Y-%m-%d %H:%M}-{e:%H:%M}"
                                              for s, e in agent.commitments)},
    }[family]
    if family == "rest" and agent.previous_shift_end:
        family, values["last_end"] = "rest_after", f"{agent.previous_shift_end:%Y-%m-%d %H:%M}"
    if family == "consecutive_days" and agent.previous_consecutive_days:
        family, values["already"] = "consecutive_days_after", agent.previous_consecutive_days
    return Conflict(agent.agent_id, family, tuple(values.items()))


def describe_rule(problem: RosterProblem, agent: RosterAgent, family: str) -> str:
    """A planner-readable sentence for one hard rule of one agent."""
    return _rule(problem, agent, family).describe()


def _reachable_paid(problem: RosterProblem, agent: RosterAgent) -> tuple[set, int]:
    """Reachable ``(days, paid minutes)`` pairs over the first 7 plan days; available days."""
    contract = problem.contract_of(agent)
    options = contract_options(contract, problem.rules, problem.costs, problem.interval_min)
    reach = {(0, 0)}
    available = 0
    for day in problem.days[:7]:
        paid = {o.paid_min for o in agent_day_options(problem, agent, day, options)}
        available += bool(paid)
        reach |= {(k + 1, total + p) for k, total in reach for p in paid
                  if k < contract.max_days_week}
    return reach, available


def precheck(problem: RosterProblem) -> list[Conflict]:
    """Agents whose weekly hours cannot be met by any choice of their available shifts."""
    conflicts = []
    for agent in problem.agents:
        contract = problem.contract_of(agent)
        reach, available = _reachable_paid(problem, agent)
        lo, hi = contract.min_hours_week * 60, contract.max_hours_week * 60
        if any(lo <= total <= hi for _, total in reach):
            continue
        best = max(total for _, total in reach) / 60
        conflicts.append(Conflict(agent.agent_id, "hours_unreachable", (
            ("contract", contract.name), ("min_hours", f"{contract.min_hours_week:g}"),
            ("max_hours", f"{contract.max_hours_week:g}"), ("available", available),
            ("weekdays", tuple(agent.available_weekdays)), ("start", f"{agent.earliest_start:%H:%M}"),
            ("end", f"{agent.latest_end:%H:%M}"), ("time_off", _days_text(agent.time_off)),
            ("lengths", ", ".join(f"{h:g}" for h in contract.shift_lengths_h)),
            ("max_days", contract.max_days_week), ("best", f"{best:g}"))))
    return conflicts


def explain_core(problem: RosterProblem, time_limit_s: float, seed: int) -> list[Conflict]:
    """Rules in an infeasible core, found by solving under per-agent rule assumptions."""
    from scheduling.model import build_model

    rm = build_model(problem, explain=True)
    literals = list(rm.literals.items())
    rm.model.add_assumptions([lit for _, lit in literals])
    rm.model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(rm.model)
    if status != cp_model.INFEASIBLE:
        return [Conflict(None, "not_isolated", (("seconds", f"{time_limit_s:g}"),
                                                ("status", solver.status_name(status))))]
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [_rule(problem, problem.agents[a], family)
            for (a, family), lit in literals if lit.index in core]
