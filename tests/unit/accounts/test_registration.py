"""Registration and organisation rules through the service (worker_factory, SQLite):
each refusal leaves the tables as they were."""
import pytest
from sqlalchemy import func, select

from services.accounts.models import Organization, User
from tests.unit.accounts.builders import PASSWORD, TERMS_VERSION, applicant, id_number, organization, phone, unit
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_applicant_gets_the_id_number_as_username(service, db):
    created = service.register_applicant(applicant(id_number="11010519491231002x"))
    assert created["username"] == "11010519491231002X"
    user = db.get(User, created["user_id"])
    assert user.role == "applicant" and user.id_number == "11010519491231002X"


def test_one_account_per_id_number(service, db):
    number = id_number()
    service.register_applicant(applicant(id_number=number))
    with pytest.raises(Conflict) as caught:
        service.register_applicant(applicant(id_number=number.lower(), username="another-name"))
    assert caught.value.code == "id_number_taken"
    assert count(db, User) == 1


@pytest.mark.parametrize("changes, code, field", [
    ({"id_number": "110105194912310021"}, "invalid_id_number", "id_number"),
    ({"phone": "23912345678"}, "invalid_phone", "phone"),
    ({"password": "abcdefgh"}, "weak_password", "password"),
    ({"region_code": "650001"}, "unknown_region", "region_code"),
    ({"name": "  "}, "invalid_field", "name"),
    ({"email": "no-at-sign"}, "invalid_email", "email"),
    ({"username": "a b"}, "invalid_username", "username"),
])
def test_applicant_refusals(service, db, changes, code, field):
    with pytest.raises(Invalid) as caught:
        service.register_applicant(applicant(**changes))
    assert (caught.value.code, caught.value.field) == (code, field)
    assert count(db, User) == 0


def test_email_recovers_one_account_only(service, db):
    service.register_applicant(applicant(email="one@example.cn"))
    with pytest.raises(Conflict) as caught:
        service.register_applicant(applicant(email="ONE@example.cn"))
    assert caught.value.code == "email_taken"
    assert count(db, User) == 1


def test_unit_registration_and_username(service, db):
    created = service.register_unit(unit())
    assert len(created["username"]) == 8 and created["username"].isdigit()
    admin = db.scalar(select(User).where(User.username == created["username"]))
    assert admin.role == "unit_admin" and admin.org_id == created["unit_id"]
    session = service.login(created["username"], PASSWORD, None, "10.9.0.1")
    assert session["user"]["can_apply"] is False


def test_one_unit_per_credit_code_and_normalised_name(service, db):
    first = unit(name="乌鲁木齐ABC医院(一)")
    service.register_unit(first)
    with pytest.raises(Conflict) as caught:
        service.register_unit(unit(credit_code=first["credit_code"].lower()))
    assert caught.value.code == "unit_exists"
    with pytest.raises(Conflict) as caught:
        service.register_unit(unit(name="乌鲁木齐 ＡＢＣ 医院（一）"))
    assert caught.value.code == "unit_exists"
    assert count(db, Organization) == 1 and count(db, User) == 1


@pytest.mark.parametrize("changes, code", [
    ({"credit_code": "91350100M000100Y44"}, "invalid_credit_code"),
    ({"credit_code": "91350100M00010OY43"}, "invalid_credit_code"),
    ({"contact_phone": "999"}, "invalid_phone"),
    ({"region_code": None}, "unknown_region"),
    ({"password": "short1"}, "weak_password"),
])
def test_unit_refusals(service, db, changes, code):
    with pytest.raises(Invalid) as caught:
        service.register_unit(unit(**changes))
    assert caught.value.code == code
    assert count(db, Organization) == 0 and count(db, User) == 0


@pytest.mark.parametrize("register, build", [("register_applicant", applicant), ("register_unit", unit)])
@pytest.mark.parametrize("version, reason", [(None, None), ("", None), ("2020-01", "outdated")])
def test_registration_needs_the_current_terms(service, db, register, build, version, reason):
    """注册须知: without the current version accepted, nothing is stored."""
    with pytest.raises(Invalid) as caught:
        getattr(service, register)(build(terms_version=version))
    assert (caught.value.code, caught.value.field) == ("terms_not_accepted", "terms_version")
    assert caught.value.extra["params"]["current"] == TERMS_VERSION
    assert caught.value.extra["params"].get("reason") == reason
    assert count(db, Organization) == 0 and count(db, User) == 0


def test_the_accepted_terms_are_stored_with_the_time(service, db):
    person = db.get(User, service.register_applicant(applicant())["user_id"])
    admin = db.scalar(select(User).where(User.username == service.register_unit(unit())["username"]))
    for user in (person, admin):
        assert user.terms_version == TERMS_VERSION and user.terms_accepted_at is not None


def test_organizations_and_staff(service, admin, db):
    actor = admin["user"]
    parent = service.create_organization(actor, organization())
    child = service.create_organization(actor, organization(parent_id=parent["id"], region_code="650100"))
    committee = service.create_organization(actor, organization("committee"))
    assert child["parent_id"] == parent["id"]
    with pytest.raises(Invalid):
        service.create_organization(actor, organization("committee", parent_id=parent["id"]))
    with pytest.raises(Invalid):
        service.create_organization(actor, organization(parent_id=committee["id"]))
    with pytest.raises(Conflict):
        service.create_organization(actor, organization(name=parent["name"]))
    assert count(db, Organization) == 3
    staff = service.add_staff(actor, committee["id"], {"username": "secretary1", "password": PASSWORD,
                                                       "name": "秘书", "phone": phone()})
    assert db.get(User, staff["user_id"]).role == "committee_staff"
    with pytest.raises(Conflict) as caught:
        service.add_staff(actor, committee["id"], {"username": "secretary1", "password": PASSWORD,
                                                   "name": "秘书", "phone": phone()})
    assert caught.value.code == "username_taken"
    with pytest.raises(NotFound):
        service.add_staff(actor, "missing", {"username": "x1234", "password": PASSWORD, "name": "x", "phone": phone()})
    registered = service.register_unit(unit())
    with pytest.raises(Conflict) as caught:
        service.add_staff(actor, registered["unit_id"], {"username": "x1234", "password": PASSWORD,
                                                         "name": "x", "phone": phone()})
    assert caught.value.code == "not_staff_organization"
    session = service.login("secretary1", PASSWORD, None, "10.9.0.2")
    with pytest.raises(Forbidden):
        service.create_organization(session["user"], organization())
    views = service.get_organizations([parent["id"], committee["id"], "missing"])
    assert set(views) == {parent["id"], committee["id"]}
    assert views[committee["id"]]["contact"] == {"person": "王五", "phone": "0991-7654321", "address": None}
    users = service.get_users([staff["user_id"]])
    assert users[staff["user_id"]]["org_id"] == committee["id"]
    assert [c["id"] for c in service.committees()] == [committee["id"]]
    assert {d["id"] for d in service.departments("650100")} == {child["id"]}


def test_unit_information_complete_and_recommending_units(service, admin, db):
    actor = admin["user"]
    departments = [service.create_organization(actor, organization())["id"] for _ in range(3)]
    committee = service.create_organization(actor, organization("committee"))["id"]
    created = service.register_unit(unit())
    unit_admin = service.login(created["username"], PASSWORD, None, "10.9.0.3")["user"]
    view = service.get_unit(unit_admin, created["unit_id"])
    assert view["complete"] is False
    for ids, code in ((departments, "too_many_recommending_units"), ([committee], "unknown_recommending_unit"),
                      (["missing"], "unknown_recommending_unit")):
        with pytest.raises(Invalid) as caught:
            service.update_unit(unit_admin, created["unit_id"], {"recommending_unit_ids": ids})
        assert (caught.value.code, caught.value.field) == (code, "recommending_unit_ids")
    assert db.get(Organization, created["unit_id"]).recommending_unit_ids == []
    view = service.update_unit(unit_admin, created["unit_id"], {"legal_person": "孙七",
                                                                "recommending_unit_ids": departments[:2]})
    assert view["complete"] is True and len(view["recommending_units"]) == 2
    assert service.get_organizations([created["unit_id"]])[created["unit_id"]]["complete"] is True
    other = service.register_unit(unit())
    with pytest.raises(NotFound):
        service.update_unit(unit_admin, other["unit_id"], {"legal_person": "x"})
    with pytest.raises(Conflict):
        service.update_unit(unit_admin, created["unit_id"], {"name": db.get(Organization, other["unit_id"]).name})
    found = service.search_units("650100", view["name"][-4:])
    assert created["unit_id"] in {u["id"] for u in found}


def test_notify_queues_one_message_per_recipient(service, admin, db):
    from services.accounts.models import Notification
    actor = admin["user"]
    department = service.create_organization(actor, organization())
    for n in range(2):
        service.add_staff(actor, department["id"], {"username": f"staff{n}x", "password": PASSWORD,
                                                    "name": "员工", "phone": phone()})
    person = service.register_applicant(applicant())
    assert service.on_notice_requested({"user_ids": [person["user_id"]], "org_ids": [department["id"]],
                                        "subject": "申请书已退回", "body": "请修改后重新提交",
                                        "kind": "application_returned"}) == 3
    rows = db.scalars(select(Notification)).all()
    assert len(rows) == 3 and {r.channel for r in rows} == {"sms"} and {r.status for r in rows} == {"pending"}
    sent = []
    from services.accounts.notifications import send_pending
    assert send_pending(db, sent.append) == 3
    assert len(sent) == 3 and all(r.status == "sent" and r.sent_at for r in db.scalars(select(Notification)))


def test_a_failing_sender_leaves_messages_pending(service, db):
    from services.accounts.models import Notification
    from services.accounts.notifications import queue, send_pending
    queue(db, "sms", "13900000000", "s", "b")
    db.commit()

    def broken(message):
        raise ConnectionError("gateway down")

    assert send_pending(db, broken) == 0
    row = db.scalars(select(Notification)).one()
    assert row.status == "pending" and row.attempts == 1


def test_a_unit_has_its_number_and_keeps_the_names_it_had(service, db):
    """单位编号 (DWBH…) and the credit code are shown; 变更单位名称 keeps the old name."""
    created = service.register_unit(unit())
    unit_admin = service.login(created["username"], PASSWORD, None, "10.9.0.4")["user"]
    view = service.get_unit(unit_admin, created["unit_id"])
    assert view["code"].startswith("DWBH") and len(view["code"]) == 12 and view["code"][4:].isdigit()
    shared = service.get_organizations([created["unit_id"]])[created["unit_id"]]
    assert (shared["code"], shared["credit_code"]) == (view["code"], view["credit_code"])
    assert view["name_history"] == []
    old = view["name"]
    renamed = service.update_unit(unit_admin, created["unit_id"], {"name": old + "（更名）"})
    assert [(h["old_name"], h["new_name"]) for h in renamed["name_history"]] == [(old, old + "（更名）")]
    other = service.register_unit(unit())
    with pytest.raises(Conflict):   # another unit's name is refused, and no history is written
        service.update_unit(unit_admin, created["unit_id"], {"name": db.get(Organization, other["unit_id"]).name})
    assert len(service.get_unit(unit_admin, created["unit_id"])["name_history"]) == 1
    assert service.get_unit(unit_admin, created["unit_id"])["code"] != db.get(Organization, other["unit_id"]).code


def test_a_tick_sends_a_deadlines_backlog_batch_after_batch(db):
    """Two notices a submit come faster than one batch per tick: the timer's tick
    sends until the queue is drained, not one batch of it."""
    from services.accounts import notifications
    from services.accounts.models import Notification
    for n in range(notifications.SEND_BATCH * 2 + 7):
        notifications.queue(db, "sms", f"139{n:08d}", "s", "b")
    db.commit()
    sent = []
    assert notifications.send_all_pending(db, sent.append) == notifications.SEND_BATCH * 2 + 7
    assert len({m["recipient"] for m in sent}) == notifications.SEND_BATCH * 2 + 7
    assert {r.status for r in db.scalars(select(Notification))} == {"sent"}
