"""Bad-input errors in the planner's language: catalog keys, composed fragments, the CLI."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from staffcast.cli import main
from staffcast.errors import DataError, InvalidValue, RosterConflictError, ScenarioError, StaffcastError
from staffcast.i18n import LANGUAGES, LineNumbers, catalog, error_problem, error_text
from staffcast.loading import read_agents, read_history
from staffcast.scenario import load_scenario, parse_scenario
from tests.staffcast.small_center import write_small_center, write_small_center_with_bad_history
from tests.staffcast.test_loading import CHANNELS, CONTRACTS, GOOD_AGENTS, GOOD_HISTORY, TZ
from tests.staffcast.test_scenario import SAMPLE_TEXT

SOURCE = Path(__file__).resolve().parents[2] / "staffcast"
KEY = re.compile(r"""["'](err\.[a-z_.]+)["']""")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_error_key_in_the_code_is_in_both_catalogs_and_every_error_text_is_used():
    used = {key for path in SOURCE.rglob("*.py") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 60  # the scan finds the keys (loading, scenario, i18n, pipeline, cli)
    for lang in LANGUAGES:
        defined = {key for key in catalog(lang) if key.startswith("err.")}
        assert used - defined == set(), lang
        assert defined - used == set(), lang  # no text left behind by a removed raise


def test_bad_number_in_history_names_file_and_line_in_chinese(tmp_path):
    with pytest.raises(DataError) as caught:
        read_history(write(tmp_path, "h.csv", GOOD_HISTORY.replace(",12,310", ",many,310")), TZ, CHANNELS)
    assert caught.value.key == "err.data.not_a_number"
    assert error_text(caught.value, "zh").endswith("h.csv 第 3 行：volume 必须是数字，实际为 'many'")
    assert error_text(caught.value, "en") == str(caught.value)


def test_unknown_weekday_in_agents_in_chinese(tmp_path):
    with pytest.raises(DataError) as caught:
        read_agents(write(tmp_path, "a.csv", GOOD_AGENTS.replace("Mon;Tue", "Monday;Tue")), CHANNELS, CONTRACTS)
    text = error_text(caught.value, "zh")
    assert "a.csv 第 2 行：available_days 只能使用 ['Mon'," in text and text.endswith("实际为 ['Monday']")


def test_a_bad_clock_time_keeps_its_own_translated_problem(tmp_path):
    with pytest.raises(DataError) as caught:
        read_agents(write(tmp_path, "a.csv", GOOD_AGENTS.replace(",08:00,22:00,", ",8am,22:00,")), CHANNELS, CONTRACTS)
    assert str(caught.value).endswith("a.csv line 2: earliest_start must be a clock time HH:MM, got '8am'")
    assert error_text(caught.value, "zh").endswith("a.csv 第 2 行：earliest_start 必须是 HH:MM 格式的时刻，实际为 '8am'")
    assert caught.value.values["field"] == "earliest_start"


def test_many_lines_are_listed_in_each_language(tmp_path):
    rows = "".join(f"phone,2026-11-01T{8 + i:02d}:00:00+08:00,-{i + 1},300\n" for i in range(9))
    text = "channel,ds,volume,aht_s\n" + rows + "chat,2026-11-01T08:00:00+08:00,1,300\n"
    with pytest.raises(DataError) as caught:
        read_history(write(tmp_path, "h.csv", text), TZ, CHANNELS)
    assert "h.csv lines 2, 3, 4, 5, 6 and 4 more: volume must be >= 0, got -1" in str(caught.value)
    assert "h.csv 第 2、3、4、5、6 行等（另有 4 行）：volume 不能为负数" in error_text(caught.value, "zh")
    assert LineNumbers.of([3, 7]).render("zh") == "第 3、7 行" and LineNumbers.of([3]).render("en") == "line 3"
    assert caught.value.values["lines"].numbers("en") == "2, 3, 4, 5, 6 and 4 more"


def test_missing_scenario_file_in_chinese(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "nope.toml")
    assert error_text(caught.value, "zh") == f"{tmp_path / 'nope.toml'}：场景文件不存在"
    assert error_problem(caught.value, "en") == "scenario file does not exist"


def test_invalid_scenario_field_translates_the_frame_and_keeps_the_field():
    bad = SAMPLE_TEXT.replace("service_level = 0.80\nanswer_s = 20", "service_level = 1.5\nanswer_s = 20", 1)
    bad = bad.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Nowhere"')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad, source="bad.toml")
    zh = error_text(caught.value, "zh")
    assert zh.startswith("bad.toml：场景文件无效：\n  ")
    assert "\n  timezone：timezone 必须是 IANA 时区名，例如 'Asia/Shanghai'，实际为 'Asia/Nowhere'" in zh
    # pydantic's own detail stays English, the frame around it is Chinese
    assert "\n  channels.phone.service_level：Input should be less than or equal to 1，实际为 1.5" in zh


def test_model_level_problem_is_at_the_top_level_in_each_language():
    text = SAMPLE_TEXT + '\n[[overrides]]\ndate = "2026-12-01"\nchannel = "fax"\nfactor = 2.0\n'
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    assert "(top level): overrides[0].channel must be one of" in str(caught.value)
    zh = error_text(caught.value, "zh")
    assert "（顶层）：overrides[0].channel 必须是 ['chat', 'email', 'phone', 'social'] 之一，实际为 'fax'" in zh


def test_errors_without_a_key_are_shown_as_raised():
    assert error_text(StaffcastError("plain words"), "zh") == "plain words"
    assert error_text(KeyError("x"), "zh") == "'x'"
    assert error_problem(DataError("a.csv line 2: odd"), "zh") == "a.csv line 2: odd"


def test_a_stage_error_wraps_the_stage_problem():
    clock = InvalidValue.of("err.value.clock_format", field="night_start", value="late")
    error = StaffcastError.of("err.stage", stage="cost", error=clock)
    assert str(error) == "cost: night_start must be a clock time HH:MM, got 'late'"
    assert error_text(error, "zh") == "cost 阶段：night_start 必须是 HH:MM 格式的时刻，实际为 'late'"
    conflict = RosterConflictError.of("err.stage", ("c1",), stage="roster", error=ValueError("no roster"))
    assert conflict.conflicts == ("c1",) and str(conflict) == "roster: no roster"


def test_keyed_errors_survive_pickling(tmp_path):
    error = DataError.of("err.data.file_missing", path=tmp_path / "h.csv", what="x")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.key == error.key and str(copy) == str(error) and error_text(copy, "zh") == error_text(error, "zh")


def test_cli_prints_the_error_in_the_chosen_language(tmp_path, capsys):
    path = write_small_center_with_bad_history(tmp_path / "center", ",0,", ",many,")
    args = ["--db", f"sqlite:///{tmp_path / 'p.db'}", "plan", str(path), "--out", str(tmp_path / "o")]
    assert main(["--lang", "zh", *args]) == 2
    err = capsys.readouterr().err
    assert "history.csv 第 3 行：volume 必须是数字，实际为 'many'" in err and "Traceback" not in err
    assert main(args) == 2  # no --lang: the scenario's language (en)
    assert "history.csv line 3: volume must be a number, got 'many'" in capsys.readouterr().err


def test_cli_takes_the_language_of_a_scenario_that_does_not_validate(tmp_path, capsys):
    path = write_small_center(tmp_path / "center")
    text = path.read_text(encoding="utf-8").replace('language = "en"', 'language = "zh"')
    path.write_text(text.replace("interval_min = 30", "interval_min = 7"), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "场景文件无效：\n  interval_min：" in capsys.readouterr().err
