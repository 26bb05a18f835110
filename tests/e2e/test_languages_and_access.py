"""Uyghur beside Chinese, accessibility and phone width (#14): the applicant's journey
in Uyghur at 360 px (right to left, the menu on the right, an ID number still left to
right, no page scrolling sideways), and axe-core on the main pages in both languages
with no serious or critical violation."""
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.e2e.conftest import DESKTOP, SHOTS
from tests.integration.accounts_helpers import (
    PASSWORD,
    create_org,
    id_number,
    login,
    register_applicant,
    register_unit,
    unique,
)
from zc_common.clock import now

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "gateway" / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE360 = {"width": 360, "height": 780}
REGION = "650100"
UG_NAME = "阿不都·热合曼"


@pytest.fixture(scope="module")
def api(request):
    """The API of the copy the browser drives (ZC_E2E_BASE_URL's when given, as for web)."""
    from tests.client import ApiClient
    given = os.environ.get("ZC_E2E_BASE_URL")
    return ApiClient(given.rstrip("/")) if given else ApiClient(request.getfixturevalue("stack").base_url)


@pytest.fixture(scope="module")
def admin_token(api):
    return api.admin_token()


@pytest.fixture(scope="module")
def world(api, admin_token):
    """A committee taking applications now, its qualification, and a unit."""
    committee = create_org(api, admin_token, kind="committee", region_code=REGION)
    department = create_org(api, admin_token, kind="department", region_code=REGION)
    moment = now()
    expect_api(api.put(f"/admin/committees/{committee['id']}/settings", token=admin_token, json={
        "submit_opens_at": (moment - timedelta(days=10)).isoformat(),
        "submit_closes_at": (moment + timedelta(days=30)).isoformat(),
        "max_submissions": 3, "fee_fen": 0, "receiving_department_ids": [department["id"]]}), 200)
    specialty = unique("水利")
    qualification = expect_api(api.post("/admin/qualifications", token=admin_token, json={
        "region_code": REGION, "series": "工程系列", "specialty": specialty, "level": "副高",
        "title": "高级工程师", "committee_id": committee["id"]}), 201)
    unit = register_unit(api, region_code=REGION)
    return {"committee": committee, "qualification": qualification, "specialty": specialty, "unit": unit}


def context(browser, viewport):
    ctx = browser.new_context(locale="zh-CN", viewport=viewport, timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(20000)
    return ctx


def serious_violations(page):
    """axe-core's WCAG 2.1 A/AA rules on the page as it is: the serious and critical ones."""
    # Transitions settle first: a half-faded colour is not the page's, and on a loaded
    # machine a fade can outlast any fixed wait (spinners, which never end, are not waited for).
    page.wait_for_function("""() => document.getAnimations().every(a =>
        a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)""", timeout=10_000)
    if not page.evaluate("typeof window.axe !== 'undefined'"):   # once per document
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))
    }""")


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def shot(page, name):
    """A full-page screenshot at the page's current width (ui.snap switches widths)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def direction(locator):
    return locator.evaluate("el => getComputedStyle(el).direction")


def login_here(page, username, region=None):
    if region:   # the prefecture entry and its region (by its name in the page's language)
        page.locator(".el-radio-button").nth(1).click()
        ui.pick(page, "[data-test=login-region]", region)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("networkidle")


def test_the_applicant_journey_in_uyghur_at_phone_width(browser, web, world):
    ctx = context(browser, PHONE360)
    page = ctx.new_page()
    ui.goto(page, web, "/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")   # Chinese is the default
    page.locator("[data-test='lang-ug-CN']").click()
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ug-CN")
    expect(page.locator(".hero h1")).to_have_text("كەسپىي ئۇنۋان باھالاش ئىلتىماس سۇپىسى")
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(html).to_have_attribute("dir", "rtl")   # remembered
    # The portal's certificate check is usable at 360 px (its inputs were 0 px wide).
    for name in ("v-no", "v-name"):
        assert ui.field(page, name).bounding_box()["width"] > 200
    assert not scrolls_sideways(page)
    shot(page, "ug-portal-360")

    # Register in Uyghur: the labels are Uyghur, the ID number is typed left to right.
    ui.goto(page, web, "/register/applicant")
    ident = id_number()
    page.get_by_label("ئىسىم-فامىلە").fill(UG_NAME)
    id_box = ui.field(page, "id-number")
    id_box.fill(ident)
    assert direction(id_box) == "ltr"
    page.get_by_label("قول تېلېفون نومۇرى").fill("139" + ident[6:14])
    ui.pick(page, "[data-test=reg-region]", "ئۈرۈمچى شەھىرى")   # region names in Uyghur too
    page.get_by_label("پارول", exact=True).fill(PASSWORD)
    page.get_by_label("پارولنى جەزملەش").fill(PASSWORD)
    expect(page.locator("[data-test=terms]")).to_contain_text("تىزىملىتىش ئۇقتۇرۇشى")
    page.locator("[data-test=accept-terms]").click()
    assert not scrolls_sideways(page)
    page.locator("form button[type=submit]").click()
    result = page.locator(".el-result")
    expect(result).to_contain_text("تىزىملىتىش مۇۋەپپەقىيەتلىك بولدى")
    username = re.search(r"[A-Za-z0-9_.\-]{4,32}", result.locator(".el-result__subtitle").inner_text()).group()

    ui.goto(page, web, "/login")
    login_here(page, username, "ئۈرۈمچى شەھىرى")
    expect(page).to_have_url(re.compile(r"/my/applications$"))
    expect(page.get_by_role("heading", name="مېنىڭ ئىلتىماسنامىلىرىم")).to_be_visible()
    # The header keeps the user menu on screen, whatever the name's length.
    menu_box = page.locator("[data-test=user-menu]").bounding_box()
    assert 0 <= menu_box["x"] and menu_box["x"] + menu_box["width"] <= PHONE360["width"]
    # The menu drawer opens from the right, as Uyghur reads.
    page.locator(".menu-toggle").click()
    drawer = page.locator(".el-drawer:visible")
    expect(drawer).to_be_visible()
    page.wait_for_timeout(400)   # it slides in
    box = drawer.bounding_box()
    assert abs(box["x"] + box["width"] - PHONE360["width"]) <= 1 and box["x"] > 0
    drawer.get_by_role("menuitem", name="يېڭى ئىلتىماسنامە").click()
    expect(page).to_have_url(re.compile(r"/my/applications/new$"))

    # The catalog's names in Uyghur (工程系列, 副高, 高级工程师); a region's own specialty,
    # which the Uyghur catalog does not know, as the region wrote it.
    ui.pick(page, "[data-test=q-series]", "ئىنژېنېرلىق سېرىيىسى")
    ui.pick(page, "[data-test=q-specialty]", world["specialty"])
    ui.pick(page, "[data-test=q-level]", "مۇئاۋىن يۇقىرى دەرىجە")
    expect(page.locator("[data-test=q-title]")).to_contain_text("يۇقىرى دەرىجىلىك ئىنژېنېر")
    unit_name = world["unit"]["name"]
    # the whole name: the suite makes many units of one prefix, and the list shows the first 50
    ui.field(page, "unit-select").fill(unit_name)
    page.locator(".el-select-dropdown__item:visible").filter(has_text=unit_name).first.click()
    assert not scrolls_sideways(page)
    page.get_by_role("button", name="ئىلتىماسنامە قۇرۇش").click()
    page.wait_for_url(re.compile(r"/my/applications/[0-9a-f]+$"))
    number = page.locator("h1 [data-test=app-number]")
    expect(number).to_have_text(re.compile(r"\S+"))
    assert direction(number) == "ltr"   # the application number keeps its order in RTL text
    expect(page.locator("[data-test=countdown]")).to_contain_text("كۈن قالدى")
    assert not scrolls_sideways(page)
    shot(page, "ug-application-360")
    # A table's text cells are wide enough to type in at 360 px (they were too narrow);
    # the table scrolls inside its box, the page does not.
    ui.open_section(page, "education")
    page.locator("#f-education-degrees > button").click()
    cell = page.locator("#f-education-degrees-0-school")
    expect(cell).to_be_visible()
    assert cell.bounding_box()["width"] >= 120, cell.bounding_box()
    assert not scrolls_sideways(page)

    # At desktop width the side menu stands on the right of the content.
    page.set_viewport_size(DESKTOP)
    side, content = page.locator(".sidemenu").bounding_box(), page.locator("main.content").bounding_box()
    assert side["x"] > content["x"]
    # The API answers in the language asked for: a refusal comes back in Uyghur.
    page.locator("[data-test=submit]").click()
    expect(page.locator(".el-message--error").first).to_contain_text("ئىلتىماسنامە")
    expect(page.locator("[data-test=missing]")).to_contain_text("تولدۇرۇلمىدى")
    ctx.close()


PUBLIC = ["/", "/verify", "/login", "/register/applicant", "/register/unit", "/recovery", "/appeal"]
APPLICANT = ["/my/applications", "/my/applications/new", "/me", "/password", "/my/certificates",
             "/my/continuing-education"]


@pytest.mark.parametrize("lang", ["zh-CN", "ug-CN"])
def test_main_pages_have_no_serious_accessibility_violations(browser, web, api, world, lang):
    person = register_applicant(api, region_code=REGION, name=UG_NAME)
    token = login(api, person["username"])["token"]
    app = expect_api(api.post("/applications", token=token, json={
        "qualification_id": world["qualification"]["id"], "unit_id": world["unit"]["unit_id"],
        "year": now().year}), 201)
    shown = expect_api(api.get(f"/applications/{app['id']}", token=token), 200)
    found = {}

    def check(page, path, width, run_axe):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        problems = serious_violations(page) if run_axe else []
        if problems:
            found[f"{path} @{width}"] = problems
        if scrolls_sideways(page):
            found[f"{path} @{width} scroll"] = "the page scrolls sideways"

    for viewport in (DESKTOP, PHONE360):
        width = viewport["width"]
        ctx = context(browser, viewport)
        page = ctx.new_page()
        ui.goto(page, web, f"/?lang={lang}")
        # The pages in turn inside the running app, as its links go (no reload of the
        # app and of axe-core for every page).
        for path in PUBLIC:
            ui.navigate(page, path)
            check(page, path, width, True)
        ui.navigate(page, "/login")
        login_here(page, person["username"], "乌鲁木齐市" if lang == "zh-CN" else "ئۈرۈمچى شەھىرى")
        for path in APPLICANT + [f"/my/applications/{app['id']}"]:
            ui.navigate(page, path)
            check(page, path, width, True)
        # The server's names by its keys: a 评审 draft (status draft, named 申请人) and its
        # route's first node read in the page's language, the Chinese as the server sent it.
        kind, status, node = (("باھالاش", "ئىلتىماس قىلغۇچى", "ئىلتىماس قىلغۇچى") if lang == "ug-CN"
                              else (shown["kind"]["name"], shown["status_info"]["name"], shown["route"][0]["label"]))
        expect(page.locator("[data-test=app-kind]").first).to_have_text(kind)
        expect(page.locator("[data-test=status]").first).to_have_text(status)
        expect(page.locator("[data-test=route] .step-title").first).to_have_text(node)
        # …and joined with the language's own punctuation (no （，） on a Uyghur page).
        expect(page.locator("[data-test=kind-policy]")).to_have_text(
            "باھالاش (باھالاش ھەققى ئېلىنىدۇ، باھالاش يىغىنىدا بېلەت تاشلاش)" if lang == "ug-CN"
            else f"{shown['kind']['name']}（收取评审费，评审会议表决）")
        ctx.close()
    assert found == {}, found
