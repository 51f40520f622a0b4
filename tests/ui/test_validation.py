"""The Data page's validation report: one row per problem with file, row and field."""

from __future__ import annotations

from staffcast.ui.validation import split_message, stage_inputs, validate_inputs, with_inputs


def test_valid_small_center_has_no_errors(center):
    report, history, agents = validate_inputs(center)
    assert (report["severity"] != "error").all()
    assert len(agents) == 12 and set(history["channel"]) == {"phone", "email"}


def test_bad_agents_row_is_reported_with_file_row_and_field(center):
    agents = center.parent / "agents.csv"
    lines = agents.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("full_time", "contractor")
    agents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, history, bad = validate_inputs(center)
    errors = report[report["severity"] == "error"]
    assert bad is None and history is not None
    assert errors[["file", "row", "field"]].values.tolist() == [["agents.csv", "3", "contract"]]
    assert "contractor" in errors["problem"].iloc[0]


def test_every_scenario_field_problem_is_a_row(center):
    text = center.read_text(encoding="utf-8").replace("service_level = 0.8", "service_level = 1.8").replace(
        "interval_min = 30", "interval_min = 7")
    center.write_text(text, encoding="utf-8")
    report, history, agents = validate_inputs(center)
    assert history is None and agents is None
    assert set(report["field"]) == {"interval_min", "channels.phone.service_level"}
    assert (report["file"] == str(center)).all()


def test_split_message_keeps_unknown_layouts_whole():
    assert split_message("something odd")[0]["problem"] == "something odd"
    row = split_message("/x/history.csv lines 5, 9: volume must be >= 0, got -3")[0]
    assert (row["file"], row["row"], row["field"]) == ("history.csv", "5, 9", "volume")


def test_uploads_are_staged_with_a_scenario_naming_them(center, tmp_path):
    text = center.read_text(encoding="utf-8")
    assert 'history = "mine.csv"' in with_inputs(text, "mine.csv", "staff.xlsx")
    agents = (center.parent / "agents.csv").read_bytes()
    path = stage_inputs(tmp_path / "staged", text, None, ("staff.csv", agents), center.parent)
    report, history, staged_agents = validate_inputs(path)
    assert (report["severity"] != "error").all() and len(staged_agents) == 12
    assert (tmp_path / "staged" / "history.csv").is_file()


def test_last_weeks_roster_is_staged_and_checked(center, tmp_path):
    text = center.read_text(encoding="utf-8")
    previous = ("agent_id,shift_start,shift_end\nS01,2026-03-01 09:00:00+08:00,2026-03-01 18:00:00+08:00\n"
                "Z99,2026-03-01 09:00:00+08:00,2026-03-01 18:00:00+08:00\n").encode()
    path = stage_inputs(tmp_path / "staged", text, None, None, center.parent, ("last.csv", previous))
    assert 'previous_roster = "last.csv"' in path.read_text(encoding="utf-8")
    report, _, agents = validate_inputs(path)
    assert (report["severity"] != "error").all() and len(agents) == 12
    warning = report[report["file"] == "last.csv"]
    assert len(warning) == 1 and "Z99" in warning["problem"].iloc[0]
    bad = previous.replace(b"S01,2026-03-01 09:00:00+08:00,2026-03-01", b"S01,2026-03-02 09:00:00+08:00,2026-03-02")
    path = stage_inputs(tmp_path / "again", text, None, None, center.parent, ("last.csv", bad))
    errors = validate_inputs(path)[0].query("severity == 'error'")
    assert errors[["file", "row"]].values.tolist() == [["last.csv", "2"]]
    assert "must end before the plan week" in errors["problem"].iloc[0]


def test_with_inputs_replaces_or_adds_the_previous_roster():
    text = 'name = "x"\nhistory = "h.csv"\nagents = "a.csv"\n# previous_roster = "old.csv"\n\n[forecast]\nx = 1\n'
    added = with_inputs(text, "h.csv", "a.csv", "last.csv")
    assert added.index('previous_roster = "last.csv"') < added.index("[forecast]")
    replaced = with_inputs(added, "h.csv", "a.csv", "new.csv")
    assert replaced.count("previous_roster =") == 2 and 'previous_roster = "new.csv"' in replaced  # one is the comment
    assert with_inputs(text, "h.csv", "a.csv") == text


def test_report_problems_are_in_the_requested_language(center):
    agents = center.parent / "agents.csv"
    lines = agents.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("full_time", "contractor")
    agents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = validate_inputs(center, "zh")[0].query("severity == 'error'")
    assert errors[["file", "row", "field"]].values.tolist() == [["agents.csv", "3", "contract"]]
    assert errors["problem"].iloc[0] == "contract 必须是 ['full_time', 'part_time'] 之一，实际为 'contractor'"


def test_scenario_report_rows_come_from_the_error_not_its_english_text(center):
    text = center.read_text(encoding="utf-8").replace("service_level = 0.8", "service_level = 1.8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Asia/Atlantis"')
    center.write_text(text, encoding="utf-8")
    report = validate_inputs(center, "zh")[0]
    assert set(report["field"]) == {"timezone", "channels.phone.service_level"}
    assert (report["file"] == str(center)).all()
    problems = dict(zip(report["field"], report["problem"]))
    assert problems["timezone"] == "timezone 必须是 IANA 时区名，例如 'Asia/Shanghai'，实际为 'Asia/Atlantis'"
    assert problems["channels.phone.service_level"].endswith("，实际为 1.8")


def test_a_missing_input_file_is_a_row_with_its_field(center):
    (center.parent / "agents.csv").unlink()
    report = validate_inputs(center, "zh")[0]
    assert report[["file", "row", "field"]].values.tolist() == [[center.name, "", "agents"]]
    assert report["problem"].iloc[0].startswith("字段 agents 指定的文件 ") and report["problem"].iloc[0].endswith("不存在")


def test_notes_and_gaps_are_warnings_in_the_requested_language(center):
    history = center.parent / "history.csv"
    lines = history.read_text(encoding="utf-8").splitlines()
    lines[40] = ",".join(lines[40].split(",")[:2]) + ",,"  # an empty volume
    del lines[60:63]  # three intervals missing
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings = {lang: validate_inputs(center, lang)[0].query("severity == 'warning'")["problem"].tolist()
                for lang in ("en", "zh")}
    assert "1 interval(s) with empty volume are treated as missing data" in warnings["en"]
    assert "1 个时段的进线量为空，按缺失数据处理" in warnings["zh"]
    assert any("3 missing interval(s) from" in w for w in warnings["en"])
    assert any(w.startswith("phone：") and "缺少 3 个时段的数据" in w for w in warnings["zh"])
