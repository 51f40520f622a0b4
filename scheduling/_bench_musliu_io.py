"""Reader for the Musliu-Schaerf-Slany shift design instances (``RandomExampleN.txt``).

Format and objective: N. Musliu, A. Schaerf, W. Slany, "Local search for shift design",
EJOR 153(1), 2004; files of the TU Wien DBAI "Rota" benchmark page. Slots are numbered
from Monday 00:00; the week is cyclic. A template line reads
``Abbr Name Start(H:M) +Min -Min Length +Min -Min days``: the start may vary in
``[Start − (−Min), Start + (+Min)]`` and the length likewise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scheduling.shift_design import DesignWeights, DutyLimits, ShiftType


@dataclass(frozen=True)
class MusliuInstance:
    """One shift design instance: requirement (days, slots/day), templates, weights."""

    name: str
    slot_min: int
    requirement: np.ndarray
    shift_types: tuple[ShiftType, ...]
    weights: DesignWeights
    duty_limits: DutyLimits | None
    known_value: int | None
    planted: tuple[tuple[int, int, tuple[int, ...]], ...]  # (start_min, length_min, duties)


_TEMPLATE = re.compile(
    r"^(\w+)\s+\S+\s+(\d+:\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s*$", re.M)


def _hm(text: str, where: str) -> int:
    m = re.fullmatch(r"(\d+):(\d+)", text)
    if m is None:
        raise ValueError(f"{where}: time must be H:M, got {text!r}")
    return int(m.group(1)) * 60 + int(m.group(2))


def _blocks(text: str) -> dict[str, list[str]]:
    """Map each ``#Header`` line to the non-empty lines that follow it."""
    blocks: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#") and not re.match(r"#\s*\d", line):
            current = line.lstrip("#").strip().rstrip(":").split(":")[0].strip().lower()
            blocks.setdefault(current, [])
        elif current is not None:
            blocks[current].append(line)
    return blocks


def _first(blocks: dict[str, list[str]], key: str) -> str:
    for name, lines in blocks.items():
        if name.startswith(key) and lines:
            return lines[0]
    raise ValueError(f"section {key!r} is missing or empty")


def parse_musliu_instance(text: str, name: str = "instance") -> MusliuInstance:
    """Parse the text of a shift design instance."""
    b = _blocks(text)
    slot_min = int(_first(b, "minuteinterval"))
    days = int(_first(b, "dayspercycle"))
    req = np.array(_first(b, "requirements").split(), dtype=int)
    if 1440 % slot_min or req.size != days * 1440 // slot_min:
        raise ValueError(f"{name}: Requirements must hold {days} x 1440/{slot_min} values, "
                         f"got {req.size}")
    types = []
    for m in _TEMPLATE.finditer(text):
        start, s_plus, s_minus = _hm(m.group(2), f"{name} template"), int(m.group(3)), int(m.group(4))
        length, l_plus, l_minus = int(m.group(5)), int(m.group(6)), int(m.group(7))
        types.append(ShiftType(m.group(1), start - s_minus, start + s_plus,
                               length - l_minus, length + l_plus))
    if not types:
        raise ValueError(f"{name}: no shift templates found")
    lo, hi = (int(v) for v in _first(b, "duties per week").split())
    avg_h = float(_first(b, "average number of hours per week"))
    w_duties = float(_first(b, "dutiesperweek"))
    weights = DesignWeights(under_per_person_min=int(_first(b, "undercover")),
                            over_per_person_min=int(_first(b, "overcover")),
                            per_shift=int(_first(b, "shifts")))
    limits = DutyLimits(lo, hi, avg_h) if w_duties > 0 else None
    known = re.search(r"#Fitness of assumed optimal Solution:\s*#\s*(\d+)", text)
    planted = tuple(
        (_hm(m.group(1), f"{name} solution"), int(m.group(2)),
         tuple(int(v) for v in m.group(3).split()))
        for m in re.finditer(r"#\s*\d+:\s+(\d+:\d+)\s+(\d+)\s+((?:\d+\s*){%d})" % days, text))
    return MusliuInstance(name, slot_min, req.reshape(days, -1), tuple(types), weights,
                          limits, int(known.group(1)) if known else None, planted)


def read_musliu_instance(path: str | Path) -> MusliuInstance:
    """Read a ``RandomExampleN.txt`` file (Latin-1)."""
    path = Path(path)
    return parse_musliu_instance(path.read_text(encoding="latin-1"), name=path.stem)
