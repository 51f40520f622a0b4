"""Generate the synthetic sample data of the bundled Staffcast scenario.

Writes ``history.csv.gz`` (15-minute volume, handle time and abandonment of the
channels phone, chat, email and social) and ``agents.csv`` (120 agents) into ``--out``,
then prints the weekly workload used to calibrate the volumes against the roster.
Everything is synthetic; ``data/README.md`` describes each effect and its size.

Usage::

    python data/generate_sample.py                      # seed 2026, data/sample/
    python data/generate_sample.py --seed 7 --start 2026-10-05 --end 2026-11-01 --out /tmp/x

The same seed, dates and plan week always give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplegen import (CHANNELS, build_calendar, make_agents,  # noqa: E402
                       make_history, pick_outages)

DEFAULT_SEED = 2026
DEFAULT_START = dt.date(2024, 11, 25)
DEFAULT_END = dt.date(2026, 11, 29)
DEFAULT_PLAN_WEEK = dt.date(2026, 11, 30)
CHAT_CONCURRENCY_DIVISOR = 2.0  # workload of chat is shared by ~2 concurrent chats
REFERENCE_WEEKS = (dt.date(2026, 9, 14), dt.date(2026, 11, 9), dt.date(2026, 11, 16),
                   dt.date(2026, 11, 23))


def weekly_workload_h(history: pd.DataFrame) -> pd.DataFrame:
    """Agent-hours of work per week (Monday start) and channel.

    workload = sum(volume * aht_s) / 3600, chat divided by ``CHAT_CONCURRENCY_DIVISOR``.
    """
    work_h = history["volume"] * history["aht_s"].fillna(0.0) / 3600.0
    work_h = work_h.where(history["channel"] != "chat", work_h / CHAT_CONCURRENCY_DIVISOR)
    day = history["ds"].dt.tz_localize(None).dt.normalize()
    week = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    table = work_h.groupby([week, history["channel"]]).sum().unstack("channel")
    table["total"] = table.sum(axis=1)
    return table.rename_axis("week_start")


def write_history(history: pd.DataFrame, path: Path) -> None:
    """Write the history as gzip CSV with ISO 8601 ``ds`` (reproducible: gzip mtime 0)."""
    out = history.copy()
    out["ds"] = [t.isoformat() for t in out["ds"]]
    text = out.to_csv(index=False, na_rep="", lineterminator="\n")
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def generate(seed: int, start: dt.date, end: dt.date, plan_week: dt.date,
             out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, tuple]:
    """Generate and write both files; return (history, agents, outages).

    Independent random streams (``SeedSequence(seed).spawn``) for outages, history and
    agents, so the agents do not change when the history range does.
    """
    if end < start:
        raise ValueError(f"end must be >= start ({start}), got {end!r}")
    rng_outage, rng_history, rng_agents = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    cal = build_calendar(start, end, CHANNELS)
    outages = pick_outages(rng_outage, cal)
    history = make_history(rng_history, cal, CHANNELS, outages)
    agents = make_agents(rng_agents, plan_week)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_history(history, out_dir / "history.csv.gz")
    agents.to_csv(out_dir / "agents.csv", index=False, lineterminator="\n")
    return history, agents, outages


def _report(history: pd.DataFrame, outages: tuple) -> None:
    table = weekly_workload_h(history)
    print("weekly workload (agent-hours; chat / 2):")
    weeks = [w for w in REFERENCE_WEEKS if w in table.index] or list(table.index[-3:])
    print(table.loc[weeks].round(0).to_string())
    normal = table["total"].median()
    print(f"median week {normal:.0f} h, max week {table['total'].max():.0f} h "
          f"({table['total'].idxmax()})")
    for o in outages:
        print(f"abnormal: {o.date} {o.channel} {_clock(o.start_h)}-{_clock(o.end_h)} "
              f"x{o.factor}: {o.cause}")


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round(60 * (hours % 1)):02d}"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=_date, default=DEFAULT_START,
                        help="first day of history (default %(default)s)")
    parser.add_argument("--end", type=_date, default=DEFAULT_END,
                        help="last day of history, inclusive (default %(default)s)")
    parser.add_argument("--plan-week", type=_date, default=DEFAULT_PLAN_WEEK,
                        help="Monday of the plan week, for time off (default %(default)s)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "sample")
    parser.add_argument("--quiet", action="store_true", help="skip the workload report")
    args = parser.parse_args(argv)
    try:
        history, _, outages = generate(args.seed, args.start, args.end, args.plan_week,
                                       args.out)
    except ValueError as exc:
        parser.error(str(exc))
    if not args.quiet:
        _report(history, outages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
