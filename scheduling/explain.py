"""Infeasibility explanations in words: pre-checks per agent and assumption cores.

An instance with too few agents is never infeasible (coverage is soft); only hard rules
of agents can conflict. :func:`precheck` catches the common case (min weekly hours out of
reach given availability, time off and max days) before solving; :func:`explain_core`
rebuilds the model with one enforcement literal per agent and rule family, solves under
those assumptions and names the rules in the infeasible core.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduling.grid import agent_day_options, contract_options
from scheduling.problem import WEEKDAYS, RosterAgent, RosterProblem

__all__ = ["RosterInfeasibleError", "precheck", "explain_core", "describe_rule"]


class RosterInfeasibleError(ValueError):
    """No roster satisfies the hard rules; ``reasons`` lists the conflicts in words."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("No roster satisfies the hard rules:\n- " + "\n- ".join(self.reasons))


def describe_rule(problem: RosterProblem, agent: RosterAgent, family: str) -> str:
    """A planner-readable sentence for one hard rule of one agent."""
    contract = problem.contract_of(agent)
    limit = contract.max_consecutive_days or problem.rules.max_consecutive_days
    texts = {
        "availability": _availability(agent),
        "time_off": "approved time off on " + ", ".join(map(str, agent.time_off)),
        "min_hours": f"at least {contract.min_hours_week:g} paid hours a week "
                     f"(contract {contract.name})",
        "max_hours": f"at most {contract.max_hours_week:g} paid hours a week "
                     f"(contract {contract.name})",
        "max_days": f"at most {contract.max_days_week} working days a week "
                    f"(contract {contract.name})",
        "rest": f"at least {problem.rules.min_rest_h:g} h rest between shifts"
                + (f" (last shift ended {agent.previous_shift_end:%Y-%m-%d %H:%M})"
                   if agent.previous_shift_end else ""),
        "consecutive_days": f"at most {limit} consecutive working days"
                            + (f" (already {agent.previous_consecutive_days} before the plan)"
                               if agent.previous_consecutive_days else ""),
        "days_off": f"days off come in runs of at least {contract.min_consecutive_days_off}",
        "late_shifts": f"at most {contract.max_late_shifts_week} late shifts a week",
        "locks": "keeps the shifts the planner locked on " + ", ".join(
            str(day) for day in problem.days if problem.lock_of(agent, day)),
        "commitments": "must attend " + ", ".join(
            f"{s:%Y-%m-%d %H:%M}-{e:%H:%M}" for s, e in agent.commitments)
                       + " inside a shift",
    }
    return f"agent {agent.agent_id}: {texts[family]}"


def _availability(agent: RosterAgent) -> str:
    days = ", ".join(WEEKDAYS[d] for d in agent.available_weekdays)
    return f"works only on {days} between {agent.earliest_start:%H:%M} and " \
           f"{agent.latest_end:%H:%M}"


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


def precheck(problem: RosterProblem) -> list[str]:
    """Agents whose weekly hours cannot be met by any choice of their available shifts."""
    reasons = []
    for agent in problem.agents:
        contract = problem.contract_of(agent)
        reach, available = _reachable_paid(problem, agent)
        lo, hi = contract.min_hours_week * 60, contract.max_hours_week * 60
        if any(lo <= total <= hi for _, total in reach):
            continue
        best = max(total for _, total in reach) / 60
        off = f", time off {', '.join(map(str, agent.time_off))}" if agent.time_off else ""
        reasons.append(
            f"agent {agent.agent_id}: contract {contract.name} needs {contract.min_hours_week:g}"
            f"-{contract.max_hours_week:g} paid hours a week, but with {available} available "
            f"day(s) in the plan ({_availability(agent)}"
            f"{off}), shifts of {', '.join(f'{h:g}' for h in contract.shift_lengths_h)} h and "
            f"at most {contract.max_days_week} days, the closest reachable is {best:g} h")
    return reasons


def explain_core(problem: RosterProblem, time_limit_s: float, seed: int) -> list[str]:
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
        return [f"the solver could not isolate the conflicting rules within {time_limit_s:g} s "
                f"(status {solver.status_name(status)})"]
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [describe_rule(problem, problem.agents[a], family)
            for (a, family), lit in literals if lit.index in core]
