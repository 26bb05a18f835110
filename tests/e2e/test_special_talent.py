"""特殊人才认定 in the browser: the applicant, at phone width, finds the kind in the
menu, creates the application there and submits it; the chain passes formal review
with no fee order; the committee's staff enter the meeting's votes on the meetings
page — where the verdict beside the numbers must agree with the service's rule
(votes for + against + abstain = experts present; it read 通过 for 5 of 7 with two
votes missing, and the service then refused the save) and stay on screen at desktop
width; after publicity and approval the applicant sees 查看评审结果 with the votes,
the 批文 number and a certificate that names 取得方式.
Filling the sections and the reviewers' forwards go through the API (the journey
test covers those pages)."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_status
from tests.e2e import kinds, ui
from tests.integration.accounts_helpers import PASSWORD, login, register_applicant, unique
from tests.integration.test_review_setup import REGION, build_world, climb_to_committee, wait_status
from zc_common.clock import now

REGION_NAME = "乌鲁木齐市"


def test_special_talent_journey(new_page, web, api, admin_token):
    world = build_world(api, admin_token)
    specialty = unique("建筑")
    expect_status(api.post("/admin/qualifications", token=admin_token, json={
        "region_code": REGION, "series": "工程系列", "specialty": specialty, "level": "副高", "title": "高级工程师",
        "committee_id": world.committee["id"], "kinds": ["review", "special_talent"]}), 201)
    secretary = unique("tcms")
    expect_status(api.post(f"/admin/organizations/{world.committee['id']}/staff", token=admin_token, json={
        "username": secretary, "password": PASSWORD, "name": "评审秘书", "phone": "13900003333"}), 201)
    person = register_applicant(api, name="热依拉", region_code=REGION)

    # The applicant, on a phone: 特殊人才认定 in the menu → its own list → 新增.
    page = new_page(phone=True)
    ui.login(page, web, person["username"], PASSWORD, REGION_NAME)
    page.locator(".menu-toggle").click()
    page.locator("[data-test=kind-special_talent-phone]").click()
    expect(page.locator("[data-test=kind-title]")).to_have_text("特殊人才认定申请书")
    page.locator("[data-test=new-application]").click()
    page.wait_for_url(re.compile(r"/my/applications/new\?kind=special_talent"))
    application_id, number = kinds.create_in_browser(page, world, specialty, "副高", "特殊人才认定")
    expect(page.get_by_text("专家推荐意见").first).to_be_visible()

    token = login(api, person["username"])["token"]
    app = {"id": application_id, "number": number, "token": token}
    view = kinds.fill_through_api(api, application_id, token)   # two letters: two scans
    assert {"achievements", "awards", "recommendation_letters"} <= {s["key"] for s in view["template"]["sections"]}
    page.reload()
    page.locator("[data-test=submit]").click()
    ui.message(page, "申请书已提交")

    climb_to_committee(api, world, app)
    committee_token = world.staff[world.committee["id"]][0]
    expect_status(api.post(f"/review/applications/{application_id}/forward", token=committee_token,
                           json={"opinion": "形式审核通过"}), 200)
    wait_status(api, app, "ready_for_meeting")   # no fee: straight on to the meeting
    kinds.wait_listed_for_meeting(api, committee_token, application_id)
    expect_status(api.get(f"/applications/{application_id}/fee", token=token), 404, "fee_not_found")

    # The committee enters the meeting's votes.
    staff = new_page()
    ui.login(staff, web, secretary, PASSWORD, REGION_NAME)
    ui.goto(staff, web, "/committee/meetings")
    row = staff.locator("[data-test=vote-table] .el-table__row").filter(has_text=number)
    expect(row.locator("[data-test=row-kind]")).to_have_text("特殊人才认定")
    expect(row.locator("[data-test=confirm-choice]")).to_have_count(0)   # voted, not confirmed
    held = ui.field(staff, "held-on")
    held.click()
    held.fill(now().strftime("%Y-%m-%d"))
    held.press("Enter")
    votes = row.locator(".el-input-number input")
    for i, n in enumerate((7, 5)):   # present, for — against and abstain not yet typed
        votes.nth(i).fill(str(n))
        votes.nth(i).press("Tab")
    expect(row.locator("[data-test=verdict]")).to_have_text("同意、反对、弃权合计 5 票，应等于到会人数 7")
    for i in (2, 3):
        votes.nth(i).fill("1")
        votes.nth(i).press("Tab")
    expect(row.locator("[data-test=verdict]")).to_have_text("通过（同意 5/到会 7，需 5 票）")
    # the whole table fits at desktop width: the verdict and 纳入 were off to the right
    overflow = staff.locator("[data-test=vote-table] .el-table__body-wrapper .el-scrollbar__wrap").evaluate(
        "e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"the vote table scrolls sideways by {overflow} px"
    ui.snap(staff, "committee-special-talent-votes")
    # 查看评审结果: the votes (never who cast them), the 批文 number, the certificate.
    document_no, result = kinds.save_meeting_and_conclude(staff, page, api, committee_token, application_id, app)
    expect(result.locator("[data-test=result-experts]")).to_have_text("7")
    expect(result.locator("[data-test=result-votes]")).to_contain_text("同意 5")
    expect(result.locator("[data-test=result-outcome]")).to_contain_text("通过")
    expect(result.locator("[data-test=result-document]")).to_have_text(document_no)
    expect(result.locator("[data-test=result-certificate]")).to_be_visible()
    expect(page.locator("[data-test=countdown]")).to_have_count(0)   # nothing left to submit
    ui.goto(page, web, "/my/certificates")
    expect(page.locator("[data-test=cert-kind]").first).to_have_text("特殊人才认定")
    ui.snap(page, "applicant-special-talent-certificate")
    # In Uyghur the list names the kind, the title and its level by the catalog (the
    # certificate itself stays Chinese).
    ui.goto(page, web, "/my/certificates?lang=ug-CN")
    expect(page.locator("[data-test=cert-kind]").first).to_have_text("ئالاھىدە ئىختىساسلىقلارنى بېكىتىش")
    expect(page.locator(".el-table__row").first).to_contain_text("يۇقىرى دەرىجىلىك ئىنژېنېر")
    expect(page.locator(".el-table__row").first).to_contain_text("مۇئاۋىن يۇقىرى دەرىجە")
    ui.goto(page, web, "/my/certificates?lang=zh-CN")
