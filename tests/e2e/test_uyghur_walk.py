"""What a walk of every role's pages in Uyghur at 360 px and 1280 px found (#14): a long
Uyghur label ran past its card (the quick links on 我的主页, the kinds on 新增申请书,
修改统一社会信用代码 on 单位信息; at desktop width 我的职称电子证书 out of the side menu),
the statistics' charts named statuses, series and levels in Chinese, a year box's arrows
sat one at each end, 资格目录 showed its levels in Chinese, and the registration terms'
version read 12-2026 (an Arabic-script line reorders 2026-12 unless isolated)."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.e2e.test_languages_and_access import (  # noqa: F401 (fixtures)
    PHONE360,
    REGION,
    UG_NAME,
    admin_token,
    api,
    context,
    login_here,
    scrolls_sideways,
    shot,
    world,
)
from tests.integration.accounts_helpers import login, register_applicant
from tests.stack import ADMIN_PASSWORD
from zc_common.clock import now

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def inside(page, items, box_selector):
    """The items (a locator) that stick out of their nearest box_selector ancestor."""
    return items.evaluate_all("""(els, sel) => els.filter((e) => {
        const box = e.closest(sel).getBoundingClientRect(), r = e.getBoundingClientRect()
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 }).map((e) => e.textContent.trim())""",
                              box_selector)


def test_long_uyghur_labels_stay_inside_their_card_at_360(browser, web, api, world):  # noqa: F811
    person = register_applicant(api, region_code=REGION, name=UG_NAME)
    ctx = context(browser, PHONE360)
    page = ctx.new_page()
    ui.goto(page, web, "/?lang=ug-CN")

    # the terms' version keeps its order (2026-12) inside the Uyghur heading
    ui.goto(page, web, "/register/applicant")
    version = page.locator("[data-test=terms-version]")
    expect(version).to_contain_text("\u20662026-12\u2069")

    ui.goto(page, web, "/login")
    login_here(page, person["username"])
    ui.goto(page, web, "/me")
    links = page.locator(".el-card .toolbar > .el-button")
    expect(links.first).to_be_visible()
    assert links.count() >= 4
    assert inside(page, links, ".el-card") == []
    assert not scrolls_sideways(page)
    shot(page, "ug-360-my-home")

    ui.goto(page, web, "/my/applications/new")
    kinds = page.locator("[data-test=kind-select] .el-radio-button")
    expect(kinds.first).to_be_visible()
    assert kinds.count() >= 3
    assert inside(page, kinds, ".el-card") == []
    assert not scrolls_sideways(page)
    shot(page, "ug-360-new-application")

    # at desktop width the side menu's long entry (我的职称电子证书) stays in its column
    page.set_viewport_size({"width": 1280, "height": 900})
    ui.goto(page, web, "/me")
    entries = page.locator(".sidemenu .el-menu-item")
    expect(entries.first).to_be_visible()
    assert entries.evaluate_all("els => els.filter((e) => e.scrollWidth > e.clientWidth + 1)"
                                ".map((e) => e.textContent.trim())") == []
    # and the header still shows the user's name beside the long Uyghur role (the role gives way)
    name = page.locator("[data-test=user-menu] .user-name")
    box = name.bounding_box()
    assert box and box["width"] > 20 and box["x"] >= 0, box
    # a Chinese name keeps its own direction, so when cut it shows its start (阿不都…), not its end
    assert name.evaluate("e => getComputedStyle(e).direction") == "ltr"
    ctx.close()

    # 单位信息: 修改统一社会信用代码 is a long button beside a short card
    ctx = context(browser, PHONE360)
    page = ctx.new_page()
    ui.goto(page, web, "/?lang=ug-CN")
    ui.goto(page, web, "/login")
    login_here(page, world["unit"]["username"])
    ui.goto(page, web, "/unit")
    buttons = page.locator(".el-card .el-button:visible")
    expect(page.locator("[data-test=cc-change]")).to_be_visible()
    assert inside(page, buttons, ".el-card") == []
    assert not scrolls_sideways(page)
    ctx.close()


def test_statistics_charts_name_statuses_series_and_levels_in_uyghur(browser, web, api, admin_token, world):  # noqa: F811
    person = register_applicant(api, region_code=REGION, name=UG_NAME)
    token = login(api, person["username"])["token"]
    expect_api(api.post("/applications", token=token, json={
        "qualification_id": world["qualification"]["id"], "unit_id": world["unit"]["unit_id"],
        "year": now().year}), 201)   # a draft of 工程系列 · 副高 counts this year

    ctx = context(browser, {"width": 1280, "height": 900})
    page = ctx.new_page()
    ui.goto(page, web, "/?lang=ug-CN")
    ui.goto(page, web, "/login")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(ADMIN_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    ui.goto(page, web, "/statistics")

    def chart(key):
        loc = page.locator(f"[data-test=chart-{key}] svg text")
        expect(loc.first).to_be_attached()
        return " ".join(loc.all_text_contents())

    # the year box's arrows sit together at one end (the mirrored styles split them)
    arrows = page.locator(".el-input-number.is-controls-right").first
    up = arrows.locator(".el-input-number__increase").bounding_box()
    down = arrows.locator(".el-input-number__decrease").bounding_box()
    box = arrows.bounding_box()
    assert abs(up["x"] - down["x"]) < 1 and up["y"] < down["y"], (up, down)
    assert up["x"] - box["x"] < 3, (up, box)   # at its left end in RTL

    level, series, status = chart("level"), chart("series"), chart("status")
    assert "مۇئاۋىن يۇقىرى دەرىجە" in level and "副高" not in level, level
    assert "ئىنژېنېرلىق سېرىيىسى" in series and "工程系列" not in series, series
    assert status and not HAN.search(status), status

    # 资格目录: the levels (a fixed set) by their Uyghur names, in the list and the form
    ui.goto(page, web, "/admin/qualifications")
    ui.pick(page, "[data-test=q-region-in]", "ئۈرۈمچى شەھىرى")   # the world's region (650100)
    levels = page.locator("[data-test=q-row-level]")
    expect(levels.first).to_be_visible()
    assert not [t for t in levels.all_text_contents() if HAN.search(t)]
    expect(page.locator("[data-test=q-level-in]")).to_contain_text("ئوتتۇرا دەرىجە")   # 中级, the default
    ctx.close()
