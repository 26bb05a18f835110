"""Issue #15 items 1 and 3 on the running system: an ineligible application shows
the failing condition and cannot be submitted until the committee allows an
exception (破格); after a return the reviewer sees what changed, the applicant which
comments they addressed, and an organisation the application never reached sees
neither."""
from dataclasses import replace

import pytest

from tests.client import expect
from tests.integration.accounts_helpers import unique
from tests.integration.test_review_setup import build_world, new_application, submit, wait_status, wait_task
from tests.unit.documents.images import pdf


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


def stored(stack, application_id):
    return stack.sql("applications", "SELECT status, version, submissions_used FROM applications WHERE id = %s",
                     application_id)[0]


def test_an_ineligible_application_is_refused_until_the_committee_allows_it(api, world, stack):
    full = expect(api.post("/admin/qualifications", token=world.admin, json={
        "region_code": world.qualification["region_code"], "series": "工程系列", "specialty": unique("机械"),
        "level": "正高", "title": "正高级工程师", "committee_id": world.committee["id"]}), 201)
    app = new_application(api, replace(world, qualification=full), name="破格甲")
    url = f"/applications/{app['id']}"

    checklist = expect(api.get(f"{url}/eligibility", token=app["token"]), 200)
    assert checklist["eligible"] is False and checklist["may_submit"] is False
    failed = [i for i in checklist["items"] if not i["met"]]
    assert [i["key"] for i in failed] == ["title_years"]
    assert "低于副高级" in failed[0]["reason"]
    assert {i["key"] for i in checklist["items"] if i["met"]} == {"education", "continuing_education",
                                                                  "degree_certificate"}

    before = stored(stack, app["id"])
    error = expect(api.post(f"{url}/submit", token=app["token"]), 422, "not_eligible")["error"]
    assert error["condition"] == "title_years" and "取得副高级职称后满 5 年" in error["message"]
    assert stored(stack, app["id"]) == before

    # only the committee the application goes to may allow it, and only with a reason
    other = build_world(api, world.admin)
    expect(api.post(f"/review/applications/{app['id']}/eligibility-exception", json={"reason": "破格"},
                    token=other.staff[other.committee["id"]][0]), 404, "application_not_found")
    committee_token = world.staff[world.committee["id"]][0]
    expect(api.post(f"/review/applications/{app['id']}/eligibility-exception", json={"reason": ""},
                    token=committee_token), 422)
    expect(api.post(f"/review/applications/{app['id']}/eligibility-exception", json={"reason": "破格"},
                    token=world.unit_token), 403)
    allowed = expect(api.post(f"/review/applications/{app['id']}/eligibility-exception",
                              json={"reason": "获省部级科技进步一等奖，破格申报"}, token=committee_token), 200)
    assert allowed["reason"] == "获省部级科技进步一等奖，破格申报"

    done = submit(api, app)
    assert done["status"] == "submitted"
    assert [h["action"] for h in done["history"]][-2:] == ["eligibility_exception", "submit"]
    # the reviewer sees the same checklist, with the exception
    wait_task(api, world.unit_token, app["id"])
    seen = expect(api.get(f"/review/applications/{app['id']}/eligibility", token=world.unit_token), 200)
    assert [i["key"] for i in seen["items"] if not i["met"]] == ["title_years"]
    assert seen["exception"]["reason"] == allowed["reason"] and seen["may_submit"] is True
    expect(api.get(f"/review/applications/{app['id']}/eligibility", token=other.unit_token), 404)


def test_after_a_return_the_reviewer_sees_what_changed(api, world):
    app = new_application(api, world, name="退回乙")
    url = f"/applications/{app['id']}"
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    review = f"/review/applications/{app['id']}"
    expect(api.post(f"{review}/comments", json={"section": "professional_work", "text": "工作总结过于简单"},
                    token=world.unit_token), 201)
    expect(api.post(f"{review}/comments", json={"section": "achievements", "text": "请补充业绩证明"},
                    token=world.unit_token), 201)
    expect(api.post(f"{review}/return", json={"opinion": "材料不全，请补充"}, token=world.unit_token), 200)
    wait_status(api, app, "returned")

    untouched = expect(api.get(f"{url}/changes", token=app["token"]), 200)
    assert untouched["sections"] == [] and untouched["from_submission"] == 1
    assert {c["section"]: c["addressed"] for c in untouched["comments"]} == {
        "professional_work": False, "achievements": False}

    application = expect(api.get(url, token=app["token"]), 200)
    summary_text = "从事机械设计工作十五年，主持三项重点项目。"
    expect(api.put(f"{url}/sections/professional_work", token=app["token"],
                   json={**application["sections"]["professional_work"], "summary": summary_text}), 200)
    items = application["sections"]["achievements"]["items"]
    added_row = {"name": "某生产线改造", "kind": "工程项目", "achieved_on": "2023-05-01"}
    expect(api.put(f"{url}/sections/achievements", token=app["token"], json={"items": [*items, added_row]}), 200)
    expect(api.post(f"{url}/attachments", token=app["token"], data={"section": "achievements"},
                    files={"file": ("补充业绩.pdf", pdf("more"), "application/pdf")}), 201)
    mine = expect(api.get(f"{url}/changes", token=app["token"]), 200)
    assert set(mine["changed_sections"]) == {"professional_work", "achievements"}
    assert all(c["addressed"] for c in mine["comments"])

    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    diff = expect(api.get(f"{review}/changes", token=world.unit_token), 200)
    assert (diff["from_submission"], diff["to_submission"]) == (1, 2)
    sections = {s["section"]: s for s in diff["sections"]}
    assert set(sections) == {"professional_work", "achievements"}
    summary = sections["professional_work"]["fields"][0]
    assert summary["field"] == "summary" and summary["after"].endswith("主持三项重点项目。")
    assert sections["achievements"]["rows_added"] == [{"field": "items", "label": "业绩成果", "row": added_row}]
    assert [f["name"] for f in diff["attachments"]["added"]] == ["补充业绩.pdf"]
    assert diff["attachments"]["removed"] == []
    # the return's comments and opinion are still there, round by round
    detail = expect(api.get(review, token=world.unit_token), 200)
    assert {c["text"] for c in detail["comments"] if c["round"] == 1} == {"工作总结过于简单", "请补充业绩证明"}
    assert any(o["text"] == "材料不全，请补充" for o in detail["opinions"])

    # an organisation the application never reached sees no diff
    expect(api.get(f"{review}/changes", token=world.staff[world.top["id"]][0]), 404, "application_not_found")
    other = build_world(api, world.admin)
    expect(api.get(f"{review}/changes", token=other.unit_token), 404, "application_not_found")
    expect(api.get(f"{url}/changes", token=other.unit_token), 403)
