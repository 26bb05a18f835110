"""What accounts broadcasts to the gateways (services/accounts/events.py): every
change to a session or to what a user's actor says leaves through the outbox
after its commit; a refused change sends nothing."""
import pytest
from sqlalchemy import select

from services.accounts.events import TYPES
from services.accounts.models import OutboxEvent
from tests.unit.accounts.builders import PASSWORD, applicant, organization, phone
from zc_common.errors import Invalid


def sent(service, types=TYPES):
    """(event type, payload without event_id) for every dispatch so far of the
    types the gateways listen to."""
    out = []
    for call in service.dispatch.call_args_list:
        event_type, payload = call.args
        if event_type in types:
            out.append((event_type, {k: v for k, v in payload.items() if k != "event_id"}))
    return out


def sid_of(service, db, token):
    from services.accounts.sessions import session_of
    return session_of(db, token).id


def test_logout_and_region_switch_announce_the_session(service, db):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, None, "10.51.0.1")
    sid = sid_of(service, db, session["token"])
    service.switch_region(session["token"], "650000")
    service.logout(session["token"])
    assert sent(service) == [
        ("session_changed", {"session_id": sid, "user_id": created["user_id"], "reason": "region_switched"}),
        ("session_changed", {"session_id": sid, "user_id": created["user_id"], "reason": "logout"}),
    ]
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.published.is_(False))) is None


def test_password_change_announces_the_user_and_a_refused_one_nothing(service):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, None, "10.51.0.2")
    with pytest.raises(Invalid):
        service.change_password(session["token"], "not-it-123", "NewPassw0rd")
    assert sent(service) == []
    service.change_password(session["token"], PASSWORD, "NewPassw0rd")
    assert sent(service) == [("user_changed", {"user_id": created["user_id"], "reason": "password_changed"})]


def test_disabling_and_enabling_staff_announce_the_user(service, admin):
    actor = service.authenticate(admin["token"])
    org = service.create_organization(actor, organization())
    staff = service.add_staff(actor, org["id"], {"username": "staff_ev", "password": PASSWORD, "name": "赵六",
                                                 "phone": phone()})
    service.set_staff_disabled(actor, org["id"], staff["user_id"], True)
    service.set_staff_disabled(actor, org["id"], staff["user_id"], False)
    assert sent(service) == [("user_changed", {"user_id": staff["user_id"], "reason": "account_disabled"}),
                             ("user_changed", {"user_id": staff["user_id"], "reason": "account_enabled"})]


def test_an_event_the_broker_refused_stays_queued_for_the_timer(service, db):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, None, "10.51.0.3")
    service.dispatch.side_effect = ConnectionError("broker down")
    assert service.logout(session["token"]) == {"ok": True}  # committed: the call succeeds
    waiting = db.scalars(select(OutboxEvent).where(OutboxEvent.published.is_(False))).all()
    assert [e.event_type for e in waiting] == ["session_changed"]
    service.dispatch.side_effect = None
    service.relay_outbox()
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.published.is_(False))) is None


def test_organisation_changes_announce_the_organisation(service, admin):
    """review keeps copies of organisations from these (services/review/copies.py)."""
    actor = service.authenticate(admin["token"])
    org = service.create_organization(actor, organization())
    [(kind, payload)] = sent(service, types=("organization_changed",))
    assert kind == "organization_changed" and payload["organization"] == org and payload["changed_at"]


def test_a_phone_change_announces_the_user_since_the_actor_carries_the_phone(service):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, None, "10.51.0.3")
    actor = service.authenticate(session["token"])
    service.update_profile(actor, {"email": "zs@example.com", "current_password": PASSWORD})
    assert sent(service) == []                       # the email is not in the actor
    service.update_profile(actor, {"phone": "13911112223", "current_password": PASSWORD})
    assert sent(service) == [("user_changed", {"user_id": created["user_id"], "reason": "phone_changed"})]
    assert service.authenticate(session["token"])["phone"] == "13911112223"
