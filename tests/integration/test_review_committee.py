"""Committee results through the real stack: meetings and the 2/3 rule, quorum,
publicity, public objections, approval documents and certificates."""
from datetime import datetime, timedelta

import pytest

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import fresh_address
from tests.integration.test_review_setup import (
    build_world,
    committee_settings,
    new_application,
    status_of,
    to_ready_for_meeting,
    wait_status,
)
from zc_common.clock import now


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


@pytest.fixture(scope="module")
def ready(api, world):
    """Five applications waiting for the meeting."""
    apps = []
    for name in ("甲", "乙", "丙", "丁", "戊"):
        app = new_application(api, world, name=f"测试{name}")
        to_ready_for_meeting(api, world, app)
        apps.append(app)
    return apps


def staff(world, i=0):
    return world.staff[world.committee["id"]][i]


def vote(app, present, yes, no, abstain):
    return {"application_id": app["id"], "experts_present": present, "votes_for": yes, "votes_against": no,
            "votes_abstain": abstain}


def meeting(api, world, results, token=None):
    return api.post("/committee/meetings", token=token or staff(world),
                    json={"year": now().year, "held_on": now().date().isoformat(), "results": results})


def short_window(seconds=2):
    start = now()
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(seconds=seconds)).isoformat()}


def wait_until_ended(publicity):
    ends = datetime.fromisoformat(publicity["ends_at"])
    wait_for(lambda: now() > ends, seconds=10, what="the publicity window to end")


def test_meeting_refusals_change_nothing(api, world, ready):
    a = ready[0]
    expect(meeting(api, world, [vote(a, 9, 6, 2, 0)]), 422, "votes_mismatch")
    expect(meeting(api, world, [vote(a, 9, 6, 3, 0), vote(a, 9, 6, 3, 0)]), 422, "duplicate_result")
    expect(meeting(api, world, [{**vote(a, 9, 6, 3, 0), "votes_for": -1}]), 422)
    fresh = new_application(api, world)
    expect(meeting(api, world, [vote(fresh, 9, 9, 0, 0)]), 409, "not_ready_for_meeting")
    # Another committee's staff cannot see this committee's applications.
    other = build_world(api, world.admin)
    expect(meeting(api, world, [vote(a, 9, 9, 0, 0)], token=other.staff[other.committee["id"]][0]), 404)
    # Not committee staff at all.
    expect(meeting(api, world, [vote(a, 9, 9, 0, 0)], token=world.unit_token), 403)
    assert status_of(api, a) == "ready_for_meeting"
    assert expect(api.get("/committee/meetings", token=staff(world)), 200) == []


def test_two_thirds_rule_quorum_publicity_objections_and_approval(api, world, ready):
    six, five, thin, objected, clean = ready
    body = expect(meeting(api, world, [
        vote(six, 9, 6, 3, 0),        # 6 ≥ ⌈2/3 × 9⌉ = 6: passes
        vote(five, 9, 5, 2, 2),       # 5 < 6: fails
        vote(thin, 4, 4, 0, 0),       # unanimous, but the quorum is 5: fails
        vote(objected, 7, 5, 1, 1),   # 5 ≥ ⌈14/3⌉ = 5: passes
        vote(clean, 5, 4, 0, 1),      # 4 ≥ ⌈10/3⌉ = 4: passes
    ]), 201)
    outcome = {r["application_id"]: r["passed"] for r in body["results"]}
    assert outcome == {six["id"]: True, five["id"]: False, thin["id"]: False, objected["id"]: True,
                       clean["id"]: True}
    for app, status in ((six, "passed"), (five, "failed"), (thin, "failed"), (objected, "passed")):
        wait_status(api, app, status)
    meeting_id = body["id"]
    # Voting again on the same applications: they are no longer waiting for a meeting.
    expect(meeting(api, world, [vote(six, 9, 9, 0, 0)]), 409, "not_ready_for_meeting")

    # Publicity: at least N working days when the committee says so.
    committee_settings(api, world.admin, world.committee["id"], [world.top["id"]], publicity_min_days=5)
    start = now()
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world),
                    json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=2)).isoformat()}),
           422, "publicity_too_short")
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world),
                    json={"starts_at": start.isoformat(), "ends_at": (start - timedelta(days=2)).isoformat()}),
           422, "invalid_window")
    # Back-dated: a window that began before now, or before the meeting's day.
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world),
                    json={"starts_at": (start - timedelta(days=9)).isoformat(),
                          "ends_at": (start - timedelta(minutes=1)).isoformat()}),
           422, "publicity_backdated")
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world),
                    json={"starts_at": (start - timedelta(hours=1)).isoformat(),
                          "ends_at": (start + timedelta(days=9)).isoformat()}),
           422, "publicity_backdated")
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=9)).isoformat()}
    publicity = expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world), json=window), 201)
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world), json=window), 409,
           "publicity_exists")
    listed = [p for p in expect(api.get("/public/publicity"), 200) if p["publicity_id"] == publicity["id"]]
    assert sorted(p["application_number"] for p in listed) == sorted(a["number"] for a in (six, objected, clean))
    entry = next(p for p in listed if p["application_number"] == six["number"])
    assert entry["name"] == "测试甲" and entry["title"] == "高级工程师" and entry["unit"] == world.unit["name"]
    assert entry["committee"] == world.committee["name"] and entry["ends_at"]

    # Objections: only numbers on this list; rate limited per client address.
    where = fresh_address()
    expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=where,
                    json={"application_number": five["number"], "reason": "x", "contact": "13900000000"}),
           422, "unknown_application_number")
    made = expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=where,
                           json={"application_number": objected["number"], "reason": "论文抄袭",
                                 "contact": "13900000000"}), 201)
    second = expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=fresh_address(),
                             json={"application_number": clean["number"], "reason": "资历不符",
                                   "contact": "someone@example.com"}), 201)
    for _ in range(3):
        api.post(f"/public/publicity/{publicity['id']}/objections", headers=where,
                 json={"application_number": "RSSQ0", "reason": "x", "contact": "x"})
    expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=where,
                    json={"application_number": objected["number"], "reason": "再次", "contact": "x"}),
           429, "too_many_objections")

    # Approval: refused while the window is open.
    expect(api.post(f"/committee/meetings/{meeting_id}/approval", token=staff(world),
                    json={"document_no": "新职改字〔2026〕1号"}), 409, "publicity_not_ended")
    pending = expect(api.get("/committee/objections", token=staff(world), params={"resolved": "false"}), 200)
    assert {o["id"] for o in pending} == {made["id"], second["id"]}

    # Upheld → the result is overturned (failed); dismissed → nothing changes.
    expect(api.post(f"/committee/objections/{made['id']}/resolve", token=staff(world),
                    json={"upheld": True, "note": "经核查属实"}), 200)
    expect(api.post(f"/committee/objections/{made['id']}/resolve", token=staff(world, 1),
                    json={"upheld": False, "note": ""}), 409, "already_resolved")
    wait_status(api, objected, "failed")
    assert objected["number"] not in [p["application_number"] for p in expect(api.get("/public/publicity"), 200)]


def test_approval_after_publicity_issues_certificates(api, world):
    apps = []
    for name in ("己", "庚"):
        app = new_application(api, world, name=f"测试{name}")
        to_ready_for_meeting(api, world, app)
        apps.append(app)
    passed, failed = apps
    body = expect(meeting(api, world, [vote(passed, 7, 5, 2, 0), vote(failed, 7, 4, 3, 0)]), 201)
    meeting_id = body["id"]
    expect(api.post(f"/committee/meetings/{meeting_id}/approval", token=staff(world),
                    json={"document_no": "新职改字〔2026〕9号"}), 409, "publicity_required")
    committee_settings(api, world.admin, world.committee["id"], [world.top["id"]], publicity_min_days=0)
    # No minimum days still means no window in the past: the objection period cannot be skipped.
    expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world), json={
        "starts_at": (now() - timedelta(days=8)).isoformat(),
        "ends_at": (now() - timedelta(minutes=1)).isoformat()}), 422, "publicity_backdated")
    publicity = expect(api.post(f"/committee/meetings/{meeting_id}/publicity", token=staff(world),
                                json=short_window()), 201)
    expect(api.post(f"/committee/meetings/{meeting_id}/approval", token=staff(world),
                    json={"document_no": "新职改字〔2026〕9号"}), 409, "publicity_not_ended")
    wait_until_ended(publicity)
    # The window has closed: no more objections.
    expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=fresh_address(),
                    json={"application_number": passed["number"], "reason": "x", "contact": "x"}),
           409, "publicity_closed")
    approval = expect(api.post(f"/committee/meetings/{meeting_id}/approval", token=staff(world),
                               json={"document_no": "新职改字〔2026〕9号"}), 201)
    assert approval["approved"] == [passed["id"]] and approval["certificates_issued"] is True
    [certificate] = approval["certificates"]
    assert certificate["name"] == "测试己" and certificate["document_no"] == "新职改字〔2026〕9号"
    wait_status(api, passed, "approved")
    assert status_of(api, failed) == "failed"
    mine = expect(api.get("/certificates", token=passed["token"]), 200)
    assert [c["no"] for c in mine] == [certificate["no"]]
    expect(api.post(f"/committee/meetings/{meeting_id}/approval", token=staff(world),
                    json={"document_no": "新职改字〔2026〕10号"}), 409, "already_approved")

    # The document number is unique per committee and year.
    again = new_application(api, world, name="测试辛")
    to_ready_for_meeting(api, world, again)
    second = expect(meeting(api, world, [vote(again, 7, 7, 0, 0)]), 201)
    wait_until_ended(expect(api.post(f"/committee/meetings/{second['id']}/publicity", token=staff(world),
                                     json=short_window()), 201))
    expect(api.post(f"/committee/meetings/{second['id']}/approval", token=staff(world),
                    json={"document_no": "新职改字〔2026〕9号"}), 409, "document_no_taken")
    assert status_of(api, again) == "passed"
    meetings = expect(api.get("/committee/meetings", token=staff(world)), 200)
    approved = {m["id"]: bool(m["approval"]) for m in meetings}
    assert approved[meeting_id] is True and approved[second["id"]] is False
