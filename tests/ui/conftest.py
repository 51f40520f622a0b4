"""Fixtures for the app tests: a temporary plan store holding a synthetic plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.staffcast.small_center import write_small_center
from tests.ui.synthetic_plan import save_synthetic_plan

APP = "staffcast/ui/streamlit_app.py"


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    """An empty plan store in a temp folder, set as ``$STAFFCAST_DB`` for the app."""
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("STAFFCAST_DB", url)
    return url


@pytest.fixture
def center(tmp_path) -> Path:
    """The small test center's scenario file (12 agents, 2 channels)."""
    return write_small_center(tmp_path / "center")


@pytest.fixture
def plan_store(store_url, center) -> str:
    """A plan store holding one synthetic plan of the small test center."""
    save_synthetic_plan(store_url, inputs_dir=center.parent)
    return store_url
