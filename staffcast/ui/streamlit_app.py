"""Streamlit entry point of the planner (``staffcast app`` or ``streamlit run app.py``).

Each run: initialize the session, draw the sidebar (language switch, plan picker, the
running job), then hand over to the page chosen in ``st.navigation``. Any error a page
raises is shown as a message, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # running from a checkout that is not pip-installed
    sys.path.insert(0, str(_ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from staffcast.errors import StaffcastError  # noqa: E402
from staffcast.i18n import LANGUAGES, error_text  # noqa: E402
from staffcast.ui import job_panel, state  # noqa: E402
from staffcast.ui.state import tr  # noqa: E402
from staffcast.ui.views import scenario_language  # noqa: E402

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"  # not "pages/": that name turns on Streamlit's old multipage mode
PAGES = ("overview", "data", "forecast", "staffing", "roster", "scenarios", "finance")
ICONS = {
    "overview": ":material/dashboard:", "data": ":material/upload_file:", "forecast": ":material/show_chart:",
    "staffing": ":material/groups:", "roster": ":material/calendar_month:", "scenarios": ":material/compare:",
    "finance": ":material/payments:",
}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def _pick_language(plans) -> None:
    if st.session_state["lang"] is None:
        scenario_lang = None
        if not plans.empty:
            scenario_lang = scenario_language(state.load_plan(int(plans["id"].iloc[0])).scenario_text)
        st.session_state["lang"] = state.detect_language(st.context.locale, scenario_lang)
    st.sidebar.radio(tr("app.language"), LANGUAGES, key="lang", format_func=LANGUAGE_NAMES.get, horizontal=True)


def _pick_plan(plans) -> None:
    if "_next_plan_id" in st.session_state:  # a job just saved a plan: show it
        st.session_state["plan_pick"] = st.session_state.pop("_next_plan_id")
    if plans.empty:
        st.session_state["plan_pick"] = None
        st.sidebar.caption(tr("app.no_plans_short"))
        return
    ids = [int(i) for i in plans["id"]]
    if st.session_state.get("plan_pick") not in ids:
        st.session_state["plan_pick"] = ids[0]
    names = dict(zip(ids, plans["name"]))
    st.sidebar.selectbox(tr("app.plan"), ids, key="plan_pick", format_func=lambda i: f"#{i} {names[i]}")


def _navigation():
    pages = [
        st.Page(PAGES_DIR / f"{name}.py", title=tr(f"page.{name}"), icon=ICONS[name], url_path=name,
                default=name == "overview")
        for name in PAGES
    ]
    return st.navigation(pages)


def main() -> None:
    """Run one pass of the app."""
    st.set_page_config(page_title="Staffcast", page_icon=":material/support_agent:", layout="wide")
    state.init_state()
    try:
        plans = state.list_plans()
    except StaffcastError as error:
        plans = pd.DataFrame(columns=["id", "name"])
        st.error(tr("app.store_error", error=error_text(error, state.lang())))
    _pick_language(plans)
    _pick_plan(plans)
    st.sidebar.caption(tr("app.store", url=state.store_url()))
    page = _navigation()
    job_panel.show()
    try:
        page.run()
    except StaffcastError as error:  # bad input: the planner's own words, no exception type
        st.error(tr("app.page_error", error=error_text(error, state.lang())))
    except Exception as error:  # noqa: BLE001 - the page shows a message, never a traceback
        st.error(tr("app.page_error", error=f"{type(error).__name__}: {error}"))


if __name__ == "__main__":
    main()
