"""Every page renders in both languages from a stored plan, and its main actions work (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from staffcast.i18n import t
from tests.ui.conftest import APP
from tests.ui.synthetic_plan import save_synthetic_plan

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("data", "forecast", "staffing", "roster", "scenarios", "finance")


def open_page(page: str, lang: str, scenario_path: Path | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / APP), default_timeout=60)
    if scenario_path is not None:
        at.session_state["scenario_path"] = str(scenario_path)
    at.run()
    at.radio(key="lang").set_value(lang).run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def shown_texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.title, *at.subheader)]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_both_languages(page, plan_store, center):
    at = open_page(page, "zh", center)
    assert_clean(at)
    zh = shown_texts(at)
    assert t(f"page.{page}", "zh") in zh
    at.radio(key="lang").set_value("en").run()
    assert_clean(at)
    en = shown_texts(at)
    assert t(f"page.{page}", "en") in en
    assert set(zh).isdisjoint(en), set(zh) & set(en)


def test_scenario_comparison_of_two_plans(plan_store, center):
    second = save_synthetic_plan(plan_store, name="peak variant")
    at = open_page("scenarios", "en", center)
    assert_clean(at)
    assert at.multiselect(key=f"sc_compare_{second}").value == [second, second - 1]
    table = next(d.value for d in at.dataframe if t("sc.kpi.total_cost", "en") in d.value.index)
    assert len(table.columns) == 2 and all(name.startswith("#") for name in table.columns)


def test_cost_service_curve_is_drawn(plan_store, center):
    at = open_page("scenarios", "en", center)
    at.button(key="sc_curve").click().run()
    assert_clean(at)
    curve = at.dataframe[-1].value
    assert t("sc.estimated_cost", "en") in curve.columns and len(curve) >= 5


def test_staffing_models_side_by_side(plan_store, center):
    at = open_page("staffing", "en", center)
    at.number_input(key="st_model_reps").set_value(2)
    at.button(key="st_models").click().run()
    assert_clean(at)
    table = next(d.value for d in at.dataframe if t("st.model_erlang_a", "en") in d.value.columns)
    assert len(table) > 0 and {t("st.model_erlang_c", "en"), t("st.model_simulated", "en")} <= set(table.columns)


def test_finance_by_month(plan_store, center):
    at = open_page("finance", "en", center)
    at.session_state["fi_period"] = "month"
    at.run()
    assert_clean(at)
    assert any(t("fi.period", "en") in d.value.columns for d in at.dataframe)


def test_data_page_reports_a_bad_agents_file(store_url, center):
    agents = center.parent / "agents.csv"
    agents.write_text(agents.read_text(encoding="utf-8").replace("S03,李娜 Li Na,full_time", "S03,李娜 Li Na,contractor"),
                      encoding="utf-8")
    at = open_page("data", "en", center)
    assert not at.exception
    assert any(t("da.invalid", "en", errors=1) == e.value for e in at.error)
    report = at.dataframe[0].value
    assert report[t("da.field", "en")].tolist() == ["contract"] and report[t("da.row", "en")].tolist() == ["4"]


def test_page_errors_are_messages_not_tracebacks(store_url, center):
    center.write_text("name = ", encoding="utf-8")  # the working scenario no longer parses
    at = open_page("scenarios", "en", center)
    assert not at.exception
    assert any("not valid TOML" in e.value for e in at.error)


def test_upload_history_agents_and_scenario(store_url, center, tmp_path):
    at = open_page("data", "en")
    folder = center.parent
    at.file_uploader(key="da_history").set_value(("calls.csv", (folder / "history.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="da_agents").set_value(("team.csv", (folder / "agents.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="da_scenario").set_value(("center.toml", center.read_bytes(), "application/toml"))
    next(b for b in at.button if b.label == t("da.use_files", "en")).click().run()
    assert_clean(at)
    staged = Path(at.session_state["scenario_path"])
    assert staged != center and (staged.parent / "calls.csv").is_file() and (staged.parent / "team.csv").is_file()
    assert any(t("da.valid", "en", warnings=0) == s.value for s in at.success)


def test_upload_last_weeks_roster(store_url, center):
    at = open_page("data", "en", center)
    folder = center.parent
    at.file_uploader(key="da_history").set_value(("calls.csv", (folder / "history.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="da_agents").set_value(("team.csv", (folder / "agents.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="da_scenario").set_value(("center.toml", center.read_bytes(), "application/toml"))
    previous = b"agent_id,shift_start,shift_end\nS01,2026-03-01 13:00:00+08:00,2026-03-01 22:00:00+08:00\n"
    at.file_uploader(key="da_previous").set_value(("last.csv", previous, "text/csv"))
    next(b for b in at.button if b.label == t("da.use_files", "en")).click().run()
    assert_clean(at)
    staged = Path(at.session_state["scenario_path"])
    assert 'previous_roster = "last.csv"' in staged.read_text(encoding="utf-8")
    assert any(t("da.valid", "en", warnings=0) == s.value for s in at.success)


def test_another_planner_saving_does_not_change_my_plan(plan_store, center):
    at = open_page("overview", "en", center)
    mine = at.selectbox(key="plan_pick").value
    other = save_synthetic_plan(plan_store, name="another planner's plan")
    at.run()
    assert at.selectbox(key="plan_pick").value == mine
    assert f"#{other} another planner's plan" in at.selectbox(key="plan_pick").options


def test_a_variant_shows_its_changes_in_words(plan_store, center):
    from staffcast.storage import PlanStore
    from staffcast.ui.scenarios import TargetChange, WhatIf
    from tests.ui.synthetic_plan import synthetic_frames

    change = WhatIf("peak", volume_change_frac=0.3, targets=(TargetChange("phone", 0.9, 15),), added_agents=2,
                    added_contract="part_time", added_skills="phone:1").describe()
    store = PlanStore(plan_store)
    store.save("peak", "", "0" * 64, {"what_if": [change]}, synthetic_frames(), parent_id=1)
    at = open_page("overview", "en", center)
    caption = next(c.value for c in at.caption if c.value.startswith("What-if variant of plan #1"))
    assert f"{t('sc.volume_pct', 'en')}: +30%" in caption
    assert "phone 90% / 15 s" in caption and f"{t('sc.added_agents', 'en')}: 2 (part_time, phone:1)" in caption


def test_forecast_page_replans_with_its_calendar(plan_store, center):
    at = open_page("forecast", "en", center)
    at.button(key="fc_replan").click().run()
    assert_clean(at)
    job = at.session_state["job"]
    assert job is not None and job.label == "small test center"
    job.cancel()
    assert job.join(120)
    at.run()
    assert any(t("job.cancelled", "en", label="small test center") == w.value for w in at.warning)


def test_overview_shows_the_plans_notes_in_the_chosen_language(plan_store, center):
    from staffcast.i18n import Note, to_json
    from staffcast.storage import PlanStore
    from tests.ui.synthetic_plan import synthetic_frames

    note = Note.of("note.empty_volume", count=4)
    old = "history rows not planned by the scenario (not in [channels]): fax (2 rows)"  # saved as text
    PlanStore(plan_store).save("noted", "", "0" * 64, {"notes": [to_json(note), old]}, synthetic_frames())
    at = open_page("overview", "zh", center)
    assert_clean(at)
    shown = [i.value for i in at.info]
    assert t("ui.note", "zh", note="4 个时段的进线量为空，按缺失数据处理") in shown
    assert t("ui.note", "zh", note=old) in shown
    at.radio(key="lang").set_value("en").run()
    assert t("ui.note", "en", note=str(note)) in [i.value for i in at.info]


def test_what_if_form_errors_are_shown_in_the_chosen_language(plan_store, center):
    at = open_page("scenarios", "zh", center)
    next(i for i in at.text_input if i.label == t("sc.variant_name", "zh")).set_value("  ")
    next(b for b in at.button if b.label == t("sc.build_variant", "zh")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.what_if.name_empty", "zh")]
    assert at.session_state["job"] is None  # nothing was started
