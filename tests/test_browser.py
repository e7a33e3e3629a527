"""The app and JupyterLab in a real browser: headless Debian Chromium driven by Playwright.

Playwright's own browser download is not used (nor reachable): the tests launch the system's
``chromium`` through ``executable_path`` and are skipped, with the reason, where there is none.
On failure a screenshot is kept under ``build/screenshots/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED_NOW, unique_table_name

from workbench.model import SEED_GROUP_UUID

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long a page may take to show something: a ceiling, not a measure. Every wait and every
# `expect` names its timeout (Playwright's `expect` keeps its own 5 s default, whatever
# `page.set_default_timeout` says), generous enough for a machine whose load average is 10.
WAIT_MS = 60_000
LAB_WAIT_MS = 240_000  # JupyterLab's first load and its kernel's start on a loaded machine


def chromium_path() -> str | None:
    """Debian's Chromium, or any ``chromium`` on PATH; None if there is none."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, or a skip saying why not."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (install Debian's: apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextlib.contextmanager
def screenshot_on_failure(page: Any, name: str) -> Iterator[None]:
    """Keep a screenshot of ``page`` under build/screenshots/ if the block fails."""
    try:
        yield
    except BaseException:
        SHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        raise


@pytest.fixture(scope="module")
def app(local_server: Any) -> Iterator[Any]:
    """The app (with its stream runner) on a seeded table of the session's managed server."""
    from workbench.cruddur.users import open_directory
    from workbench.cruddur.web import AppServer, prepare
    from workbench.engine.engines import Engine

    engine = Engine("local", endpoint_url=local_server.endpoint, secret=local_server.secret)
    directory = open_directory("sqlite:///:memory:")
    table = unique_table_name("browser")
    prepared = prepare(engine, directory, table, now=SEED_NOW)
    server = AppServer(engine, directory, prepared.sign_in, table_name=table, port=0)
    with server:
        server.password = prepared.sign_in.password
        yield server
    directory.close()
    engine.close()


def sign_in(browser: Any, app: Any, handle: str) -> Any:
    """A fresh browser context signed in as ``handle`` through the page's form."""
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app.url)
    page.fill("#handle", handle)
    page.fill("#password", app.password)
    page.click("#sign-in")
    page.wait_for_selector("#app:not([hidden])")
    return page


def test_andrewbrown_reads_and_posts_and_bayko_follows(browser: Any, app: Any) -> None:
    from playwright.sync_api import expect

    from workbench.cruddur.app import Messenger

    page = sign_in(browser, app, "andrewbrown")
    with screenshot_on_failure(page, "andrewbrown"):
        expect(page.locator("#whoami")).to_have_text("@andrewbrown", timeout=WAIT_MS)
        page.click(f'#groups li[data-uuid="{SEED_GROUP_UUID}"] a')
        page.wait_for_url(f"**/messages/{SEED_GROUP_UUID}")
        context = app.app.extensions["workbench"]
        expected = Messenger(context.engine, context.messenger.directory, app.runner.table_name)
        latest = expected.list_messages("andrewbrown", SEED_GROUP_UUID).items
        texts = page.locator("#messages li .text")
        expect(texts).to_have_count(20, timeout=WAIT_MS)
        assert texts.all_text_contents() == [m["message"] for m in latest]  # oldest first

        note = f"hello from the browser {uuid.uuid4().hex[:8]} <b>not bold</b>"
        page.fill("#message-input", note)
        page.click("#send")
        expect(texts.last).to_have_text(note, timeout=WAIT_MS)  # inserted as text, tags and all
        assert page.locator("#messages li b").count() == 0

    bayko = sign_in(browser, app, "bayko")
    with screenshot_on_failure(bayko, "bayko"):
        first = bayko.locator("#groups li").first
        # The stream runner moves the summary to the new message; the page polls for it.
        expect(first.locator(".text")).to_have_text(note, timeout=WAIT_MS)
        expect(first.locator(".handle")).to_have_text("@andrewbrown", timeout=WAIT_MS)


def test_londo_cannot_open_the_seed_conversation(browser: Any, app: Any) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, app, "londo")
    with screenshot_on_failure(page, "londo"):
        page.goto(f"{app.url}messages/{SEED_GROUP_UUID}")
        expect(page.locator("#status")).to_contain_text("not a member", timeout=WAIT_MS)
        assert page.locator("#messages li").count() == 0
        assert page.locator("#message-form").is_hidden()


def test_a_new_conversation_from_its_page(browser: Any, app: Any) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, app, "bayko")
    with screenshot_on_failure(page, "new-conversation"):
        page.goto(f"{app.url}messages/new/londo")
        expect(page.locator("#conversation-title")).to_have_text(
            "New message to Londo Mollari @londo", timeout=WAIT_MS
        )
        page.fill("#message-input", "hi londo, from bayko")
        page.click("#send")
        page.wait_for_url("**/messages/*-*-*-*-*")
        expect(page.locator("#messages li .text").last).to_have_text(
            "hi londo, from bayko", timeout=WAIT_MS
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """``make lab``'s JupyterLab (the project's kernel) on a copy of the notebooks folder, so
    running cells never rewrites the stored notebooks; yields its URL with the token."""
    kernels = tmp_path / "jupyter"
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", str(kernels),
         "--name", "cruddur-workbench", "--display-name", "Python (cruddur-workbench)"],
        check=True, capture_output=True,
    )  # fmt: skip
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "03-patterns-a-b.ipynb", notebooks)
    port, token = free_port(), uuid.uuid4().hex
    env = {
        **os.environ,
        "JUPYTER_PATH": str(kernels / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    command = [
        str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
        "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
        f"--notebook-dir={notebooks}", "--ServerApp.port_retries=0",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                opener.open(f"{url}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start: {(tmp_path / 'lab.log').read_text()}")
                time.sleep(0.3)
        yield f"{url}/lab/tree/03-patterns-a-b.ipynb?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _menu(page: Any, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_jupyterlab_runs_notebook_03_with_the_projects_kernel(browser: Any, lab: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(LAB_WAIT_MS)
    with screenshot_on_failure(page, "jupyterlab-03"):
        page.goto(lab, timeout=LAB_WAIT_MS)
        expect(page.locator(".jp-Notebook")).to_be_visible(timeout=LAB_WAIT_MS)
        # The kernel the notebook's metadata names, installed as `make lab` installs it.
        expect(page.locator(".jp-KernelStatus, .jp-Toolbar-kernelName").first).to_contain_text(
            "Python (cruddur-workbench)", timeout=LAB_WAIT_MS
        )
        # Wait for the kernel itself, not a guess: its start is the slow part on a busy machine.
        expect(page.locator(".jp-Notebook-ExecutionIndicator").first).to_have_attribute(
            "data-status", "idle", timeout=LAB_WAIT_MS
        )
        _menu(page, "Edit", "Clear Outputs of All Cells")
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
        count = prompts.count()
        assert count > 5
        expect(prompts.filter(has_text="[ ]")).to_have_count(count, timeout=WAIT_MS)
        _menu(page, "Run", "Run All Cells")
        # JupyterLab renders an exception (and anything written to stderr) as stderr text.
        errors = page.locator(
            "[data-mime-type='application/vnd.jupyter.stderr'], "
            "[data-mime-type='application/vnd.jupyter.error']"
        )
        # Done when no prompt is "[ ]" (not run) or "[*]" (running); stop at the first error,
        # after which JupyterLab runs nothing more.
        deadline = time.monotonic() + 600
        while prompts.filter(has_text="[ ]").count() + prompts.filter(has_text="*").count():
            assert errors.count() == 0, errors.all_text_contents()
            assert time.monotonic() < deadline, prompts.all_text_contents()
            page.wait_for_timeout(500)
        assert errors.count() == 0, errors.all_text_contents()
        assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
        numbers = [t.strip() for t in prompts.all_text_contents()]
        assert all(n[1:-2].isdigit() for n in numbers), numbers
