"""Timing goals of the planner app (issue 6): first page ≤ 3 s, cached re-plan ≤ 60 s.

1. First page: a fresh Python process runs the app once with Streamlit's ``AppTest``
   (imports included, as a cold server does) on a store holding one plan; reported cold,
   then a second run in the same process (a new visitor on a warm server).
2. Re-plan: the scenario's forecast is fitted once (as the base plan did); then a what-if
   variant (+30 % volume, 20 % bot deflection on chat and social) is re-planned from that
   cached forecast with :func:`staffcast.pipeline.build_plan`, each stage timed.

The last line is one JSON object.

Usage::

    python benchmarks/app_speed.py [--scenario data/sample/scenario.toml] [--time-limit 40]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_PAGE = """
import os, sys, time
started = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120).run()
cold = time.perf_counter() - started
assert not at.exception, at.exception
started = time.perf_counter()
AppTest.from_file({app!r}, default_timeout=120).run()
print(cold, time.perf_counter() - started)
"""


def first_page_s(db_url: str) -> tuple[float, float]:
    """Cold and warm wall time of one run of the overview page."""
    code = FIRST_PAGE.format(app=str(ROOT / "staffcast" / "ui" / "streamlit_app.py"))
    env = {**os.environ, "STAFFCAST_DB": db_url, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    cold, warm = (float(v) for v in out.stdout.split()[-2:])
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "data" / "sample" / "scenario.toml")
    parser.add_argument("--time-limit", type=float, default=40.0, help="roster solver time limit of the re-plan (s)")
    parser.add_argument("--replications", type=int, default=None)
    args = parser.parse_args()

    from staffcast.pipeline import build_plan, run_forecast
    from staffcast.scenario import load_scenario
    from staffcast.storage import PlanStore
    from staffcast.ui.scenarios import WhatIf, what_if_forecast, what_if_scenario

    scenario, text = load_scenario(args.scenario)
    started = time.perf_counter()
    fitted = run_forecast(scenario)
    forecast_s = time.perf_counter() - started
    print(f"forecast fit (done once, cached by the base plan): {forecast_s:.1f} s")

    what_if = WhatIf("peak +30% with bot", volume_change_frac=0.3, bot_deflection_frac=0.2,
                     deflect_channels=tuple(c for c, s in scenario.channels.items() if s.kind in ("chat", "social")))
    with tempfile.TemporaryDirectory() as work:
        variant = what_if_scenario(scenario, what_if, Path(work))
        cached = dataclasses.replace(fitted, forecast=what_if_forecast(fitted.forecast, what_if))
        started = time.perf_counter()
        plan = build_plan(variant, text, time_limit_s=args.time_limit, replications=args.replications,
                          forecast_result=cached)
        replan_s = time.perf_counter() - started
        stages = {k: round(v, 1) for k, v in plan.timings_s.items()}
        print(f"re-plan with cached forecast: {replan_s:.1f} s (goal <= 60 s); stages {stages}; "
              f"roster {plan.summary['roster']['status']}, gap {plan.summary['roster']['gap']:.2%}")

        db_url = f"sqlite:///{Path(work) / 'plans.db'}"
        PlanStore(db_url).save(plan.name, plan.scenario_text, plan.fingerprint, plan.summary, plan.frames)
        cold_s, warm_s = first_page_s(db_url)
        print(f"first page (overview of the saved plan): {cold_s:.2f} s cold process, {warm_s:.2f} s warm (goal <= 3 s)")
    print(json.dumps({"forecast_fit_s": round(forecast_s, 2), "replan_cached_s": round(replan_s, 2),
                      "replan_stages_s": stages, "first_page_cold_s": round(cold_s, 2),
                      "first_page_warm_s": round(warm_s, 2), "time_limit_s": args.time_limit}))


if __name__ == "__main__":
    main()
