"""The Streamlit planner app: pages for data, forecast, staffing, roster, scenarios, finance.

The app is thin: pages draw widgets and call the stage packages and :mod:`staffcast`;
what the packages do not provide lives in small modules here, each unit-tested:

* :mod:`staffcast.ui.state` — session keys (set in one place) and cached plan loading;
* :mod:`staffcast.ui.jobs` — long work (the whole plan) in a background thread, with
  progress, the solver's objective and bound, and cancellation;
* :mod:`staffcast.ui.scenarios` — what-if variants of a scenario and its forecast, and
  the side-by-side comparison of plans;
* :mod:`staffcast.ui.exports` — CSV and Excel downloads (roster one sheet per week);
* :mod:`staffcast.ui.charts` — Plotly figures of plan frames.

Run it with ``staffcast app`` (entry point ``staffcast/ui/streamlit_app.py``) or
``streamlit run app.py`` from the repository root.
"""
