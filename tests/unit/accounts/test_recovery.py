"""Recovery (SMS, email, forgotten username) and appeals through the service;
the documents service is replaced by worker_factory's mock."""
import re
from datetime import timedelta

import pytest
from nameko.exceptions import UnknownService, deserialize, serialize
from sqlalchemy import select

from services.accounts import recovery
from services.accounts.models import Appeal, AuditEvent, Notification, RecoveryCode, User
from tests.unit.accounts.builders import PASSWORD, applicant, unit
from zc_common.clock import now
from zc_common.errors import Conflict, Invalid, NotFound, TooLarge, TooManyAttempts, Unauthorized, Unavailable


def last_code(db, recipient):
    row = db.scalars(select(Notification).where(Notification.recipient == recipient)
                     .order_by(Notification.id.desc())).first()
    return re.search(r"\d{6}", row.body).group()


@pytest.fixture
def person(service):
    data = applicant(email="zhang@example.cn")
    return {**data, **service.register_applicant(data)}


def identity(person, **changes):
    return {"id_number": person["id_number"], "name": person["name"], "phone": person["phone"], **changes}


def test_sms_code_resets_the_password_once(service, db, person):
    session = service.login(person["username"], PASSWORD, None, "10.8.0.1")
    started = service.recover_by_sms(identity(person), "10.8.0.1")
    assert started["channel"] == "sms" and "****" in started["sent_to"]
    code = last_code(db, person["phone"])
    assert service.reset_password(started["recovery_id"], code, "Brand-new-pass9", "10.8.0.1") == {
        "username": person["username"]}
    with pytest.raises(Unauthorized):
        service.authenticate(session["token"])  # every session ends with a reset
    assert service.login(person["username"], "Brand-new-pass9", None, "10.8.0.1")["token"]
    with pytest.raises(Conflict) as caught:
        service.reset_password(started["recovery_id"], code, "Other-pass-99", "10.8.0.1")
    assert caught.value.code == "code_used"
    kinds = {row.kind for row in db.scalars(select(AuditEvent))}
    assert {"recovery_code_sent", "password_reset"} <= kinds


def test_sms_recovery_needs_all_three_to_match(service, db, person):
    for changes in ({"name": "李四"}, {"phone": "13800000000"}):
        with pytest.raises(NotFound) as caught:
            service.recover_by_sms(identity(person, **changes), "10.8.1.1")
        assert caught.value.code == "no_matching_account"
    with pytest.raises(Invalid):
        service.recover_by_sms(identity(person, id_number="110105194912310021"), "10.8.1.1")
    assert db.scalars(select(RecoveryCode)).all() == []


def test_wrong_codes_are_limited_and_change_nothing(service, db, person):
    started = service.recover_by_sms(identity(person), "10.8.2.1")
    code = last_code(db, person["phone"])
    wrong = "000000" if code != "000000" else "111111"
    before = db.get(User, person["user_id"]).password_hash
    for _ in range(5):
        with pytest.raises(Invalid) as caught:
            service.reset_password(started["recovery_id"], wrong, "Brand-new-pass9", "10.8.2.1")
        assert caught.value.code == "wrong_code"
    with pytest.raises(TooManyAttempts):
        service.reset_password(started["recovery_id"], code, "Brand-new-pass9", "10.8.2.1")
    assert db.get(User, person["user_id"]).password_hash == before


def test_codes_expire_after_ten_minutes(service, db, person, monkeypatch):
    started = service.recover_by_sms(identity(person), "10.8.3.1")
    code = last_code(db, person["phone"])
    monkeypatch.setenv("ZC_FAKE_NOW", (now() + timedelta(minutes=11)).isoformat())
    with pytest.raises(Conflict) as caught:
        service.reset_password(started["recovery_id"], code, "Brand-new-pass9", "10.8.3.1")
    assert caught.value.code == "code_expired"


def test_a_weak_new_password_keeps_the_code(service, db, person):
    started = service.recover_by_sms(identity(person), "10.8.4.1")
    code = last_code(db, person["phone"])
    with pytest.raises(Invalid) as caught:
        service.reset_password(started["recovery_id"], code, "weak", "10.8.4.1")
    assert caught.value.code == "weak_password"
    assert service.reset_password(started["recovery_id"], code, "Strong-pass-77", "10.8.4.1")


def test_email_recovery(service, db, person):
    started = service.recover_by_email("Zhang@Example.cn", "10.8.5.1")
    assert started["channel"] == "email" and started["sent_to"].endswith("@example.cn")
    code = last_code(db, "zhang@example.cn")
    assert service.reset_password(started["recovery_id"], code, "Mail-reset-2026", "10.8.5.1")
    with pytest.raises(NotFound):
        service.recover_by_email("nobody@example.cn", "10.8.5.1")


def test_forgotten_username_is_masked(service, person):
    shown = service.recover_username(identity(person), "10.8.6.1")["username_masked"]
    assert shown.startswith(person["username"][:3]) and shown.endswith(person["username"][-2:])
    assert "*" in shown and shown != person["username"]


def test_recovery_requests_are_throttled_per_address(service, person):
    for _ in range(10):
        with pytest.raises(NotFound):
            service.recover_username(identity(person, name="别人"), "10.8.7.1")
    with pytest.raises(TooManyAttempts):
        service.recover_username(identity(person), "10.8.7.1")
    assert service.recover_username(identity(person), "10.8.7.2")


def test_codes_per_account_are_limited(service, person):
    for n in range(3):
        service.recover_by_sms(identity(person), f"10.8.8.{n}")
    with pytest.raises(TooManyAttempts):
        service.recover_by_sms(identity(person), "10.8.8.9")


# -- appeals ---------------------------------------------------------------------------------

def appeal_form(person, **changes):
    return {"kind": "applicant", "id_number": person["id_number"], "name": person["name"],
            "phone": "13700001111", "email": "new@example.cn", **changes}


def test_appeal_approved_resets_and_notifies(service, db, person, admin):
    service.documents_rpc.store_private_file.return_value = {"id": "file-1", "name": "id.png", "size": 3,
                                                             "content_type": "image/png", "sha256": "x"}
    created = service.submit_appeal(appeal_form(person), "id.png", "iVBO", "10.8.9.1")
    call = service.documents_rpc.store_private_file.call_args.kwargs
    assert call["kind"] == "appeal" and call["owner_ref"] == f"appeal:{created['id']}"
    listed = service.list_appeals(admin["user"], "pending")
    assert [a["id"] for a in listed] == [created["id"]]
    service.documents_rpc.read_private_file.return_value = {"name": "id.png", "content_type": "image/png",
                                                            "content_b64": "iVBO"}
    assert service.appeal_scan(admin["user"], created["id"])["content_b64"] == "iVBO"
    decided = service.decide_appeal(admin["user"], created["id"], True, "核实无误")
    assert decided["status"] == "approved" and decided["temporary_password"]
    user = db.get(User, person["user_id"])
    assert user.phone == "13700001111" and user.email == "new@example.cn"
    assert service.login(person["username"], decided["temporary_password"], None, "10.8.9.1")["token"]
    message = db.scalars(select(Notification).where(Notification.kind == "appeal_decision")).one()
    assert message.recipient == "13700001111" and decided["temporary_password"] in message.body
    with pytest.raises(Conflict) as caught:
        service.decide_appeal(admin["user"], created["id"], False, "重复")
    assert caught.value.code == "appeal_decided"


def test_appeal_rejection_needs_a_reason_and_changes_nothing(service, db, person, admin):
    service.documents_rpc.store_private_file.return_value = {"id": "file-2", "name": "id.pdf"}
    created = service.submit_appeal(appeal_form(person), "id.pdf", "JVBE", "10.8.10.1")
    with pytest.raises(Invalid) as caught:
        service.decide_appeal(admin["user"], created["id"], False, " ")
    assert caught.value.code == "note_required"
    assert db.get(Appeal, created["id"]).status == "pending"
    decided = service.decide_appeal(admin["user"], created["id"], False, "扫描件不清晰")
    assert decided["status"] == "rejected" and "temporary_password" not in decided
    assert db.get(User, person["user_id"]).phone == person["phone"]


def test_unit_appeal_finds_the_unit_admin(service, db, admin):
    data = unit()
    created = service.register_unit(data)
    service.documents_rpc.store_private_file.return_value = {"id": "file-3", "name": "licence.pdf"}
    appeal = service.submit_appeal({"kind": "unit", "credit_code": data["credit_code"], "name": data["name"],
                                    "phone": "13600002222"}, "licence.pdf", "JVBE", "10.8.11.1")
    decided = service.decide_appeal(admin["user"], appeal["id"], True, None, "Chosen-pass-88")
    assert decided["username"] == created["username"] and "temporary_password" not in decided
    assert service.login(created["username"], "Chosen-pass-88", None, "10.8.11.1")["token"]


def test_appeal_refusals_store_nothing(service, db, person):
    with pytest.raises(NotFound):
        service.submit_appeal(appeal_form(person, id_number="11010519491231002X"), "a.png", "x", "10.8.12.1")
    with pytest.raises(Invalid) as caught:
        service.submit_appeal(appeal_form(person, phone="123"), "a.png", "x", "10.8.12.1")
    assert caught.value.code == "invalid_phone"
    with pytest.raises(Invalid) as caught:
        service.submit_appeal(appeal_form(person, kind="unit", credit_code="91350100M000100Y44"),
                              "a.png", "x", "10.8.12.1")
    assert caught.value.code == "invalid_credit_code"
    assert service.documents_rpc.store_private_file.call_count == 0
    # What nameko hands accounts when documents refuses (see zc_common.remote).
    service.documents_rpc.store_private_file.side_effect = deserialize(serialize(
        TooLarge("file_too_large", "文件不能超过 2 MB")))
    with pytest.raises(TooLarge) as caught:
        service.submit_appeal(appeal_form(person), "big.png", "x", "10.8.12.1")
    assert caught.value.code == "file_too_large"
    service.documents_rpc.store_private_file.side_effect = UnknownService("documents")
    with pytest.raises(Unavailable):
        service.submit_appeal(appeal_form(person), "a.png", "x", "10.8.12.1")
    assert db.scalars(select(Appeal)).all() == []


def test_appeals_are_throttled_per_address(service, db, person):
    service.documents_rpc.store_private_file.return_value = {"id": "file-4", "name": "id.png"}
    for _ in range(5):
        service.submit_appeal(appeal_form(person), "id.png", "iVBO", "10.8.13.1")
    with pytest.raises(TooManyAttempts):
        service.submit_appeal(appeal_form(person), "id.png", "iVBO", "10.8.13.1")
    assert len(db.scalars(select(Appeal)).all()) == 5
    assert service.submit_appeal(appeal_form(person), "id.png", "iVBO", "10.8.13.2")["status"] == "pending"


def test_recovery_finds_a_uyghur_name_however_its_dot_is_typed(service, db):
    data = applicant(name="阿不都·热合曼")
    person = {**data, **service.register_applicant(data)}
    for typed in ("阿不都•热合曼", "阿不都.热合曼", "阿不都・热合曼",
                  "阿不都 热合曼", "阿不都．热合曼", "阿不都‧热合曼"):
        assert recovery.applicant_by_identity(db, identity(person, name=typed)).username == person["username"]
    with pytest.raises(NotFound):
        recovery.applicant_by_identity(db, identity(person, name="阿不都·热依木"))
