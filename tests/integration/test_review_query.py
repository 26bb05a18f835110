"""申请书查询 through the gateway on PostgreSQL: the name search finds an applicant
by any fragment of the name (served by the names' character index, migration
d5e6f7a8b9c0), combines with the other filters, and refuses what it cannot take."""
import pytest

from tests.client import expect
from tests.integration.test_review_setup import build_world, new_application, submit, wait_task


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


@pytest.fixture(scope="module")
def submitted(api, world):
    apps = {name: new_application(api, world, name=name) for name in ("欧阳明华", "王明", "李华明")}
    for app in apps.values():
        submit(api, app)
    for app in apps.values():
        wait_task(api, world.unit_token, app["id"])
    return apps


def names(api, token, **params):
    body = expect(api.get("/review/applications", token=token, params={"page_size": 100, **params}), 200)
    assert body["total"] == len(body["items"]) and body["total_is_lower_bound"] is False
    return sorted(item["applicant"]["name"] for item in body["items"])


def test_a_fragment_of_two_three_or_four_characters_finds_the_names_holding_it(api, world, submitted):
    token = world.unit_token  # the world's own unit: only these three reached it
    assert names(api, token) == sorted(submitted)
    assert names(api, token, name="明华") == ["欧阳明华"]     # in the middle
    assert names(api, token, name="华明") == ["李华明"]       # at the end
    assert names(api, token, name="欧阳") == ["欧阳明华"]     # at the start
    assert names(api, token, name="阳明华") == ["欧阳明华"]
    assert names(api, token, name="欧阳明华") == ["欧阳明华"]
    assert names(api, token, name=" 王明 ") == ["王明"]                  # blanks around are dropped
    assert names(api, token, name="明明") == []                          # both characters, but not adjacent
    assert names(api, token, name="%明") == [] and names(api, token, name="_明") == []  # no wildcards


def test_the_name_combines_with_number_status_and_year(api, world, submitted):
    token, app = world.unit_token, submitted["李华明"]
    assert names(api, token, name="华明", number=app["number"]) == ["李华明"]
    assert names(api, token, name="华明", number=submitted["王明"]["number"]) == []
    assert names(api, token, name="华明", status="submitted") == ["李华明"]
    assert names(api, token, name="华明", status="approved") == []
    assert names(api, token, name="华明", year=2001) == []


def test_another_organisation_does_not_find_them_by_name(api, world, submitted):
    committee_token = world.staff[world.committee["id"]][0]
    assert names(api, committee_token, name="王明") == []


@pytest.mark.parametrize("params, code, field", [
    ({"name": "张" * 65}, "invalid_field", "name"), ({"name": "明"}, "name_too_short", "name"),
    ({"name": " 明 "}, "name_too_short", "name"), ({"number": "R" * 33}, "invalid_field", "number"),
    ({"year": 1999}, "invalid_field", "year"), ({"page_size": 101}, "invalid_field", "page_size")])
def test_bad_filters_are_refused_with_the_field(api, world, params, code, field):
    error = expect(api.get("/review/applications", token=world.unit_token, params=params), 422)["error"]
    assert (error["code"], error["field"]) == (code, field) and error["message"]
