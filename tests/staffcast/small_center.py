"""A small synthetic center (2 channels, 12 agents, 30-minute intervals) for fast end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SCENARIO = """
name = "small test center"
timezone = "Asia/Shanghai"
interval_min = 30
week_start = "2026-03-02"
history = "history.csv"
agents = "agents.csv"
language = "en"

[forecast]
backtest_origins = 2

[shrinkage]
absence_frac = 0.05
meetings_frac = 0.05
surge_buffer_frac = 0.0

[channels.phone]
kind = "voice"
service_level = 0.8
answer_s = 20
patience_s = 120
max_occupancy = 0.9
open = "09:00-18:00"

[channels.email]
kind = "email"
mode = "deferred"
service_level = 0.9
answer_s = 14400
open = "09:00-18:00"

[shifts]
earliest_start = "09:00"
latest_end = "18:00"
start_step_min = 60
min_rest_h = 11
max_consecutive_days = 6
lunch_min = 60
lunch_after_h = 6
lunch_window_h = [3, 5]
break_min = 0
breaks_per_4h = 0

[contracts.full_time]
shift_lengths_h = [9]
min_hours_week = 24
max_hours_week = 40
max_days_week = 5
hourly_wage = 30.0

[contracts.part_time]
shift_lengths_h = [4]
min_hours_week = 0
max_hours_week = 24
max_days_week = 6
hourly_wage = 25.0

[costs]
night_premium_frac = 0.0
weekend_premium_frac = 0.5
holiday_premium_frac = 2.0

[solver]
time_limit_s = 10
workers = 2
seed = 1

[simulation]
replications = 4
seed = 3
"""


def history(weeks: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2026-03-02", periods=weeks * 7 * 48, freq="30min", tz="Asia/Shanghai")
    ds = ds - pd.Timedelta(weeks=weeks)
    hour = ds.hour + ds.minute / 60
    open_ = (hour >= 9) & (hour < 18)
    shape = np.where(open_, 1 + 0.5 * np.sin((hour - 9) / 9 * np.pi), 0.0)
    weekday = np.where(ds.day_of_week >= 5, 0.6, 1.0)
    frames = []
    for channel, scale, aht in (("phone", 30, 240.0), ("email", 8, 420.0)):
        volume = rng.poisson(scale * shape * weekday)
        frames.append(pd.DataFrame({
            "channel": channel,
            "ds": ds.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "volume": volume,
            "aht_s": np.where(volume > 0, np.round(rng.normal(aht, 20, len(ds)), 1), np.nan),
        }))
    return pd.concat(frames, ignore_index=True)


AGENTS = """agent_id,name,contract,skills,available_days,earliest_start,latest_end,time_off,preferred_start
S01,张伟 Zhang Wei,full_time,phone:1,,,,,
S02,王芳 Wang Fang,full_time,phone:1;email:2,,,,,09:00
S03,李娜 Li Na,full_time,phone:1,,,,2026-03-04,
S04,刘洋 Liu Yang,full_time,phone:1;email:2,,,,,
S05,陈静 Chen Jing,full_time,email:1;phone:2,,,,,
S06,杨磊 Yang Lei,full_time,phone:1,Mon;Tue;Wed;Thu;Fri,,,,
S07,赵敏 Zhao Min,full_time,phone:1;email:2,,,,,
S08,黄强 Huang Qiang,part_time,phone:1,Sat;Sun;Mon,09:00,18:00,,
S09,周婷 Zhou Ting,part_time,email:1,,13:00,18:00,,
S10,吴刚 Wu Gang,part_time,phone:1;email:2,,,,,
S11,徐丽 Xu Li,full_time,phone:1,,,,,
S12,孙杰 Sun Jie,part_time,phone:1,,09:00,14:00,,
"""


def write_small_center(folder: Path) -> Path:
    """Write scenario, history and agents into ``folder``; returns the scenario path."""
    folder.mkdir(parents=True, exist_ok=True)
    history().to_csv(folder / "history.csv", index=False)
    (folder / "agents.csv").write_text(AGENTS, encoding="utf-8")
    path = folder / "scenario.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def write_small_center_with_bad_history(folder: Path, old: str, new: str) -> Path:
    """:func:`write_small_center`, with ``old`` replaced by ``new`` in the history's first
    data row after the first (CSV line 3); returns the scenario path."""
    path = write_small_center(folder)
    history_path = path.parent / "history.csv"
    lines = history_path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(old, new)
    history_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
