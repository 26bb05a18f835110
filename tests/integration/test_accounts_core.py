"""Accounts through the gateway: bootstrap admin, login/me/logout, registration,
organisations and staff, base-unit information."""
import itertools
import uuid

from tests.client import expect
from tests.stack import ADMIN_PASSWORD

_counter = itertools.count(1)


def fresh_address():
    """A distinct client address per caller, sent the way a reverse proxy does, so
    throttling in one test never touches another."""
    n = next(_counter)
    return {"X-Forwarded-For": f"198.51.{100 + n // 250}.{n % 250 + 1}"}


def test_bootstrap_admin_logs_in_and_sees_self(api):
    body = expect(api.post("/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}), 200)
    assert body["token"]
    assert body["user"]["role"] == "platform_admin"
    assert body["user"]["region_code"] == "650000"
    me = expect(api.get("/me", token=body["token"]), 200)
    assert me["username"] == "admin"
    assert me["impersonated_by"] is None


def test_me_requires_login(api):
    expect(api.get("/me"), 401, "not_logged_in")
    expect(api.get("/me", token="not-a-token"), 401, "not_logged_in")


def test_logout_revokes_the_token_at_once(api):
    token = api.admin_token()
    expect(api.get("/me", token=token), 200)
    expect(api.post("/auth/logout", token=token), 200)
    expect(api.get("/me", token=token), 401, "not_logged_in")


def test_wrong_password_is_bad_credentials(api):
    expect(api.post("/auth/login", json={"username": "admin", "password": "wrong-password-1"},
                    headers=fresh_address()), 401, "bad_credentials")
    expect(api.post("/auth/login", json={"username": "nobody-" + uuid.uuid4().hex[:6], "password": "x1234567"},
                    headers=fresh_address()), 401, "bad_credentials")
