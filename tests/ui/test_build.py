"""Building plans from the app runs the real pipeline in the background (small test center)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from staffcast.i18n import t
from staffcast.storage import PlanStore
from tests.ui.conftest import APP

ROOT = Path(__file__).resolve().parents[2]


def scenarios_page(center: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / APP), default_timeout=120)
    at.session_state["scenario_path"] = str(center)
    at.run()
    at.radio(key="lang").set_value("en").run()
    at.switch_page("app_pages/scenarios.py").run()
    at.number_input(key="sc_time_limit").set_value(5.0)  # the minimum; the solver stops earlier if optimal
    at.number_input(key="sc_replications").set_value(2)
    return at


def finish_job(at: AppTest) -> None:
    job = at.session_state["job"]
    assert job is not None
    assert job.join(180), "the plan job did not finish"
    at.run()


def test_build_a_plan_then_a_what_if_variant_and_compare(store_url, center):
    at = scenarios_page(center)
    at.button(key="sc_build").click().run()
    finish_job(at)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("saved as plan #1" in s.value for s in at.success)
    assert at.selectbox(key="plan_pick").value == 1

    volume = next(n for n in at.number_input if n.label == t("sc.volume_pct", "en"))
    volume.set_value(30.0)
    next(b for b in at.button if b.label == t("sc.build_variant", "en")).click().run()
    finish_job(at)
    assert not at.error, [e.value for e in at.error]
    store = PlanStore(store_url)
    variant = store.load(2)
    assert variant.parent_id == 1 and variant.summary["what_if"][0]["volume_change_frac"] == 0.3
    base = store.load(1)
    assert variant.frames["forecast"]["volume"].sum() > 1.29 * base.frames["forecast"]["volume"].sum()
    assert at.multiselect(key="sc_compare_2").value == [1, 2]  # base first, then the variant
    table = next(d.value for d in at.dataframe if t("sc.kpi.total_cost", "en") in d.value.index)
    assert len(table.columns) == 2


def test_cancel_stops_the_job_and_saves_nothing(store_url, center):
    at = scenarios_page(center)
    at.button(key="sc_build").click().run()
    job = at.session_state["job"]
    at.button(key="job_cancel").click().run()
    # the job may stop during that very rerun, which then shows the message once: look at both runs
    seen = [w.value for w in at.warning]
    assert job.join(180), "the plan job did not finish"
    at.run()
    seen += [w.value for w in at.warning]
    assert not at.exception
    assert t("job.cancelled", "en", label="small test center") in seen
    assert PlanStore(store_url).latest_id() is None
