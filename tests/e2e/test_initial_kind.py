"""初次确定 in the browser: the applicant finds the kind on the top bar, creates the
application there (the kind chosen, the catalog offering only what accepts it),
submits; the chain passes formal review with no fee order; the committee's staff
confirm it (认定, no votes) on the meetings page; after publicity and approval the
applicant sees 查看评审结果 with the 批文 number and the certificate.
Setting up the world and filling the sections go through the API (the journey test
covers those pages)."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_status
from tests.e2e import kinds, ui
from tests.integration.accounts_helpers import PASSWORD, login, register_applicant, unique
from tests.integration.test_review_setup import REGION, build_world, climb_to_committee, wait_status
from tests.unit.applications.helpers import COMPLETE
from zc_common.clock import now

REGION_NAME = "乌鲁木齐市"
# 初次确定 reaches 中级 from 博士 (eligibility_rules/engineering.json): the 本科 of COMPLETE is refused at submit
DOCTOR = {"degrees": [{**COMPLETE["education"]["degrees"][0], "education": "博士研究生", "graduated_on": "2024-07-01"}]}


def test_initial_confirmation_journey(new_page, web, api, admin_token):
    world = build_world(api, admin_token)
    specialty = unique("机电")
    expect_status(api.post("/admin/qualifications", token=admin_token, json={
        "region_code": REGION, "series": "工程系列", "specialty": specialty, "level": "中级", "title": "工程师",
        "committee_id": world.committee["id"], "kinds": ["review", "initial"]}), 201)
    secretary = unique("kwsc")
    expect_status(api.post(f"/admin/organizations/{world.committee['id']}/staff", token=admin_token, json={
        "username": secretary, "password": PASSWORD, "name": "认定秘书", "phone": "13900002222"}), 201)
    person = register_applicant(api, name="古丽", region_code=REGION)

    # The applicant: 初次确定 on the top bar → its own list → 新增.
    page = new_page()
    ui.login(page, web, person["username"], PASSWORD, REGION_NAME)
    page.locator("[data-test=kind-initial]").click()
    expect(page.locator("[data-test=kind-title]")).to_have_text("初次确定申请书")
    page.locator("[data-test=new-application]").click()
    page.wait_for_url(re.compile(r"/my/applications/new\?kind=initial"))
    expect(page.locator("[data-test=kind-description]")).to_contain_text("高校毕业生")
    application_id, number = kinds.create_in_browser(page, world, specialty, "中级", "初次确定")
    expect(page.get_by_text("毕业后从事专业技术工作情况").first).to_be_visible()

    token = login(api, person["username"])["token"]
    app = {"id": application_id, "number": number, "token": token}
    kinds.fill_through_api(api, application_id, token, replaced={"education": DOCTOR})
    page.reload()
    page.locator("[data-test=submit]").click()
    ui.message(page, "申请书已提交")

    climb_to_committee(api, world, app)
    committee_token = world.staff[world.committee["id"]][0]
    expect_status(api.post(f"/review/applications/{application_id}/forward", token=committee_token,
                           json={"opinion": "形式审核通过"}), 200)
    wait_status(api, app, "ready_for_meeting")   # no fee: straight on
    kinds.wait_listed_for_meeting(api, committee_token, application_id)
    expect_status(api.get(f"/applications/{application_id}/fee", token=token), 404, "fee_not_found")

    # The committee confirms it: no votes for a 认定 kind.
    staff = new_page()
    ui.login(staff, web, secretary, PASSWORD, REGION_NAME)
    ui.goto(staff, web, "/committee/meetings")
    row = staff.locator("[data-test=vote-table] .el-table__row").filter(has_text=number)
    expect(row.locator("[data-test=row-kind]")).to_have_text("初次确定")
    expect(row.locator(".el-input-number")).to_have_count(0)
    held = ui.field(staff, "held-on")
    held.click()
    held.fill(now().strftime("%Y-%m-%d"))
    held.press("Enter")
    row.locator("[data-test=confirm-yes]").click()
    expect(row.locator("[data-test=verdict]")).to_have_text("予以认定")
    ui.snap(staff, "committee-confirmation")
    # 查看评审结果: confirmed, the 批文 number, the certificate.
    document_no, result = kinds.save_meeting_and_conclude(staff, page, api, committee_token, application_id, app)
    expect(result.locator("[data-test=result-outcome]")).to_contain_text("予以认定")
    expect(result.locator("[data-test=result-document]")).to_have_text(document_no)
    expect(result.locator("[data-test=result-certificate]")).to_be_visible()
    expect(result.locator("[data-test=result-votes]")).to_have_count(0)
    ui.snap(page, "applicant-initial-result")


def test_the_kinds_at_phone_width_are_in_the_menu(new_page, web, api):
    """At 375 px the five kinds no longer squeeze into the top bar (they were cut off
    and the brand covered 评审): they sit in the menu drawer, each leading to its list."""
    person = register_applicant(api, name="阿依", region_code=REGION)
    page = new_page(phone=True)
    ui.login(page, web, person["username"], PASSWORD, REGION_NAME)
    expect(page.locator("[data-test=kind-bar]")).to_be_hidden()
    # nothing in the top bar lies over its neighbour
    boxes = page.evaluate("""() => [...document.querySelector('.topbar').children]
        .filter((e) => e.offsetWidth > 0 && getComputedStyle(e).display !== 'none')
        .map((e) => { const rs = [e, ...e.querySelectorAll('*')].map((x) => x.getBoundingClientRect())
                                   .filter((r) => r.width > 0)
                      const lefts = rs.map((r) => r.left), rights = rs.map((r) => r.right)
                      return [e.className, Math.min(...lefts), Math.max(...rights)] })""")
    for (name, _, right), (after, left, _) in zip(boxes, boxes[1:]):
        assert right <= left + 1, f"{name} overlaps {after}"
    assert boxes[-1][2] <= 376
    page.locator(".menu-toggle").click()
    drawer = page.locator("[data-test=kind-bar-phone]")
    for name in ("评审", "初次确定", "特殊人才认定", "授予", "访惠聚三年高定", "在线问答"):
        expect(drawer).to_contain_text(name)
    page.locator("[data-test=kind-initial-phone]").click()
    expect(page.locator("[data-test=kind-title]")).to_have_text("初次确定申请书")
    expect(drawer).to_be_hidden()
