"""Login back-off through the gateway (finding 4 of issue #9): failures from many
addresses cannot keep an account's owner out on a device that logged in before;
from a new device the wait is a growing back-off with Retry-After, not a fixed
15-minute lock; one shared address has a larger, documented allowance; and every
429 of the platform carries Retry-After."""
from services.accounts import throttling
from tests.client import ApiClient, expect
from tests.integration.accounts_helpers import PASSWORD, fresh_address, register_applicant, unique
from tests.integration.test_accounts_appeals import png_bytes


def attempt(client, username, password, headers=None):
    return client.post("/auth/login", json={"username": username, "password": password},
                       headers={**fresh_address(), **(headers or {})})


def retry_after(response):
    body = expect(response, 429, "too_many_attempts")
    seconds = int(response.headers["Retry-After"])
    assert seconds == int(body["error"]["retry_after"])
    return seconds


def test_failures_from_elsewhere_do_not_keep_a_known_device_out(api, stack):
    person = register_applicant(api)
    name = person["username"]
    browser = ApiClient(api.base_url)           # keeps the HttpOnly device cookie
    script = ApiClient(api.base_url)            # sends X-Device-Id
    expect(attempt(browser, name, PASSWORD), 200)
    assert browser.http.cookies.get("zc_device")
    script_device = expect(attempt(script, name, PASSWORD), 200)["device_id"]
    script.http.cookies.clear()
    attacker = ApiClient(api.base_url)
    for _ in range(throttling.ACCOUNT.free):
        expect(attempt(attacker, name, "Wrong-pass-1"), 401, "bad_credentials")
    stranger = ApiClient(api.base_url)
    first = retry_after(attempt(stranger, name, PASSWORD))
    assert 0 < first <= 30
    assert expect(attempt(browser, name, PASSWORD), 200)["token"]
    assert expect(attempt(script, name, PASSWORD, {"X-Device-Id": script_device}), 200)["token"]
    # The wait grows with every further failure instead of a fixed lock: let the
    # first delay pass (moved back in the attempts table), fail once more, and the
    # next wait is twice as long.
    stack.sql("accounts", "update attempts set at = at - interval '31 seconds' "
                          "where kind = 'login_user' and key = %s", name)
    expect(attempt(attacker, name, "Wrong-pass-1"), 401, "bad_credentials")
    second = retry_after(attempt(ApiClient(api.base_url), name, PASSWORD))
    assert 30 < second <= 60
    assert expect(attempt(browser, name, PASSWORD), 200)["token"]


def test_a_shared_address_allows_many_accounts_typos_before_backing_off(api):
    person = register_applicant(api)
    office = fresh_address()
    allowance = throttling.ADDRESS.free
    assert allowance > throttling.ACCOUNT.free
    colleagues = ApiClient(api.base_url)
    for _ in range(allowance - 1):   # many different accounts, one typo each
        expect(colleagues.post("/auth/login", json={"username": unique("colleague"), "password": "Wrong-pass-1"},
                               headers=office), 401, "bad_credentials")
    me = ApiClient(api.base_url)
    expect(me.post("/auth/login", json={"username": person["username"], "password": PASSWORD},
                   headers=office), 200)
    # Past the documented allowance the address backs off too (briefly), for everyone
    # behind it; elsewhere nothing changes.
    expect(colleagues.post("/auth/login", json={"username": unique("colleague"), "password": "Wrong-pass-1"},
                           headers=office), 401, "bad_credentials")
    seconds = retry_after(ApiClient(api.base_url).post(
        "/auth/login", json={"username": person["username"], "password": PASSWORD}, headers=office))
    assert 0 < seconds <= 30
    expect(me.post("/auth/login", json={"username": person["username"], "password": PASSWORD},
                   headers=fresh_address()), 200)


def test_every_throttle_answers_with_retry_after(api):
    # Recovery requests, per address.
    address = fresh_address()
    body = {"id_number": register_applicant(api)["id_number"], "name": "别人", "phone": "13900000000"}
    for _ in range(10):
        api.post("/recovery/username", json=body, headers=address)
    assert 0 < retry_after(api.post("/recovery/username", json=body, headers=address)) <= 15 * 60
    # Appeals, per address.
    address = fresh_address()
    person = register_applicant(api)
    fields = {"kind": "applicant", "id_number": person["id_number"], "name": person["name"], "phone": "13600001111"}
    for _ in range(5):
        api.post("/appeals", data=fields, files={"file": ("id.png", png_bytes(), "image/png")}, headers=address)
    refused = api.post("/appeals", data=fields, files={"file": ("id.png", png_bytes(), "image/png")},
                       headers=address)
    assert 0 < retry_after(refused) <= 15 * 60
    # The public certificate check, per address.
    address = fresh_address()
    for n in range(10):
        expect(api.get(f"/public/certificates/65000020269{n:05d}", params={"name": "张三"}, headers=address),
               404)
    assert 0 < retry_after(api.get("/public/certificates/650000202699999", params={"name": "张三"},
                                   headers=address)) <= 15 * 60
