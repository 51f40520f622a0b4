"""Data notes (warnings about the inputs) in the planner's language, kept with a saved plan."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pandas as pd

from staffcast.cli import main
from staffcast.i18n import LANGUAGES, Note, catalog, from_json, render, to_json
from staffcast.loading import read_history, read_previous_roster
from staffcast.storage import PlanStore
from tests.staffcast.small_center import write_small_center_with_bad_history
from tests.staffcast.test_loading import CHANNELS, GOOD_HISTORY, TZ, write
from tests.staffcast.test_previous_roster import GOOD, MONDAY

SOURCE = Path(__file__).resolve().parents[2] / "staffcast"
KEY = re.compile(r"""["'](note\.[a-z_.]+)["']""")


def history_notes(tmp_path: Path) -> tuple[str, ...]:
    """Notes of a history with one empty volume and 2 rows of a channel the scenario does not plan."""
    text = GOOD_HISTORY + "fax,2026-11-01T08:00:00+08:00,1,100,0\nfax,2026-11-01T08:15:00+08:00,1,100,0\n"
    return read_history(write(tmp_path, "h.csv", text), TZ, CHANNELS).notes


def test_every_note_key_in_the_code_is_in_both_catalogs_and_every_note_text_is_used():
    used = {key for path in SOURCE.rglob("*.py") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) >= 5
    for lang in LANGUAGES:
        defined = {key for key in catalog(lang) if key.startswith("note.")}
        assert used == defined, lang


def test_history_notes_render_in_chinese_with_their_numbers(tmp_path):
    extra, empty = history_notes(tmp_path)
    assert extra == "history rows not planned by the scenario (not in [channels]): fax (2 rows)"
    assert empty == "1 interval(s) with empty volume are treated as missing data"
    assert "fax（2 行）" in render(extra, "zh") and "[channels]" in render(extra, "zh")
    assert render(empty, "zh") == "1 个时段的进线量为空，按缺失数据处理"


def test_previous_roster_note_lists_agents_with_the_chinese_separator(tmp_path):
    rows = "".join(f"X{i},2026-11-27,2026-11-27 10:00:00+08:00,2026-11-27 19:00:00+08:00,8\n" for i in range(7))
    path = tmp_path / "previous.csv"
    path.write_text(GOOD.replace("X9,", "X7,") + rows, encoding="utf-8")
    (note,) = read_previous_roster(path, TZ, MONDAY, ["A1", "A2"]).notes
    assert note == ("previous roster: 8 shift(s) of 8 agent(s) not in the agents file are not used "
                    "(X0, X1, X2, X3, X4 ...)")
    assert render(note, "zh") == "上周排班：8 名坐席不在坐席文件中，其 8 个班次不予使用（X0、X1、X2、X3、X4 等）"


def test_notes_survive_pickling_and_json(tmp_path):
    for note in history_notes(tmp_path):
        for copy in (pickle.loads(pickle.dumps(note)), from_json(to_json(note))):
            assert isinstance(copy, Note) and copy == note
            assert render(copy, "zh") == render(note, "zh") != str(note)


def test_a_plan_saved_now_shows_its_notes_in_both_languages_after_reopening(tmp_path):
    notes = history_notes(tmp_path)
    store = PlanStore(f"sqlite:///{tmp_path / 'p.db'}")
    plan_id = store.save("p", "", "f" * 64, {"notes": [to_json(n) for n in notes]}, {"x": pd.DataFrame({"a": [1]})})
    reopened = store.load(plan_id).notes
    assert [render(n, "en") for n in reopened] == list(notes)
    assert [render(n, "zh") for n in reopened] == [n.render("zh") for n in notes]
    assert "notes" not in store.list_plans().columns  # a list: not a column of the plan list


def test_an_older_plan_with_text_notes_or_none_still_loads(tmp_path):
    store = PlanStore(f"sqlite:///{tmp_path / 'p.db'}")
    frames = {"x": pd.DataFrame({"a": [1]})}
    text = store.save("text", "", "a" * 64, {"notes": ["3 interval(s) with empty volume are treated as missing data"]},
                      frames)
    none = store.save("none", "", "b" * 64, {"total_cost": 1.0}, frames)
    (note,) = store.load(text).notes
    assert render(note, "zh") == note == "3 interval(s) with empty volume are treated as missing data"
    assert store.load(none).notes == ()


def test_cli_validate_prints_notes_in_the_chosen_language(tmp_path, capsys):
    path = write_small_center_with_bad_history(tmp_path / "center", ",0,", ",,")
    assert main(["--lang", "zh", "validate", str(path)]) == 0
    assert "提示：1 个时段的进线量为空，按缺失数据处理" in capsys.readouterr().out
    assert main(["validate", str(path)]) == 0  # the scenario's language (en)
    assert "Note: 1 interval(s) with empty volume are treated as missing data" in capsys.readouterr().out
