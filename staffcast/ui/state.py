"""Session state of the planner app, initialized in one place, and cached store access.

Every key the pages read lives in :data:`DEFAULTS`; :func:`init_state` sets the missing
ones at the top of each run, so pages never test for a key. Two one-shot keys carry a
finished job's outcome into the next run: ``_next_plan_id`` (shown next) and
``_job_message`` (shown once). Plans are loaded through
``st.cache_data`` (keyed by store URL and plan id: stored plans never change), the store
itself through ``st.cache_resource`` (one engine per URL and process).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from staffcast.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from staffcast.storage import PlanStore, StoredPlan, default_url

SAMPLE_SCENARIO = Path(__file__).resolve().parents[2] / "data" / "sample" / "scenario.toml"

DEFAULTS: dict[str, Any] = {
    "lang": None,  # set from the browser, the plan's scenario or the default on first run
    "plan_pick": None,  # id of the plan shown (the sidebar picker; latest saved by default)
    "scenario_path": None,  # working scenario file (None = $STAFFCAST_SCENARIO or the bundled sample)
    "job": None,  # the running background job (staffcast.ui.jobs.PlanJob)
    "work_dir": None,  # this session's scratch folder (uploads, agents of what-if variants)
}


def detect_language(browser_locale: str | None, scenario_language: str | None) -> str:
    """Default language: the browser's if it is Chinese or English, else the scenario's.

    Parameters
    ----------
    browser_locale : BCP 47 tag reported by the browser (``"zh-CN"``, ``"en-US"``) or None.
    scenario_language : ``language`` of the shown plan's scenario, or None.
    """
    if browser_locale:
        prefix = browser_locale.split("-")[0].split("_")[0].lower()
        if prefix in LANGUAGES:
            return prefix
    if scenario_language in LANGUAGES:
        return scenario_language
    return DEFAULT_LANGUAGE


def init_state() -> None:
    """Set every session key the pages use to its default if it is missing."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value


def lang() -> str:
    """The language chosen in the switch."""
    value = st.session_state.get("lang")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **values: object) -> str:
    """Text for ``key`` in the session's language."""
    return t(key, lang(), **values)


def store_url() -> str:
    """The plan store URL (``$STAFFCAST_DB`` or the default SQLite file)."""
    return default_url()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> PlanStore:
    return PlanStore(url)


def store() -> PlanStore:
    """The shared plan store of this process."""
    return _store(store_url())


def list_plans() -> pd.DataFrame:
    """Saved plans, newest first (not cached: another planner may have saved one)."""
    return store().list_plans()


@st.cache_data(show_spinner=False, max_entries=16)
def _load(url: str, plan_id: int) -> StoredPlan:
    return _store(url).load(plan_id)


def load_plan(plan_id: int) -> StoredPlan:
    """A stored plan (cached: plans are append-only and never change once saved)."""
    return _load(store_url(), int(plan_id))


def scenario_path() -> Path:
    """The working scenario file: an uploaded one, else ``$STAFFCAST_SCENARIO``, else the bundled sample."""
    path = st.session_state.get("scenario_path") or os.environ.get("STAFFCAST_SCENARIO")
    return Path(path) if path else SAMPLE_SCENARIO


def work_dir() -> Path:
    """This session's scratch folder, created on first use."""
    if not st.session_state.get("work_dir"):
        st.session_state["work_dir"] = tempfile.mkdtemp(prefix="staffcast-app-")
    return Path(st.session_state["work_dir"])
