"""The committee's experts through the real stack (issue 13): the pool, a random
draw that screens out conflicts of interest with each reason recorded, the
experts' declarations and secret votes, closing into the meeting record, and on
to publicity, approval and the certificate — with every refusal along the way."""
import pytest

from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, id_number, login, phone, unique
from tests.integration.test_review_committee import short_window, staff, wait_until_ended
from tests.integration.test_review_setup import (
    build_world,
    new_application,
    status_of,
    to_ready_for_meeting,
    wait_status,
)
from zc_common.clock import now

NEW_PASSWORD = "Expert2026pass"


def expert_body(**overrides):
    return {"username": unique("expert"), "password": PASSWORD, "name": unique("专家"), "id_number": id_number(),
            "phone": phone(), "specialties": ["机械"], "title": "正高级工程师", "level": "正高",
            "unit_name": unique("新疆大学"), "region_code": "650200", "reason": "经推荐评审入库", **overrides}


def add_expert(api, token, **overrides):
    body = expert_body(**overrides)
    made = expect(api.post("/committee/experts", token=token, json=body), 201)
    return {**body, **made}


def expert_token(api, expert):
    """An expert's first login: the secretary issued the password, so it is changed first."""
    token = login(api, expert["username"])["token"]
    expect(api.post("/me/password", token=token, json={"old_password": PASSWORD, "new_password": NEW_PASSWORD}),
           200)
    return token


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


@pytest.fixture(scope="module")
def ready(api, world):
    """Two applications waiting for the meeting, and a third person who applies too."""
    apps = []
    for name in ("甲", "乙"):
        app = new_application(api, world, name=f"专家测试{name}")
        to_ready_for_meeting(api, world, app)
        apps.append(app)
    return apps


def test_pool_draw_declare_vote_close_publicity_approval(api, world, ready):
    secretary = staff(world)
    first, second = ready
    # The pool: six experts who may judge, and one for each reason of exclusion.
    clean = [add_expert(api, secretary) for _ in range(6)]
    same_unit = add_expert(api, secretary, unit_name=world.unit["name"])
    related = add_expert(api, secretary, relations=[{"kind": "coauthor", "name": "专家测试甲"}])
    applying = add_expert(api, secretary, id_number=second["person"]["id_number"])
    nearby = add_expert(api, secretary, region_code=world.unit["region_code"])
    other_specialty = add_expert(api, secretary, specialties=["电气"])
    gone = add_expert(api, secretary)
    expect(api.post(f"/committee/experts/{gone['id']}/removal", token=secretary, json={"reason": "退休"}), 200)
    expect(api.post(f"/committee/experts/{gone['id']}/removal", token=secretary, json={"reason": "退休"}), 409,
           "not_in_pool")
    pool = {e["id"]: e for e in expect(api.get("/committee/experts", token=secretary), 200)}
    assert pool[gone["id"]]["active"] is False and pool[gone["id"]]["stays"][0]["removed_reason"] == "退休"
    assert pool[clean[0]["id"]]["active"] is True
    # The same username again is the same expert: already in the pool.
    expect(api.post("/committee/experts", token=secretary, json={**expert_body(), "username": clean[0]["username"]}),
           409, "already_in_pool")

    draw = {"title": "机械专业评审会", "held_on": now().date().isoformat(),
            "application_ids": [first["id"], second["id"]], "specialties": ["机械"], "exclude_same_area": True}
    # Six remain eligible: asking for seven names the six.
    refused = expect(api.post("/committee/panels", token=secretary, json={**draw, "panel_size": 7}), 409,
                     "not_enough_experts")
    assert "只有6人" in refused["error"]["message"]
    panel = expect(api.post("/committee/panels", token=secretary, json={**draw, "panel_size": 5, "reserves": 1}), 201)
    assert panel["seed"] and len(panel["seats"]) == 6
    members = [s["expert_id"] for s in panel["seats"] if s["role"] == "member"]
    [reserve] = [s["expert_id"] for s in panel["seats"] if s["role"] == "reserve"]
    assert set(members + [reserve]) == {e["id"] for e in clean}
    why = {(x["expert_id"], x["reason"]) for x in panel["exclusions"]}
    assert {(same_unit["id"], "own_unit"), (related["id"], "relation"), (applying["id"], "applicant"),
            (nearby["id"], "same_area")} <= why
    assert all(x["reason_name"] and x["detail"] for x in panel["exclusions"])
    candidates = {c["expert_id"] for c in panel["candidates"]}
    assert other_specialty["id"] not in candidates and gone["id"] not in candidates
    # The applications are on this panel now: no second draw for them.
    expect(api.post("/committee/panels", token=secretary, json={**draw, "panel_size": 3}), 409, "already_on_panel")

    by_id = {e["id"]: e for e in clean}
    tokens = {expert_id: expert_token(api, by_id[expert_id]) for expert_id in members + [reserve]}
    declining, *staying = members
    one = staying[0]
    # Nothing of the dossier before declaring; a reserve not called sees no panel at all.
    mine = expect(api.get("/expert/panels", token=tokens[one]), 200)
    assert [p["id"] for p in mine] == [panel["id"]] and mine[0]["declared"] is False
    assert expect(api.get(f"/expert/panels/{panel['id']}", token=tokens[one]), 200)["applications"] == []
    expect(api.get(f"/applications/{first['id']}/review-form.pdf", token=tokens[one]), 404)
    expect(api.get(f"/applications/{first['id']}/attachments", token=tokens[one]), 404)
    expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=tokens[one], json={"choice": "for"}),
           409, "declaration_required")
    expect(api.get(f"/expert/panels/{panel['id']}", token=tokens[reserve]), 404)
    # A member declines: the reserve takes the seat.
    assert expect(api.post(f"/expert/panels/{panel['id']}/decline", token=tokens[declining],
                           json={"reason": "出差在外"}), 200)["replaced"] is True
    expect(api.get(f"/expert/panels/{panel['id']}", token=tokens[declining]), 404)
    voters = staying + [reserve]
    expect(api.post(f"/expert/panels/{panel['id']}/declaration", token=tokens[one], json={"confirm": False}), 422,
           "declaration_required")
    for expert_id in voters:
        seen = expect(api.post(f"/expert/panels/{panel['id']}/declaration", token=tokens[expert_id],
                               json={"confirm": True}), 200)
        assert [a["id"] for a in seen["applications"]] == [first["id"], second["id"]]
    expect(api.post(f"/expert/panels/{panel['id']}/declaration", token=tokens[one], json={"confirm": True}), 409,
           "already_declared")
    # Declared: the 评审表 and the attachments open.
    response = api.get(f"/applications/{first['id']}/review-form.pdf", token=tokens[one])
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert expect(api.get(f"/applications/{first['id']}/attachments", token=tokens[one]), 200)

    # Votes: the first passes 4 of 5 (≥ ⌈10/3⌉ = 4); one expert votes, then changes the vote.
    vote = expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=tokens[one],
                          json={"choice": "against", "score": 60}), 200)
    assert vote["changed"] is False
    vote = expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=tokens[one],
                          json={"choice": "for", "score": 85, "comment": "业绩突出"}), 200)
    assert vote["changed"] is True
    for expert_id, choice in zip(voters[1:], ("for", "for", "for", "against")):
        expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=tokens[expert_id],
                       json={"choice": choice}), 200)
    # A conflict declared late: that expert's vote on the second is void and refused.
    late = voters[-1]
    expect(api.put(f"/expert/panels/{panel['id']}/votes/{second['id']}", token=tokens[late],
                   json={"choice": "for"}), 200)
    expect(api.post(f"/expert/panels/{panel['id']}/conflicts", token=tokens[late],
                    json={"application_id": second["id"], "reason": "发现曾为其论文合作者"}), 200)
    expect(api.put(f"/expert/panels/{panel['id']}/votes/{second['id']}", token=tokens[late],
                   json={"choice": "for"}), 403, "excluded")
    expect(api.get(f"/applications/{second['id']}/review-form.pdf", token=tokens[late]), 404)
    for expert_id in voters[:-1]:
        expect(api.put(f"/expert/panels/{panel['id']}/votes/{second['id']}", token=tokens[expert_id],
                       json={"choice": "for"}), 200)

    # The secretary sees progress, never the votes themselves.
    detail = expect(api.get(f"/committee/panels/{panel['id']}", token=secretary), 200)
    progress = {a["id"]: (a["voted"], a["voters"]) for a in detail["applications"]}
    assert progress == {first["id"]: (5, 5), second["id"]: (4, 4)}
    assert "against" not in str(detail) and "业绩突出" not in str(detail)
    assert any(x["stage"] == "declared" and x["expert_id"] == late for x in detail["exclusions"])

    # Applicants and units reach none of it.
    for token in (first["token"], world.unit_token):
        expect(api.get("/expert/panels", token=token), 403)
        expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=token, json={"choice": "for"}),
               403)
        expect(api.get("/committee/experts", token=token), 403)
        expect(api.get(f"/committee/panels/{panel['id']}", token=token), 403)
        expect(api.get(f"/committee/experts/{one}/history", token=token), 403)
    # Another committee's secretary does not find this panel.
    other = build_world(api, world.admin)
    expect(api.get(f"/committee/panels/{panel['id']}", token=staff(other)), 404)
    expect(api.post(f"/committee/panels/{panel['id']}/close", token=staff(other)), 404)

    closed = expect(api.post(f"/committee/panels/{panel['id']}/close", token=secretary), 200)
    assert closed["mode"] == "online"
    outcome = {r["application_id"]: (r["experts_present"], r["votes_for"], r["passed"]) for r in closed["results"]}
    # The second: 4 for of 4 present, but the committee's quorum is 5 — fails.
    assert outcome == {first["id"]: (5, 4, True), second["id"]: (4, 4, False)}
    expect(api.put(f"/expert/panels/{panel['id']}/votes/{first['id']}", token=tokens[one], json={"choice": "for"}),
           409, "voting_closed")
    expect(api.post(f"/committee/panels/{panel['id']}/close", token=secretary), 409, "voting_closed")
    wait_status(api, first, "passed")
    wait_status(api, second, "failed")
    meetings = {m["id"]: m for m in expect(api.get("/committee/meetings", token=secretary), 200)}
    assert meetings[closed["id"]]["mode"] == "online"

    # Downstream as before: publicity, approval, certificate.
    publicity = expect(api.post(f"/committee/meetings/{closed['id']}/publicity", token=secretary,
                                json=short_window()), 201)
    listed = [p for p in expect(api.get("/public/publicity"), 200) if p["publicity_id"] == publicity["id"]]
    assert [p["application_number"] for p in listed] == [first["number"]]
    assert not any(by_id.get(e, {}).get("name", "-") in str(listed) for e in voters)
    wait_until_ended(publicity)
    approval = expect(api.post(f"/committee/meetings/{closed['id']}/approval", token=secretary,
                               json={"document_no": unique("新职改字〔2026〕专家")}), 201)
    assert approval["approved"] == [first["id"]] and approval["certificates_issued"] is True
    wait_status(api, first, "approved")
    assert [c["name"] for c in expect(api.get("/certificates", token=first["token"]), 200)] == ["专家测试甲"]
    assert status_of(api, second) == "failed"

    # 参评记录: the committee's and the expert's own.
    record = expect(api.get(f"/committee/experts/{late}/history", token=secretary), 200)
    assert record[0]["panel_id"] == panel["id"] and record[0]["voted"] == 1
    assert record[0]["exclusions"][0]["stage"] == "declared"
    excluded = expect(api.get(f"/committee/experts/{same_unit['id']}/history", token=secretary), 200)
    assert excluded[0]["drawn"] is False and excluded[0]["exclusions"][0]["reason"] == "own_unit"
    assert expect(api.get(f"/committee/experts/{late}/history", token=world.admin), 200)[0]["panel_id"] == panel["id"]
    expect(api.get(f"/committee/experts/{late}/history", token=staff(other)), 404)
    assert expect(api.get("/expert/history", token=tokens[declining]), 200)[0]["state"] == "declined"


def test_paper_meetings_stay_and_are_marked(api, world):
    app = new_application(api, world, name="纸质会议")
    to_ready_for_meeting(api, world, app)
    body = expect(api.post("/committee/meetings", token=staff(world), json={
        "year": now().year, "held_on": now().date().isoformat(),
        "results": [{"application_id": app["id"], "experts_present": 7, "votes_for": 7, "votes_against": 0,
                     "votes_abstain": 0}]}), 201)
    assert body["mode"] == "paper"


def test_pool_input_is_checked(api, world):
    secretary = staff(world)
    valid = id_number()
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    expect(api.post("/committee/experts", token=secretary, json=expert_body(id_number=wrong)), 422,
           "invalid_id_number")
    expect(api.post("/committee/experts", token=secretary, json=expert_body(region_code="65A100")), 422)
    expect(api.post("/committee/experts", token=secretary,
                    json=expert_body(relations=[{"kind": "family"}])), 422, "invalid_relation")
    expect(api.post("/committee/experts", token=world.unit_token, json=expert_body()), 403)
    expect(api.post("/committee/panels", token=secretary, json={
        "held_on": now().date().isoformat(), "application_ids": ["nope"], "panel_size": 1}), 404,
        "application_not_found")
