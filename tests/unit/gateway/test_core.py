"""The gateway's plumbing with a fake RPC client: the error table, the 503/504
mapping, validation errors as 422 with ``field``, roles, and OpenAPI from the same
route table."""
import pytest
from pydantic import BaseModel

from gateway.api import Api, openapi_document
from gateway.app import init_app
from gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable
from zc_common.config import SERVICES


class FakeRpc:
    """Answers ``call(service, method, ...)`` from a table of callables."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    async def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        answer = self.answers[(service, method)]
        return answer(*args) if callable(answer) else answer

    def __getattr__(self, service):
        client = self

        class Proxy:
            def __getattr__(self, method):
                async def call(*args, **kwargs):
                    return await client.call(service, method, *args, **kwargs)
                return call
        return Proxy()


def raiser(exc):
    def answer(*_args):
        raise exc
    return answer


@pytest.fixture
def make_client(aiohttp_client):
    async def make(answers):
        return await aiohttp_client(init_app(rpc=FakeRpc(answers)))
    return make


def healthy(service):
    return {"service": service, "ok": True, "instance": "h-1", "checks": {"database": {"ok": True, "ms": 0.4}}}


async def test_health_is_503_naming_the_service_that_is_down(make_client):
    answers = {(s, "health"): healthy(s) for s in ("accounts", "applications", "review", "documents")}
    answers[("payments", "health")] = raiser(ServiceUnavailable("payments"))
    client = await make_client(answers)
    response = await client.get("/api/v1/health")
    assert response.status == 503
    body = await response.json()
    assert body["services"]["payments"] == "unavailable"
    assert body["services"]["accounts"] == "ok"
    assert body["checks"]["accounts"] == {"database": {"ok": True, "ms": 0.4}}
    assert "payments" not in body["checks"]


async def test_health_is_503_with_the_reason_when_a_service_answers_not_ok(make_client):
    answers = {(s, "health"): healthy(s) for s in ("accounts", "applications", "review", "payments")}
    answers[("documents", "health")] = {
        "service": "documents", "ok": False, "instance": "h-2",
        "checks": {"database": {"ok": True, "ms": 1.0},
                   "object_store": {"ok": False, "ms": 2.0, "error": "LookupError: bucket 'zhicheng' does not exist"}}}
    client = await make_client(answers)
    response = await client.get("/api/v1/health")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "degraded"
    assert body["services"]["documents"] == "unhealthy"
    assert "does not exist" in body["checks"]["documents"]["object_store"]["error"]


async def test_health_checks_are_shared_by_requests_within_a_second(aiohttp_client):
    fake = FakeRpc({(s, "health"): healthy(s) for s in SERVICES})
    client = await aiohttp_client(init_app(rpc=fake))
    for _ in range(5):
        assert (await client.get("/api/v1/health")).status == 200
    assert sorted(c[0] for c in fake.calls if c[1] == "health") == sorted(SERVICES)


async def test_remote_domain_error_maps_through_the_one_table(make_client):
    client = await make_client({("accounts", "echo"): raiser(
        RemoteError("Conflict", ["window_closed", "不在提交时间内", {}], "x"))})
    response = await client.get("/api/v1/echo")
    assert response.status == 409
    assert (await response.json()) == {"error": {"code": "window_closed", "message": "不在提交时间内"}}


async def test_invalid_field_keeps_field_name(make_client):
    client = await make_client({("accounts", "echo"): raiser(
        RemoteError("Invalid", ["invalid_id_number", "身份证号码校验位错误", {"field": "id_number"}], "x"))})
    response = await client.get("/api/v1/echo")
    assert response.status == 422
    assert (await response.json())["error"]["field"] == "id_number"


async def test_service_down_is_503_and_slow_is_504(make_client):
    client = await make_client({("accounts", "echo"): raiser(ServiceUnavailable("accounts"))})
    response = await client.get("/api/v1/echo")
    assert response.status == 503
    assert (await response.json())["error"]["code"] == "service_unavailable"
    client = await make_client({("accounts", "echo"): raiser(ServiceTimeout("accounts"))})
    response = await client.get("/api/v1/echo")
    assert response.status == 504


async def test_unexpected_remote_error_is_500_without_internals(make_client):
    client = await make_client({("accounts", "echo"): raiser(
        RemoteError("KeyError", ["secret_column"], "KeyError('secret_column')"))})
    response = await client.get("/api/v1/echo")
    assert response.status == 500
    assert "secret_column" not in await response.text()


async def test_unknown_api_path_is_404_in_error_shape(make_client):
    client = await make_client({})
    response = await client.get("/api/v1/nothing/here")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


class Body(BaseModel):
    name: str
    count: int


async def test_body_validation_and_roles(aiohttp_client):
    local = Api()

    @local.route("POST", "/things", summary="测试", tag="测试", body=Body, roles=("applicant",), status=201)
    async def make_thing(request, call):
        return {"name": call.body.name, "by": call.user["id"]}

    from aiohttp import web

    from gateway.keys import RPC
    from gateway.middleware import errors
    app = web.Application(middlewares=[errors])
    app[RPC] = FakeRpc({("accounts", "authenticate"): lambda token: {
        "id": "u1", "role": "applicant" if token == "good" else "unit_admin"}})
    local.setup(app)
    client = await aiohttp_client(app)

    response = await client.post("/api/v1/things", json={"name": "x", "count": 1})
    assert response.status == 401
    headers = {"Authorization": "Bearer other"}
    response = await client.post("/api/v1/things", json={"name": "x", "count": 1}, headers=headers)
    assert response.status == 403
    headers = {"Authorization": "Bearer good"}
    response = await client.post("/api/v1/things", data="{not json", headers=headers)
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "malformed_json"
    response = await client.post("/api/v1/things", json={"name": "x", "count": "many"}, headers=headers)
    assert response.status == 422
    assert (await response.json())["error"]["field"] == "count"
    response = await client.post("/api/v1/things", json={"name": "x", "count": 2}, headers=headers)
    assert response.status == 201
    assert await response.json() == {"name": "x", "by": "u1"}

    document = openapi_document(local.operations)
    operation = document["paths"]["/api/v1/things"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Body")
    assert document["components"]["schemas"]["Body"]["required"] == ["name", "count"]
