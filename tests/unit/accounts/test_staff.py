"""Staff of a department or committee: the administrator's list and 停用/启用
(worker_factory, SQLite)."""
import pytest
from sqlalchemy import select

from services.accounts.models import AuditEvent, Notification, Session, User
from tests.unit.accounts.builders import PASSWORD, applicant, organization, phone
from zc_common.errors import Conflict, Forbidden, NotFound, Unauthorized


@pytest.fixture
def actor(service, admin):
    return service.authenticate(admin["token"])


@pytest.fixture
def org(service, actor):
    return service.create_organization(actor, organization())


def add(service, actor, org, username, name="赵六"):
    data = {"username": username, "password": PASSWORD, "name": name, "phone": phone()}
    return service.add_staff(actor, org["id"], data)


def test_list_is_in_creation_order_with_status(service, actor, org):
    first = add(service, actor, org, "staff_one", "甲")
    second = add(service, actor, org, "staff_two", "乙")
    other = service.create_organization(actor, organization())
    add(service, actor, other, "elsewhere")
    listed = service.list_staff(actor, org["id"])
    assert [s["user_id"] for s in listed] == [first["user_id"], second["user_id"]]
    assert listed[0]["username"] == "staff_one" and listed[0]["name"] == "甲"
    assert listed[0]["role"] == "department_staff" and listed[0]["disabled"] is False
    assert listed[0]["phone"] and listed[0]["created_at"]
    assert set(listed[0]) == {"user_id", "username", "name", "phone", "role", "created_at", "disabled"}


def test_empty_organisation_lists_nothing(service, actor, org):
    assert service.list_staff(actor, org["id"]) == []


def test_unknown_organisation_is_404(service, actor, org):
    with pytest.raises(NotFound) as caught:
        service.list_staff(actor, "nope")
    assert caught.value.code == "organization_not_found"
    with pytest.raises(NotFound) as caught:
        service.set_staff_disabled(actor, "nope", "nobody", True)
    assert caught.value.code == "organization_not_found"


def test_staff_of_another_organisation_is_404(service, actor, org, db):
    created = add(service, actor, org, "staff_x")
    other = service.create_organization(actor, organization())
    with pytest.raises(NotFound) as caught:
        service.set_staff_disabled(actor, other["id"], created["user_id"], True)
    assert caught.value.code == "user_not_found"
    assert db.get(User, created["user_id"]).disabled is False


def test_non_admin_is_refused(service, actor, org, db):
    created = add(service, actor, org, "staff_y")
    staff_actor = service.authenticate(service.login("staff_y", PASSWORD)["token"])
    service.register_applicant(applicant())
    with pytest.raises(Forbidden):
        service.list_staff(staff_actor, org["id"])
    with pytest.raises(Forbidden):
        service.set_staff_disabled(staff_actor, org["id"], created["user_id"], True)
    with pytest.raises(Forbidden):
        service.list_staff(None, org["id"])
    assert db.get(User, created["user_id"]).disabled is False
    assert db.scalars(select(AuditEvent).where(AuditEvent.kind == "staff_disabled")).all() == []


def test_disable_stops_login_and_revokes_open_sessions(service, actor, org, db):
    created = add(service, actor, org, "staff_z")
    token = service.login("staff_z", PASSWORD)["token"]
    assert service.authenticate(token)["username"] == "staff_z"
    result = service.set_staff_disabled(actor, org["id"], created["user_id"], True)
    assert result["disabled"] is True
    with pytest.raises(Unauthorized) as caught:
        service.authenticate(token)
    assert caught.value.code == "not_logged_in"
    assert all(s.revoked_at is not None for s in db.scalars(select(Session).where(
        Session.user_id == created["user_id"])))
    with pytest.raises(Unauthorized) as caught:
        service.login("staff_z", PASSWORD)
    assert caught.value.code == "bad_credentials"
    assert db.scalars(select(Session).where(Session.user_id == created["user_id"],
                                            Session.revoked_at.is_(None))).all() == []
    assert service.list_staff(actor, org["id"])[0]["disabled"] is True


def test_enable_again_allows_login(service, actor, org):
    created = add(service, actor, org, "staff_w")
    service.set_staff_disabled(actor, org["id"], created["user_id"], True)
    assert service.set_staff_disabled(actor, org["id"], created["user_id"], False)["disabled"] is False
    token = service.login("staff_w", PASSWORD)["token"]
    assert service.authenticate(token)["username"] == "staff_w"


def test_disable_and_enable_are_audited(service, actor, org, db):
    created = add(service, actor, org, "staff_v")
    service.set_staff_disabled(actor, org["id"], created["user_id"], True)
    with pytest.raises(Unauthorized):
        service.login("staff_v", PASSWORD, None, "10.9.0.1")
    service.set_staff_disabled(actor, org["id"], created["user_id"], False)
    rows = db.scalars(select(AuditEvent).where(AuditEvent.kind.in_(("staff_disabled", "staff_enabled")))
                      .order_by(AuditEvent.id)).all()
    assert [r.kind for r in rows] == ["staff_disabled", "staff_enabled"]
    assert all(r.user_id == created["user_id"] and r.actor_id == actor["id"] for r in rows)
    assert all(r.detail["organization_id"] == org["id"] and r.impersonated_by is None for r in rows)
    refused = db.scalars(select(AuditEvent).where(AuditEvent.kind == "login_failure",
                                                  AuditEvent.username == "staff_v")).one()
    assert refused.detail["reason"] == "account_disabled"



def test_disabled_staff_get_no_notifications(service, actor, org, db):
    kept = add(service, actor, org, "staff_t")
    gone = add(service, actor, org, "staff_s")
    service.set_staff_disabled(actor, org["id"], gone["user_id"], True)
    notice = {"subject": "待审核", "body": "有新的申请书"}
    assert service.on_notice_requested({**notice, "org_ids": [org["id"]]}) == 1
    assert service.on_notice_requested({**notice, "user_ids": [gone["user_id"]]}) == 0
    assert [n.user_id for n in db.scalars(select(Notification))] == [kept["user_id"]]


def test_disabled_staff_cannot_be_impersonated(service, actor, org, db):
    gone = add(service, actor, org, "staff_r")
    service.set_staff_disabled(actor, org["id"], gone["user_id"], True)
    with pytest.raises(Conflict) as caught:
        service.impersonate(actor, "staff_r")
    assert caught.value.code == "account_disabled"
    assert db.scalars(select(Session).where(Session.user_id == gone["user_id"])).all() == []


def test_review_notice_events_reach_an_organisations_staff(service, actor, org, db):
    """Review sends its notices as ``notice_requested`` events (no reply to wait for)."""
    kept = add(service, actor, org, "staff_q")
    service.on_notice_requested({"org_ids": [org["id"]], "kind": "review_task",
                                 "subject": "待审核申请书：RSSQ1", "body": "已到达本单位"})
    rows = db.scalars(select(Notification).where(Notification.kind == "review_task")).all()
    assert [(n.user_id, n.subject) for n in rows] == [(kept["user_id"], "待审核申请书：RSSQ1")]
