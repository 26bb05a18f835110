"""Notices through the gateway: 通知公告 and 纸质材料报送要求 written by platform
admins and committee staff, read by anyone; every refusal leaves the table as it was."""
import pytest

from gateway.routes.notices import NoticeList, NoticeOut
from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, create_org, login, unique
from tests.integration.test_applications_world import make_applicant


@pytest.fixture(scope="module")
def committee(api, admin_token):
    return create_org(api, admin_token, kind="committee", region_code="650100")


def add_staff(api, admin_token, org):
    username = unique("tz")
    expect(api.post(f"/admin/organizations/{org['id']}/staff", token=admin_token,
                    json={"username": username, "password": PASSWORD, "name": "评委会秘书",
                          "phone": "13900002222"}), 201)
    return login(api, username)["token"]


@pytest.fixture(scope="module")
def staff_token(api, admin_token, committee):
    return add_staff(api, admin_token, committee)


def notice_body(**overrides):
    return {"kind": "announcement", "title": unique("关于职称评审工作的通知"),
            "body": "各有关单位：\n请按时报送材料。", "region_code": "650000", **overrides}


def snapshot(stack):
    return stack.sql("applications", "SELECT id, title, body, kind, pinned, committee_id FROM notices ORDER BY id")


def test_admin_posts_reads_updates_and_deletes(api, admin_token):
    created = expect(api.post("/notices", token=admin_token, json=notice_body(pinned=True)), 201)
    NoticeOut.model_validate(created)
    assert created["kind_name"] == "通知公告" and created["pinned"] is True and created["committee"] is None
    assert created["author"]["name"] and created["region_code"] == "650000"
    assert created["published_at"].endswith("+08:00")

    public = expect(api.get(f"/public/notices/{created['id']}"), 200)  # no token: public
    assert public["title"] == created["title"] and public["body"] == "各有关单位：\n请按时报送材料。"
    assert "impersonated_by" not in public

    changed = expect(api.put(f"/notices/{created['id']}", token=admin_token,
                             json=notice_body(title="更正通知", kind="paper_materials")), 200)
    assert changed["title"] == "更正通知" and changed["kind_name"] == "纸质材料报送要求"
    assert changed["pinned"] is False  # PUT replaces the whole notice

    response = api.delete(f"/notices/{created['id']}", token=admin_token)
    assert response.status_code == 204
    expect(api.get(f"/public/notices/{created['id']}"), 404, "notice_not_found")
    expect(api.delete(f"/notices/{created['id']}", token=admin_token), 404, "notice_not_found")


def test_committee_staff_write_for_their_own_committee(api, committee, staff_token):
    created = expect(api.post("/notices", token=staff_token,
                              json=notice_body(kind="paper_materials", region_code="650000")), 201)
    # The committee and its region are the staff's own, whatever the body said.
    assert created["committee"] == {"id": committee["id"], "name": committee["name"]}
    assert created["region_code"] == "650100"
    listed = expect(api.get("/public/notices", params={"committee_id": committee["id"]}), 200)
    NoticeList.model_validate(listed)
    assert created["id"] in [item["id"] for item in listed["items"]]
    expect(api.put(f"/notices/{created['id']}", token=staff_token, json=notice_body(title="已修改")), 200)
    assert api.delete(f"/notices/{created['id']}", token=staff_token).status_code == 204


def test_another_committees_staff_cannot_touch_it(api, admin_token, staff_token, stack):
    other = create_org(api, admin_token, kind="committee")
    other_token = add_staff(api, admin_token, other)
    mine = expect(api.post("/notices", token=staff_token, json=notice_body()), 201)
    regional = expect(api.post("/notices", token=admin_token, json=notice_body()), 201)
    before = snapshot(stack)
    for notice in (mine, regional):
        expect(api.put(f"/notices/{notice['id']}", token=other_token, json=notice_body(title="篡改")),
               404, "notice_not_found")
        expect(api.delete(f"/notices/{notice['id']}", token=other_token), 404, "notice_not_found")
    # Naming another committee when posting is refused outright.
    expect(api.post("/notices", token=other_token, json=notice_body(committee_id=mine["committee"]["id"])),
           403, "forbidden")
    assert snapshot(stack) == before


def test_applicants_and_anonymous_callers_may_not_write(api, admin_token, stack):
    person = make_applicant(api)
    existing = expect(api.post("/notices", token=admin_token, json=notice_body()), 201)
    before = snapshot(stack)
    expect(api.post("/notices", token=person["token"], json=notice_body()), 403, "forbidden")
    expect(api.put(f"/notices/{existing['id']}", token=person["token"], json=notice_body()), 403, "forbidden")
    expect(api.delete(f"/notices/{existing['id']}", token=person["token"]), 403, "forbidden")
    expect(api.post("/notices", json=notice_body()), 401)
    assert snapshot(stack) == before


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "news"}, "kind"),
    ({"title": "题" * 101}, "title"),
    ({"title": ""}, "title"),
    ({"body": "文" * 20001}, "body"),
    ({"body": None}, "body"),
    ({"body": 5}, "body"),
    ({"region_code": "659999"}, "region_code"),
    ({"region_code": "65"}, "region_code"),
    ({"committee_id": "no-such-committee"}, "committee_id"),
    ({"published_at": "明天"}, "published_at"),
])
def test_bad_notices_are_refused_with_the_field(api, admin_token, stack, overrides, field):
    before = snapshot(stack)
    error = expect(api.post("/notices", token=admin_token, json=notice_body(**overrides)), 422)["error"]
    assert error["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # a Chinese message
    assert snapshot(stack) == before


def test_a_bad_update_changes_nothing(api, admin_token, stack):
    notice = expect(api.post("/notices", token=admin_token, json=notice_body()), 201)
    before = snapshot(stack)
    error = expect(api.put(f"/notices/{notice['id']}", token=admin_token,
                           json=notice_body(title="题" * 101)), 422, "invalid_field")["error"]
    assert error["field"] == "title"
    expect(api.put("/notices/no-such-notice", token=admin_token, json=notice_body()), 404, "notice_not_found")
    assert snapshot(stack) == before


def test_public_listing_order_filters_and_pages(api, admin_token):
    region = "652800"  # a region no other test writes to
    made = {}
    for title, moment, pinned in (("旧", "2026-01-05T09:00:00+08:00", False),
                                  ("新", "2026-03-05T09:00:00+08:00", False),
                                  ("置顶", "2025-12-01T09:00:00+08:00", True)):
        made[title] = expect(api.post("/notices", token=admin_token, json=notice_body(
            title=title, region_code=region, published_at=moment, pinned=pinned)), 201)
    expect(api.post("/notices", token=admin_token, json=notice_body(
        kind="paper_materials", title="报送要求", region_code=region, published_at="2026-02-01T09:00:00+08:00")), 201)
    future = expect(api.post("/notices", token=admin_token, json=notice_body(
        title="未来", region_code=region, published_at="2099-01-01T00:00:00+08:00")), 201)

    listed = expect(api.get("/public/notices", params={"region_code": region, "kind": "announcement"}), 200)
    NoticeList.model_validate(listed)
    assert [item["title"] for item in listed["items"]] == ["置顶", "新", "旧"]
    assert listed["total"] == 3 and listed["page"] == 1 and listed["page_size"] == 20
    assert listed["items"][0]["summary"].startswith("各有关单位") and "body" not in listed["items"][0]

    paged = expect(api.get("/public/notices", params={"region_code": region, "page": 2, "page_size": 2}), 200)
    assert paged["total"] == 4 and [item["title"] for item in paged["items"]] == ["报送要求", "旧"]
    materials = expect(api.get("/public/notices", params={"region_code": region, "kind": "paper_materials"}), 200)
    assert [item["title"] for item in materials["items"]] == ["报送要求"]
    expect(api.get(f"/public/notices/{future['id']}"), 404, "notice_not_found")  # not yet published

    for params, field in (({"kind": "news"}, "kind"), ({"page_size": 101}, "page_size"),
                          ({"page": 0}, "page"), ({"region_code": "x"}, "region_code")):
        assert expect(api.get("/public/notices", params=params), 422, "invalid_field")["error"]["field"] == field


def test_impersonated_writes_record_the_admin(api, admin_token, committee):
    username = unique("tzimp")
    expect(api.post(f"/admin/organizations/{committee['id']}/staff", token=admin_token,
                    json={"username": username, "password": PASSWORD, "name": "被模拟秘书",
                          "phone": "13900003333"}), 201)
    acting = expect(api.post("/admin/impersonate", json={"username": username}, token=admin_token), 200)
    created = expect(api.post("/notices", token=acting["token"], json=notice_body()), 201)
    assert created["author"]["name"] == "被模拟秘书"
    assert created["impersonated_by"]["username"] == "admin"


def test_openapi_lists_the_notice_endpoints(api):
    paths = expect(api.get("/openapi.json"), 200)["paths"]
    assert {"post"} <= set(paths["/api/v1/notices"]) and {"put", "delete"} <= set(paths["/api/v1/notices/{id}"])
    assert "get" in paths["/api/v1/public/notices"] and "get" in paths["/api/v1/public/notices/{id}"]
