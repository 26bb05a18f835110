"""The five application kinds through the real stack: one application of each kind
from registration to a verified certificate — 评审 and 特殊人才认定 by the meeting's
votes, 初次确定, 授予 and 访惠聚三年高定 by the committee's confirmation in the
same batch record — with no fee order ever for a kind without a fee, and the
refusals: a kind the qualification does not accept, the same title twice a year
across kinds and regions, a confirmation where votes are needed."""
from datetime import timedelta

import pytest

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import create_org, login, register_applicant, register_unit, unique
from tests.integration.test_review_setup import (
    REGION,
    build_world,
    climb_to_committee,
    new_application,
    status_of,
    submit,
    wait_status,
    wait_task,
)
from tests.unit.applications.helpers import COMPLETE, answers
from tests.unit.documents.images import pdf
from zc_common.clock import now

KINDS = ["review", "initial", "special_talent", "conferral", "fanghuiju"]
NAMES = {"review": "评审", "special_talent": "特殊人才认定", "initial": "初次确定", "conferral": "授予",
         "fanghuiju": "访惠聚三年高定"}


@pytest.fixture(scope="module")
def world(api, admin_token):
    world = build_world(api, admin_token)
    world.all_kinds = expect(api.post("/admin/qualifications", token=admin_token, json={
        "region_code": REGION, "series": "工程系列", "specialty": unique("机电"), "level": "中级",
        "title": "工程师", "committee_id": world.committee["id"], "kinds": KINDS}), 201)
    return world


# 初次确定 reaches 中级 from 博士 (or 硕士 + 3 years): eligibility_rules/engineering.json
DOCTOR = {"degrees": [{**COMPLETE["education"]["degrees"][0], "education": "博士研究生", "graduated_on": "2024-07-01"}]}


def create(api, world, kind, qualification=None, person=None, unit_id=None):
    person = person or register_applicant(api, name=f"{NAMES.get(kind, '测试')}申请人", region_code=REGION)
    token = person.get("token") or login(api, person["username"])["token"]
    person["token"] = token
    response = api.post("/applications", token=token, json={
        "qualification_id": (qualification or world.all_kinds)["id"], "unit_id": unit_id or world.unit["unit_id"],
        "year": now().year, "kind": kind})
    return person, response


def filled(api, world, kind):
    person, response = create(api, world, kind)
    application = expect(response, 201)
    for section in application["template"]["sections"]:
        key = section["key"]
        expect(api.put(f"/applications/{application['id']}/sections/{key}", token=person["token"],
                       json=DOCTOR if (kind, key) == ("initial", "education") else answers(key, application)), 200)
        for n in range(section["attachments_required"]):
            expect(api.post(f"/applications/{application['id']}/attachments", token=person["token"],
                            data={"section": key}, files={"file": (f"{key}{n}.pdf", pdf(key), "application/pdf")}),
                   201)
    return {"id": application["id"], "number": application["number"], "token": person["token"],
            "person": person, "kind": kind, "sections": [s["key"] for s in application["template"]["sections"]]}


def no_fee(api, app):
    expect(api.get(f"/applications/{app['id']}/fee", token=app["token"]), 404, "fee_not_found")


def test_the_kinds_are_listed_for_everyone(api):
    kinds = expect(api.get("/application-kinds"), 200)
    assert [k["key"] for k in kinds] == KINDS
    assert [k["name"] for k in kinds] == [NAMES[k] for k in KINDS]
    assert {k["key"]: (k["fee"], k["meeting"]) for k in kinds} == {
        "review": (True, True), "special_talent": (False, True), "initial": (False, False),
        "conferral": (False, False), "fanghuiju": (False, False)}


def test_each_kind_from_registration_to_a_verified_certificate(api, world):
    staff = world.staff[world.committee["id"]][0]
    apps = {kind: filled(api, world, kind) for kind in KINDS}
    assert "graduate_work" in apps["initial"]["sections"] and "credential" in apps["conferral"]["sections"]
    assert "fanghuiju_service" in apps["fanghuiju"]["sections"]
    assert "recommendation_letters" in apps["special_talent"]["sections"]
    for kind, app in apps.items():
        view = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
        assert view["kind"]["key"] == kind and view["kind"]["name"] == NAMES[kind]
        if kind != "review":
            no_fee(api, app)
        submit(api, app)
        if kind != "review":
            no_fee(api, app)
        climb_to_committee(api, world, app)
        expect(api.post(f"/review/applications/{app['id']}/forward", token=staff,
                        json={"opinion": "形式审核通过"}), 200)
    for app in apps.values():
        wait_status(api, app, "ready_for_meeting")   # no fee: at once; 评审's zero fee: via payments
    for kind in KINDS[1:]:
        no_fee(api, apps[kind])
    review_fee = wait_for(lambda: api.get(f"/applications/{apps['review']['id']}/fee",
                                          token=apps["review"]["token"]).status_code == 200)
    assert review_fee

    def vote(app, present=7, yes=6):
        return {"application_id": app["id"], "experts_present": present, "votes_for": yes,
                "votes_against": present - yes, "votes_abstain": 0}
    body = {"year": now().year, "held_on": now().date().isoformat()}
    expect(api.get(f"/applications/{apps['review']['id']}/result", token=apps["review"]["token"]), 404,
           "result_not_found")
    # A 评审 application cannot be confirmed without votes; an 认定 one cannot be voted on.
    expect(api.post("/committee/meetings", token=staff, json={
        **body, "results": [{"application_id": apps["review"]["id"], "confirmed": True}]}), 422, "votes_required")
    expect(api.post("/committee/meetings", token=staff, json={
        **body, "results": [vote(apps["initial"])]}), 422, "confirmation_required")
    expect(api.post("/committee/meetings", token=staff, json={
        **body, "results": [{"application_id": apps["initial"]["id"], "confirmed": False}]}), 422, "reason_required")
    assert status_of(api, apps["review"]) == "ready_for_meeting"

    meeting = expect(api.post("/committee/meetings", token=staff, json={**body, "results": [
        vote(apps["review"]), vote(apps["special_talent"], 7, 5),
        {"application_id": apps["initial"]["id"], "confirmed": True},
        {"application_id": apps["conferral"]["id"], "confirmed": True},
        {"application_id": apps["fanghuiju"]["id"], "confirmed": True, "reason": "三年考核均为称职以上"}]}), 201)
    by_app = {r["application_id"]: r for r in meeting["results"]}
    assert all(r["passed"] for r in by_app.values())
    assert by_app[apps["initial"]["id"]]["conclusion"] == "confirm"
    assert by_app[apps["review"]["id"]]["conclusion"] == "meeting"
    for app in apps.values():
        wait_status(api, app, "passed")
    confirmed = expect(api.get(f"/applications/{apps['conferral']['id']}", token=apps["conferral"]["token"]), 200)
    assert confirmed["status_info"]["name"] == "认定通过"

    start = now()
    publicity = expect(api.post(f"/committee/meetings/{meeting['id']}/publicity", token=staff, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(seconds=2)).isoformat()}), 201)
    listed = {p["application_number"] for p in expect(api.get("/public/publicity"), 200)
              if p["publicity_id"] == publicity["id"]}
    assert listed == {app["number"] for app in apps.values()}
    wait_for(lambda: now() > start + timedelta(seconds=2), seconds=10, what="the publicity window to end")
    approval = expect(api.post(f"/committee/meetings/{meeting['id']}/approval", token=staff,
                               json={"document_no": f"新职改字〔{now().year}〕{unique('')[-6:]}号"}), 201)
    assert approval["certificates_issued"] is True and len(approval["certificates"]) == 5
    for kind, app in apps.items():
        wait_status(api, app, "approved")
        [mine] = expect(api.get("/certificates", token=app["token"]), 200)
        assert mine["kind"] == NAMES[kind]
        checked = expect(api.get(f"/public/certificates/{mine['no']}",
                                 params={"name": app["person"]["name"]}), 200)
        assert checked["kind"] == NAMES[kind] and checked["document_no"] == approval["document_no"]
        if kind != "review":
            no_fee(api, app)
        # 查看评审结果: date, counts only, passed, publicity, 批文 number, certificate
        result = expect(api.get(f"/applications/{app['id']}/result", token=app["token"]), 200)
        assert result["passed"] is True and result["held_on"] == body["held_on"]
        assert result["approval"]["document_no"] == approval["document_no"]
        assert result["certificate"]["no"] == mine["no"] and result["publicity"]["ended"] is True
        assert result["kind"] == {"key": kind, "name": NAMES[kind]}
        if kind in ("review", "special_talent"):
            assert result["conclusion"] == "meeting" and result["experts_present"] == 7
            assert result["votes_for"] + result["votes_against"] + result["votes_abstain"] == 7
            assert not any(key in result for key in ("voters", "experts"))
        else:
            assert result["conclusion"] == "confirm" and result["experts_present"] is None
    # nobody else's result
    expect(api.get(f"/applications/{apps['review']['id']}/result", token=apps["initial"]["token"]), 404)


def test_a_kind_the_qualification_does_not_take_is_refused(api, world):
    # build_world's qualification (副高) accepts 评审 only; 初次确定 leads to 初级/中级 only.
    _, response = create(api, world, "conferral", qualification=world.qualification)
    expect(response, 422, "wrong_kind")
    expect(api.put(f"/admin/qualifications/{world.qualification['id']}/kinds", token=world.admin,
                   json={"kinds": ["review", "initial"]}), 422, "wrong_kind")
    _, response = create(api, world, "no_such_kind")
    expect(response, 422)


def test_the_same_title_once_a_year_across_kinds_and_regions(api, world):
    person, response = create(api, world, "initial")
    expect(response, 201)
    for kind in KINDS:
        _, again = create(api, world, kind, person=person)
        expect(again, 409, "duplicate_application")
    # The autonomous region's row of the same title, through a unit of a prefecture
    # without a committee for it (属地化 fallback): the same title, refused too.
    ar_committee = create_org(api, world.admin, kind="committee", region_code="650000")
    elsewhere = expect(api.post("/admin/qualifications", token=world.admin, json={
        "region_code": "650000", "series": "工程系列", "specialty": world.all_kinds["specialty"],
        "level": "中级", "title": "工程师", "committee_id": ar_committee["id"], "kinds": KINDS}), 201)
    far_unit = register_unit(api, region_code="650200")
    _, there = create(api, world, "conferral", qualification=elsewhere, person=person, unit_id=far_unit["unit_id"])
    expect(there, 409, "duplicate_application")


def test_forwarding_to_the_committee_outside_its_receiving_window(api, admin_token):
    closed = build_world(api, admin_token, receive_opens_at=(now() - timedelta(days=10)).isoformat(),
                         receive_closes_at=(now() - timedelta(days=1)).isoformat())
    app = new_application(api, closed)
    submit(api, app)
    wait_task(api, closed.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=closed.unit_token,
                    json={"opinion": "同意推荐"}), 200)
    middle = closed.staff[closed.middle["id"]][0]
    wait_task(api, middle, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=middle, json={"opinion": "同意"}), 200)
    top = closed.staff[closed.top["id"]][0]
    wait_task(api, top, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=top, json={"opinion": "同意"}), 409,
           "window_closed")
    view = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert view["receive_closes_at"] and view["receive_days_to_close"] < 0 and view["status"] == "submitted"
