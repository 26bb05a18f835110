"""The gateway's Content-Security-Policy breaks nothing the frontend does: walk the
main pages — portal, login, the applicant's home, editing an application (upload,
attachment preview, the 评审表 previewed and downloaded as PDF), a reviewer's task —
and fail on any CSP violation the browser reports (the ``securitypolicyviolation``
event and the console's "Content Security Policy" messages). The collector is shown
to catch a deliberate violation at the end, so an empty list means something."""
import time

import pytest
from playwright.sync_api import expect

from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.test_review_setup import build_world, new_application, submit
from tests.unit.documents.images import png

REPORTER = """document.addEventListener('securitypolicyviolation', e => window.__cspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture
def watched(browser):
    """A page whose CSP violations land in ``page.violations``."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True,
                              timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(20000)
    violations = []
    ctx.expose_binding("__cspViolation", lambda _source, text: violations.append(text))
    ctx.add_init_script(REPORTER)
    page = ctx.new_page()
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.violations = violations
    yield page
    ctx.close()


def visit(page, web, path):
    ui.goto(page, web, path)
    expect(page.locator("#app > *").first).to_be_visible()


def test_the_main_pages_run_under_the_csp(watched, web, api, admin_token, tmp_path):
    page = watched
    world = build_world(api, admin_token)
    app = new_application(api, world, name="安全头")

    response = page.goto(web + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("tab", name="评审结果公示")).to_be_visible()
    visit(page, web, "/login")

    # The applicant: home, the application being edited, an upload, previews, the PDF.
    ui.login(page, web, app["person"]["username"], PASSWORD)
    visit(page, web, "/my/applications")
    expect(page.locator(f"a[href$='/my/applications/{app['id']}']").first).to_be_visible()
    visit(page, web, f"/my/applications/{app['id']}")
    scan = tmp_path / "扫描件.png"
    scan.write_bytes(png(64, 64))
    ui.upload(page, "education", scan)
    item = ui.open_section(page, "education")
    item.get_by_role("button", name="预览").first.click()
    expect(page.locator(".el-dialog iframe, .el-dialog img").first).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="评审表预览").click()
    expect(page.locator(".el-dialog iframe").first).to_be_visible()
    page.keyboard.press("Escape")
    with page.expect_download() as got:
        page.get_by_role("button", name="评审表下载").click()
    with open(got.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    ui.logout(page)

    # The base unit's reviewer opens the task.
    submit(api, app)
    ui.login(page, web, world.unit["username"], PASSWORD)
    ui.open_task(page, web, app["number"])
    page.wait_for_load_state("networkidle")

    assert page.violations == []

    # The collector does see a violation: an inline stylesheet the policy refuses.
    page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'body{}';"
                  " document.head.appendChild(s) }")
    deadline = time.monotonic() + 5
    while not page.violations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any("style-src" in v for v in page.violations), page.violations
