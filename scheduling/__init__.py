"""Scheduling stage: CP-SAT rosters that cover interval requirements per skill.

Given the head count to cover per channel and interval (from staffing), agents with
skills, contracts, availability and time off, and the center's shift rules, build for each
agent and day either a day off or one shift with its lunch and paid breaks placed, and for
multi-skilled agents the skill served in every working interval. Hard rules (contract
hours and days, rest, consecutive days, availability, time off, break windows, opening
hours) always hold; under-coverage (convex), over-coverage, labor cost, preferences,
fairness and stability (similar starts across the week and, given last week's roster as
``RosterProblem.hint``, the same starts as last week) are weighted soft goals. Last week's
last shift and working streak (``RosterAgent.previous_shift_end``,
``previous_consecutive_days``) carry the rest and consecutive-days rules over. The result
carries the roster, the assignments, coverage against requirement, the broken soft goals,
the objective by component, the solver's best bound and the gap. Conflicting hard rules raise
:class:`RosterInfeasibleError` naming the rules and agents.

Modules: ``config`` and ``problem`` (validated inputs), ``grid`` (shift options, break
windows, pay), ``model`` (CP-SAT variables and hard-rule families), ``soft`` (soft-goal
families and the single objective), ``bound`` (a valid objective floor, added as a cut so
the reported bound and gap stay honest when CP-SAT's LP does not converge), ``relax``
(the crew relaxation: individual rules summed over interchangeable agents; the LP of this
much smaller model, solved by HiGHS beside the search, is the stronger bound), ``lagrange``
(the LP's duals priced against whole agent weeks: a Lagrangian bound above the LP's),
``warmstart``
(greedy first roster), ``hint`` (complete assignment from it), ``lns`` (day-block
large-neighbourhood search for week-size rosters), ``solve`` (solver parameters, progress
callback, result), ``extract`` (frames),
``explain`` (infeasibility in words).

Beside the roster model, for published benchmarks and shift-template design:
``shift_design`` (``design_shifts``: shift types and head counts covering a weekly
requirement curve, Musliu-Schaerf-Slany instances) and ``employee_scheduling``
(Curtois & Qu employee shift scheduling instances: parser, evaluator, CP-SAT with LNS).
"""

from scheduling.config import Contract, CostRates, RosterWeights, ShiftRules
from scheduling.employee_scheduling import (
    EmployeeScheduleResult,
    ShiftSchedulingInstance,
    StaffRules,
    hard_violations as curtois_hard_violations,
    objective_components as curtois_objective,
    parse_curtois_instance,
    read_curtois_instance,
    solve_employee_scheduling,
)
from scheduling.explain import Conflict, RosterInfeasibleError
from scheduling.problem import RosterAgent, RosterProblem
from scheduling.shift_design import DesignWeights, DutyLimits, ShiftDesignResult, ShiftType, design_shifts
from scheduling.solve import ProgressPoint, RosterNotFoundError, RosterResult, build_and_solve

__all__ = [
    "ShiftRules",
    "Contract",
    "CostRates",
    "RosterAgent",
    "RosterWeights",
    "RosterProblem",
    "RosterResult",
    "ProgressPoint",
    "RosterInfeasibleError",
    "Conflict",
    "RosterNotFoundError",
    "build_and_solve",
    "design_shifts",
    "ShiftType",
    "DesignWeights",
    "DutyLimits",
    "ShiftDesignResult",
    "solve_employee_scheduling",
    "read_curtois_instance",
    "parse_curtois_instance",
    "ShiftSchedulingInstance",
    "StaffRules",
    "EmployeeScheduleResult",
    "curtois_objective",
    "curtois_hard_violations",
]
