"""The catalog through the gateway: qualifications, conditions, localisation, and
committee settings (who may set them, what is refused)."""
import pytest

from gateway.schemas_applications import CommitteeSettingsOut, QualificationList
from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, create_org, login, unique
from tests.integration.test_applications_world import TITLES, make_applicant, put_settings, window


@pytest.fixture(scope="module")
def committee(api, admin_token):
    return create_org(api, admin_token, kind="committee")


def qualification_body(committee_id, level="副高", region="650000", specialty="机械电子"):
    return {"region_code": region, "series": "工程系列", "specialty": specialty, "level": level,
            "title": TITLES[level], "committee_id": committee_id}


def count_qualifications(stack):
    return stack.sql("applications", "SELECT count(*) AS n FROM qualifications")[0]["n"]


def test_admin_adds_a_qualification_with_conditions(api, admin_token, committee):
    specialty = unique("建筑工程")
    created = expect(api.post("/admin/qualifications", token=admin_token,
                              json=qualification_body(committee["id"], specialty=specialty)), 201)
    assert created["id"] and created["level"] == "副高"
    assert created["committee"] == {"id": committee["id"], "name": committee["name"]}
    text = "具备大学本科学历，取得工程师资格后从事本专业技术工作满5年。"
    expect(api.put(f"/admin/qualifications/{created['id']}/conditions", token=admin_token,
                   json={"conditions": text}), 200)
    listed = expect(api.get("/qualifications", params={"region_code": "650000"}), 200)
    QualificationList.model_validate(listed)
    mine = [q for q in listed if q["id"] == created["id"]]
    assert mine and mine[0]["conditions"] == text and mine[0]["specialty"] == specialty
    assert set(mine[0]) >= {"id", "series", "specialty", "level", "title", "committee"}


def test_a_qualification_needs_a_committee(api, admin_token, stack):
    department = create_org(api, admin_token, kind="department")
    before = count_qualifications(stack)
    for committee_id in (department["id"], "no-such-org"):
        body = expect(api.post("/admin/qualifications", token=admin_token,
                               json=qualification_body(committee_id, specialty=unique("x"))), 422, "invalid_field")
        assert body["error"]["field"] == "committee_id"
    body = expect(api.post("/admin/qualifications", token=admin_token,
                           json={**qualification_body("x"), "level": "高级"}), 422, "invalid_field")
    assert body["error"]["field"] == "level"
    assert count_qualifications(stack) == before


def test_only_the_admin_maintains_the_catalog(api, committee, stack):
    person = make_applicant(api)
    before = count_qualifications(stack)
    expect(api.post("/admin/qualifications", token=person["token"],
                    json=qualification_body(committee["id"], specialty=unique("y"))), 403, "forbidden")
    expect(api.post("/admin/qualifications", json=qualification_body(committee["id"])), 401)
    assert count_qualifications(stack) == before


def test_the_same_qualification_twice_is_refused(api, admin_token, committee, stack):
    body = qualification_body(committee["id"], specialty=unique("化工"))
    expect(api.post("/admin/qualifications", token=admin_token, json=body), 201)
    before = count_qualifications(stack)
    expect(api.post("/admin/qualifications", token=admin_token, json=body), 409, "qualification_exists")
    assert count_qualifications(stack) == before


def test_localisation_offers_the_autonomous_regions_where_the_prefecture_has_none(api, admin_token, committee):
    local = create_org(api, admin_token, kind="committee", region_code="650100")
    specialty = unique("电气")
    regional_mid = expect(api.post("/admin/qualifications", token=admin_token,
                                   json=qualification_body(committee["id"], "中级", specialty=specialty)), 201)
    regional_senior = expect(api.post("/admin/qualifications", token=admin_token,
                                      json=qualification_body(committee["id"], "副高", specialty=specialty)), 201)
    local_mid = expect(api.post("/admin/qualifications", token=admin_token,
                                json=qualification_body(local["id"], "中级", region="650100",
                                                        specialty=specialty)), 201)
    urumqi = {q["id"] for q in expect(api.get("/qualifications", params={"region_code": "650100"}), 200)}
    assert local_mid["id"] in urumqi              # its own committee for 中级
    assert regional_mid["id"] not in urumqi       # …so not the autonomous region's 中级
    assert regional_senior["id"] in urumqi        # no 副高 committee there: the autonomous region's
    karamay = {q["id"] for q in expect(api.get("/qualifications", params={"region_code": "650200"}), 200)}
    assert local_mid["id"] not in karamay and regional_mid["id"] in karamay
    expect(api.get("/qualifications", params={"region_code": "65"}), 422, "invalid_field")


def settings_of(api, token, committee_id):
    return expect(api.get(f"/committees/{committee_id}/settings", token=token), 200)


def test_committee_settings_by_the_admin_and_by_its_own_staff(api, admin_token, stack):
    committee = create_org(api, admin_token, kind="committee")
    department = create_org(api, admin_token, kind="department")
    body = {**window(), "max_submissions": 3, "fee_fen": 30000, "receiving_department_ids": [department["id"]],
            "meeting_quorum": 7, "node_days": {"unit": 5, "department": 5, "committee": 10}}
    expect(api.put(f"/admin/committees/{committee['id']}/settings", json=body, token=admin_token), 200)
    got = settings_of(api, admin_token, committee["id"])
    CommitteeSettingsOut.model_validate(got)
    assert got["max_submissions"] == 3 and got["fee_fen"] == 30000 and got["meeting_quorum"] == 7
    assert got["publicity_min_days"] == 5 and got["receiving_department_ids"] == [department["id"]]
    assert got["node_days"] == {"unit": 5, "department": 5, "committee": 10}
    assert got["submit_closes_at"].endswith("+08:00")

    username = unique("pwh")
    expect(api.post(f"/admin/organizations/{committee['id']}/staff", token=admin_token,
                    json={"username": username, "password": PASSWORD, "name": "评委会秘书", "phone": "13900001111"}),
           201)
    staff = login(api, username)["token"]
    put_settings(api, staff, committee["id"], maximum=2)
    assert settings_of(api, staff, committee["id"])["max_submissions"] == 2

    other = create_org(api, admin_token, kind="committee")
    expect(api.put(f"/admin/committees/{other['id']}/settings", token=staff,
                   json={**window(), "max_submissions": 9, "fee_fen": 0}), 403, "forbidden")
    expect(api.get(f"/committees/{other['id']}/settings", token=staff), 404, "settings_not_found")


@pytest.mark.parametrize("overrides, field", [
    ({"submit_closes_at": "2000-01-01T00:00:00+08:00"}, "submit_closes_at"),
    ({"max_submissions": 0}, "max_submissions"),
    ({"fee_fen": -5}, "fee_fen"),
    ({"receiving_department_ids": ["not-a-department"]}, "receiving_department_ids"),
    ({"node_days": {"unit": 0}}, "node_days.unit"),
])
def test_bad_settings_are_refused_and_change_nothing(api, admin_token, committee, overrides, field):
    put_settings(api, admin_token, committee["id"], maximum=3)
    body = {**window(), "max_submissions": 3, "fee_fen": 100, **overrides}
    error = expect(api.put(f"/admin/committees/{committee['id']}/settings", json=body, token=admin_token),
                   422, "invalid_field")["error"]
    assert error["field"] == field
    got = settings_of(api, admin_token, committee["id"])
    assert got["max_submissions"] == 3 and got["fee_fen"] == 30000


def test_settings_of_something_that_is_not_a_committee(api, admin_token):
    department = create_org(api, admin_token, kind="department")
    expect(api.put(f"/admin/committees/{department['id']}/settings", token=admin_token,
                   json={**window(), "max_submissions": 2, "fee_fen": 0}), 404, "committee_not_found")
