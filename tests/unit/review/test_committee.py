"""Meetings, publicity and approval with worker_factory (SQLite, in-memory stand-ins)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.review.models import Meeting, MeetingResult
from zc_common.clock import now
from zc_common.errors import Conflict, Invalid, NotFound

STAFF = {"id": "sc", "name": "委员会", "role": "committee_staff", "org_id": "c1", "impersonated_by": None}


def ready(service, *ids):
    for application_id in ids:
        service.applications.add(application_id)
        service.applications.apps[application_id]["status"] = "ready_for_meeting"


def vote(application_id, present, yes, no, abstain):
    return {"application_id": application_id, "experts_present": present, "votes_for": yes,
            "votes_against": no, "votes_abstain": abstain}


def test_nine_present_six_passes_five_fails(service):
    ready(service, "a", "b")
    body = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("a", 9, 6, 3, 0), vote("b", 9, 5, 4, 0)])
    assert {r["application_id"]: r["passed"] for r in body["results"]} == {"a": True, "b": False}
    assert service.applications.apps["a"]["status"] == "passed"
    assert service.applications.apps["b"]["status"] == "failed"


def test_refused_meetings_store_nothing(service):
    ready(service, "a")
    with pytest.raises(Invalid):
        service.record_meeting(STAFF, 2026, "2026-11-20", [vote("a", 9, 6, 2, 0)])
    service.applications.add("draft")
    with pytest.raises(Conflict) as not_ready:
        service.record_meeting(STAFF, 2026, "2026-11-20", [vote("a", 9, 6, 3, 0), vote("draft", 9, 9, 0, 0)])
    assert not_ready.value.code == "not_ready_for_meeting"
    with pytest.raises(NotFound):
        service.record_meeting({**STAFF, "org_id": "other"}, 2026, "2026-11-20", [vote("a", 9, 9, 0, 0)])
    assert service.db.scalar(select(func.count()).select_from(Meeting)) == 0
    assert service.db.scalar(select(func.count()).select_from(MeetingResult)) == 0
    assert service.applications.requests == []


def test_quorum_from_committee_settings(service):
    ready(service, "a")
    body = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("a", 4, 4, 0, 0)])
    assert body["results"][0]["passed"] is False


def test_approval_waits_for_the_publicity_and_its_objections(service):
    ready(service, "7")
    meeting = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("7", 9, 9, 0, 0)])
    with pytest.raises(Conflict) as none_yet:
        service.approve_meeting(STAFF, meeting["id"], "批文1号")
    assert none_yet.value.code == "publicity_required"
    start = now()
    publicity = service.open_publicity(STAFF, meeting["id"], start.isoformat(), (start + timedelta(days=9)).isoformat())
    made = service.submit_objection(publicity["id"], "RSSQ7", "不实", "139", "10.0.0.1")
    with pytest.raises(Conflict) as early:
        service.approve_meeting(STAFF, meeting["id"], "批文1号")
    assert early.value.code == "publicity_not_ended"
    for _ in range(4):
        try:
            service.submit_objection(publicity["id"], "RSSQ7", "不实", "139", "10.0.0.1")
        except Exception:  # noqa: BLE001 — counting towards the limit is what matters here
            pass
    with pytest.raises(Exception) as limited:
        service.submit_objection(publicity["id"], "RSSQ7", "不实", "139", "10.0.0.1")
    assert getattr(limited.value, "code", None) == "too_many_objections"
    # Retry-After: when the oldest counted attempt leaves the hour (seconds).
    assert 3500 < int(limited.value.extra["retry_after"]) <= 3600
    service.resolve_objection(STAFF, made["id"], True, "属实")
    assert service.applications.apps["7"]["status"] == "failed"
    assert ("result_overturned" in [a for _, a, _ in service.applications.requests])


def test_approval_refused_while_an_objection_is_unresolved_then_issues_certificates(service):
    from services.review.models import Publicity
    ready(service, "8")
    meeting = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("8", 9, 9, 0, 0)])
    publicity = service.open_publicity(STAFF, meeting["id"], now().isoformat(),
                                       (now() + timedelta(days=10)).isoformat())
    made = service.submit_objection(publicity["id"], "RSSQ8", "不实", "139", "10.0.0.2")
    row = service.db.get(Publicity, publicity["id"])
    row.starts_at, row.ends_at = now() - timedelta(days=10), now() - timedelta(minutes=1)   # time has passed
    service.db.commit()
    with pytest.raises(Conflict) as unresolved:
        service.approve_meeting(STAFF, meeting["id"], "批文2号")
    assert unresolved.value.code == "objections_unresolved"
    service.resolve_objection(STAFF, made["id"], False, "不属实")
    issued = []
    service.documents.issue_certificates = lambda approval: issued.append(approval) or [{"no": "1"}]
    body = service.approve_meeting(STAFF, meeting["id"], "批文2号")
    assert body["approved"] == ["8"] and body["certificates"] == [{"no": "1"}]
    assert service.applications.apps["8"]["status"] == "approved"
    [approval] = issued
    assert approval["document_no"] == "批文2号" and approval["applications"][0]["name"] == "张三"


def test_a_backdated_publicity_is_refused_and_stores_nothing(service):
    from services.review.models import Publicity
    ready(service, "9")
    meeting = service.record_meeting(STAFF, 2026, now().date().isoformat(), [vote("9", 9, 9, 0, 0)])
    for starts, ends, code in (
            (now() - timedelta(days=8), now() - timedelta(minutes=1), "publicity_backdated"),
            (now() - timedelta(hours=1), now() + timedelta(days=9), "publicity_backdated")):
        with pytest.raises(Invalid) as refused:
            service.open_publicity(STAFF, meeting["id"], starts.isoformat(), ends.isoformat())
        assert refused.value.code == code and refused.value.field == "starts_at"
    assert service.db.scalar(select(func.count()).select_from(Publicity)) == 0
    with pytest.raises(Conflict) as no_publicity:
        service.approve_meeting(STAFF, meeting["id"], "批文3号")
    assert no_publicity.value.code == "publicity_required"


def test_publicity_cannot_open_before_the_meeting_day(service):
    ready(service, "10")
    held_on = (now() + timedelta(days=3)).date()
    meeting = service.record_meeting(STAFF, 2026, held_on.isoformat(), [vote("10", 9, 9, 0, 0)])
    with pytest.raises(Invalid) as early:
        service.open_publicity(STAFF, meeting["id"], now().isoformat(), (now() + timedelta(days=12)).isoformat())
    assert early.value.code == "publicity_before_meeting"


CONFIRM_KIND = {"key": "initial", "name": "初次确定", "fee": False, "meeting": False, "conclusion": "confirm"}


def ready_kind(service, application_id, kind):
    ready(service, application_id)
    service.applications.apps[application_id]["kind"] = kind


def test_a_confirm_kind_is_confirmed_or_refused_with_a_reason_in_the_same_batch(service):
    ready_kind(service, "i1", CONFIRM_KIND)
    ready_kind(service, "i2", CONFIRM_KIND)
    ready(service, "r1")
    body = service.record_meeting(STAFF, 2026, "2026-11-20", [
        {"application_id": "i1", "confirmed": True},
        {"application_id": "i2", "confirmed": False, "reason": "毕业后工作年限不足1年"},
        vote("r1", 9, 6, 3, 0)])
    results = {r["application_id"]: r for r in body["results"]}
    assert results["i1"]["passed"] and results["i1"]["conclusion"] == "confirm"
    assert results["i1"]["experts_present"] is None and results["i1"]["kind"] == {"key": "initial", "name": "初次确定"}
    assert not results["i2"]["passed"] and results["i2"]["reason"] == "毕业后工作年限不足1年"
    assert results["r1"]["conclusion"] == "meeting" and results["r1"]["kind"]["key"] == "review"
    actions = {request[1] for request in service.applications.requests}
    assert {"confirm", "refuse_confirmation", "meeting_passed"} == actions
    assert service.applications.apps["i1"]["status"] == "passed"
    assert service.applications.apps["i2"]["status"] == "failed"


@pytest.mark.parametrize("result, code", [
    ({"application_id": "r1", "confirmed": True}, "votes_required"),            # 评审 needs votes
    ({"application_id": "i1", **{k: v for k, v in vote("i1", 9, 9, 0, 0).items()}}, "confirmation_required"),
    ({"application_id": "i1", "confirmed": False}, "reason_required"),          # a refusal says why
    ({"application_id": "i1", "confirmed": False, "reason": "  "}, "reason_required"),
    ({"application_id": "r1", "experts_present": 9, "votes_for": 9}, "votes_required"),
])
def test_the_wrong_conclusion_for_a_kind_is_refused_and_stores_nothing(service, result, code):
    ready_kind(service, "i1", CONFIRM_KIND)
    ready(service, "r1")
    with pytest.raises(Invalid) as caught:
        service.record_meeting(STAFF, 2026, "2026-11-20", [result])
    assert caught.value.code == code
    assert service.db.scalar(select(func.count()).select_from(Meeting)) == 0
    assert service.applications.requests == []
