"""The ``staffcast`` command line.

::

    staffcast plan SCENARIO --out DIR        build, save and export next week's plan
    staffcast validate SCENARIO              check a scenario and its input files
    staffcast forecast backtest SCENARIO     rolling-origin accuracy per channel and model
    staffcast plans list | show ID | export ID --out DIR
    staffcast app                            open the Streamlit planner

User errors (bad files, fields, values) print one message and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from staffcast.errors import DataError, RosterConflictError, StaffcastError
from staffcast.i18n import (DEFAULT_LANGUAGE, LANGUAGES, conflict_lines, error_text, format_money,
                            format_number, format_percent, render, t)

EXIT_USER_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    # --db and --lang are accepted before or after the command (SUPPRESS keeps an earlier value)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="plan store URL (default: $STAFFCAST_DB or sqlite .staffcast/staffcast.db)")
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                        help="language of the output (default: the scenario's)")
    parser = argparse.ArgumentParser(prog="staffcast", description="Contact-center workforce planner.",
                                     parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    def add_parser(sub, name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    plan = add_parser(commands, "plan", help="build next week's plan end to end")
    plan.add_argument("scenario", type=Path)
    plan.add_argument("--out", type=Path, required=True, help="folder for the CSV exports")
    plan.add_argument("--previous-roster", type=Path,
                      help="last week's roster.csv (rest, working streaks and start times carry over); "
                           "overrides the scenario's previous_roster")
    plan.add_argument("--time-limit", type=float, help="roster solver time limit in seconds")
    plan.add_argument("--replications", type=int, help="simulation replications")
    plan.add_argument("--quiet", action="store_true", help="no progress lines")

    validate = add_parser(commands, "validate", help="check a scenario and its input files")
    validate.add_argument("scenario", type=Path)

    forecast = commands.add_parser("forecast", help="forecast tools")
    forecast_commands = forecast.add_subparsers(dest="forecast_command", required=True)
    backtest = add_parser(forecast_commands, "backtest", help="rolling-origin backtest per channel and model")
    backtest.add_argument("scenario", type=Path)
    backtest.add_argument("--horizon-days", type=int, default=7, help="forecast horizon of each origin (1-14)")

    plans = commands.add_parser("plans", help="saved plans")
    plan_commands = plans.add_subparsers(dest="plans_command", required=True)
    add_parser(plan_commands, "list", help="list saved plans")
    show = add_parser(plan_commands, "show", help="show one plan's summary")
    show.add_argument("plan_id", type=int)
    export = add_parser(plan_commands, "export", help="write one plan's CSV files")
    export.add_argument("plan_id", type=int)
    export.add_argument("--out", type=Path, required=True)

    app = add_parser(commands, "app", help="open the Streamlit planner")
    app.add_argument("--port", type=int, default=8501)
    return parser


def _print_kpis(kpis: pd.DataFrame, total_cost: float, currency: str, lang: str) -> None:
    header = [
        t("kpi.channel", lang), t("kpi.forecast_contacts", lang), t("kpi.required_hours", lang),
        t("kpi.scheduled_hours", lang), t("kpi.service_level", lang), t("kpi.target", lang),
        t("kpi.abandon", lang),
    ]
    rows = [
        [
            row.channel,
            format_number(row.forecast_contacts, lang),
            format_number(row.required_scheduled_hours, lang, 1),
            format_number(row.scheduled_agent_hours, lang, 1),
            f"{format_percent(row.simulated_service_level, lang)} "
            f"[{format_percent(row.service_level_lo, lang)}–{format_percent(row.service_level_hi, lang)}]",
            f"{format_percent(row.service_level_target, lang, 0)} / {row.target_label}",
            format_percent(row.abandon_rate, lang),
        ]
        for row in kpis.itertuples()
    ]
    widths = [max(_width(str(cell)) for cell in column) for column in zip(header, *rows)]
    for line in [header, *rows]:
        print("  ".join(_pad(str(cell), width) for cell, width in zip(line, widths)))
    print(t("cli.total_cost", lang, cost=format_money(total_cost, currency, lang)))


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _command_plan(args: argparse.Namespace) -> int:
    from staffcast.loading import PREVIOUS_ROSTER
    from staffcast.pipeline import build_plan, plan_frames_for_export
    from staffcast.scenario import load_scenario
    from staffcast.storage import PlanStore, write_frames

    scenario, text = load_scenario(args.scenario)
    if args.previous_roster is not None:
        if not args.previous_roster.is_file():
            raise DataError.of("err.data.file_missing", path=args.previous_roster, what=PREVIOUS_ROSTER)
        scenario = scenario.model_copy(update={"previous_roster": args.previous_roster.resolve()})
    lang = args.lang or scenario.language

    def progress(stage: str, seconds: float) -> None:
        if not args.quiet:
            print(t("cli.stage_done", lang, stage=t(f"stage.{stage}", lang), seconds=f"{seconds:.1f}"), flush=True)

    store = PlanStore(args.db)  # open before the long work so a bad URL fails fast
    try:
        plan = build_plan(
            scenario, text, time_limit_s=args.time_limit, replications=args.replications, progress=progress
        )
    except RosterConflictError as error:
        lines = [t("cli.roster_conflict", lang), *(f"- {line}" for line in conflict_lines(error.conflicts, lang))]
        print("staffcast: error: " + "\n".join(lines), file=sys.stderr)
        return EXIT_USER_ERROR
    plan_id = store.save(plan.name, plan.scenario_text, plan.fingerprint, plan.summary, plan.frames)
    written = write_frames(plan_frames_for_export(plan.frames), args.out)
    print()
    print(t("cli.plan_title", lang, name=scenario.name, start=scenario.days[0], end=scenario.days[-1]))
    _print_kpis(plan.frames["kpis"], plan.summary["total_cost"], scenario.currency, lang)
    print(t("cli.roster_status", lang, **plan.summary["roster"]))
    for note in plan.notes:
        print(t("cli.note", lang, note=render(note, lang)))
    print(t("cli.saved", lang, plan_id=plan_id, db=store.url, out=args.out, files=len(written)))
    return 0


def _command_validate(args: argparse.Namespace) -> int:
    from staffcast.pipeline import load_inputs
    from staffcast.scenario import load_scenario

    scenario, _ = load_scenario(args.scenario)
    lang = args.lang or scenario.language
    history, agents = load_inputs(scenario)  # also checks the previous roster, if any
    frame = history.frame
    print(t("cli.valid", lang, scenario=args.scenario, rows=len(frame), agents=len(agents),
            start=frame["ds"].min(), end=frame["ds"].max()))
    for note in history.notes:
        print(t("cli.note", lang, note=render(note, lang)))
    return 0


def _command_backtest(args: argparse.Namespace) -> int:
    import forecasting
    from staffcast.loading import read_history
    from staffcast.pipeline import forecast_config
    from staffcast.scenario import load_scenario

    scenario, _ = load_scenario(args.scenario)
    history = read_history(scenario.history, scenario.tz, scenario.history_channels)
    result = forecasting.backtest_channels(
        history.frame, horizon_days=args.horizon_days, config=forecast_config(scenario)
    )
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_columns", 30):
        print(result.summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print()
        print(result.by_horizon.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print()
        print(pd.Series(result.selected, name="selected").to_string())
    return 0


def _command_plans(args: argparse.Namespace) -> int:
    from staffcast.pipeline import plan_frames_for_export
    from staffcast.storage import PlanStore, write_frames

    store = PlanStore(args.db)
    lang = args.lang or "zh"
    if args.plans_command == "list":
        plans = store.list_plans()
        print(t("cli.no_plans", lang, db=store.url) if plans.empty else plans.to_string(index=False))
    elif args.plans_command == "show":
        plan = store.load(args.plan_id)
        print(f"#{plan.id} {plan.name} ({plan.created_at:%Y-%m-%d %H:%M} UTC, {plan.fingerprint[:12]})")
        _print_kpis(plan.frames["kpis"], plan.summary["total_cost"], plan.summary.get("currency", "CNY"), lang)
    else:
        plan = store.load(args.plan_id)
        written = write_frames(plan_frames_for_export(plan.frames), args.out)
        print(t("cli.exported", lang, plan_id=plan.id, out=args.out, files=len(written)))
    return 0


def _command_app(args: argparse.Namespace) -> int:
    script = Path(__file__).resolve().parent / "ui" / "streamlit_app.py"
    env = dict(os.environ)
    if args.db:
        env["STAFFCAST_DB"] = args.db
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(args.port),
               "--server.headless", "true"]
    return subprocess.call(command, env=env)


def _error_language(args: argparse.Namespace) -> str:
    """Language of an error message: ``--lang``, else the scenario file's ``language`` (read
    on its own, so a scenario that fails validation elsewhere still picks it), else the default."""
    if args.lang:
        return args.lang
    scenario = getattr(args, "scenario", None)
    try:
        language = tomllib.loads(Path(scenario).read_text(encoding="utf-8")).get("language")
    except (TypeError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):  # no, missing or broken scenario
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.db = getattr(args, "db", None)
    args.lang = getattr(args, "lang", None)
    handlers = {
        "plan": _command_plan,
        "validate": _command_validate,
        "forecast": _command_backtest,
        "plans": _command_plans,
        "app": _command_app,
    }
    try:
        return handlers[args.command](args)
    except StaffcastError as error:
        print(f"staffcast: error: {error_text(error, _error_language(args))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("staffcast: interrupted; nothing was saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
