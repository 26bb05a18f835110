"""Builders for the applications integration tests (no tests here): a committee
with its settings and qualifications, a registered unit, applicants, and a
complete application — all made through the gateway as real users would."""
import io
import random
from datetime import date, timedelta

from PIL import Image

from tests.client import expect
from tests.integration.accounts_helpers import (
    PASSWORD,
    create_org,
    id_number,
    login,
    register_applicant,
    register_unit,
    unique,
)
from tests.unit.applications.helpers import answers
from zc_common.clock import now

TITLES = {"初级": "助理工程师", "中级": "工程师", "副高": "高级工程师", "正高": "正高级工程师"}



def png():
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def window(opens_in_days=-1, closes_in_days=20):
    moment = now()
    return {"submit_opens_at": (moment + timedelta(days=opens_in_days)).isoformat(),
            "submit_closes_at": (moment + timedelta(days=closes_in_days)).isoformat()}


def put_settings(api, token, committee_id, maximum=2, **times):
    body = {**window(), **times, "max_submissions": maximum, "fee_fen": 30000, "receiving_department_ids": []}
    return expect(api.put(f"/admin/committees/{committee_id}/settings", json=body, token=token), 200)


def make_committee(api, admin_token, maximum=2, levels=("中级",), **times):
    """A fresh committee (autonomous region) with settings and a qualification per level."""
    committee = create_org(api, admin_token, kind="committee")
    put_settings(api, admin_token, committee["id"], maximum=maximum, **times)
    specialty = unique("机械电子")
    qualifications = {}
    for level in levels:
        qualifications[level] = expect(api.post("/admin/qualifications", token=admin_token, json={
            "region_code": "650000", "series": "工程系列", "specialty": specialty, "level": level,
            "title": TITLES[level], "committee_id": committee["id"]}), 201)
    return {"committee": committee, "qualifications": qualifications}


def make_unit(api):
    unit = register_unit(api)
    return {**unit, "token": login(api, unit["username"])["token"]}


def complete_unit(api, unit, department_id):
    """Fill in what a unit must have before it may review (its recommending unit too)."""
    return expect(api.put(f"/units/{unit['unit_id']}", token=unit["token"], json={
        "legal_person": "赵六", "address": "乌鲁木齐市新市区", "contact_person": "李四",
        "contact_phone": "0991-1234567", "recommending_unit_ids": [department_id]}), 200)


def make_applicant(api):
    # A random birth date as well: the sequence part alone (1000 values) collides
    # within one test session once a few dozen applicants are registered.
    born = date(1960, 1, 1) + timedelta(days=random.randrange(0, 365 * 40))
    person = register_applicant(api, id_number=id_number(born=born.strftime("%Y%m%d")))
    return {**person, "token": login(api, person["username"], PASSWORD)["token"]}


def create_application(api, person, qualification, unit, year=None, **extra):
    body = {"qualification_id": qualification["id"], "unit_id": unit["unit_id"],
            "year": year or now().year, **extra}
    return api.post("/applications", json=body, token=person["token"])


def fill(api, person, application):
    for section in application["template"]["sections"]:
        expect(api.put(f"/applications/{application['id']}/sections/{section['key']}",
                       json=answers(section["key"], application), token=person["token"]), 200)


def attach_required(api, person, application):
    for section in application["template"]["sections"]:
        for n in range(section["attachments_required"]):
            expect(api.post(f"/applications/{application['id']}/attachments", token=person["token"],
                            data={"section": section["key"]},
                            files={"file": (f"{section['key']}-{n}.png", png(), "image/png")}), 201)


def complete_application(api, person, qualification, unit):
    application = expect(create_application(api, person, qualification, unit), 201)
    fill(api, person, application)
    attach_required(api, person, application)
    return application


def stored(stack, application_id):
    """The application's row and its history, read from the service's database."""
    row = stack.sql("applications", "SELECT status, version, submissions_used, sections, qualification_id "
                    "FROM applications WHERE id = %s", application_id)[0]
    row["transitions"] = [t["action"] for t in stack.sql(
        "applications", "SELECT action FROM transitions WHERE application_id = %s ORDER BY id", application_id)]
    return row
