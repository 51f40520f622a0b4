"""Roster quality on published benchmarks: Curtois & Qu shift scheduling, Musliu shift design.

Usage (from the repository root)::

    python -m benchmarks.roster_quality --curtois ../shared/benchmarks/curtois-qu-shift-scheduling/instances/Instance{1,2,3}.txt
    python -m benchmarks.roster_quality --musliu ../shared/benchmarks/shift-design-musliu/DataSet1 --time-limit 10

Directories are expanded to their ``*.txt`` files in natural order. Curtois best known
values are read from a ``best_known.csv`` (column ``upper_bound``) next to the file or one
folder up; a Musliu file's known value is read from the file itself. Every objective is
recomputed by the package's own evaluator. Prints one table row per instance and, as the
last line, one JSON object with the per-instance results and summary counts.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduling._bench_musliu_io import read_musliu_instance  # noqa: E402
from scheduling.employee_scheduling import (  # noqa: E402
    hard_violations, read_curtois_instance, solve_employee_scheduling)
from scheduling.shift_design import design_shifts  # noqa: E402

# Goals of the scheduling issue: max gap (fraction) per Curtois instance number.
CURTOIS_GOAL_GAP = {**{n: 0.0 for n in range(1, 5)}, **{n: 0.03 for n in range(5, 11)},
                    **{n: 0.10 for n in range(11, 15)}}
MUSLIU_GOAL_FRAC = 0.95


def _natural(path: Path) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name))


def expand(paths: list[str]) -> list[Path]:
    """Files as given; directories replaced by their ``*.txt`` files in natural order."""
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(p.glob("*.txt"), key=_natural) if p.is_dir() else [p]
    return out


def curtois_best_known(path: Path) -> int | None:
    """Upper bound of ``best_known.csv`` beside the instance file or one folder up."""
    for folder in (path.parent, path.parent.parent):
        table = folder / "best_known.csv"
        if table.exists():
            with table.open(newline="") as fh:
                for row in csv.DictReader(fh):
                    if row.get("instance") == path.stem and row.get("upper_bound"):
                        return int(float(row["upper_bound"]))
    return None


def _gap(objective: float, best: float | None) -> float | None:
    if best is None:
        return None
    return (objective - best) / best if best > 0 else (0.0 if objective <= best else None)


def run_curtois(path: Path, time_limit_s: float, workers: int, seed: int) -> dict:
    """Solve one Curtois & Qu instance; objective recomputed by the evaluator."""
    inst = read_curtois_instance(path)
    best = curtois_best_known(path)
    t0 = time.monotonic()
    try:
        res = solve_employee_scheduling(inst, time_limit_s, workers, seed)
    except RuntimeError as exc:
        return {"family": "curtois", "instance": path.stem, "objective": None,
                "best_known": best, "gap": None, "time_s": round(time.monotonic() - t0, 1),
                "status": "NO_SOLUTION", "error": str(exc)}
    broken = hard_violations(inst, res.roster)
    return {"family": "curtois", "instance": path.stem, "objective": res.objective,
            "best_known": best, "gap": _gap(res.objective, best),
            "time_s": round(res.wall_s, 1), "status": res.status if not broken else "INVALID",
            "bound": round(res.best_bound, 1), "lns_steps": res.lns_steps,
            "hard_violations": len(broken)}


def run_musliu(path: Path, time_limit_s: float, workers: int, seed: int) -> dict:
    """Design shifts for one Musliu instance; known value from the file when present."""
    inst = read_musliu_instance(path)
    t0 = time.monotonic()
    res = design_shifts(inst.requirement, inst.shift_types, inst.weights, time_limit_s,
                        slot_min=inst.slot_min, duty_limits=inst.duty_limits,
                        workers=workers, seed=seed)
    return {"family": "musliu", "instance": path.stem, "objective": res.objective,
            "best_known": inst.known_value, "gap": _gap(res.objective, inst.known_value),
            "time_s": round(time.monotonic() - t0, 1), "status": res.status,
            "bound": round(res.best_bound, 1), "shifts_used": res.components["shifts_used"]}


def run_sample(time_limit_s: float = 60.0, workers: int = 2) -> dict | None:
    """Run the sample center's week through ``benchmarks.roster_sample`` when it exists.

    Calls its ``main(argv)`` (which prints its own report) and returns its summary dict;
    None when the module is absent.
    """
    try:
        module = importlib.import_module("benchmarks.roster_sample")
    except ModuleNotFoundError:
        print("sample: benchmarks.roster_sample is not available, skipped")
        return None
    return module.main(["--time-limit", f"{time_limit_s:g}", "--workers", str(workers)])


def summarize(rows: list[dict]) -> dict:
    """Counts per family, and how many instances meet the issue's goals."""
    out: dict = {}
    cur = [r for r in rows if r["family"] == "curtois"]
    if cur:
        goal_rows = [(int(re.sub(r"\D", "", r["instance"]) or 0), r) for r in cur]
        in_goal = [(n, r) for n, r in goal_rows if n in CURTOIS_GOAL_GAP]
        out["curtois"] = {
            "instances": len(cur),
            "solved": sum(r["objective"] is not None and r["status"] != "INVALID" for r in cur),
            "at_best_known": sum(r["gap"] is not None and r["gap"] <= 0 for r in cur),
            "within_3pct": sum(r["gap"] is not None and r["gap"] <= 0.03 for r in cur),
            "within_10pct": sum(r["gap"] is not None and r["gap"] <= 0.10 for r in cur),
            "goal_instances": len(in_goal),
            "goal_met": sum(r["gap"] is not None and r["gap"] <= CURTOIS_GOAL_GAP[n] + 1e-12
                            for n, r in in_goal),
        }
    mus = [r for r in rows if r["family"] == "musliu"]
    if mus:
        known = [r for r in mus if r["best_known"] is not None]
        good = sum(r["objective"] <= r["best_known"] for r in known)
        out["musliu"] = {"instances": len(mus), "with_known": len(known),
                         "at_or_better_than_known": good,
                         "better_than_known": sum(r["objective"] < r["best_known"] for r in known),
                         "fraction": round(good / len(known), 4) if known else None,
                         "goal_met": bool(known) and good >= MUSLIU_GOAL_FRAC * len(known)}
    return out


def _row_text(r: dict) -> str:
    gap = "" if r["gap"] is None else f"{100 * r['gap']:+.2f}%"
    obj = "-" if r["objective"] is None else r["objective"]
    best = "-" if r["best_known"] is None else r["best_known"]
    return (f"{r['family']:8s} {r['instance']:18s} {obj!s:>8} {best!s:>8} {gap:>9} "
            f"{r['time_s']:7.1f} {r['status']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curtois", nargs="+", default=[], metavar="FILE")
    parser.add_argument("--musliu", nargs="+", default=[], metavar="FILE")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per instance (default 60 Curtois, 10 Musliu)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", action="store_true", help="also run the sample center")
    args = parser.parse_args(argv)
    if args.time_limit is not None and args.time_limit <= 0:
        parser.error(f"--time-limit must be > 0, got {args.time_limit!r}")
    print(f"{'family':8s} {'instance':18s} {'objective':>8} {'best':>8} {'gap':>9} "
          f"{'time_s':>7} status", flush=True)
    rows: list[dict] = []
    for path in expand(args.curtois):
        rows.append(run_curtois(path, args.time_limit or 60.0, args.workers, args.seed))
        print(_row_text(rows[-1]), flush=True)
    for path in expand(args.musliu):
        rows.append(run_musliu(path, args.time_limit or 10.0, args.workers, args.seed))
        print(_row_text(rows[-1]), flush=True)
    sample = run_sample(args.time_limit or 60.0, args.workers) if args.sample else None
    result = {"instances": rows, "sample": sample, "summary": summarize(rows)}
    print(json.dumps(result, default=float))
    return result


if __name__ == "__main__":
    main()
