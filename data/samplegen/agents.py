"""The sample agents file: 120 named agents with skills, contracts and availability."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

AGENT_COLUMNS = ("agent_id", "name", "contract", "skills", "available_days",
                 "earliest_start", "latest_end", "time_off", "preferred_start", "off_requests",
                 "shift_requests", "commitments")
# Two-hour training sessions (e.g. the new returns policy before 12.12): afternoon, else morning.
SESSIONS = (("14:00", "16:00"), ("10:00", "12:00"))
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Fewest available days a contract needs: full time 5 x 8 h = 40 h; part time 3 x 4 h = 12 h.
FT_MIN_DAYS, PT_MIN_DAYS = 5, 3
SHIFT_H = {"full_time": 9, "part_time": 4}  # shift length incl. unpaid lunch (scenario.toml)

# (skills, full-time count, part-time count): 84 full time, 36 part time.
SKILL_GROUPS = (
    ("phone:1", 20, 5),
    ("phone:1;chat:2", 12, 3),
    ("chat:1", 8, 12),
    ("chat:1;social:2", 4, 6),
    ("email:1;social:2", 6, 2),
    ("social:1;email:2", 4, 3),
    ("phone:1;chat:2;email:2;social:2", 10, 0),
    ("chat:1;phone:2;email:3", 8, 2),
    ("email:1;chat:2", 7, 1),
    ("social:1;chat:2;phone:3", 5, 2),
)

SURNAMES = (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
            ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
            ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
            ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("高", "Gao"), ("罗", "Luo"),
            ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"))
GIVEN_NAMES = (("芳", "Fang"), ("伟", "Wei"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"),
               ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
               ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"),
               ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"),
               ("平", "Ping"), ("婷", "Ting"), ("欣怡", "Xinyi"), ("子涵", "Zihan"),
               ("雨桐", "Yutong"), ("浩然", "Haoran"), ("宇轩", "Yuxuan"), ("思远", "Siyuan"),
               ("佳琪", "Jiaqi"), ("梓萱", "Zixuan"), ("俊杰", "Junjie"), ("诗涵", "Shihan"),
               ("晓燕", "Xiaoyan"), ("建华", "Jianhua"), ("海燕", "Haiyan"), ("文博", "Wenbo"),
               ("一鸣", "Yiming"), ("雪", "Xue"), ("晨", "Chen"), ("鑫", "Xin"), ("琳", "Lin"))


def _names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct names as ``王芳 Wang Fang`` (surname first, as in Chinese)."""
    pairs = [(s, g) for s in SURNAMES for g in GIVEN_NAMES]
    picks = rng.choice(len(pairs), size=n, replace=False)
    return [f"{pairs[i][0][0]}{pairs[i][1][0]} {pairs[i][0][1]} {pairs[i][1][1]}"
            for i in picks]


def _availability(rng: np.random.Generator, contract: str) -> tuple[str, str, str]:
    """(available_days, earliest_start, latest_end) for one agent.

    Full time: 80 % all days 08:00-23:00, 10 % day-only parents 08:00-18:00, 10 % with
    one fixed weekday unavailable. Part time: 40 % evening students 18:00-23:00 every
    day, 20 % weekend students Fri-Sun all day, 40 % flexible all days 08:00-23:00.
    """
    all_days = ";".join(DAY_NAMES)
    u = rng.random()
    if contract == "full_time":
        if u < 0.80:
            return all_days, "08:00", "23:00"
        if u < 0.90:
            return all_days, "08:00", "18:00"
        off = int(rng.integers(0, 5))
        return ";".join(d for i, d in enumerate(DAY_NAMES) if i != off), "08:00", "23:00"
    if u < 0.40:
        return all_days, "18:00", "23:00"
    if u < 0.60:
        return "Fri;Sat;Sun", "08:00", "23:00"
    return all_days, "08:00", "23:00"


def _preferred_start(rng: np.random.Generator, contract: str, earliest: str,
                     latest: str) -> str:
    """A start time on the 30-minute grid such that the shift fits the window."""
    lo = int(earliest[:2]) * 2
    hi = int(latest[:2]) * 2 - SHIFT_H[contract] * 2
    slot = int(rng.integers(lo, hi + 1))
    return f"{slot // 2:02d}:{30 * (slot % 2):02d}"


def _time_off(rng: np.random.Generator, days: str, contract: str,
              plan_week_start: dt.date) -> str:
    """One or two consecutive approved days off, leaving enough days for the contract."""
    avail = [DAY_NAMES.index(d) for d in days.split(";")]
    need = FT_MIN_DAYS if contract == "full_time" else PT_MIN_DAYS
    n_off = min(int(rng.integers(1, 3)), len(avail) - need)
    first = int(rng.integers(0, len(avail) - n_off + 1))
    chosen = avail[first:first + n_off]
    return ";".join((plan_week_start + dt.timedelta(days=d)).isoformat() for d in chosen)


def make_agents(rng: np.random.Generator, plan_week_start: dt.date,
                n_time_off: int = 8, preferred_frac: float = 0.30,
                n_requests: int = 8, n_commitments: int = 6) -> pd.DataFrame:
    """Build the agents frame (columns ``AGENT_COLUMNS``, ids ``A001``..).

    Parameters
    ----------
    rng : random generator.
    plan_week_start : Monday of the plan week; time off falls within its seven days.
    n_time_off : number of agents with approved time off in the plan week.
    preferred_frac : share of agents with a preferred shift start.
    n_requests : agents with a requested day off, and as many with a requested shift.
    n_commitments : agents with a two-hour training session on a Tuesday to Thursday.
    """
    if plan_week_start.weekday() != 0:
        raise ValueError(f"plan_week_start must be a Monday, got {plan_week_start!r}")
    rows = [(skills, "full_time") for skills, ft, _ in SKILL_GROUPS for _ in range(ft)]
    rows += [(skills, "part_time") for skills, _, pt in SKILL_GROUPS for _ in range(pt)]
    order = rng.permutation(len(rows))
    names = _names(rng, len(rows))
    agents = [rows[k] + _availability(rng, rows[k][1]) for k in order]
    need = {"full_time": FT_MIN_DAYS, "part_time": PT_MIN_DAYS}
    eligible = [i for i, a in enumerate(agents) if len(a[2].split(";")) > need[a[1]]]
    with_off = set(rng.choice(eligible, size=n_time_off, replace=False).tolist())
    with_pref = set(rng.choice(len(rows), size=round(preferred_frac * len(rows)),
                               replace=False).tolist())
    records = []
    for i, (skills, contract, days, earliest, latest) in enumerate(agents):
        records.append({
            "agent_id": f"A{i + 1:03d}", "name": names[i], "contract": contract,
            "skills": skills, "available_days": days, "earliest_start": earliest,
            "latest_end": latest,
            "time_off": _time_off(rng, days, contract, plan_week_start) if i in with_off else "",
            "preferred_start": (_preferred_start(rng, contract, earliest, latest)
                                if i in with_pref else ""),
        })
    _add_requests(rng, records, plan_week_start, n_requests)
    _add_commitments(rng, records, plan_week_start, n_commitments)
    return pd.DataFrame.from_records(records, columns=list(AGENT_COLUMNS))


def _add_requests(rng: np.random.Generator, records: list[dict], plan_week_start: dt.date,
                  n_requests: int) -> None:
    """Requested days off and requested shifts (a start, or just a working day) for agents
    without time off, on days they are available; drawn last so the other columns do not
    depend on them."""
    free = [i for i, r in enumerate(records) if not r["time_off"]]
    chosen = rng.choice(free, size=min(2 * n_requests, len(free)), replace=False).tolist()
    for k, i in enumerate(chosen):
        record = records[i]
        days = record["available_days"].split(";")
        day = plan_week_start + dt.timedelta(days=DAY_NAMES.index(days[int(rng.integers(len(days)))]))
        record["off_requests"], record["shift_requests"] = "", ""
        if k < n_requests:
            record["off_requests"] = day.isoformat()
        elif k % 2:
            start = _preferred_start(rng, record["contract"], record["earliest_start"],
                                     record["latest_end"])
            record["shift_requests"] = f"{day.isoformat()}@{start}"
        else:
            record["shift_requests"] = day.isoformat()
    for record in records:
        record.setdefault("off_requests", "")
        record.setdefault("shift_requests", "")


def _add_commitments(rng: np.random.Generator, records: list[dict], plan_week_start: dt.date,
                     n_commitments: int) -> None:
    """A two-hour training session (``YYYY-MM-DD@HH:MM-HH:MM``) for agents without time off or
    a day-off request, on a Tuesday to Thursday they work, inside their availability window;
    drawn last so the other columns do not depend on it."""
    for record in records:
        record["commitments"] = ""
    free = [i for i, r in enumerate(records) if not r["time_off"] and not r["off_requests"]]
    placed = 0
    for i in rng.permutation(free).tolist():
        record = records[i]
        days = [d for d in ("Tue", "Wed", "Thu") if d in record["available_days"].split(";")]
        fits = [(a, b) for a, b in SESSIONS if record["earliest_start"] <= a and b <= record["latest_end"]]
        if not days or not fits or placed == n_commitments:
            continue
        day = plan_week_start + dt.timedelta(days=DAY_NAMES.index(days[int(rng.integers(len(days)))]))
        start, end = fits[0]
        record["commitments"] = f"{day.isoformat()}@{start}-{end}"
        placed += 1
