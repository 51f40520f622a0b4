"""Employee shift scheduling instances (Curtois & Qu format): data, parser and evaluator.

The text format and the objective are those of T. Curtois and R. Qu, "Computational
results on new staff scheduling benchmark instances", Technical Report, ASAP group,
University of Nottingham, 2014 (schedulingbenchmarks.org, instances 1-24).

Conventions of the benchmark used here:

* the horizon starts on a Monday; a weekend (day ``7k+5`` or ``7k+6``) is worked when
  either day is worked;
* an employee works at most one shift per day;
* minimum-consecutive rules apply to stretches that lie strictly inside the horizon:
  a work (or off) stretch touching the first or the last day may be shorter, because the
  days before and after the horizon are unknown; maximum-consecutive rules apply to every
  window of the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

OFF = -1  # roster value of a day off

_SECTIONS = (
    "SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER",
)


@dataclass(frozen=True)
class StaffRules:
    """Hard limits of one employee (all minutes, counts over the whole horizon)."""

    employee_id: str
    max_shifts: tuple[int, ...]  # per shift type, same order as the instance's shift ids
    max_total_min: int
    min_total_min: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int

    def __post_init__(self) -> None:
        if self.min_total_min > self.max_total_min:
            raise ValueError(
                f"staff {self.employee_id}: min_total_min must be <= max_total_min, "
                f"got {self.min_total_min!r} > {self.max_total_min!r}")
        if self.max_consecutive_shifts < 1:
            raise ValueError(f"staff {self.employee_id}: max_consecutive_shifts must be >= 1, "
                             f"got {self.max_consecutive_shifts!r}")


@dataclass(frozen=True)
class ShiftSchedulingInstance:
    """One Curtois & Qu instance as arrays.

    Attributes
    ----------
    n_days : int
        Horizon length in days (day 0 is a Monday).
    shift_ids : tuple of str
        Shift type ids; index ``s`` of every per-shift array refers to ``shift_ids[s]``.
    shift_length_min : ndarray, shape (S,)
    forbidden_next : ndarray of bool, shape (S, S)
        ``forbidden_next[s, t]``: shift ``t`` may not follow shift ``s`` on the next day.
    staff : tuple of StaffRules, length E
    day_off : ndarray of bool, shape (E, D)
        Fixed days off (the employee cannot work).
    on_request_weight, off_request_weight : ndarray of int, shape (E, D, S)
        Weight paid when a shift-on request is not met / a shift-off request is violated.
    cover_required, cover_under_weight, cover_over_weight : ndarray of int, shape (D, S)
    """

    n_days: int
    shift_ids: tuple[str, ...]
    shift_length_min: np.ndarray
    forbidden_next: np.ndarray
    staff: tuple[StaffRules, ...]
    day_off: np.ndarray
    on_request_weight: np.ndarray
    off_request_weight: np.ndarray
    cover_required: np.ndarray
    cover_under_weight: np.ndarray
    cover_over_weight: np.ndarray
    name: str = field(default="instance")

    @property
    def n_employees(self) -> int:
        return len(self.staff)

    @property
    def n_shifts(self) -> int:
        return len(self.shift_ids)

    def allowed(self) -> np.ndarray:
        """Bool (E, D, S): shift ``s`` on day ``d`` is possible for employee ``e``."""
        max_shifts = np.array([r.max_shifts for r in self.staff], dtype=int)  # (E, S)
        ok = (max_shifts > 0)[:, None, :] & ~self.day_off[:, :, None]
        long_enough = self.shift_length_min[None, None, :] <= np.array(
            [r.max_total_min for r in self.staff])[:, None, None]
        return ok & long_enough


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {name: [] for name in _SECTIONS}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in out:
                raise ValueError(f"unknown section {line!r}")
            current = line
            continue
        if current is None:
            raise ValueError(f"data line before any SECTION_ header: {line!r}")
        out[current].append(line)
    return out


def parse_curtois_instance(text: str, name: str = "instance") -> ShiftSchedulingInstance:
    """Parse the text of a Curtois & Qu instance (format in the module docstring)."""
    sec = _sections(text)
    if len(sec["SECTION_HORIZON"]) != 1:
        raise ValueError(f"SECTION_HORIZON must hold one line, got {sec['SECTION_HORIZON']!r}")
    n_days = int(sec["SECTION_HORIZON"][0])
    shift_rows = [ln.split(",") for ln in sec["SECTION_SHIFTS"]]
    shift_ids = tuple(r[0].strip() for r in shift_rows)
    if not shift_ids:
        raise ValueError("SECTION_SHIFTS must list at least one shift, got none")
    sidx = {s: i for i, s in enumerate(shift_ids)}
    n_s = len(shift_ids)
    lengths = np.array([int(r[1]) for r in shift_rows], dtype=int)
    forbidden = np.zeros((n_s, n_s), dtype=bool)
    for i, r in enumerate(shift_rows):
        for t in (r[2].split("|") if len(r) > 2 else []):
            if t.strip():
                forbidden[i, _lookup(sidx, t.strip(), "SECTION_SHIFTS cannot-follow")] = True
    staff = tuple(_parse_staff(ln, sidx) for ln in sec["SECTION_STAFF"])
    eidx = {r.employee_id: i for i, r in enumerate(staff)}
    n_e = len(staff)
    day_off = np.zeros((n_e, n_days), dtype=bool)
    for ln in sec["SECTION_DAYS_OFF"]:
        parts = [p.strip() for p in ln.split(",")]
        e = _lookup(eidx, parts[0], "SECTION_DAYS_OFF employee")
        for p in parts[1:]:
            if p:
                day_off[e, _day(int(p), n_days, "SECTION_DAYS_OFF")] = True
    on_w = _requests(sec["SECTION_SHIFT_ON_REQUESTS"], eidx, sidx, n_days, "SHIFT_ON")
    off_w = _requests(sec["SECTION_SHIFT_OFF_REQUESTS"], eidx, sidx, n_days, "SHIFT_OFF")
    req = np.zeros((n_days, n_s), dtype=int)
    under = np.zeros((n_days, n_s), dtype=int)
    over = np.zeros((n_days, n_s), dtype=int)
    for ln in sec["SECTION_COVER"]:
        d, s, r, wu, wo = [p.strip() for p in ln.split(",")]
        d_i = _day(int(d), n_days, "SECTION_COVER")
        s_i = _lookup(sidx, s, "SECTION_COVER shift")
        req[d_i, s_i], under[d_i, s_i], over[d_i, s_i] = int(r), int(wu), int(wo)
    return ShiftSchedulingInstance(
        n_days=n_days, shift_ids=shift_ids, shift_length_min=lengths, forbidden_next=forbidden,
        staff=staff, day_off=day_off, on_request_weight=on_w, off_request_weight=off_w,
        cover_required=req, cover_under_weight=under, cover_over_weight=over, name=name)


def read_curtois_instance(path: str | Path) -> ShiftSchedulingInstance:
    """Read a Curtois & Qu ``InstanceN.txt`` file."""
    path = Path(path)
    return parse_curtois_instance(path.read_text(encoding="utf-8-sig"), name=path.stem)


def _lookup(index: dict[str, int], key: str, where: str) -> int:
    if key not in index:
        raise ValueError(f"{where}: unknown id {key!r}")
    return index[key]


def _day(day: int, n_days: int, where: str) -> int:
    if not 0 <= day < n_days:
        raise ValueError(f"{where}: day must be in [0, {n_days}), got {day!r}")
    return day


def _parse_staff(line: str, sidx: dict[str, int]) -> StaffRules:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != 8:
        raise ValueError(f"SECTION_STAFF line must have 8 fields, got {len(parts)}: {line!r}")
    max_shifts = [0] * len(sidx)
    given = set()
    for item in parts[1].split("|"):
        if item:
            sid, value = item.split("=")
            i = _lookup(sidx, sid.strip(), "SECTION_STAFF MaxShifts")
            max_shifts[i] = int(value)
            given.add(i)
    if len(given) != len(sidx):
        missing = [s for s, i in sidx.items() if i not in given]
        raise ValueError(f"SECTION_STAFF {parts[0]}: MaxShifts missing for shifts {missing!r}")
    return StaffRules(parts[0], tuple(max_shifts), *(int(p) for p in parts[2:]))


def _requests(lines: list[str], eidx: dict[str, int], sidx: dict[str, int], n_days: int,
              kind: str) -> np.ndarray:
    w = np.zeros((len(eidx), n_days, len(sidx)), dtype=int)
    for ln in lines:
        e, d, s, wt = [p.strip() for p in ln.split(",")]
        w[_lookup(eidx, e, f"SECTION_{kind}_REQUESTS employee"),
          _day(int(d), n_days, f"SECTION_{kind}_REQUESTS"),
          _lookup(sidx, s, f"SECTION_{kind}_REQUESTS shift")] += int(wt)
    return w


# ---------------------------------------------------------------- evaluation


def one_hot(instance: ShiftSchedulingInstance, roster: np.ndarray) -> np.ndarray:
    """Bool (E, D, S) assignment tensor of an (E, D) roster of shift indexes / ``OFF``."""
    roster = np.asarray(roster)
    expected = (instance.n_employees, instance.n_days)
    if roster.shape != expected:
        raise ValueError(f"roster must have shape {expected}, got {roster.shape!r}")
    return roster[:, :, None] == np.arange(instance.n_shifts)[None, None, :]


def objective_components(instance: ShiftSchedulingInstance, roster: np.ndarray) -> dict[str, int]:
    """Curtois & Qu objective of a roster, by component.

    ``shift_on`` = Σ weight of unmet on-requests, ``shift_off`` = Σ weight of violated
    off-requests, ``cover_under`` = Σ under_weight·max(0, req − assigned),
    ``cover_over`` = Σ over_weight·max(0, assigned − req); ``total`` is their sum.
    """
    x = one_hot(instance, roster)
    assigned = x.sum(axis=0)  # (D, S)
    diff = assigned - instance.cover_required
    comp = {
        "shift_on": int((instance.on_request_weight * ~x).sum()),
        "shift_off": int((instance.off_request_weight * x).sum()),
        "cover_under": int((instance.cover_under_weight * np.maximum(-diff, 0)).sum()),
        "cover_over": int((instance.cover_over_weight * np.maximum(diff, 0)).sum()),
    }
    comp["total"] = sum(comp.values())
    return comp


def _runs(work: np.ndarray) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal values: (value, first day, length)."""
    runs, start = [], 0
    for d in range(1, len(work) + 1):
        if d == len(work) or work[d] != work[start]:
            runs.append((bool(work[start]), start, d - start))
            start = d
    return runs


def hard_violations(instance: ShiftSchedulingInstance, roster: np.ndarray) -> list[str]:
    """Every broken hard rule of a roster, in words (empty list: the roster is feasible)."""
    x = one_hot(instance, roster)
    out: list[str] = []
    n_days = instance.n_days
    for e, rules in enumerate(instance.staff):
        who, row, work = rules.employee_id, np.asarray(roster)[e], x[e].any(axis=1)
        bad = np.flatnonzero(work & instance.day_off[e])
        out += [f"{who}: works on fixed day off {d}" for d in bad]
        counts = x[e].sum(axis=0)
        for s in np.flatnonzero(counts > np.array(rules.max_shifts)):
            out.append(f"{who}: {counts[s]} {instance.shift_ids[s]} shifts > max {rules.max_shifts[s]}")
        minutes = int((x[e] * instance.shift_length_min).sum())
        if not rules.min_total_min <= minutes <= rules.max_total_min:
            out.append(f"{who}: {minutes} min outside [{rules.min_total_min}, {rules.max_total_min}]")
        for is_work, first, length in _runs(work):
            inside = first > 0 and first + length < n_days
            if is_work and length > rules.max_consecutive_shifts:
                out.append(f"{who}: {length} consecutive shifts from day {first}")
            if is_work and inside and length < rules.min_consecutive_shifts:
                out.append(f"{who}: only {length} consecutive shifts from day {first}")
            if not is_work and inside and length < rules.min_consecutive_days_off:
                out.append(f"{who}: only {length} consecutive days off from day {first}")
        weekends = int(sum(work[d:d + 2].any() for d in range(5, n_days, 7)))
        if weekends > rules.max_weekends:
            out.append(f"{who}: {weekends} weekends worked > max {rules.max_weekends}")
        for d in range(n_days - 1):
            if row[d] != OFF and row[d + 1] != OFF and instance.forbidden_next[row[d], row[d + 1]]:
                out.append(f"{who}: shift {instance.shift_ids[row[d + 1]]} on day {d + 1} "
                           f"follows {instance.shift_ids[row[d]]}")
    return out
