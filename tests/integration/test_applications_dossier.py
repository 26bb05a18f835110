"""The applicant's dossier through the gateway against the whole running system:
create, sections, change of qualification, submit, withdraw — and every refusal,
each leaving the stored application as it was."""
import re

import pytest

from gateway.schemas_applications import ApplicationList, ApplicationOut
from tests.client import expect
from tests.integration.test_applications_world import (
    attach_required,
    complete_application,
    create_application,
    fill,
    make_applicant,
    make_committee,
    make_unit,
    put_settings,
    stored,
    window,
)
from tests.unit.applications.helpers import COMPLETE, answers


@pytest.fixture(scope="module")
def world(api, admin_token):
    return make_committee(api, admin_token, maximum=2, levels=("中级", "副高"))


@pytest.fixture(scope="module")
def unit(api):
    return make_unit(api)


@pytest.fixture
def person(api):
    return make_applicant(api)


def test_the_identity_is_prefilled_from_the_registration_and_checked_against_the_id_number(api, world, unit,
                                                                                           person, stack):
    """#14 item 6: name, gender, birth date and phone come from the registration; a birth
    date or gender the ID number contradicts is refused (a form saying 1988 for an ID
    number saying 1975 was accepted)."""
    number = person["id_number"]
    born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    gender = "男" if int(number[16]) % 2 else "女"
    me = expect(api.get("/me", token=person["token"]), 200)
    assert (me["birth_date"], me["gender"], me["phone"]) == (born, gender, person["phone"])
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    assert app["sections"]["basic_info"] == {"name": person["name"], "birth_date": born, "gender": gender,
                                             "phone": person["phone"]}
    other_year = f"{int(born[:4]) + 13}{born[4:]}" if born[5:] != "02-29" else f"{int(born[:4]) + 12}{born[4:]}"
    for field, wrong in (("birth_date", other_year), ("gender", "女" if gender == "男" else "男")):
        error = expect(api.put(f"/applications/{app['id']}/sections/basic_info", token=person["token"],
                               json={**app["sections"]["basic_info"], field: wrong}), 422, "identity_mismatch")["error"]
        assert error["field"] == field and "身份证号" in error["message"]
    assert stored(stack, app["id"])["sections"]["basic_info"]["birth_date"] == born     # nothing stored
    expect(api.put(f"/applications/{app['id']}/sections/basic_info", token=person["token"],
                   json={**app["sections"]["basic_info"], "ethnicity": "维吾尔族"}), 200)


def count_applications(stack, applicant_id):
    return stack.sql("applications", "SELECT count(*) AS n FROM applications WHERE applicant_id = %s",
                     applicant_id)[0]["n"]


def test_create_gives_a_numbered_draft_with_its_template(api, world, unit, person):
    qualification = world["qualifications"]["中级"]
    created = expect(create_application(api, person, qualification, unit), 201)
    assert re.fullmatch(r"RSSQ\d{8}", created["number"])
    assert created["status"] == "draft" and created["submissions_used"] == 0 and created["submissions_max"] == 2
    assert created["qualification"]["id"] == qualification["id"]
    assert created["unit"]["id"] == unit["unit_id"] and created["committee"]["id"] == world["committee"]["id"]
    assert created["applicant"]["id"] == person["user_id"]
    assert created["days_to_close"] in (19, 20)
    assert created["attachments"] == [] and created["comments"] == [] and isinstance(created["route"], list)
    titles = [s["title"] for s in created["template"]["sections"]]
    assert titles[:8] == ["基本信息", "学历学位", "工作经历", "专业技术工作经历", "业绩成果", "论文著作", "继续教育",
                          "奖惩情况"]
    listed = expect(api.get("/applications", token=person["token"]), 200)
    assert [a["id"] for a in listed] == [created["id"]]


def test_one_application_per_qualification_and_year_whatever_the_route(api, world, unit, person, stack):
    qualification = world["qualifications"]["中级"]
    # (across kinds and regions: test_application_kinds.py)
    expect(create_application(api, person, qualification, unit, kind="review"), 201)
    expect(create_application(api, person, qualification, unit), 409, "duplicate_application")
    assert count_applications(stack, person["user_id"]) == 1


def test_create_refuses_bad_references(api, world, unit, person, stack, admin_token):
    qualification = world["qualifications"]["中级"]
    error = expect(create_application(api, person, {"id": "nope"}, unit), 422, "invalid_field")["error"]
    assert error["field"] == "qualification_id"
    error = expect(create_application(api, person, qualification, {"unit_id": world["committee"]["id"]}),
                   422, "invalid_field")["error"]
    assert error["field"] == "unit_id"
    error = expect(create_application(api, person, qualification, unit, year=2001), 422, "invalid_field")["error"]
    assert error["field"] == "year"
    expect(create_application(api, {"token": admin_token}, qualification, unit), 403, "forbidden")
    assert count_applications(stack, person["user_id"]) == 0


def test_numbers_are_unique_when_created_at_once(api, world, unit):
    from concurrent.futures import ThreadPoolExecutor
    people = [make_applicant(api) for _ in range(8)]
    qualification = world["qualifications"]["副高"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda p: create_application(api, p, qualification, unit), people))
    numbers = [expect(r, 201)["number"] for r in responses]
    assert len(set(numbers)) == 8


def test_the_same_application_created_twice_at_once_is_stored_once(api, world, unit, person, stack):
    from concurrent.futures import ThreadPoolExecutor
    qualification = world["qualifications"]["副高"]
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: create_application(api, person, qualification, unit), range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"duplicate_application"}
    assert count_applications(stack, person["user_id"]) == 1


def test_sections_are_checked_against_the_template(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    path = f"/applications/{app['id']}/sections"
    saved = expect(api.put(f"{path}/basic_info", json={"name": "张三", "years_in_profession": 12},
                           token=person["token"]), 200)
    assert saved["sections"]["basic_info"] == {"name": "张三", "years_in_profession": 12}
    assert saved["version"] == app["version"] + 1
    before = stored(stack, app["id"])
    good_row = COMPLETE["education"]["degrees"][0]
    cases = [
        ("education", {"degrees": [good_row, {**good_row, "graduated_on": "2007-02-30"}]}, "degrees[1].graduated_on"),
        ("basic_info", {"name": "张" * 51}, "name"),
        ("basic_info", {"years_in_profession": 99}, "years_in_profession"),
        ("basic_info", {"gender": "其他"}, "gender"),
        ("basic_info", {"is_grassroots": "是"}, "is_grassroots"),
        ("basic_info", {"favourite_colour": "红"}, "favourite_colour"),
    ]
    for key, data, field in cases:
        error = expect(api.put(f"{path}/{key}", json=data, token=person["token"]), 422, "invalid_field")["error"]
        assert error["field"] == field
    expect(api.put(f"{path}/no_such_section", json={}, token=person["token"]), 404, "section_not_found")
    expect(api.put(f"{path}/basic_info", json=["not", "an", "object"], token=person["token"]), 422)
    assert stored(stack, app["id"]) == before


def test_only_the_owner_sees_or_changes_an_application(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    stranger = make_applicant(api)
    before = stored(stack, app["id"])
    expect(api.get(f"/applications/{app['id']}", token=stranger["token"]), 404, "application_not_found")
    expect(api.put(f"/applications/{app['id']}/sections/basic_info", json={"name": "李四"},
                   token=stranger["token"]), 404, "application_not_found")
    expect(api.post(f"/applications/{app['id']}/submit", token=stranger["token"]), 404, "application_not_found")
    assert expect(api.get("/applications", token=stranger["token"]), 200) == []
    assert stored(stack, app["id"]) == before


def test_an_incomplete_application_says_what_is_missing(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    fill(api, person, app)
    expect(api.put(f"/applications/{app['id']}/sections/basic_info", json={"name": "张三"},
                   token=person["token"]), 200)
    before = stored(stack, app["id"])
    error = expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]),
                   422, "incomplete_application")["error"]
    assert {"section": "basic_info", "field": "gender"} in error["missing"]
    assert {"section": "basic_info", "attachment": "至少需上传 1 个附件（已上传 0 个）",
            "need": "1", "have": "0"} in error["missing"]
    assert {"section": "education", "attachment": "至少需上传 1 个附件（已上传 0 个）",
            "need": "1", "have": "0"} in error["missing"]
    assert stored(stack, app["id"]) == before


def test_submit_outside_the_window_is_refused(api, admin_token, unit, person, stack):
    world = make_committee(api, admin_token)
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    committee_id = world["committee"]["id"]
    before = stored(stack, app["id"])
    put_settings(api, admin_token, committee_id, **window(opens_in_days=-30, closes_in_days=-3))
    expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]), 409, "window_closed")
    assert expect(api.get(f"/applications/{app['id']}", token=person["token"]), 200)["days_to_close"] in (-3, -4)
    put_settings(api, admin_token, committee_id, **window(opens_in_days=2, closes_in_days=30))
    expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]), 409, "window_closed")
    assert stored(stack, app["id"]) == before
    put_settings(api, admin_token, committee_id)
    assert expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]), 200)["status"] == "submitted"


def test_submit_withdraw_resubmit_and_the_limit(api, world, unit, person, stack):
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    url = f"/applications/{app['id']}"
    done = expect(api.post(f"{url}/submit", token=person["token"]), 200)
    assert done["status"] == "submitted" and done["submissions_used"] == 1
    assert done["history"][-1]["action"] == "submit" and done["history"][-1]["by"]["user_id"] == person["user_id"]
    required = sum(s["attachments_required"] for s in app["template"]["sections"])
    assert len(done["attachments"]) == required == 3 and isinstance(done["route"], list)

    before = stored(stack, app["id"])
    expect(api.put(f"{url}/sections/basic_info", json={"name": "李四"}, token=person["token"]), 409, "not_editable")
    expect(api.post(f"{url}/submit", token=person["token"]), 409, "not_editable")
    expect(api.post(f"{url}/change-qualification", json={"qualification_id": world["qualifications"]["副高"]["id"]},
                    token=person["token"]), 409, "already_submitted")
    assert stored(stack, app["id"]) == before

    back = expect(api.post(f"{url}/withdraw", token=person["token"]), 200)
    assert back["status"] == "draft" and back["submissions_used"] == 1
    assert back["can_change_qualification"] and not back["can_delete"] and not back["can_withdraw"]
    expect(api.delete(url, token=person["token"]), 409, "already_submitted")
    expect(api.put(f"{url}/sections/professional_work", json={"summary": "补充：主持某项目。"},
                   token=person["token"]), 200)
    again = expect(api.post(f"{url}/submit", token=person["token"]), 200)
    assert again["submissions_used"] == 2 and again["submissions_max"] == 2
    expect(api.post(f"{url}/withdraw", token=person["token"]), 200)

    before = stored(stack, app["id"])
    expect(api.post(f"{url}/submit", token=person["token"]), 409, "submission_limit")
    assert stored(stack, app["id"]) == before
    assert before["transitions"] == ["submit", "withdraw", "submit", "withdraw"]


def test_withdraw_a_draft_is_refused(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    before = stored(stack, app["id"])
    expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 409, "cannot_withdraw")
    assert stored(stack, app["id"]) == before


def test_change_qualification_before_submitting(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    fill(api, person, app)
    senior = world["qualifications"]["副高"]
    changed = expect(api.post(f"/applications/{app['id']}/change-qualification",
                              json={"qualification_id": senior["id"]}, token=person["token"]), 200)
    assert changed["qualification"]["id"] == senior["id"] and changed["qualification"]["level"] == "副高"
    assert changed["sections"]["basic_info"] == answers("basic_info", app)      # carried over
    assert changed["needs_review"] == ["representative_works"]                  # new in the senior template
    assert "representative_works" in [s["key"] for s in changed["template"]["sections"]]
    error = expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]),
                   422, "incomplete_application")["error"]
    assert {"section": "representative_works", "reason": "更改资格后该栏目需重新检查并保存",
            "reason_code": "needs_review"} in error["missing"]
    expect(create_application(api, person, senior, unit), 409, "duplicate_application")


def test_the_application_object_merges_route_and_attachments(api, world, unit, person):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    attach_required(api, person, app)
    seen = expect(api.get(f"/applications/{app['id']}", token=person["token"]), 200)
    assert {a["section"] for a in seen["attachments"]} == {"basic_info", "education", "achievements"}
    assert all(a["sha256"] and a["size"] > 0 for a in seen["attachments"])
    for key in ("route", "comments", "opinions", "template", "sections", "submit_closes_at", "days_to_close",
                "submissions_used", "submissions_max", "version", "history"):
        assert key in seen
    ApplicationOut.model_validate(seen)  # the shape the OpenAPI document promises
    ApplicationList.model_validate(expect(api.get("/applications", token=person["token"]), 200))


def test_a_past_years_application_is_read_only(api, world, unit, person, stack):
    app = expect(create_application(api, person, world["qualifications"]["中级"], unit), 201)
    # A year goes by: the application now belongs to last year (the clock cannot be moved
    # under a running system, so the stored year is moved instead).
    stack.sql("applications", "UPDATE applications SET year = year - 1 WHERE id = %s", app["id"])
    seen = expect(api.get(f"/applications/{app['id']}", token=person["token"]), 200)
    assert seen["read_only"] is True and seen["template"]["version"] == app["template"]["version"]
    before = stored(stack, app["id"])
    url = f"/applications/{app['id']}"
    expect(api.put(f"{url}/sections/basic_info", json={"name": "张三"}, token=person["token"]), 409, "read_only_year")
    expect(api.post(f"{url}/submit", token=person["token"]), 409, "read_only_year")
    expect(api.post(f"{url}/change-qualification", json={"qualification_id": world["qualifications"]["副高"]["id"]},
                    token=person["token"]), 409, "read_only_year")
    assert stored(stack, app["id"]) == before


def test_a_submit_made_by_an_impersonating_admin_is_recorded_as_such(api, admin_token, world, unit, person):
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    token = expect(api.post("/admin/impersonate", json={"username": person["username"]}, token=admin_token),
                   200)["token"]
    done = expect(api.post(f"/applications/{app['id']}/submit", token=token), 200)
    last = done["history"][-1]
    assert last["action"] == "submit" and last["by"]["user_id"] == person["user_id"]
    assert last["impersonated_by"]["username"] == "admin"
