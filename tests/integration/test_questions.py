"""在线问答 through the gateway against the running system: an applicant asks a
committee, a base unit asks a department; only the staff of the organisation asked
answer (anyone else is refused as if the question did not exist), an answer may be
published to the organisation's public FAQ, and each side is notified."""
import pytest

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import create_org, login, register_applicant
from tests.integration.test_review_setup import REGION, build_world, staff_tokens
from tests.unit.documents.images import pdf


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


@pytest.fixture(scope="module")
def asker(api):
    person = register_applicant(api, region_code=REGION)
    return {**person, "token": login(api, person["username"])["token"]}


def notices_for(stack, kind, text):
    return stack.sql("accounts", "SELECT user_id, subject FROM notifications WHERE kind = %s AND body LIKE %s",
                     kind, f"%{text}%")


def test_ask_answer_publish_and_notify(api, world, asker, stack, admin_token):
    committee = world.committee
    staff = world.staff[committee["id"]][0]
    asked = expect(api.post("/questions", token=asker["token"], json={
        "to_org_id": committee["id"], "title": "申报截止时间咨询", "body": "今年副高申报何时截止？"}), 201)
    assert asked["state"] == "waiting" and asked["to"]["id"] == committee["id"] and asked["published"] is False
    with_scan = expect(api.post(f"/questions/{asked['id']}/scan", token=asker["token"],
                                files={"file": ("通知.pdf", pdf("通知"), "application/pdf")}), 200)
    assert with_scan["scan"]["name"] == "通知.pdf"

    # the committee's staff see it and are told
    waiting = expect(api.get("/questions", token=staff, params={"state": "waiting"}), 200)
    assert asked["id"] in [q["id"] for q in waiting]
    wait_for(lambda: notices_for(stack, "question", "申报截止时间咨询"))
    assert api.get(f"/questions/{asked['id']}/scan", token=staff).status_code == 200

    # another organisation's staff cannot answer it: refused as if it did not exist
    other_committee = create_org(api, admin_token, kind="committee", region_code=REGION)
    outsider = staff_tokens(api, admin_token, other_committee["id"])[0]
    department_staff = world.staff[world.middle["id"]][0]
    for token in (outsider, department_staff):
        expect(api.post(f"/questions/{asked['id']}/answer", token=token, json={"answer": "越权答复"}),
               404, "question_not_found")
        expect(api.get(f"/questions/{asked['id']}", token=token), 404, "question_not_found")
    # the asker cannot answer either (not staff)
    expect(api.post(f"/questions/{asked['id']}/answer", token=asker["token"], json={"answer": "x"}), 403)
    # nothing is public before an answer
    expect(api.put(f"/questions/{asked['id']}/publication", token=staff, json={"published": True}),
           409, "not_answered")
    assert expect(api.get("/public/faq", params={"org_id": committee["id"]}), 200) == []

    answered = expect(api.post(f"/questions/{asked['id']}/answer", token=staff,
                               json={"answer": "以通知公告为准，截止到本月底。", "publish": True}), 200)
    assert answered["state"] == "answered" and answered["published"] is True
    mine = expect(api.get(f"/questions/{asked['id']}", token=asker["token"]), 200)
    assert mine["answer"] == "以通知公告为准，截止到本月底。"
    told = wait_for(lambda: [r for r in notices_for(stack, "question", "申报截止时间咨询")
                             if r["user_id"] == asker["user_id"]])
    assert "已答复" in told[0]["subject"]
    faq = expect(api.get("/public/faq", params={"org_id": committee["id"]}), 200)
    assert [(q["title"], q["answer"]) for q in faq] == [("申报截止时间咨询", "以通知公告为准，截止到本月底。")]
    assert "asker" not in faq[0]  # the FAQ does not say who asked
    # answered: no more scans
    expect(api.post(f"/questions/{asked['id']}/scan", token=asker["token"],
                    files={"file": ("x.pdf", pdf("x"), "application/pdf")}), 409, "already_answered")
    # withdrawn from the FAQ
    expect(api.put(f"/questions/{asked['id']}/publication", token=staff, json={"published": False}), 200)
    assert expect(api.get("/public/faq", params={"org_id": committee["id"]}), 200) == []


def test_a_unit_asks_a_department_and_bad_questions_are_refused(api, world, asker):
    asked = expect(api.post("/questions", token=world.unit_token, json={
        "to_org_id": world.middle["id"], "title": "推荐单位设置", "body": "本单位应选择哪个推荐单位？"}), 201)
    assert asked["asker"]["role"] == "unit_admin" and asked["asker"]["org_id"] == world.unit["unit_id"]
    dept = world.staff[world.middle["id"]][0]
    assert asked["id"] in [q["id"] for q in expect(api.get("/questions", token=dept), 200)]
    assert asked["id"] not in [q["id"] for q in expect(api.get("/questions", token=asker["token"]), 200)]
    expect(api.post(f"/questions/{asked['id']}/answer", token=dept, json={"answer": "请选择主管局。"}), 200)
    assert expect(api.get(f"/questions/{asked['id']}", token=world.unit_token), 200)["answer"] == "请选择主管局。"

    # a question must go to a committee or a department, with a title and a text
    expect(api.post("/questions", token=asker["token"], json={
        "to_org_id": world.unit["unit_id"], "title": "t", "body": "b"}), 422, "invalid_field")
    expect(api.post("/questions", token=asker["token"], json={
        "to_org_id": world.committee["id"], "title": "t", "body": "  "}), 422)
    expect(api.post("/questions", token=dept, json={
        "to_org_id": world.committee["id"], "title": "t", "body": "b"}), 403)
