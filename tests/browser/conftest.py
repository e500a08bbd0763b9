"""Real-browser machinery: a `streamlit run serve.py` server, headless Debian Chromium, helpers.

Browsers are never downloaded (`playwright install` is not used): Playwright drives
/usr/bin/chromium (or $CHROMIUM_PATH). Without it the browser tests skip, unless
ADAPTLAB_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
The helpers are plain functions, so benchmarks/page_load.py uses them too.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}
PAGE_TIMEOUT_MS = 90_000  # the first visit to an engine page imports torch: slow on a busy box


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90,
                 server: str = "streamlit") -> None:
    """Poll /_stcore/health until it answers "ok"; fail early if the server (or the balancer in
    front of it) died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{server} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{server} did not answer {url}/_stcore/health within {timeout} s")


def launch_server(log_path: Path, env: Mapping[str, str] | None = None,
                  port: int | None = None, script: str = "serve.py") -> tuple[subprocess.Popen, str]:
    """Start `streamlit run serve.py` (or another `script`, run from the repository with its
    .streamlit/config.toml) on `port` (default: a free one; a restarted replica takes its old
    one back) with the environment plus `env`; return it and its URL once healthy. The caller
    stops it: stop_server(), or a kill -9 in the crash tests."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
               f"--server.port={port}", "--server.address=127.0.0.1",
               "--server.fileWatcherType=none", "--browser.gatherUsageStats=false",
               "--global.developmentMode=false"]
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    with open(log_path, "a") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
    except BaseException:
        stop_server(proc)
        raise
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def streamlit_server(log_path: Path, env: Mapping[str, str] | None = None,
                     script: str = "serve.py") -> Iterator[str]:
    """`streamlit run serve.py` (or `script`) on a free port; yields its URL once healthy; stops
    it after."""
    proc, url = launch_server(log_path, env, script=script)
    try:
        yield url
    finally:
        stop_server(proc)


@contextmanager
def lab_server(folder: Path, passcode: str,
               env: Mapping[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """`streamlit run serve.py` with its own SQLite file in `folder` (never the repository's
    data/adaptlab.db) and an instructor `passcode`; yields (app URL, database URL)."""
    db_url = f"sqlite:///{folder / 'lab.db'}"
    with streamlit_server(folder / "server.log", {
            "ADAPTLAB_DB_URL": db_url, "ADAPTLAB_INSTRUCTOR_PASSCODE": passcode,
            **(env or {})}) as url:
        yield url, db_url


REPLICA_COOKIE = "ADAPTLAB_REPLICA"  # set by deploy/haproxy.cfg: r1 or r2
DEPLOY_REQUIRED = "ADAPTLAB_REQUIRE_DEPLOY_TESTS"  # CI sets it: a missing service fails, not skips


def empty_postgres_url() -> str:
    """$ADAPTLAB_TEST_POSTGRES_URL with every table dropped (earlier runs leave sessions and
    attempts behind); skips without it (fails in CI)."""
    from sqlalchemy import MetaData, create_engine

    url = os.environ.get("ADAPTLAB_TEST_POSTGRES_URL")
    if not url:
        unavailable("ADAPTLAB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets "
                    "it)", DEPLOY_REQUIRED)
    engine = create_engine(url)
    found = MetaData()
    found.reflect(engine)
    found.drop_all(engine)
    engine.dispose()
    return url


@contextmanager
def haproxy_balancer(replica_urls: tuple[str, str], folder: Path) -> Iterator[str]:
    """HAProxy with the repository's deploy/haproxy.cfg (only the addresses rewritten) in front
    of two replicas; yields its URL once it answers. Skips without haproxy (fails in CI)."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        unavailable("no haproxy command (apt-get install haproxy)", DEPLOY_REQUIRED)
    port = free_port()
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    for name, url in zip(("replica1", "replica2"), replica_urls, strict=True):
        config = config.replace(f"{name}:8501", url.removeprefix("http://"))
    config = config.replace("bind :8080", f"bind 127.0.0.1:{port}")
    path = folder / "haproxy.cfg"
    path.write_text(config)
    proc = subprocess.Popen([haproxy, "-f", str(path)])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout=30, server="haproxy")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def replica_of(context) -> str | None:
    """The replica (r1, r2) the balancer pinned this browser context to, by its cookie."""
    return next((c["value"] for c in context.cookies() if c["name"] == REPLICA_COOKIE), None)


def wait_for_run(page, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and has finished running the script (its own e2e signals)."""
    page.wait_for_timeout(150)  # let a just-triggered rerun start before checking it ended
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)
    page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=timeout)


def open_quiz_as(page, url: str, learner: str, secret: str | None = None) -> None:
    """In through Home (a deep link to a fresh server runs the page outside app.py's frame:
    Streamlit's legacy pages/ discovery), then to the Quiz, signed in as `learner` with `secret`
    (default: one made from the name)."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url)
    wait_for_run(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Quiz").click()
    wait_for_run(page)
    page.get_by_role("textbox", name="Your name or an id").fill(learner)
    page.get_by_label("Your secret (at least 8 characters)", exact=True).fill(
        secret or f"{learner}-secret-42")
    page.get_by_role("button", name="Start the quiz").click()
    wait_for_run(page)


def submit_choice(page, option: str) -> None:
    """Pick `option` of the single-choice question on screen and press Check answer (no wait)."""
    page.get_by_test_id("stRadio").get_by_text(option, exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Check answer")).click()


def unlock_instructor(page, url: str, passcode: str, link: str = "Instructor") -> None:
    """Open the app at `url`, go to a passcode page (Instructor, Live class) and unlock it."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url)
    wait_for_run(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    wait_for_run(page)
    page.get_by_label("Instructor passcode").fill(passcode)
    page.get_by_role("button", name="Unlock").click()
    wait_for_run(page)


def learner_progress_csv(page, url: str, passcode: str) -> pd.DataFrame:
    """Unlock the Instructor page with `passcode` and read its per-learner CSV download."""
    unlock_instructor(page, url, passcode)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download per-learner progress (CSV)").click()
    return pd.read_csv(io.StringIO(download.value.path().read_text(encoding="utf-8")))


def full_page_screenshot(page, path: Path) -> Path:
    """A PNG of the whole page. Streamlit scrolls inside stMain, so grow the viewport to fit it."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(400)  # plotly redraws for the new size
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    return path


def unavailable(reason: str, require_flag: str) -> None:
    """Skip for `reason`, or fail when CI set `require_flag`=1 (a missing service is then a bug)."""
    if os.environ.get(require_flag) == "1":
        pytest.fail(f"{reason}; {require_flag}=1 makes this a failure")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)",
                    "ADAPTLAB_REQUIRE_BROWSER")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright hook: launch Debian's Chromium with flags that work in containers."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, chromium_path) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log_path) as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where the main-path test saves its screenshots: $ADAPTLAB_SCREENSHOTS or a temp folder."""
    chosen = os.environ.get("ADAPTLAB_SCREENSHOTS")
    return Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
