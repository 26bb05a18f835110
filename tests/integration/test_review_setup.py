"""Builders for the review integration tests: a committee with its receiving
department, a department below it, staff for each, a complete base unit and an
applicant whose application is filled and submitted — all through the gateway.
(No tests here; the name keeps the file among the review tests.)"""
from dataclasses import dataclass, field
from datetime import timedelta

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import (
    PASSWORD,
    create_org,
    fresh_address,
    login,
    register_applicant,
    register_unit,
    unique,
)
from tests.unit.applications.helpers import answers
from tests.unit.documents.images import pdf
from zc_common.clock import now

REGION = "650100"


@dataclass
class World:
    admin: str
    committee: dict
    top: dict              # the receiving department
    middle: dict           # its child: the unit's recommending unit
    qualification: dict
    staff: dict = field(default_factory=dict)   # org id -> [token, token]
    unit: dict | None = None
    unit_token: str | None = None


def staff_tokens(api, admin, org_id, count=1):
    tokens = []
    for _ in range(count):
        username = unique("staff")
        expect(api.post(f"/admin/organizations/{org_id}/staff", token=admin,
                        json={"username": username, "password": PASSWORD, "name": "审核员", "phone": "13900001111"}),
               201)
        tokens.append(login(api, username)["token"])
    return tokens


def committee_settings(api, admin, committee_id, receiving, **extra):
    moment = now()
    body = {"submit_opens_at": (moment - timedelta(days=1)).isoformat(),
            "submit_closes_at": (moment + timedelta(days=30)).isoformat(),
            "max_submissions": 3, "fee_fen": 0, "receiving_department_ids": receiving,
            "meeting_quorum": 5, "publicity_min_days": 0, **extra}
    expect(api.put(f"/admin/committees/{committee_id}/settings", json=body, token=admin), 200)


def build_world(api, admin, **settings):
    committee = create_org(api, admin, kind="committee", region_code=REGION)
    top = create_org(api, admin, kind="department", region_code=REGION)
    middle = create_org(api, admin, kind="department", region_code=REGION, parent_id=top["id"])
    committee_settings(api, admin, committee["id"], [top["id"]], **settings)
    qualification = expect(api.post("/admin/qualifications", token=admin, json={
        "region_code": REGION, "series": "工程系列", "specialty": unique("机械"), "level": "副高",
        "title": "高级工程师", "committee_id": committee["id"]}), 201)
    world = World(admin=admin, committee=committee, top=top, middle=middle, qualification=qualification)
    for org in (committee, top, middle):
        world.staff[org["id"]] = staff_tokens(api, admin, org["id"], count=2)
    unit = register_unit(api, region_code=REGION)
    world.unit = unit
    world.unit_token = login(api, unit["username"])["token"]
    complete_unit(api, world, [middle["id"]])
    return world


def complete_unit(api, world, recommending):
    return expect(api.put(f"/units/{world.unit['unit_id']}", token=world.unit_token, json={
        "legal_person": "赵六", "address": "乌鲁木齐市测试路2号", "contact_person": "李四",
        "contact_phone": "0991-1234567", "recommending_unit_ids": recommending}), 200)


def new_application(api, world, name="张三"):
    """A filled application (every section, every attachment), not yet submitted."""
    person = register_applicant(api, name=name, region_code=REGION)
    token = login(api, person["username"])["token"]
    application = expect(api.post("/applications", token=token, json={
        "qualification_id": world.qualification["id"], "unit_id": world.unit["unit_id"], "year": now().year}), 201)
    for section in application["template"]["sections"]:
        key = section["key"]
        expect(api.put(f"/applications/{application['id']}/sections/{key}", token=token,
                       json=answers(key, application)), 200)
        for n in range(section["attachments_required"]):
            expect(api.post(f"/applications/{application['id']}/attachments", token=token,
                            data={"section": key}, files={"file": (f"{key}{n}.pdf", pdf(key), "application/pdf")}),
                   201)
    return {"id": application["id"], "number": application["number"], "token": token, "person": person}


def submit(api, app):
    return expect(api.post(f"/applications/{app['id']}/submit", token=app["token"]), 200)


def task_of(api, token, application_id):
    body = expect(api.get("/review/tasks", token=token, params={"page_size": 100}), 200)
    return next((t for t in body["items"] if t["application_id"] == application_id), None)


def wait_task(api, token, application_id):
    return wait_for(lambda: task_of(api, token, application_id))


def status_of(api, app):
    return expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["status"]


def wait_status(api, app, status):
    return wait_for(lambda: status_of(api, app) == status)


def climb_to_committee(api, world, app):
    """Submitted → unit → middle → top, leaving it waiting at the committee."""
    wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=world.unit_token,
                    json={"opinion": "同意推荐"}), 200)
    for org in (world.middle, world.top):
        token = world.staff[org["id"]][0]
        wait_task(api, token, app["id"])
        expect(api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意"}), 200)
    committee_token = world.staff[world.committee["id"]][0]
    return wait_task(api, committee_token, app["id"])


def to_ready_for_meeting(api, world, app):
    submit(api, app)
    climb_to_committee(api, world, app)
    token = world.staff[world.committee["id"]][0]
    expect(api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "形式审核通过"}), 200)
    wait_status(api, app, "ready_for_meeting")   # the fee is zero: payments moves it on


__all__ = ["fresh_address"]
