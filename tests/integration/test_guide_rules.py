"""The guides' rules for the applicant's own buttons, through the gateway against
the running system: 删除 (a draft never submitted), 更改资格 (whenever not
submitted), 收回 (only while the unit has not opened or commented), and the route's
nodes labelled as the guides label them — each refusal shown."""
import pytest

from tests.client import expect, wait_for
from tests.integration.test_review_setup import build_world, new_application, submit, wait_task


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


def forward(api, token, app, **body):
    return api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意", **body})


def test_delete_a_draft_never_submitted_but_not_a_submitted_one(api, world, stack):
    draft = new_application(api, world)
    shown = expect(api.get(f"/applications/{draft['id']}", token=draft["token"]), 200)
    assert shown["can_delete"] is True and shown["can_change_qualification"] is True
    assert len(shown["attachments"]) >= 1
    expect(api.delete(f"/applications/{draft['id']}", token=draft["token"]), 204)
    expect(api.get(f"/applications/{draft['id']}", token=draft["token"]), 404, "application_not_found")
    # documents drops the deleted draft's files (on applications' event)
    wait_for(lambda: stack.sql("documents", "SELECT count(*) AS n FROM attachments WHERE application_id = %s",
                               draft["id"])[0]["n"] == 0)

    app = new_application(api, world)
    submitted = submit(api, app)
    assert submitted["can_delete"] is False and submitted["can_change_qualification"] is False
    expect(api.delete(f"/applications/{app['id']}", token=app["token"]), 409, "already_submitted")
    # someone else's application is not found at all
    expect(api.delete(f"/applications/{app['id']}", token=draft["token"]), 404)
    assert expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["status"] == "submitted"


def test_change_qualification_while_submitted_is_refused_and_works_after_withdraw(api, world):
    app = new_application(api, world)
    submit(api, app)
    body = {"qualification_id": world.qualification["id"]}
    expect(api.post(f"/applications/{app['id']}/change-qualification", token=app["token"], json=body),
           409, "already_submitted")
    back = expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 200)
    assert back["can_change_qualification"] is True and back["can_withdraw"] is False
    changed = expect(api.post(f"/applications/{app['id']}/change-qualification", token=app["token"], json=body), 200)
    assert changed["status"] == "draft"


def test_withdraw_is_refused_once_the_unit_opened_the_task(api, world):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    assert expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["can_withdraw"] is True
    expect(api.get(f"/review/applications/{app['id']}", token=world.unit_token), 200)  # 办理
    mine = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert mine["can_withdraw"] is False
    expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 409, "cannot_withdraw")


def test_withdraw_is_refused_once_the_unit_commented(api, world):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/comments", token=world.unit_token,
                    json={"section": "basic_info", "text": "照片不清晰"}), 201)
    expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 409, "cannot_withdraw")


def test_department_nodes_are_labelled_by_their_place_and_the_status_follows(api, world):
    app = new_application(api, world)
    planned = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert [n["label"] for n in planned["route"]] == ["申请人", "基层工作单位", "地州主管局", "地厅级材料接收部门",
                                                     "评审机构"]
    assert planned["status_info"]["node_labels"]["passed"] == "通过形式审核"
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    assert expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["status_info"][
        "name"] == "申请人提交到基层工作单位"
    # the unit's lists say the same (they read 已提交): each row carries the place holding it
    [task] = [t for t in expect(api.get("/review/tasks", token=world.unit_token), 200)["items"]
              if t["application_id"] == app["id"]]
    assert task["place"] == "unit"
    expect(forward(api, world.unit_token, app, opinion="同意推荐"), 200)
    mine = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert mine["status_info"]["name"] == "提交到地州主管局"
    assert [o["label"] for o in mine["opinions"]] == ["基层工作单位"]
    found = expect(api.get("/unit/applications", token=world.unit_token, params={"number": app["number"]}), 200)
    assert [row["place"] for row in found["items"]] == ["prefecture_department"]
    names = {s["key"]: s for s in expect(api.get("/statuses"), 200)}["submitted"]["names_at_node"]
    assert names["prefecture_department"] == "提交到地州主管局"


def test_the_committee_records_paper_material_and_the_applicant_sees_it(api, world, admin_token):
    """纸质材料报送: the application's own committee records the paper as received."""
    from tests.integration.accounts_helpers import create_org
    from tests.integration.test_review_setup import REGION, staff_tokens
    app = new_application(api, world)
    committee_staff = world.staff[world.committee["id"]][0]
    url = f"/committee/applications/{app['id']}/paper"
    expect(api.post(url, token=committee_staff, json={"received": True}), 409, "not_submitted")
    submit(api, app)
    other = staff_tokens(api, admin_token, create_org(api, admin_token, kind="committee", region_code=REGION)["id"])[0]
    expect(api.post(url, token=other, json={"received": True}), 404, "application_not_found")
    expect(api.post(url, token=world.unit_token, json={"received": True}), 403)
    recorded = expect(api.post(url, token=committee_staff, json={"received": True}), 200)
    assert recorded["paper_received"]["at"]
    mine = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert mine["paper_received"]["at"] == recorded["paper_received"]["at"]


def test_the_units_query_covers_its_applicants_drafts(api, world):
    """申请书查询 at the base unit lists its applicants' drafts too (not openable yet)."""
    draft = new_application(api, world)
    found = expect(api.get("/unit/applications", token=world.unit_token, params={"number": draft["number"]}), 200)
    assert [(i["application_id"], i["status"], i["reached"]) for i in found["items"]] == [
        (draft["id"], "draft", False)]
    # the review query shows only what reached the unit
    reached = expect(api.get("/review/applications", token=world.unit_token,
                             params={"number": draft["number"]}), 200)
    assert reached["items"] == []
    expect(api.get("/unit/applications", token=draft["token"]), 403)
