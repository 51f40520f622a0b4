"""The app opens on the latest saved plan and switches language (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from staffcast.i18n import t
from tests.ui.conftest import APP
from tests.ui.synthetic_plan import save_synthetic_plan

ROOT = Path(__file__).resolve().parents[2]


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / APP), default_timeout=30)


def test_opens_on_the_latest_plan_with_kpis_forecast_requirements_and_roster(plan_store):
    newest = save_synthetic_plan(plan_store, name="newest plan")
    at = _app().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="plan_pick").value == newest
    lang = at.radio(key="lang").value
    subheaders = [s.value for s in at.subheader]
    for key in ("ui.section.kpis", "ui.section.forecast", "ui.section.requirements", "ui.section.roster"):
        assert t(key, lang) in subheaders
    kpis = at.dataframe[0].value
    assert list(kpis[t("kpi.channel", lang)]) == ["phone", "email"]


def test_language_switch_changes_the_texts(plan_store):
    at = _app().run()
    at.radio(key="lang").set_value("zh").run()
    zh = [s.value for s in at.subheader] + [h.value for h in at.title]
    at.radio(key="lang").set_value("en").run()
    en = [s.value for s in at.subheader] + [h.value for h in at.title]
    assert t("page.overview", "zh") in zh and t("page.overview", "en") in en
    assert t("ui.section.kpis", "zh") in zh and t("ui.section.kpis", "en") in en
    assert set(zh).isdisjoint(en)
    assert not at.exception


def test_empty_store_shows_a_hint_not_an_error(store_url):
    at = _app().run()
    assert not at.exception
    lang = at.radio(key="lang").value
    assert any(t("app.no_plans", lang) in info.value for info in at.info)
