"""Idempotency keys on the applicant's decisions, and withdraw claimed on the row
for the submission it withdraws (issue #9, findings 5 and 7)."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.applications.models import Application, IdempotencyKey, Transition
from tests.unit.applications.conftest import applicant
from tests.unit.applications.test_dossier import ME, new, snapshot, submittable
from zc_common import idempotency
from zc_common.errors import Conflict, Invalid


def actions(service, application_id):
    return [t.action for t in service.db.scalars(select(Transition).where(
        Transition.application_id == application_id).order_by(Transition.id))]


def test_a_submit_retried_with_its_key_answers_the_first_result(service):
    app = submittable(service)
    first = service.submit(ME, app["id"], idempotency_key="k-1")
    sent = list(service.dispatch)
    again = service.submit(ME, app["id"], idempotency_key="k-1")
    # the same application (documents' list is asked before the key is looked up, so a
    # replay carries the attachments as the first answer did)
    assert again == first and again["submissions_used"] == 1
    assert actions(service, app["id"]) == ["submit"]
    assert service.dispatch == sent  # nothing new published
    # Without the key a repeat is a new request, refused by the rules.
    with pytest.raises(Conflict) as refused:
        service.submit(ME, app["id"])
    assert refused.value.code == "not_editable"


def test_a_key_reused_for_another_operation_or_application_is_refused(service):
    app = submittable(service)
    other = new(service, level="中级")
    service.submit(ME, app["id"], idempotency_key="k-2")
    before = snapshot(service, app["id"])
    for attempt in (lambda: service.withdraw(ME, app["id"], idempotency_key="k-2"),
                    lambda: service.submit(ME, other["id"], idempotency_key="k-2")):
        with pytest.raises(Invalid) as reused:
            attempt()
        assert reused.value.code == "idempotency_key_reused" and reused.value.field == "Idempotency-Key"
    assert snapshot(service, app["id"]) == before
    assert actions(service, other["id"]) == []
    service.review.claim_withdraw.assert_not_called()


def test_keys_belong_to_their_actor(service):
    app = submittable(service)
    service.submit(ME, app["id"], idempotency_key="same")
    # Another person sending the same key is another request (and sees nothing of mine).
    from zc_common.errors import NotFound
    with pytest.raises(NotFound):
        service.withdraw(applicant(2), app["id"], idempotency_key="same")


@pytest.mark.parametrize("key", ["", "x" * 65, "中文", "a b", 7])
def test_a_malformed_key_is_refused_before_anything_changes(service, key):
    app = submittable(service)
    before = snapshot(service, app["id"])
    with pytest.raises(Invalid) as bad:
        service.submit(ME, app["id"], idempotency_key=key)
    assert bad.value.code == "invalid_idempotency_key"
    assert snapshot(service, app["id"]) == before


def test_withdraw_and_change_of_qualification_replay_too(service):
    app = submittable(service)
    service.submit(ME, app["id"])
    first = service.withdraw(ME, app["id"], idempotency_key="w-1")
    assert service.withdraw(ME, app["id"], idempotency_key="w-1") == first
    assert service.review.claim_withdraw.call_count == 1
    assert actions(service, app["id"]) == ["submit", "withdraw"]

    draft = new(service, level="中级")
    from tests.unit.applications.helpers import qualification
    junior = qualification(service, level="中级", specialty="电气")
    changed = service.change_qualification(ME, draft["id"], junior["id"], idempotency_key="q-1")
    assert service.change_qualification(ME, draft["id"], junior["id"], idempotency_key="q-1") == changed
    assert actions(service, draft["id"]) == ["change_qualification"]


def test_an_expired_key_not_yet_cleaned_up_is_a_new_request(service):
    app = submittable(service, maximum=3)
    first = service.submit(ME, app["id"], idempotency_key="stale")
    service.withdraw(ME, app["id"])
    row = service.db.get(IdempotencyKey, (ME["id"], "stale"))
    row.created_at = row.created_at - idempotency.KEEP - timedelta(minutes=1)
    service.db.commit()
    again = service.submit(ME, app["id"], idempotency_key="stale")
    assert again["submissions_used"] == 2 and first["submissions_used"] == 1
    assert actions(service, app["id"]) == ["submit", "withdraw", "submit"]


def test_keys_expire_after_a_day(service):
    app = submittable(service)
    service.submit(ME, app["id"], idempotency_key="old")
    assert idempotency.forget_expired(service.db, IdempotencyKey) == 0
    later = idempotency._utcnow() + idempotency.KEEP + timedelta(minutes=1)
    assert idempotency.forget_expired(service.db, IdempotencyKey, moment=later) == 1
    with pytest.raises(Conflict):  # the key is gone: the retry is a new request
        service.submit(ME, app["id"], idempotency_key="old")


def test_a_withdraw_never_takes_back_a_later_submission(service):
    """A withdraw read submission 1, and review closed submission 1's task; meanwhile
    another withdraw and a resubmit landed (submission 2 now under review). The
    stale withdraw must not pull back submission 2, which review never released."""
    app = submittable(service, maximum=3)
    service.submit(ME, app["id"])

    def meanwhile(application_id, submission_no=None, application=None):
        assert submission_no == 1
        service.db.execute(update(Application).where(Application.id == application_id)
                           .values(submissions_used=2))  # withdrawn and submitted again since
        service.db.commit()

    service.review.claim_withdraw.side_effect = meanwhile
    with pytest.raises(Conflict) as stale:
        service.withdraw(ME, app["id"])
    assert stale.value.code == "cannot_withdraw"
    assert actions(service, app["id"]) == ["submit"]
    assert service.db.get(Application, app["id"]).status == "submitted"


def test_a_withdraw_that_lost_the_race_is_refused(service):
    """Two withdraws of one submission: review answers both (the claim is per
    submission), the other one lands first from its own session. This one must see
    the row as it is now — not the copy its session loaded before the claim — and
    refuse (the finding: 8 withdraws recorded for 3 submits)."""
    from sqlalchemy.orm import Session

    app = submittable(service)
    service.submit(ME, app["id"])

    def other_withdraw_lands(application_id, submission_no=None, application=None):
        with Session(bind=service.db.get_bind()) as other:
            other.execute(update(Application).where(Application.id == application_id)
                          .values(status="draft", version=Application.version + 1))
            other.add(Transition(application_id=application_id, action="withdraw", from_status="submitted",
                                 to_status="draft", at=idempotency._utcnow()))
            other.commit()

    service.review.claim_withdraw.side_effect = other_withdraw_lands
    with pytest.raises(Conflict) as lost:
        service.withdraw(ME, app["id"])
    assert lost.value.code == "cannot_withdraw"
    assert actions(service, app["id"]) == ["submit", "withdraw"]
