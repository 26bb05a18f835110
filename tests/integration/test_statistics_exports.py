"""统计 and Excel exports (issue #15 item 5) on the running system: each caller
counts only their own scope, an export opened with openpyxl has the rows of the
list it exports, and a scope or list the caller may not see is refused."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.client import expect, wait_for
from tests.integration.test_review_setup import build_world, new_application, submit, wait_task


@pytest.fixture(scope="module")
def world(api, admin_token):
    world = build_world(api, admin_token)
    first = new_application(api, world, name="统计甲")
    second = new_application(api, world, name="统计乙")
    for app in (first, second):
        submit(api, app)
        wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{first['id']}/forward", token=world.unit_token,
                    json={"opinion": "同意推荐"}), 200)
    expect(api.post(f"/review/applications/{second['id']}/return", token=world.unit_token,
                    json={"opinion": "请补充材料"}), 200)
    wait_task(api, world.staff[world.middle["id"]][0], first["id"])
    world.apps = (first, second)
    return world


def rows_of(response, sheet=None):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in (book[sheet] if sheet else book.active).iter_rows(values_only=True)]


def test_each_caller_counts_their_own_scope(api, world, admin_token):
    committee_token = world.staff[world.committee["id"]][0]
    mine = wait_for(lambda: (s := expect(api.get("/statistics", token=committee_token), 200))["total"] == 2
                    and {r["key"] for r in s["by_status"]} == {"submitted", "returned"} and s)
    assert mine["scope"] == "committee" and [r["count"] for r in mine["by_level"]] == [2]
    assert [r["key"] for r in mine["by_series"]] == ["工程系列"] and mine["by_kind"] == [{"key": "review", "count": 2}]
    unit_node = next(n for n in mine["nodes"] if n["node"] == "unit")
    assert unit_node["done"] == 2 and unit_node["median_hours"] is not None and unit_node["waiting"] == 0
    assert next(n for n in mine["nodes"] if n["node"] == "department")["waiting"] == 1
    assert sum(d["count"] for d in mine["submissions"]["per_day"]) == 2
    assert sum(d["count"] for d in mine["submissions"]["before_deadline"]) == 2

    department = expect(api.get("/statistics", token=world.staff[world.middle["id"]][0]), 200)
    assert department["scope"] == "reached" and department["total"] == 1

    admin = expect(api.get("/statistics", token=admin_token, params={"committee_id": world.committee["id"]}), 200)
    assert admin["total"] == 2 and admin["scope"] == "all"

    other = build_world(api, admin_token)
    outsider = other.staff[other.committee["id"]][0]
    assert expect(api.get("/statistics", token=outsider), 200)["total"] == 0
    expect(api.get("/statistics", token=outsider, params={"committee_id": world.committee["id"]}), 403,
           "statistics_forbidden")
    expect(api.get("/statistics/export.xlsx", token=outsider, params={"committee_id": world.committee["id"]}),
           403, "statistics_forbidden")
    expect(api.get("/statistics", token=world.apps[0]["token"]), 403)
    expect(api.get("/statistics", token=world.unit_token), 403)


def test_the_statistics_export_opens_with_openpyxl(api, world):
    rows = rows_of(api.get("/statistics/export.xlsx", token=world.staff[world.committee["id"]][0]), "概况")
    assert rows[0] == ["项目", "数值"] and ["申请书总数", 2] in rows
    # kinds and regions by name, as the 统计 page shows them
    token = world.staff[world.committee["id"]][0]
    assert rows_of(api.get("/statistics/export.xlsx", token=token), "按申报类型")[1:] == [["评审", 2]]
    regions = {r["code"]: r["name"] for r in expect(api.get("/regions"), 200)}
    by_region = rows_of(api.get("/statistics/export.xlsx", token=token), "按地区")[1:]
    assert by_region and all(name in regions.values() for name, _ in by_region), by_region


def test_the_query_export_has_the_rows_of_the_list(api, world, admin_token):
    rows = rows_of(api.get("/review/export/applications.xlsx", token=world.unit_token))
    assert rows[0][:3] == ["申请书编号", "年度", "状态"]
    assert sorted(r[0] for r in rows[1:]) == sorted(a["number"] for a in world.apps)
    listed = expect(api.get("/review/applications", token=world.unit_token, params={"page_size": 100}), 200)
    assert len(rows) - 1 == listed["total"]
    # the same filters as 申请书查询
    one = rows_of(api.get("/review/export/applications.xlsx", token=world.unit_token,
                          params={"number": world.apps[0]["number"]}))
    assert len(one) == 2 and one[1][0] == world.apps[0]["number"] and one[1][3] == "统计甲"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", one[1][8]), one[1][8]   # 到达本机构时间, Beijing time
    # an admin names the organisation; nobody else may name another's
    by_admin = rows_of(api.get("/review/export/applications.xlsx", token=admin_token,
                               params={"org_id": world.unit["unit_id"]}))
    assert len(by_admin) == 3
    other = build_world(api, admin_token)
    expect(api.get("/review/export/applications.xlsx", token=other.unit_token,
                   params={"org_id": world.unit["unit_id"]}), 403, "export_forbidden")
    expect(api.get("/review/export/applications.xlsx", token=world.staff[world.middle["id"]][0],
                   params={"org_id": world.committee["id"]}), 403, "export_forbidden")
    expect(api.get("/review/export/applications.xlsx", token=world.apps[0]["token"]), 403)
    assert len(rows_of(api.get("/review/export/applications.xlsx", token=other.unit_token))) == 1
