"""The gateway's side of idempotency keys: the decision routes pass the
``Idempotency-Key`` header to the owning service, refuse a malformed one with 422
before any call, and declare it in the OpenAPI document."""
from gateway.api import api, openapi_document
from gateway.app import init_app
from services.applications import vocabulary
from tests.unit.gateway.test_core import FakeRpc

APPLICANT = {"id": "p1", "role": "applicant"}
DECISIONS = [("post", "/api/v1/applications/{id}/submit"), ("post", "/api/v1/applications/{id}/withdraw"),
             ("post", "/api/v1/applications/{id}/change-qualification"),
             ("post", "/api/v1/review/applications/{id}/forward"), ("post", "/api/v1/review/applications/{id}/return"),
             ("post", "/api/v1/committee/meetings"), ("post", "/api/v1/committee/meetings/{id}/publicity"),
             ("post", "/api/v1/committee/meetings/{id}/approval")]


class KeyedRpc(FakeRpc):
    """Records keyword arguments too (the key travels as one)."""

    async def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args, kwargs))
        answer = self.answers[(service, method)]
        return answer(*args) if callable(answer) else answer


async def client_with(aiohttp_client, rpc):
    return await aiohttp_client(init_app(rpc=rpc))


async def test_the_key_reaches_the_service_and_a_bad_one_is_422(aiohttp_client):
    rpc = KeyedRpc({("accounts", "authenticate"): APPLICANT,
                    ("applications", "withdraw"): {"id": "a1", "status": "draft",
                                                     "status_info": vocabulary.status_info("draft")},
                    ("review", "review_view"): {}, ("documents", "list_attachments"): []})
    client = await client_with(aiohttp_client, rpc)
    headers = {"Authorization": "Bearer t", "Idempotency-Key": "abc-123"}
    response = await client.post("/api/v1/applications/a1/withdraw", headers=headers)
    assert response.status == 200
    [withdraw] = [c for c in rpc.calls if c[1] == "withdraw"]
    assert withdraw[3] == {"idempotency_key": "abc-123"}

    for bad in ("x" * 65, "a b", "键"):
        response = await client.post("/api/v1/applications/a1/withdraw",
                                     headers={"Authorization": "Bearer t", "Idempotency-Key": bad})
        assert response.status == 422
        error = (await response.json())["error"]
        assert error["code"] == "invalid_idempotency_key" and error["field"] == "Idempotency-Key"
    assert len([c for c in rpc.calls if c[1] == "withdraw"]) == 1

    response = await client.post("/api/v1/applications/a1/withdraw", headers={"Authorization": "Bearer t"})
    assert response.status == 200
    assert [c for c in rpc.calls if c[1] == "withdraw"][-1][3] == {"idempotency_key": None}


def test_openapi_declares_the_header_on_the_decision_routes():
    document = openapi_document(api.operations)
    for method, path in DECISIONS:
        names = [p["name"] for p in document["paths"][path][method].get("parameters", []) if p["in"] == "header"]
        assert names == ["Idempotency-Key"], path
        assert "422" in document["paths"][path][method]["responses"], path
    login = document["paths"]["/api/v1/auth/login"]["post"]
    assert all(p["in"] != "header" for p in login.get("parameters", []))
