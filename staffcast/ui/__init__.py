"""The Streamlit planner app: pages for data, forecast, staffing, roster, scenarios, finance.

The app is thin: pages draw widgets and call the stage packages and :mod:`staffcast`;
what the packages do not provide lives in small modules here, each unit-tested:

* :mod:`staffcast.ui.state` — session keys (set in one place) and cached plan loading;
* :mod:`staffcast.ui.jobs` — long work (the whole plan) in a background thread, with
  progress, the solver's objective and bound, and cancellation;
* :mod:`staffcast.ui.scenarios` — what-if variants of a scenario and its forecast, and
  the side-by-side comparison of plans;
* :mod:`staffcast.ui.exports` — CSV and Excel downloads (roster one sheet per week);
* :mod:`staffcast.ui.charts` — Plotly figures of plan frames;
* :mod:`staffcast.ui.finance`, :mod:`staffcast.ui.queueing`, :mod:`staffcast.ui.validation` —
  cost tables, Erlang C vs A vs simulation, and the input validation report.

Run it with ``staffcast app`` (entry point ``staffcast/ui/streamlit_app.py``) or
``streamlit run app.py`` from the repository root.
"""

from staffcast.ui.exports import csv_bytes, excel_bytes, roster_grids, roster_workbook
from staffcast.ui.finance import cost_by_period, cost_per_contact, overtime
from staffcast.ui.jobs import JobCancelled, JobSnapshot, PlanJob, build_and_save, start_plan_job
from staffcast.ui.queueing import compare_models
from staffcast.ui.scenarios import (
    TargetChange,
    WhatIf,
    calendar_from_tables,
    compare_plans,
    service_cost_curve,
    stored_scenario,
    what_if_forecast,
    what_if_scenario,
    with_calendar,
)
from staffcast.ui.validation import validate_inputs

__all__ = [
    "JobCancelled",
    "JobSnapshot",
    "PlanJob",
    "TargetChange",
    "WhatIf",
    "build_and_save",
    "calendar_from_tables",
    "compare_models",
    "compare_plans",
    "cost_by_period",
    "cost_per_contact",
    "csv_bytes",
    "excel_bytes",
    "overtime",
    "roster_grids",
    "roster_workbook",
    "service_cost_curve",
    "start_plan_job",
    "stored_scenario",
    "validate_inputs",
    "what_if_forecast",
    "what_if_scenario",
    "with_calendar",
]
