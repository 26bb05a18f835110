"""The committee's experts in the browser (issue 13): the secretary draws a panel
and sees who was screened out and why; an expert signs the declaration and votes
on a phone (375 px), changing the vote once; a second expert does the same in Uyghur
at 360 px (issue 14); the secretary closes the vote and the application passes by
the 2/3 rule."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_status
from tests.e2e import ui
from tests.e2e.conftest import SHOTS
from tests.e2e.test_languages_and_access import PHONE360, context, scrolls_sideways
from tests.e2e.test_staff_journey_ug import UG, check_page
from tests.integration.accounts_helpers import PASSWORD, unique
from tests.integration.test_review_experts import NEW_PASSWORD, add_expert, expert_body, expert_token
from tests.integration.test_review_setup import build_world, new_application, to_ready_for_meeting, wait_status
from zc_common.clock import now


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page is {width}px wide"


def uyghur_expert_votes(browser, web, username, panel_id, app, server_words):
    ctx = context(browser, PHONE360)
    page = ctx.new_page()
    ui.goto(page, web, f"/login?lang={UG}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/expert/panels"))
    # the server's words: the application's number, names, the meeting's title as the secretary left it
    allowed = [app["number"], "买买提", *server_words]
    check_page(page, allowed, "the expert's meetings")
    page.locator("[data-test=my-panel]").first.click()
    page.wait_for_url(re.compile(rf"/expert/panels/{panel_id}"))
    page.locator("[data-test=declaration-confirm]").click()
    check_page(page, allowed, "the declaration")
    assert not scrolls_sideways(page)
    page.locator("[data-test=declaration-sign]").click()
    ballot = page.locator("[data-test=ballot]").filter(has_text=app["number"])
    ballot.locator("[data-test=choice-for]").click()
    ballot.locator("[data-test=vote-save]").click()
    check_page(page, allowed, "the ballot after voting")
    assert not scrolls_sideways(page)
    page.screenshot(path=str(SHOTS / "expert-ballot-ug-360.png"), full_page=True)
    ctx.close()


def test_secretary_draws_and_an_expert_votes_on_a_phone(new_page, browser, web, api, admin_token):
    world = build_world(api, admin_token, meeting_quorum=3)   # a panel of three may decide
    app = new_application(api, world, name="买买提")
    to_ready_for_meeting(api, world, app)
    secretary_name = unique("mishu")
    expect_status(api.post(f"/admin/organizations/{world.committee['id']}/staff", token=admin_token, json={
        "username": secretary_name, "password": PASSWORD, "name": "秘书", "phone": "13900002222"}), 201)
    secretary = world.staff[world.committee["id"]][0]
    experts = [add_expert(api, secretary) for _ in range(3)]
    add_expert(api, secretary, unit_name=world.unit["name"])   # screened out: the applicant's own unit

    # The secretary draws three of the pool in the browser.
    desk = new_page()
    ui.login(desk, web, secretary_name, PASSWORD)
    ui.goto(desk, web, "/committee/panels")
    ui.set_date(desk, "[data-test=panel-held-on] input", now().date().isoformat())
    size = desk.locator("[data-test=panel-size] input")
    size.fill("3")
    size.press("Tab")
    desk.locator("[data-test=draw-form] .el-checkbox").filter(has_text=app["number"]).click()
    desk.locator("[data-test=draw]").click()
    desk.wait_for_url(re.compile(r"/committee/panels/\w+"))
    expect(desk.locator("[data-test=exclusions]")).to_contain_text("与申请人同一工作单位")
    expect(desk.locator("[data-test=seats] .el-table__row")).to_have_count(3)
    ui.snap(desk, "committee-panel")
    panel_id = desk.url.rstrip("/").split("/")[-1]

    tokens = [expert_token(api, e) for e in experts]   # first login: the issued password is replaced
    # One expert on a phone: the meeting, the declaration, the vote (and a change of mind).
    phone = new_page(phone=True)
    ui.login(phone, web, experts[0]["username"], NEW_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/expert/panels"))
    phone.locator("[data-test=my-panel]").first.click()
    phone.wait_for_url(re.compile(rf"/expert/panels/{panel_id}"))
    expect(phone.locator("[data-test=declaration]")).to_contain_text(app["number"])
    no_sideways_scroll(phone)
    phone.locator("[data-test=declaration-confirm]").click()
    phone.locator("[data-test=declaration-sign]").click()
    ui.message(phone, "已签署声明")
    ballot = phone.locator("[data-test=ballot]").filter(has_text=app["number"])
    expect(ballot.locator("[data-test=open-form]")).to_be_visible()
    ballot.locator("[data-test=choice-against]").click()
    ballot.locator("[data-test=vote-save]").click()
    ui.message(phone, "已记录表决")
    ballot.locator("[data-test=choice-for]").click()
    ballot.locator("[data-test=vote-save]").click()
    ui.message(phone, "已修改表决")
    expect(ballot).to_contain_text("我的表决：赞成")
    no_sideways_scroll(phone)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "expert-ballot-phone.png"), full_page=True)

    # The second expert reads Uyghur: the same meeting, declaration and vote on a phone,
    # right to left, with no Chinese in the page's own words.
    panel = expect_status(api.get(f"/committee/panels/{panel_id}", token=secretary), 200)
    uyghur_expert_votes(browser, web, experts[1]["username"], panel_id, app,
                        [panel["title"], world.committee["name"], world.unit["name"],
                         world.qualification["specialty"]])

    # The third votes (through the API), then the secretary closes the vote.
    for token in tokens[2:]:
        expect_status(api.post(f"/expert/panels/{panel_id}/declaration", token=token, json={"confirm": True}), 200)
        expect_status(api.put(f"/expert/panels/{panel_id}/votes/{app['id']}", token=token,
                              json={"choice": "for"}), 200)
    desk.reload()
    expect(desk.locator("[data-test=progress]")).to_contain_text("3 / 3")
    desk.locator("[data-test=close-panel]").click()
    ui.confirm(desk)
    ui.message(desk, "表决已结束")
    expect(desk.locator("[data-test=panel-state]")).to_contain_text("已结束")
    wait_status(api, app, "passed")
    # The vote is over for the expert too.
    phone.reload()
    expect(phone.locator("[data-test=vote-save]")).to_have_count(0)


def test_secretary_admits_an_expert_with_a_relation_in_the_browser(new_page, web, api, admin_token):
    """入库 in the browser: an empty form is refused by the form's own names (not the
    API's 字段 username), a relation row left blank is refused (by the server, in words), then the expert is
    admitted with a declared relation and listed with it."""
    world = build_world(api, admin_token)
    secretary_name = unique("mishu")
    expect_status(api.post(f"/admin/organizations/{world.committee['id']}/staff", token=admin_token, json={
        "username": secretary_name, "password": PASSWORD, "name": "秘书", "phone": "13900002222"}), 201)
    page = new_page()
    ui.login(page, web, secretary_name, PASSWORD)
    ui.goto(page, web, "/committee/experts")
    expect(page.locator("h1")).to_have_text("评审专家库")   # not 职称 (a catalog key written twice)
    page.locator("[data-test=expert-add]").click()
    page.locator("[data-test=expert-save]").click()
    ui.message(page, "请填写「登录用户名」")
    form = page.locator("[data-test=expert-form]")

    def fill(label, value):
        form.locator(".el-form-item").filter(has=page.locator(f"label:text-is('{label}')")).locator("input").first.fill(value)

    body = expert_body()
    labels = (("登录用户名", "username"), ("初始密码", "password"), ("姓名", "name"), ("身份证号", "id_number"),
              ("手机号", "phone"), ("职称", "title"), ("工作单位", "unit_name"), ("所在地区代码", "region_code"),
              ("原因", "reason"))
    for label, key in labels:
        fill(label, body[key])
    fill("评审专业", "机械")
    form.get_by_role("button", name="添加回避关系").click()
    page.locator("[data-test=expert-save]").click()
    ui.message(page, "回避关系须填写人员姓名或单位名称")
    form.locator(".relation input").nth(1).fill("买买提")
    page.locator("[data-test=expert-save]").click()
    ui.message(page, "专家已入库")
    row = page.locator("[data-test=expert-table] .el-table__row").filter(has_text=body["name"])
    expect(row).to_contain_text("买买提")
