"""The staff's pages in both languages (#14): every main page of the platform
administrator, the committee secretary, the department and the base unit has no
serious or critical axe-core violation in Chinese and in Uyghur; in Uyghur the page
reads right to left (the side menu on the right), dates and ID numbers stay left to
right, and at 360 px the page never scrolls sideways.

One browser context per role and language, the pages visited in sequence inside the
running app (no reload between them). With
ZC_E2E_SHOTS=<dir> each Uyghur page is also photographed at desktop and 360 px width."""
import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_languages_and_access import (
    PHONE360,
    context,
    direction,
    login_here,
    scrolls_sideways,
    serious_violations,
)
from tests.e2e.ui import navigate
from tests.integration.accounts_helpers import PASSWORD, unique
from tests.integration.test_review_setup import build_world, new_application, submit, wait_task
from tests.stack import ADMIN_PASSWORD

SHOTS = os.environ.get("ZC_E2E_SHOTS")

ADMIN = ["/admin/organizations", "/admin/qualifications", "/admin/settings", "/admin/appeals", "/admin/experts",
         "/notices", "/admin/impersonate", "/admin/audit", "/statistics", "/password"]
COMMITTEE = ["/review/tasks", "/review/query", "/committee/settings", "/committee/meetings",
             "/committee/objections", "/committee/experts", "/committee/panels", "/committee/exceptions",
             "/notices", "/statistics", "/questions"]
DEPARTMENT = ["/me", "/review/tasks", "/review/query", "/statistics", "/inbox"]
UNIT = ["/me", "/unit", "/review/tasks", "/review/query"]


@pytest.fixture(scope="module")
def api(request):
    """The API of the copy the browser drives (ZC_E2E_BASE_URL's when given, as for web)."""
    from tests.client import ApiClient
    given = os.environ.get("ZC_E2E_BASE_URL")
    return ApiClient(given.rstrip("/")) if given else ApiClient(request.getfixturevalue("stack").base_url)


@pytest.fixture(scope="module")
def staff_world(api):
    """A committee, its departments and unit (tests.integration.test_review_setup), a
    login for each staff role, and an application submitted to the unit."""
    admin = api.admin_token()
    world = build_world(api, admin)
    people = {}
    for role, org in (("committee", world.committee), ("department", world.top)):
        username = unique(f"{role[:4]}_")
        expect_api(api.post(f"/admin/organizations/{org['id']}/staff", token=admin, json={
            "username": username, "password": PASSWORD, "name": "阿依古丽·买买提", "phone": "13900003333"}), 201)
        people[role] = username
    app = new_application(api, world, name="阿不都·热合曼")
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    return {"world": world, "people": people, "app": app}


def photograph(page, role, path):
    """Desktop and 360 px screenshots of the page (ZC_E2E_SHOTS only); the viewport is
    left at desktop width."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{role}-{re.sub(r'[^a-z0-9]+', '-', path.strip('/')) or 'home'}"
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / f"ug-{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE360)
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / f"ug-{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def visit_all(browser, web, lang, role, username, paths, found, region=None, on_page=None):
    """Log in as one person and check each page in turn (one browser context)."""
    ctx = context(browser, DESKTOP)
    page = ctx.new_page()
    ui.goto(page, web, f"/login?lang={lang}")
    if username == "admin":
        page.locator("input[name=username]").fill("admin")
        page.locator("input[name=password]").fill(ADMIN_PASSWORD)
        page.locator("form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/login"))
        page.wait_for_load_state("networkidle")
        ui.pick(page, "[data-test=region-switcher]", region)   # the world's region: its organisations
    else:
        login_here(page, username, region)
    for path in paths:
        navigate(page, path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("h1").first).to_be_visible()
        if on_page:
            on_page(page, path)
        problems = serious_violations(page)
        if problems:
            found[f"{role} {path}"] = problems
        if lang == "ug-CN":
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            side, content = page.locator(".sidemenu").bounding_box(), page.locator("main.content").bounding_box()
            if not side["x"] > content["x"]:
                found[f"{role} {path} menu"] = "the side menu is not on the right"
            page.set_viewport_size(PHONE360)
            page.wait_for_timeout(200)
            if scrolls_sideways(page):
                found[f"{role} {path} @360"] = "the page scrolls sideways"
            page.set_viewport_size(DESKTOP)
            photograph(page, role, path)
    ctx.close()


@pytest.mark.parametrize("lang", ["zh-CN", "ug-CN"])
def test_staff_pages_have_no_serious_accessibility_violations(browser, web, staff_world, lang):
    world, people, app = staff_world["world"], staff_world["people"], staff_world["app"]
    found = {}

    def admin_extras(page, path):
        if path == "/admin/settings":   # the form shows once a committee is chosen
            ui.pick_containing(page, "[data-test=committee-select]", world.committee["name"])
            expect(page.locator("[data-test=save-settings]")).to_be_visible()
        if path == "/admin/organizations":   # a committee's staff, in the drawer
            page.locator(".el-tabs__item").nth(1).click()
            page.wait_for_timeout(400)   # the active tab's bar slides under it
            bar = page.locator(".el-tabs__active-bar").bounding_box()
            tab = page.locator(".el-tabs__item.is-active").bounding_box()
            assert abs((bar["x"] + bar["width"] / 2) - (tab["x"] + tab["width"] / 2)) < tab["width"] / 2, (bar, tab)
            row = page.locator(".el-table__row").filter(has_text=world.committee["name"])
            row.locator("[data-test=show-staff]").click()
            drawer = page.locator("[data-test=staff-drawer]")
            expect(drawer.locator(".staff-row").first).to_be_visible()
            # a time stays left to right inside right-to-left text
            assert direction(drawer.locator(".staff-row bdi.ltr").first) == "ltr"
            page.wait_for_timeout(400)   # the drawer slides in

    region = "乌鲁木齐市" if lang == "zh-CN" else "ئۈرۈمچى شەھىرى"
    visit_all(browser, web, lang, "admin", "admin", ADMIN, found, region=region, on_page=admin_extras)
    visit_all(browser, web, lang, "committee", people["committee"], COMMITTEE, found)
    visit_all(browser, web, lang, "department", people["department"], DEPARTMENT, found)
    visit_all(browser, web, lang, "unit", world.unit["username"], UNIT + [f"/review/applications/{app['id']}"],
              found)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
