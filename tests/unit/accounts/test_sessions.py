"""Login, tokens, logout, expiry, throttling, region switching and impersonation,
through the service's RPC methods (worker_factory, SQLite)."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.accounts.models import AuditEvent, Session, User
from services.accounts.registration import ensure_admin
from services.accounts.schemas import identity_of
from services.accounts.validators import id_check_char
from tests.unit.accounts.builders import PASSWORD, applicant
from zc_common.clock import now
from zc_common.errors import Forbidden, Invalid, NotFound, TooManyAttempts, Unauthorized


def test_bootstrap_admin_is_created_once(db):
    assert ensure_admin(db, "First-Pass-1") is True
    assert ensure_admin(db, "Second-Pass-2") is False
    admins = db.scalars(select(User).where(User.username == "admin")).all()
    assert len(admins) == 1 and admins[0].role == "platform_admin"


def test_login_authenticate_logout(service, admin):
    assert admin["user"]["role"] == "platform_admin"
    actor = service.authenticate(admin["token"])
    assert actor["username"] == "admin" and actor["impersonated_by"] is None
    assert set(actor) >= {"id", "username", "name", "role", "region_code", "org_id", "impersonated_by"}
    service.logout(admin["token"])
    with pytest.raises(Unauthorized) as caught:
        service.authenticate(admin["token"])
    assert caught.value.code == "not_logged_in"


def test_tampered_token_is_refused(service, admin):
    with pytest.raises(Unauthorized):
        service.authenticate(admin["token"][:-2] + "xx")


@pytest.mark.parametrize("token", ["Bearer \udced\udcbf", "a\x00.b.c", "\udfff"])
def test_a_token_that_is_not_text_is_refused_like_any_bad_token(service, token):
    # A header byte that is not UTF-8 reaches Python as a lone surrogate.
    with pytest.raises(Unauthorized) as caught:
        service.authenticate(token)
    assert caught.value.code == "not_logged_in"


def test_expired_session_is_refused(service, admin, monkeypatch):
    later = now() + timedelta(hours=9)
    monkeypatch.setenv("ZC_FAKE_NOW", later.isoformat())
    with pytest.raises(Unauthorized) as caught:
        service.authenticate(admin["token"])
    assert caught.value.code == "session_expired"


def test_password_hashes_are_argon2(service, db):
    service.register_applicant(applicant())
    stored = db.scalars(select(User.password_hash)).all()
    assert stored and all(h.startswith("$argon2id$") for h in stored)


def test_five_failures_for_one_username_cool_down(service, db, monkeypatch):
    person = applicant()
    created = service.register_applicant(person)
    for n in range(5):
        with pytest.raises(Unauthorized):
            service.login(created["username"], "wrong-pass-1", None, f"10.1.0.{n}")
    with pytest.raises(TooManyAttempts) as caught:
        service.login(created["username"], PASSWORD, None, "10.1.0.99")
    assert caught.value.code == "too_many_attempts"
    assert db.scalars(select(Session)).all() == []
    # After the window the correct password works again.
    monkeypatch.setenv("ZC_FAKE_NOW", (now() + timedelta(minutes=16)).isoformat())
    assert service.login(created["username"], PASSWORD, None, "10.1.0.99")["token"]


def test_failures_are_audited_with_address(service, db):
    with pytest.raises(Unauthorized):
        service.login("ghost", "wrong-pass-1", None, "10.3.0.1")
    row = db.scalars(select(AuditEvent).where(AuditEvent.kind == "login_failure")).one()
    assert row.address == "10.3.0.1" and row.username == "ghost"


def test_region_entry_and_switch(service):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, "652800", "10.4.0.1")
    assert session["user"]["region_code"] == "652800"
    with pytest.raises(Invalid) as caught:
        service.login(created["username"], PASSWORD, "652801", "10.4.0.1")
    assert caught.value.code == "unknown_region"
    assert service.switch_region(session["token"], "650000")["region_code"] == "650000"
    assert service.authenticate(session["token"])["region_code"] == "650000"
    with pytest.raises(Invalid):
        service.switch_region(session["token"], "000000")
    assert service.authenticate(session["token"])["region_code"] == "650000"


def test_impersonation_marks_the_actor_and_the_audit(service, admin, db):
    created = service.register_applicant(applicant())
    acting = service.impersonate(service.authenticate(admin["token"]), created["username"], "10.5.0.1")
    actor = service.authenticate(acting["token"])
    assert actor["username"] == created["username"]
    assert actor["impersonated_by"] == {"id": admin["user"]["id"], "username": "admin"}
    service.switch_region(acting["token"], "652800")
    row = db.scalars(select(AuditEvent).where(AuditEvent.kind == "region_switched")).one()
    assert row.impersonated_by == {"id": admin["user"]["id"], "username": "admin"}
    with pytest.raises(Forbidden):
        service.impersonate(actor, "admin")
    with pytest.raises(NotFound):
        service.impersonate(service.authenticate(admin["token"]), "no-such-user")
    with pytest.raises(Forbidden):
        service.impersonate(service.authenticate(admin["token"]), "admin")


def test_only_platform_admin_impersonates(service):
    created = service.register_applicant(applicant())
    session = service.login(created["username"], PASSWORD, None, "10.6.0.1")
    with pytest.raises(Forbidden):
        service.impersonate(session["user"], "admin")


def test_change_password_needs_the_old_one_and_ends_other_sessions(service, db):
    created = service.register_applicant(applicant())
    first = service.login(created["username"], PASSWORD, None, "10.7.0.1")
    second = service.login(created["username"], PASSWORD, None, "10.7.0.2")
    before = db.get(User, created["user_id"]).password_hash
    with pytest.raises(Invalid) as caught:
        service.change_password(first["token"], "not-it-123", "NewPassw0rd")
    assert caught.value.code == "wrong_password"
    with pytest.raises(Invalid) as caught:
        service.change_password(first["token"], PASSWORD, "weak")
    assert caught.value.code == "weak_password"
    assert db.get(User, created["user_id"]).password_hash == before
    service.change_password(first["token"], PASSWORD, "NewPassw0rd")
    assert service.authenticate(first["token"])
    with pytest.raises(Unauthorized):
        service.authenticate(second["token"])
    assert service.login(created["username"], "NewPassw0rd", None, "10.7.0.3")["token"]


def test_a_success_clears_the_username_count_and_old_attempts_are_purged(service, db, monkeypatch):
    from services.accounts.models import Attempt
    created = service.register_applicant(applicant())
    for round_no in range(2):
        for n in range(4):
            with pytest.raises(Unauthorized):
                service.login(created["username"], "wrong-pass-1", None, f"10.11.{round_no}.{n}")
        assert service.login(created["username"], PASSWORD, None, f"10.11.{round_no}.9")["token"]
    assert db.scalar(select(func.count()).select_from(Attempt)) > 0
    monkeypatch.setenv("ZC_FAKE_NOW", (now() + timedelta(days=2)).isoformat())
    service.purge_attempts()
    assert db.scalar(select(func.count()).select_from(Attempt)) == 0


def test_the_actor_carries_the_registration_identity(service):
    """Applications prefills 基本信息 from it and checks the form against the ID number
    (#14 item 6) without asking accounts again."""
    body = f"650102197504020{random.randrange(10, 100):02d}"[:16] + "2"    # 17th digit even: 女
    woman = service.register_applicant(applicant(id_number=body + id_check_char(body), phone="13912345678"))
    token = service.login(woman["username"], PASSWORD, None, "10.52.0.1")["token"]
    actor = service.authenticate(token)
    assert (actor["phone"], actor["birth_date"], actor["gender"]) == ("13912345678", "1975-04-02", "女")


@pytest.mark.parametrize("number, identity", [
    ("650102197504020023", {"birth_date": "1975-04-02", "gender": "女"}),   # 17th digit 2: even
    ("650102198801010037", {"birth_date": "1988-01-01", "gender": "男"}),   # 17th digit 3: odd
    (None, {"birth_date": None, "gender": None}),                           # staff: no ID number
    ("6501021975", {"birth_date": None, "gender": None}),
    ("650102197502300011", {"birth_date": None, "gender": None}),           # no 30 February
])
def test_identity_of_reads_birth_date_and_gender_from_the_id_number(number, identity):
    assert identity_of(number) == identity
