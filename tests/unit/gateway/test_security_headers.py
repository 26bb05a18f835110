"""Security headers on every kind of response the gateway sends: API answers, the
frontend's static files, the API's errors and aiohttp's own (405, an unhandled 500)."""
import pytest

from gateway import web as frontend
from gateway.app import init_app
from gateway.rpc import RemoteError, ServiceUnavailable
from gateway.security import HEADERS

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status, response.url)
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["img-src"] == "'self' data: blob:"
    assert "camera=()" in response.headers.get("Permissions-Policy", "")


def echo(text):
    if text == "bug":
        raise RuntimeError("a bug, not a domain error")
    if text == "down":
        raise ServiceUnavailable("accounts")
    if text == "refused":
        raise RemoteError("Conflict", ["window_closed", "不在提交时间内", {}], "x")
    return text


class Rpc:
    def __init__(self, answers):
        self.answers = answers

    def __getattr__(self, service):
        answers = self.answers

        class Proxy:
            def __getattr__(self, method):
                async def call(*args, **kwargs):
                    answer = answers[(service, method)]
                    return answer(*args) if callable(answer) else answer
                return call
        return Proxy()

    async def call(self, service, method, *args, **kwargs):
        return await getattr(getattr(self, service), method)(*args, **kwargs)


@pytest.fixture
async def client(aiohttp_client, tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><script type=module src=/assets/app.js></script>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    monkeypatch.setattr(frontend, "DIST", dist)
    answers = {("accounts", "echo"): echo}
    return await aiohttp_client(init_app(rpc=Rpc(answers)))


async def test_api_answers_carry_the_security_headers(client):
    response = await client.get("/api/v1/echo")
    assert response.status == 200
    assert_secured(response)
    assert_secured(await client.get("/api/v1/openapi.json"))


async def test_static_files_and_the_spa_fallback_carry_them(client):
    for path in ("/", "/assets/app.js", "/applicant/home"):
        response = await client.get(path)
        assert response.status == 200, path
        assert_secured(response)


async def test_errors_carry_them(client):
    assert (await client.get("/api/v1/nothing/here")).status == 404
    assert_secured(await client.get("/api/v1/nothing/here"))
    assert_secured(await client.post("/", data=b"x"))                 # aiohttp's own 405
    assert_secured(await client.post("/api/v1/auth/login", json={}))  # 422 from validation


async def test_domain_errors_outages_and_an_unhandled_failure_carry_them(client):
    for text, status in (("refused", 409), ("down", 503), ("bug", 500)):
        response = await client.get("/api/v1/echo", params={"text": text})
        assert response.status == status, text
        assert_secured(response)


def test_the_table_is_what_the_tests_expect():
    assert {k: HEADERS[k] for k in EXPECTED} == EXPECTED
