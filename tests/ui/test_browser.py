"""End to end in a real headless Chromium: ``streamlit run app.py``, switch language, screenshot.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and Playwright for Python; the tests
are skipped with the reason when either is missing. Playwright drives the system browser
through ``executable_path`` (``playwright install`` is never needed).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from staffcast.i18n import t
from tests.ui.synthetic_plan import save_synthetic_plan

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout_s} s")


def _serve(tmp_path: Path, env_extra: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, **env_extra, "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _switch_language(page, lang: str) -> None:
    page.get_by_text({"zh": "中文", "en": "English"}[lang], exact=True).click()


def test_opens_on_the_stored_plan_switches_language_and_screenshots(tmp_path, browser, center):
    url_db = f"sqlite:///{tmp_path / 'plans.db'}"
    save_synthetic_plan(url_db, inputs_dir=center.parent)
    for url in _serve(tmp_path, {"STAFFCAST_DB": url_db, "STAFFCAST_SCENARIO": str(center)}):
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        started = time.perf_counter()
        page.goto(url)
        heading = page.get_by_role("heading", name=t("ui.section.kpis", "zh"))
        expect(heading).to_be_visible(timeout=30_000)
        first_render_s = time.perf_counter() - started
        _switch_language(page, "en")
        expect(page.get_by_role("heading", name=t("ui.section.kpis", "en"))).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name=t("ui.section.roster", "en"))).to_be_visible()
        assert page.get_by_text("Traceback").count() == 0
        shot = tmp_path / "overview-en.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        again = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        started = time.perf_counter()
        again.goto(url)
        expect(again.get_by_role("heading", name=t("ui.section.kpis", "en"))).to_be_visible(timeout=30_000)
        warm_render_s = time.perf_counter() - started
        print(f"first page rendered in {first_render_s:.2f} s (cold server), {warm_render_s:.2f} s (new session, "
              f"warm server); screenshot: {shot}")


@pytest.mark.slow
def test_builds_the_plan_in_the_browser(tmp_path, browser, center):
    """A new user's path: open the Scenarios page, build the plan, see it, switch language."""
    url_db = f"sqlite:///{tmp_path / 'plans.db'}"
    for url in _serve(tmp_path, {"STAFFCAST_DB": url_db, "STAFFCAST_SCENARIO": str(center)}):
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page.goto(f"{url}/scenarios")
        page.get_by_role("button", name=t("sc.build", "en")).click()
        expect(page.get_by_role("button", name=t("job.cancel", "en"))).to_be_visible(timeout=30_000)
        progress = tmp_path / "building-en.png"
        page.screenshot(path=str(progress))
        done = page.get_by_text("saved as plan #1")
        expect(done).to_be_visible(timeout=240_000)
        _switch_language(page, "zh")
        expect(page.get_by_role("heading", name=t("sc.compare_title", "zh"))).to_be_visible(timeout=30_000)
        page.get_by_role("link", name=t("page.overview", "zh")).click()
        expect(page.get_by_role("heading", name=t("ui.section.kpis", "zh"))).to_be_visible(timeout=30_000)
        shot = tmp_path / "built-plan-zh.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshots: {progress} (while building), {shot}")
        assert shot.stat().st_size > 10_000
