"""Steps the browser tests of the kinds share: the applicant creates an application
of the kind whose list is open, the sections and scans go in through the API, and
the committee's publicity and approval follow through the API once the meeting (or
confirmation) is recorded."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.client import expect as expect_status
from tests.client import wait_for
from tests.e2e import ui
from tests.integration.accounts_helpers import unique
from tests.integration.test_review_setup import wait_status
from tests.unit.applications.helpers import answers
from tests.unit.documents.images import pdf
from zc_common.clock import now


def create_in_browser(page, world, specialty, level, kind_name):
    """On the kind's 新增 page: the qualification and the unit picked as a person
    does (the unit searched by name: the whole suite's units share the region, so the
    unsearched list's first page need not hold this one). (id, number)."""
    ui.pick(page, "[data-test=q-series]", "工程系列")
    ui.pick(page, "[data-test=q-specialty]", specialty)
    ui.pick(page, "[data-test=q-level]", level)
    ui.field(page, "unit-select").fill(world.unit["name"])
    page.locator(".el-select-dropdown__item:visible").filter(has_text=world.unit["name"]).first.click()
    page.get_by_role("button", name="创建申请书").click()
    page.wait_for_url(re.compile(r"/my/applications/[0-9a-f]{32}$"))
    expect(page.locator("[data-test=app-kind]")).to_have_text(kind_name)
    return page.url.rsplit("/", 1)[1], page.locator("[data-test=app-number]").inner_text().strip()


def fill_through_api(api, application_id, token, replaced=None):
    """Every section answered (``replaced``: {section: data} instead of the usual
    answers) and each required scan uploaded; the application as it then stands."""
    view = expect_status(api.get(f"/applications/{application_id}", token=token), 200)
    for section in view["template"]["sections"]:
        key = section["key"]
        expect_status(api.put(f"/applications/{application_id}/sections/{key}", token=token,
                              json=(replaced or {}).get(key) or answers(key, view)), 200)
        for n in range(section["attachments_required"]):
            scan = (f"{key}{n}.pdf", pdf(key), "application/pdf")
            expect_status(api.post(f"/applications/{application_id}/attachments", token=token,
                                   data={"section": key}, files={"file": scan}), 201)
    return view


def publicity_and_approval(api, committee_token, application_id, app):
    """The meeting that concluded the application: a 2-second publicity, then its
    批文; the document number."""
    meeting = next(m for m in expect_status(api.get("/committee/meetings", token=committee_token), 200)
                   if any(r["application_id"] == application_id for r in m["results"]))
    start = now()
    expect_status(api.post(f"/committee/meetings/{meeting['id']}/publicity", token=committee_token, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(seconds=2)).isoformat()}), 201)
    wait_for(lambda: now() > start + timedelta(seconds=2), seconds=10, what="the publicity window to end")
    document_no = f"新职改字〔{now().year}〕{unique('')[-5:]}号"
    expect_status(api.post(f"/committee/meetings/{meeting['id']}/approval", token=committee_token,
                           json={"document_no": document_no}), 201)
    wait_status(api, app, "approved")
    return document_no


def wait_listed_for_meeting(api, committee_token, application_id):
    """Until the committee's 评审会议 page would list it: the page reads review's copy of
    the status, which follows applications' by an event (a moment later in a busy run)."""
    def listed():
        found = expect_status(api.get("/review/applications", token=committee_token,
                                      params={"status": "ready_for_meeting"}), 200)
        return any(row["application_id"] == application_id for row in found["items"])
    wait_for(listed, what="the application in the committee's list for the meeting")


def save_meeting_and_conclude(staff, page, api, committee_token, application_id, app):
    """The secretary saves the meeting (one passed); publicity and 批文 follow; the
    applicant's page is reloaded at 查看评审结果. (document number, result locator)."""
    staff.locator("[data-test=save-meeting]").click()
    ui.message(staff, "会议结果已保存：1 人通过")
    wait_status(api, app, "passed")
    document_no = publicity_and_approval(api, committee_token, application_id, app)
    page.reload()
    page.wait_for_load_state("networkidle")
    return document_no, page.locator("[data-test=review-result]")
