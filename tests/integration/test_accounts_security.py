"""Through the gateway: login throttling per username and per address, impersonation
and the audit log, profile and password changes, recovery by SMS and email codes
read from the notification outbox, the forgotten username, and the sender timer."""
import re
import time

from tests.client import expect
from tests.integration.accounts_helpers import PASSWORD, fresh_address, login, phone, register_applicant, unique


def test_five_failures_for_one_username_hold_it_back_for_a_while(api, stack):
    person = register_applicant(api)
    for _ in range(5):
        expect(api.post("/auth/login", json={"username": person["username"], "password": "Wrong-pass-1"},
                        headers=fresh_address()), 401, "bad_credentials")
    # The right password from yet another address is refused during the cool-down.
    response = api.post("/auth/login", json={"username": person["username"], "password": PASSWORD},
                        headers=fresh_address())
    body = expect(response, 429, "too_many_attempts")
    assert int(body["error"]["retry_after"]) > 0  # seconds (extras cross RPC as text)
    assert 0 < int(response.headers["Retry-After"]) <= 30  # a back-off, not a quarter-hour lock
    sessions = stack.sql("accounts", "select count(*) as n from sessions where user_id = %s", person["user_id"])
    assert sessions[0]["n"] == 0


def test_impersonation_shows_on_me_and_in_the_audit(api, admin_token):
    person = register_applicant(api)
    acting = expect(api.post("/admin/impersonate", json={"username": person["username"]}, token=admin_token), 200)
    me = expect(api.get("/me", token=acting["token"]), 200)
    assert me["username"] == person["username"] and me["impersonated_by"]["username"] == "admin"
    expect(api.post("/auth/switch-region", json={"region_code": "652800"}, token=acting["token"]), 200)
    # The impersonated session is not a platform administrator's.
    expect(api.get("/admin/audit", token=acting["token"]), 403, "forbidden")
    log = expect(api.get("/admin/audit", params={"user": person["username"]}, token=admin_token), 200)
    kinds = {item["kind"]: item for item in log["items"]}
    assert kinds["impersonation_started"]["impersonated_by"]["username"] == "admin"
    assert kinds["region_switched"]["impersonated_by"]["username"] == "admin"
    assert "applicant_registered" in kinds
    expect(api.post("/admin/impersonate", json={"username": unique("nobody")}, token=admin_token),
           404, "user_not_found")
    user_token = login(api, person["username"])["token"]
    expect(api.post("/admin/impersonate", json={"username": "admin"}, token=user_token), 403, "forbidden")


def test_audit_log_records_logins_with_address_and_pages(api, admin_token):
    person = register_applicant(api)
    address = {"X-Forwarded-For": "203.0.113.77"}
    expect(api.post("/auth/login", json={"username": person["username"], "password": "Wrong-pass-1"},
                    headers=address), 401, "bad_credentials")
    expect(api.post("/auth/login", json={"username": person["username"], "password": PASSWORD},
                    headers=address), 200)
    failures = expect(api.get("/admin/audit", params={"user": person["username"], "kind": "login_failure"},
                              token=admin_token), 200)
    assert failures["total"] == 1 and failures["items"][0]["address"] == "203.0.113.77"
    first = expect(api.get("/admin/audit", params={"page_size": 2}, token=admin_token), 200)
    second = expect(api.get("/admin/audit", params={"page_size": 2, "page": 2}, token=admin_token), 200)
    assert len(first["items"]) == 2 and first["total"] >= 4
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    expect(api.get("/admin/audit", params={"page": 0}, token=admin_token), 422, "invalid_field")


def test_profile_and_password_change(api, stack):
    person = register_applicant(api)
    token = login(api, person["username"])["token"]
    expect(api.put("/me", json={"phone": "123", "current_password": PASSWORD}, token=token), 422, "invalid_phone")
    stored = stack.sql("accounts", "select phone from users where id = %s", person["user_id"])
    assert stored[0]["phone"] == person["phone"]
    expect(api.post("/me/password", json={"old_password": "Not-it-123", "new_password": "Next-pass-2026"},
                    token=token), 422, "wrong_password")
    expect(api.post("/me/password", json={"old_password": PASSWORD, "new_password": "short"},
                    token=token), 422, "weak_password")
    expect(api.post("/me/password", json={"old_password": PASSWORD, "new_password": "Next-pass-2026"},
                    token=token), 200)
    assert login(api, person["username"], "Next-pass-2026")["token"]


def outbox(stack, recipient):
    return stack.sql("accounts", "select channel, recipient, subject, body, status, created_at, sent_at "
                     "from notifications where recipient = %s order by id", recipient)


def test_recovery_by_sms_code(api, stack):
    person = register_applicant(api)
    address = fresh_address()
    identity = {"id_number": person["id_number"], "name": person["name"], "phone": person["phone"]}
    expect(api.post("/recovery/sms", json={**identity, "name": "别人"}, headers=address), 404, "no_matching_account")
    assert outbox(stack, person["phone"]) == []
    started = expect(api.post("/recovery/sms", json=identity, headers=address), 200)
    messages = outbox(stack, person["phone"])
    assert len(messages) == 1 and messages[0]["channel"] == "sms"
    code = re.search(r"\d{6}", messages[0]["body"]).group()
    wrong = "000000" if code != "000000" else "111111"
    expect(api.post("/recovery/reset", json={"recovery_id": started["recovery_id"], "code": wrong,
                                             "new_password": "Reset-pass-2026"}, headers=address), 422, "wrong_code")
    expect(api.post("/recovery/reset", json={"recovery_id": started["recovery_id"], "code": code,
                                             "new_password": "Reset-pass-2026"}, headers=address), 200)
    expect(api.post("/recovery/reset", json={"recovery_id": started["recovery_id"], "code": code,
                                             "new_password": "Again-pass-2026"}, headers=address), 409, "code_used")
    assert login(api, person["username"], "Reset-pass-2026")["token"]


def test_recovery_by_email_code_and_masked_username(api, stack):
    email = f"{unique('mail')}@example.cn"
    person = register_applicant(api, email=email)
    address = fresh_address()
    expect(api.post("/recovery/email", json={"email": f"{unique('none')}@example.cn"}, headers=address),
           404, "no_matching_account")
    started = expect(api.post("/recovery/email", json={"email": email}, headers=address), 200)
    message = outbox(stack, email)[-1]
    assert message["channel"] == "email"
    code = re.search(r"\d{6}", message["body"]).group()
    expect(api.post("/recovery/reset", json={"recovery_id": started["recovery_id"], "code": code,
                                             "new_password": "Mail-pass-2026"}, headers=address), 200)
    assert login(api, person["username"], "Mail-pass-2026")["token"]
    shown = expect(api.post("/recovery/username", json={"id_number": person["id_number"], "name": person["name"],
                                                         "phone": person["phone"]}, headers=address), 200)
    assert shown["username_masked"] != person["username"] and "*" in shown["username_masked"]
    assert shown["username_masked"][:3] == person["username"][:3]


def test_recovery_is_throttled_per_address(api):
    address = fresh_address()
    body = {"id_number": register_applicant(api)["id_number"], "name": "别人", "phone": phone()}
    for _ in range(10):
        expect(api.post("/recovery/username", json=body, headers=address), 404, "no_matching_account")
    response = api.post("/recovery/username", json=body, headers=address)
    expect(response, 429, "too_many_attempts")
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_the_timer_sends_queued_messages(api, stack):
    person = register_applicant(api)
    expect(api.post("/recovery/sms", json={"id_number": person["id_number"], "name": person["name"],
                                           "phone": person["phone"]}, headers=fresh_address()), 200)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = outbox(stack, person["phone"])
        if rows and rows[0]["status"] == "sent":
            break
        time.sleep(0.5)
    assert rows[0]["status"] == "sent" and rows[0]["sent_at"] is not None
