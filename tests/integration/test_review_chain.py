"""The formal-review chain through the real broker, database and gateway: unit →
two departments → committee → formal_review_passed, and every refusal on the way."""
import threading

import pytest

from tests.client import expect
from tests.integration.accounts_helpers import create_org, login, register_unit
from tests.integration.test_review_setup import (
    build_world,
    climb_to_committee,
    complete_unit,
    new_application,
    status_of,
    submit,
    wait_for,
    wait_task,
)


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


def forward(api, token, app, **body):
    return api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意", **body})


def states(route):
    return [(n["node"], n["org_id"], n["state"]) for n in route]


def test_whole_chain_with_a_return_and_a_resubmit(api, world):
    app = new_application(api, world, name="王小明")
    middle, top, committee = world.middle, world.top, world.committee
    unit_id = world.unit["unit_id"]

    planned = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["route"]
    assert states(planned) == [("applicant", None, "current"), ("unit", unit_id, "pending"),
                               ("department", middle["id"], "pending"), ("department", top["id"], "pending"),
                               ("committee", committee["id"], "pending")]
    assert planned[2]["name"] == middle["name"] and planned[2]["contact"] == {"person": "王五",
                                                                              "phone": "0991-7654321"}
    assert planned[1]["contact"] == {"person": "李四", "phone": "0991-1234567"}

    submit(api, app)
    task = wait_task(api, world.unit_token, app["id"])
    assert task["number"] == app["number"] and task["applicant"]["name"] == "王小明"
    assert task["overdue"] is False

    # The unit comments on a section and returns it; the applicant sees both.
    expect(api.post(f"/review/applications/{app['id']}/comments", token=world.unit_token,
                    json={"section": "basic_info", "text": "身份证扫描件不清晰"}), 201)
    expect(api.post(f"/review/applications/{app['id']}/comments", token=world.unit_token,
                    json={"section": "no_such_section", "text": "x"}), 422, "unknown_section")
    expect(api.post(f"/review/applications/{app['id']}/return", token=world.unit_token,
                    json={"opinion": "请重新上传身份证"}), 200)
    mine = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert mine["status"] == "returned"
    assert [(c["section"], c["text"], c["round"]) for c in mine["comments"]] == [
        ("basic_info", "身份证扫描件不清晰", 1)]
    assert [(o["node"], o["action"], o["text"]) for o in mine["opinions"]] == [("unit", "return", "请重新上传身份证")]
    assert mine["route"][0]["state"] == "current"

    # Resubmitted: a new round at the unit; the first round stays as it was.
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=world.unit_token, json={"opinion": " "}),
           422, "opinion_required")
    expect(forward(api, world.unit_token, app, opinion="同意推荐"), 200)
    wait_task(api, world.staff[middle["id"]][0], app["id"])
    route = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["route"]
    assert [n["state"] for n in route] == ["done", "done", "current", "pending", "pending"]

    # The unit has acted: withdraw is refused; the unit may no longer act.
    expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 409, "cannot_withdraw")
    expect(forward(api, world.unit_token, app), 409, "not_your_turn")
    # The committee has not been reached yet: it does not see the application at all.
    expect(api.get(f"/review/applications/{app['id']}", token=world.staff[committee["id"]][0]), 404)

    for org in (middle, top):
        token = world.staff[org["id"]][0]
        wait_task(api, token, app["id"])
        detail = expect(api.get(f"/review/applications/{app['id']}", token=token), 200)
        assert detail["can_act"] is True and detail["sections"]["basic_info"]["name"] == "王小明"
        assert len(detail["attachments"]) >= 1
        expect(forward(api, token, app), 200)

    committee_token = world.staff[committee["id"]][0]
    wait_task(api, committee_token, app["id"])
    expect(forward(api, committee_token, app, opinion="形式审核通过"), 200)
    # The fee is zero here, so payments may move it on to ready_for_meeting at once.
    wait_for(lambda: status_of(api, app) in ("formal_review_passed", "ready_for_meeting"))
    final = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
    assert all(n["state"] == "done" for n in final["route"])
    assert [(o["node"], o["action"], o["round"]) for o in final["opinions"]] == [
        ("unit", "return", 1), ("unit", "forward", 2), ("department", "forward", 2), ("department", "forward", 2),
        ("committee", "forward", 2)]
    # Everyone on the route finds it in their query; the round-1 comment is still there.
    for token in (world.unit_token, world.staff[middle["id"]][1], committee_token):
        found = expect(api.get("/review/applications", token=token, params={"number": app["number"]}), 200)
        assert found["total"] == 1 and found["items"][0]["application_id"] == app["id"]
    assert expect(api.get(f"/review/applications/{app['id']}", token=committee_token), 200)["comments"][0][
        "text"] == "身份证扫描件不清晰"


def test_notifications_reach_the_node_staff_and_the_applicant(api, world, stack):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    expect(forward(api, world.unit_token, app, opinion="同意推荐"), 200)
    wait_task(api, world.staff[world.middle["id"]][0], app["id"])
    # The return's SMS says why (#14: "the return SMS has no reason"), cut to fit; the inbox keeps it whole.
    reason = "材料不全：" + "职称外语和计算机合格证书未上传，" * 4 + "请补齐后重新提交。"
    expect(api.post(f"/review/applications/{app['id']}/return", token=world.staff[world.middle["id"]][0],
                    json={"opinion": reason}), 200)

    def messages(kind):
        return stack.sql("accounts", "SELECT n.user_id, n.body FROM notifications n WHERE n.kind = %s "
                         "AND n.body LIKE %s", kind, f"%{app['number']}%")
    middle_staff = {expect(api.get("/me", token=t), 200)["id"] for t in world.staff[world.middle["id"]]}
    arrivals = wait_for(lambda: messages("review_task") if middle_staff <= {
        r["user_id"] for r in messages("review_task")} else None)
    assert middle_staff <= {r["user_id"] for r in arrivals}   # every staff member of the node it reached
    changes = wait_for(lambda: messages("application_status") if any(
        "已退回" in r["body"] for r in messages("application_status")) else None)
    assert {r["user_id"] for r in changes} == {app["person"]["user_id"]}
    sms = next(r["body"] for r in changes if "已退回" in r["body"])
    assert "退回意见：材料不全：职称外语和计算机合格证书未上传" in sms and "…" in sms and "全文见平台站内信" in sms
    assert reason not in sms
    inbox = stack.sql("accounts", "SELECT body FROM inbox_messages WHERE user_id = %s AND kind = 'application_status' "
                      "AND body LIKE %s", app["person"]["user_id"], "%退回意见%")
    assert [r["body"].split("退回意见：", 1)[1] for r in inbox] == [reason]


def test_withdraw_before_the_unit_acts(api, world):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    body = expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"]), 200)
    assert body["status"] == "draft"
    tasks = expect(api.get("/review/tasks", token=world.unit_token, params={"page_size": 100}), 200)
    assert app["id"] not in [t["application_id"] for t in tasks["items"]]
    expect(forward(api, world.unit_token, app, opinion="同意推荐"), 409, "not_your_turn")


def test_an_organisation_off_the_route_sees_nothing(api, world, admin_token):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    stranger = create_org(api, admin_token, kind="department", region_code="650100")
    from tests.integration.test_review_setup import staff_tokens
    token = staff_tokens(api, admin_token, stranger["id"])[0]
    expect(api.get(f"/review/applications/{app['id']}", token=token), 404)
    expect(forward(api, token, app), 404)
    expect(api.post(f"/review/applications/{app['id']}/comments", token=token,
                    json={"section": "basic_info", "text": "x"}), 404)
    assert expect(api.get("/review/applications", token=token), 200)["total"] == 0
    # An applicant is not a reviewer.
    expect(api.get("/review/tasks", token=app["token"]), 403)


def test_unit_with_incomplete_information_cannot_review(api, world):
    unit = register_unit(api, region_code="650100")
    token = login(api, unit["username"])["token"]
    # Recommending unit set, but no legal person: incomplete.
    body = expect(api.put(f"/units/{unit['unit_id']}", token=token,
                          json={"recommending_unit_ids": [world.middle["id"]]}), 200)
    assert body["complete"] is False
    other = type(world)(**{**world.__dict__, "unit": unit, "unit_token": token})
    app = new_application(api, other)
    submit(api, app)
    wait_task(api, token, app["id"])
    expect(forward(api, token, app, opinion="同意推荐"), 409, "unit_incomplete")
    expect(api.post(f"/review/applications/{app['id']}/return", token=token, json={"opinion": "退回"}),
           409, "unit_incomplete")
    expect(api.post(f"/review/applications/{app['id']}/comments", token=token,
                    json={"section": "basic_info", "text": "x"}), 409, "unit_incomplete")
    assert status_of(api, app) == "submitted"
    assert expect(api.get(f"/review/applications/{app['id']}", token=token), 200)["comments"] == []
    complete_unit(api, other, [world.middle["id"]])
    expect(forward(api, token, app, opinion="同意推荐"), 200)


def test_two_recommending_units_pick_one_and_a_broken_chain_is_refused(api, world, admin_token):
    orphan = create_org(api, admin_token, kind="department", region_code="650100")  # no parent, not receiving
    unit = register_unit(api, region_code="650100")
    token = login(api, unit["username"])["token"]
    other = type(world)(**{**world.__dict__, "unit": unit, "unit_token": token})
    complete_unit(api, other, [world.middle["id"], orphan["id"]])
    app = new_application(api, other)
    submit(api, app)
    wait_task(api, token, app["id"])
    expect(forward(api, token, app, opinion="同意推荐"), 422, "recommending_unit_required")
    expect(forward(api, token, app, opinion="同意推荐", recommending_unit_id=world.top["id"]),
           422, "invalid_recommending_unit")
    refused = forward(api, token, app, opinion="同意推荐", recommending_unit_id=orphan["id"])
    body = expect(refused, 409, "no_route")
    assert orphan["name"] in body["error"]["message"] and body["error"]["broken_at"] == orphan["id"]
    assert status_of(api, app) == "submitted"
    # The unit changes its recommending units mid-review: the route from here on follows.
    complete_unit(api, other, [world.top["id"]])
    # accounts' change reaches review's copy of the unit by an event, and the page then
    # (review tells the gateways): moments after the unit's answer
    followed = [("department", world.top["id"], "pending"), ("committee", world.committee["id"], "pending")]
    wait_for(lambda: states(expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["route"])[2:]
             == followed, seconds=10, what="the route following the unit's new recommending unit")
    expect(forward(api, token, app, opinion="同意推荐"), 200)
    wait_task(api, world.staff[world.top["id"]][0], app["id"])


def test_two_staff_forwarding_at_once_one_wins(api, world):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    expect(forward(api, world.unit_token, app, opinion="同意推荐"), 200)
    first, second = world.staff[world.middle["id"]]
    wait_task(api, first, app["id"])
    results = [None, None]
    barrier = threading.Barrier(2)

    def act(i, token):
        barrier.wait()
        results[i] = forward(api, token, app)

    threads = [threading.Thread(target=act, args=(i, t)) for i, t in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["error"]["code"] in ("task_busy", "not_your_turn")
    # Exactly one forward happened: one task at the top department, one opinion from the middle.
    wait_task(api, world.staff[world.top["id"]][0], app["id"])
    detail = expect(api.get(f"/review/applications/{app['id']}", token=world.staff[world.top["id"]][0]), 200)
    assert [o["org_id"] for o in detail["opinions"]].count(world.middle["id"]) == 1
    assert [h["action"] for h in detail["history"]].count("forward") == 2


def test_committee_forward_is_formal_review_passed(api, world):
    app = new_application(api, world)
    submit(api, app)
    climb_to_committee(api, world, app)
    committee_token = world.staff[world.committee["id"]][1]
    tasks = expect(api.get("/review/tasks", token=committee_token), 200)
    assert app["id"] in [t["application_id"] for t in tasks["items"]]
    expect(forward(api, committee_token, app), 200)
    assert status_of(api, app) in ("formal_review_passed", "ready_for_meeting")
    # Done is done: nobody can act on it again.
    expect(forward(api, committee_token, app), 409, "not_your_turn")
