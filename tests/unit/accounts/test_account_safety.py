"""Account safety: the recovery channels need the current password and are out of
an impersonating administrator's reach; an appeal under another name needs the
administrator's confirmation; an administrator-issued password must be replaced."""
import pytest

from services.accounts.models import User
from tests.unit.accounts.builders import PASSWORD, applicant
from zc_common.errors import Conflict, Forbidden, Invalid, TooManyAttempts


@pytest.fixture
def person(service):
    data = applicant(name="阿不都·热合曼")
    created = service.register_applicant(data)
    session = service.login(created["username"], PASSWORD, None, "10.30.0.1")
    return {**data, **created, "actor": session["user"], "token": session["token"]}


def test_changing_the_phone_needs_the_current_password(service, db, person):
    with pytest.raises(Invalid) as caught:
        service.update_profile(person["actor"], {"phone": "13911112222"})
    assert (caught.value.code, caught.value.field) == ("current_password_required", "current_password")
    with pytest.raises(Invalid) as caught:
        service.update_profile(person["actor"], {"phone": "13911112222", "current_password": "Not-it-123"})
    assert caught.value.code == "wrong_password"
    assert db.get(User, person["user_id"]).phone == person["phone"]
    service.update_profile(person["actor"], {"phone": "13911112222", "current_password": PASSWORD})
    assert db.get(User, person["user_id"]).phone == "13911112222"
    # Clearing the email is a change of recovery channel too.
    with pytest.raises(Invalid):
        service.update_profile(person["actor"], {"email": None})


def test_guessing_the_current_password_backs_off(service, person):
    for _ in range(5):
        with pytest.raises(Invalid):
            service.update_profile(person["actor"], {"phone": "13911112222", "current_password": "Not-it-123"})
    with pytest.raises(TooManyAttempts) as caught:
        service.update_profile(person["actor"], {"phone": "13911112222", "current_password": PASSWORD})
    assert int(caught.value.extra["retry_after"]) > 0


def test_an_impersonating_admin_cannot_change_recovery_channels(service, db, person, admin):
    acting = service.impersonate(service.authenticate(admin["token"]), person["username"], "10.30.0.2")
    actor = service.authenticate(acting["token"])
    for change in ({"phone": "13911112222", "current_password": PASSWORD}, {"email": "x@example.cn"}):
        with pytest.raises(Forbidden) as caught:
            service.update_profile(actor, change)
        assert caught.value.code == "impersonation_forbidden"
    assert db.get(User, person["user_id"]).phone == person["phone"]


def submit(service, person, name):
    service.documents_rpc.store_private_file.return_value = {"id": "file-9", "name": "id.png"}
    return service.submit_appeal({"kind": "applicant", "id_number": person["id_number"], "name": name,
                                  "phone": "13700001111"}, "id.png", "iVBO", "10.30.1.1")


def test_an_appeal_under_the_same_name_written_differently_is_no_mismatch(service, person, admin):
    created = submit(service, person, "阿不都 • 热合曼")
    assert service.list_appeals(admin["user"])[0]["name_mismatch"] is False
    assert service.decide_appeal(admin["user"], created["id"], True, None)["status"] == "approved"


def test_an_appeal_under_another_name_needs_confirmation_and_the_password_must_change(service, db, person, admin):
    created = submit(service, person, "李四")
    listed = service.list_appeals(admin["user"])[0]
    assert listed["name_mismatch"] is True and listed["account"]["name"] == "阿不都·热合曼"
    with pytest.raises(Conflict) as caught:
        service.decide_appeal(admin["user"], created["id"], True, None)
    assert caught.value.code == "name_mismatch" and caught.value.extra["registered_name"] == "阿不都·热合曼"
    assert db.get(User, person["user_id"]).phone == person["phone"]  # nothing changed
    decided = service.decide_appeal(admin["user"], created["id"], True, None, None, True)
    temporary = decided["temporary_password"]
    session = service.login(person["username"], temporary, None, "10.30.1.2")
    assert session["user"]["must_change_password"] is True
    assert service.authenticate(session["token"])["must_change_password"] is True
    with pytest.raises(Invalid) as caught:
        service.change_password(session["token"], temporary, temporary)
    assert caught.value.code == "same_password"
    changed = service.change_password(session["token"], temporary, "Own-choice-2026")
    assert changed["user"]["must_change_password"] is False
    assert service.authenticate(session["token"])["must_change_password"] is False
