"""The gateway's side of account safety, with a fake RPC client: Retry-After on
every 429, the device id handed to the accounts service and set as a cookie, and
the forced password change after an administrator-issued password."""
from gateway.app import init_app
from gateway.rpc import RemoteError
from tests.unit.gateway.test_core import FakeRpc, raiser

PENDING = {"id": "u1", "username": "u1", "name": "张三", "role": "applicant", "region_code": "650000",
           "org_id": None, "impersonated_by": None, "must_change_password": True}


async def test_every_429_carries_retry_after_from_the_error(aiohttp_client):
    client = await aiohttp_client(init_app(rpc=FakeRpc({("accounts", "echo"): raiser(RemoteError(
        "TooManyAttempts", ["too_many_attempts", "请30秒后再试", {"retry_after": "30"}], "x"))})))
    response = await client.get("/api/v1/echo")
    assert response.status == 429 and response.headers["Retry-After"] == "30"
    assert (await response.json())["error"]["retry_after"] == "30"


async def test_a_429_whose_throttle_gave_no_time_still_has_retry_after(aiohttp_client):
    client = await aiohttp_client(init_app(rpc=FakeRpc({("accounts", "echo"): raiser(RemoteError(
        "TooManyAttempts", ["too_many_attempts", "稍后再试", {}], "x"))})))
    response = await client.get("/api/v1/echo")
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0


def login_answer(*args):
    return {"token": "t", "expires_at": "x", "user": {**PENDING, "must_change_password": False}}


async def test_login_sends_a_device_id_and_sets_the_device_cookie(aiohttp_client):
    rpc = FakeRpc({("accounts", "login"): login_answer})
    client = await aiohttp_client(init_app(rpc=rpc))
    response = await client.post("/api/v1/auth/login", json={"username": "u1", "password": "p"})
    assert response.status == 200
    device = (await response.json())["device_id"]
    assert rpc.calls[-1][2][4] == device and len(device) >= 22
    cookie = response.cookies["zc_device"]
    assert cookie.value == device and cookie["httponly"] and cookie["samesite"] == "Lax"
    # Sent back (cookie, or header for API clients), the same id goes to accounts.
    await client.post("/api/v1/auth/login", json={"username": "u1", "password": "p"})
    assert rpc.calls[-1][2][4] == device
    client.session.cookie_jar.clear()
    await client.post("/api/v1/auth/login", json={"username": "u1", "password": "p"},
                      headers={"X-Device-Id": "api-client-device-0123456789"})
    assert rpc.calls[-1][2][4] == "api-client-device-0123456789"
    await client.post("/api/v1/auth/login", json={"username": "u1", "password": "p"},
                      headers={"X-Device-Id": "short"})
    assert rpc.calls[-1][2][4] not in ("short", device)


async def test_a_pending_password_change_allows_only_me_logout_and_the_change(aiohttp_client):
    rpc = FakeRpc({("accounts", "authenticate"): lambda token: PENDING,
                   ("accounts", "change_password"): {"ok": True},
                   ("accounts", "logout"): {"ok": True},
                   ("applications", "list_applications"): []})
    client = await aiohttp_client(init_app(rpc=rpc))
    auth = {"Authorization": "Bearer t"}
    assert (await client.get("/api/v1/me", headers=auth)).status == 200
    for method, path, body in (("GET", "/api/v1/applications", None),
                               ("PUT", "/api/v1/me", {"phone": "13900001111", "current_password": "x"}),
                               ("POST", "/api/v1/auth/switch-region", {"region_code": "650000"})):
        response = await client.request(method, path, json=body, headers=auth)
        assert response.status == 403, path
        assert (await response.json())["error"]["code"] == "password_change_required"
    response = await client.post("/api/v1/me/password", json={"old_password": "a", "new_password": "b"},
                                 headers=auth)
    assert response.status == 200
    assert (await client.post("/api/v1/auth/logout", headers=auth)).status == 200


async def test_an_impersonating_admin_is_not_held_by_the_pending_change(aiohttp_client):
    acting = {**PENDING, "impersonated_by": {"id": "a", "username": "admin"}}
    rpc = FakeRpc({("accounts", "authenticate"): lambda token: acting,
                   ("applications", "list_applications"): []})
    client = await aiohttp_client(init_app(rpc=rpc))
    response = await client.get("/api/v1/applications", headers={"Authorization": "Bearer t"})
    assert response.status == 200 and await response.json() == []
