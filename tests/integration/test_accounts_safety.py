"""Account safety through the gateway (finding 10 of issue #9, the accounts part):
the recovery channels need the current password and are out of an impersonating
administrator's reach; an appeal under another name is flagged and needs an
explicit confirmation; an administrator-issued password must be changed before
the account can do anything else."""
from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, login, register_applicant, unique
from tests.integration.test_accounts_appeals import submit


def test_changing_phone_or_email_needs_the_current_password(api, stack):
    person = register_applicant(api)
    token = login(api, person["username"])["token"]
    expect(api.put("/me", json={"phone": "13911112222"}, token=token), 422, "current_password_required")
    expect(api.put("/me", json={"email": f"{unique('m')}@example.cn", "current_password": "Not-it-123"},
                   token=token), 422, "wrong_password")
    stored = stack.sql("accounts", "select phone, email from users where id = %s", person["user_id"])
    assert stored[0] == {"phone": person["phone"], "email": None}
    changed = expect(api.put("/me", json={"phone": "13911112222", "current_password": PASSWORD}, token=token), 200)
    assert changed["phone"] == "13911112222"


def test_an_impersonating_admin_cannot_change_recovery_channels(api, admin_token, stack):
    person = register_applicant(api)
    acting = expect(api.post("/admin/impersonate", json={"username": person["username"]}, token=admin_token), 200)
    for change in ({"phone": "13911112222", "current_password": PASSWORD}, {"email": f"{unique('i')}@example.cn"}):
        expect(api.put("/me", json=change, token=acting["token"]), 403, "impersonation_forbidden")
    stored = stack.sql("accounts", "select phone, email from users where id = %s", person["user_id"])
    assert stored[0] == {"phone": person["phone"], "email": None}


def test_an_appeal_under_another_name_needs_confirmation_then_the_password_must_change(api, admin_token):
    person = register_applicant(api, name="阿不都·热合曼")
    same = expect(submit(api, {"kind": "applicant", "id_number": person["id_number"], "name": "阿不都 • 热合曼",
                               "phone": "13612340000"}), 201)
    other = expect(submit(api, {"kind": "applicant", "id_number": person["id_number"], "name": "李四",
                                "phone": "13612345678"}), 201)
    listed = {a["id"]: a for a in expect(api.get("/admin/appeals", params={"status": "pending"},
                                                 token=admin_token), 200)}
    assert listed[same["id"]]["name_mismatch"] is False
    assert listed[other["id"]]["name_mismatch"] is True
    decision = f"/admin/appeals/{other['id']}/decision"
    refused = expect(api.post(decision, json={"approve": True}, token=admin_token), 409, "name_mismatch")
    assert refused["error"]["registered_name"] == "阿不都·热合曼" and refused["error"]["claimed_name"] == "李四"
    decided = expect(api.post(decision, json={"approve": True, "confirm_name_mismatch": True}, token=admin_token), 200)
    temporary = decided["temporary_password"]

    session = login(api, person["username"], temporary)
    assert session["user"]["must_change_password"] is True
    token = session["token"]
    assert expect(api.get("/me", token=token), 200)["must_change_password"] is True
    for method, path, body in (("GET", "/applications", None), ("GET", "/certificates", None),
                               ("PUT", "/me", {"phone": "13900001111", "current_password": temporary})):
        expect(api.request(method, path, json=body, token=token), 403, "password_change_required")
    expect(api.post("/me/password", json={"old_password": temporary, "new_password": temporary}, token=token),
           422, "same_password")
    expect(api.post("/me/password", json={"old_password": temporary, "new_password": "Own-choice-2026"},
                    token=token), 200)
    assert expect(api.get("/me", token=token), 200)["must_change_password"] is False
    assert expect(api.get("/applications", token=token), 200) == []
    assert login(api, person["username"], "Own-choice-2026")["user"]["must_change_password"] is False
