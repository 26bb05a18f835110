"""Browser tests: pip ``playwright`` driving Debian's ``/usr/bin/chromium`` (never
``playwright install``) against the whole stack, whose gateway serves the built
frontend (gateway/web/dist; built here when missing or stale)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("ZC_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config, items):
    # Without a browser these tests cannot run at all: say so once instead of failing each.
    if not Path(CHROMIUM).exists() or shutil.which("node") is None:
        skip = pytest.mark.skip(reason=f"needs {CHROMIUM} and node (deploy/bootstrap.sh test installs them)")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def frontend():
    """Build gateway/web (a no-op when its hash stamp matches)."""
    subprocess.run(["bash", str(ROOT / "deploy" / "build-frontend.sh")], check=True, timeout=900)
    assert (ROOT / "gateway" / "web" / "dist" / "index.html").exists()
    return ROOT / "gateway" / "web" / "dist"


@pytest.fixture(scope="session")
def browser(frontend):
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=20000)   # a submit or a chain step may take seconds under load
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def web(request, browser):
    """Base URL of the running gateway (serving the built frontend): the test stack,
    or an already running copy named by ZC_E2E_BASE_URL (started with the tests'
    admin password) while developing the tests."""
    given = os.environ.get("ZC_E2E_BASE_URL")
    if given:
        return given.rstrip("/")
    return request.getfixturevalue("stack").base_url


@pytest.fixture
def new_page(browser):
    """new_page(phone=False) → a fresh page (own session storage) in zh-CN."""
    contexts = []

    def make(phone=False):
        ctx = browser.new_context(locale="zh-CN", viewport=PHONE if phone else DESKTOP, accept_downloads=True,
                                  timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(20000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
