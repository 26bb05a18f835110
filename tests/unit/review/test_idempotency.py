"""Repeated and raced decisions in review (issue #9, finding 7): twins finishing
the same decision open the next task once; an idempotency key answers a retry
with the first outcome; withdraw claims are per submission."""
import pytest

from services.review import decisions
from services.review.models import IdempotencyKey, Task
from tests.unit.review.standins import ADMIN, staff
from tests.unit.review.test_service import submitted, tasks
from zc_common.errors import Conflict, Invalid, Unavailable


def test_twins_finishing_one_decision_open_the_next_task_once(service):
    """A double click: the first request's claim is committed, applications is slow,
    the second request (same person, same action) finds the task ``deciding`` and
    finishes it too. Both must answer the same outcome; one next task, one notice."""
    submitted(service)
    service.applications.fail = ConnectionError("slow")
    with pytest.raises(Unavailable):
        service.forward_application(ADMIN, "a1", "同意推荐")
    service.applications.fail = None
    [deciding] = tasks(service)
    twin = service.db.get(Task, deciding.id)  # what the twin read before the first one completed
    first = service.forward_application(ADMIN, "a1", "同意推荐")
    again = decisions.finish(service.deps, twin)
    assert again == first and first["next"]["org_id"] == "d1"
    assert [(t.position, t.state) for t in tasks(service)] == [(1, "done"), (2, "open")]
    assert [m["org_ids"] for m in service.accounts.sent if m["kind"] == "review_task"] == [["u1"], ["d1"]]


def test_a_forward_retried_with_its_key_answers_the_first_outcome(service):
    submitted(service)
    first = service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="f-1")
    assert service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="f-1") == first
    with pytest.raises(Conflict) as plain:  # without the key: a clean 409
        service.forward_application(ADMIN, "a1", "同意推荐")
    assert plain.value.code == "not_your_turn"
    with pytest.raises(Invalid) as reused:
        service.return_application(ADMIN, "a1", "退回", idempotency_key="f-1")
    assert reused.value.code == "idempotency_key_reused"
    assert len(service.applications.requests) == 1


def test_a_keyed_retry_after_a_lost_answer_finishes_the_decision(service):
    submitted(service)
    service.applications.fail = ConnectionError("applications down")
    with pytest.raises(Unavailable):
        service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="f-2")
    service.applications.fail = None
    done = service.forward_application(ADMIN, "a1", "另一个意见", idempotency_key="f-2")
    assert done["next"]["org_id"] == "d1"
    request_ids = {r for r, _, _ in service.applications.requests}
    assert len(request_ids) == 1  # the retry resumed the first decision, same request id
    assert [t.opinion for t in tasks(service)][:1] == ["同意推荐"]


def test_a_refused_decision_forgets_its_key(service):
    submitted(service)
    service.applications.fail = Conflict("bad_transition", "状态已变化")
    with pytest.raises(Conflict):
        service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="f-3")
    assert service.db.query(IdempotencyKey).count() == 0
    service.applications.fail = None
    assert service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="f-3")["next"]["org_id"] == "d1"


def test_keys_are_per_actor(service):
    submitted(service)
    service.forward_application(ADMIN, "a1", "同意推荐", idempotency_key="same")
    first, second = staff("d1", 1), staff("d1", 2)
    service.forward_application(first, "a1", "同意", idempotency_key="same")
    with pytest.raises(Conflict) as late:
        service.forward_application(second, "a1", "同意", idempotency_key="same")
    assert late.value.code == "not_your_turn"


def test_withdraw_claims_name_their_submission(service):
    submitted(service)
    assert service.claim_withdraw("a1", submission_no=1)["withdrawn"] is True
    # A racing withdraw of the same submission is told yes as well (applications'
    # row lock lets one of them through); the task stays withdrawn.
    assert service.claim_withdraw("a1", submission_no=1)["withdrawn"] is True
    submitted(service, submission_no=2)
    # A withdraw that read submission 1 must not close submission 2's task.
    with pytest.raises(Conflict) as stale:
        service.claim_withdraw("a1", submission_no=1)
    assert stale.value.code == "cannot_withdraw"
    assert [(t.round, t.state) for t in tasks(service)] == [(1, "withdrawn"), (2, "open")]


# -- the committee's requests ---------------------------------------------------------

def test_committee_requests_retried_with_their_keys_act_once(service):
    from datetime import timedelta

    from sqlalchemy import func, select

    from services.review.models import Approval, Meeting, Publicity
    from tests.unit.review.test_committee import STAFF, ready, vote
    from zc_common.clock import now

    ready(service, "m1")
    meeting = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("m1", 9, 9, 0, 0)], idempotency_key="mt")
    again = service.record_meeting(STAFF, 2026, "2026-11-20", [vote("m1", 9, 9, 0, 0)], idempotency_key="mt")
    assert again == meeting
    assert service.db.scalar(select(func.count()).select_from(Meeting)) == 1
    with pytest.raises(Conflict) as plain:  # without its key the repeat is refused by the rules
        service.record_meeting(STAFF, 2026, "2026-11-20", [vote("m1", 9, 9, 0, 0)])
    assert plain.value.code == "not_ready_for_meeting"

    start = now() + timedelta(minutes=1)
    window = (start.isoformat(), (start + timedelta(days=9)).isoformat())
    publicity = service.open_publicity(STAFF, meeting["id"], *window, idempotency_key="pub")
    assert service.open_publicity(STAFF, meeting["id"], *window, idempotency_key="pub") == publicity
    assert service.db.scalar(select(func.count()).select_from(Publicity)) == 1
    row = service.db.get(Publicity, publicity["id"])
    row.starts_at, row.ends_at = now() - timedelta(days=10), now() - timedelta(minutes=1)  # time has passed
    service.db.commit()
    with pytest.raises(Invalid) as reused:
        service.approve_meeting(STAFF, meeting["id"], "批文9号", idempotency_key="pub")
    assert reused.value.code == "idempotency_key_reused"

    service.documents.issue_certificates = lambda approval: [{"no": "1"}]
    approved = service.approve_meeting(STAFF, meeting["id"], "批文9号", idempotency_key="apr")
    assert service.approve_meeting(STAFF, meeting["id"], "批文9号", idempotency_key="apr") == approved
    assert service.db.scalar(select(func.count()).select_from(Approval)) == 1
    assert [a for _, a, _ in service.applications.requests].count("approve") == 1
