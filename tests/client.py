"""A small HTTP client for tests: ``api.post(path, json=..., token=...)``, with
``expect`` helpers that check the status and API.md's error shape."""
import requests

from tests.stack import ADMIN_PASSWORD


class ApiClient:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def url(self, path):
        return f"{self.base_url}/api/v1{path}"

    def request(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.url(path), headers=headers, timeout=60, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password, region_code=None):
        body = {"username": username, "password": password}
        if region_code:
            body["region_code"] = region_code
        response = self.post("/auth/login", json=body)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def admin_token(self):
        return self.login("admin", ADMIN_PASSWORD)


def expect(response, status, code=None):
    """Assert the status (and for errors the API.md error code); return the JSON body."""
    assert response.status_code == status, f"{response.status_code} != {status}: {response.text[:500]}"
    if response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if code is not None:
            assert body["error"]["code"] == code, body
            assert body["error"]["message"], body
        return body
    return response.content


def wait_for(check, seconds=15, what="condition", every=0.1):
    """Poll ``check`` until it returns something truthy (returned); fail the test after
    ``seconds`` — for what the system does asynchronously (events, timers)."""
    import time
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)
