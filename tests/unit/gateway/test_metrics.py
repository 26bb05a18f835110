"""The gateway's /metrics with a fake RPC client: requests are counted by route
template and status, RPCs by target and outcome; only loopback callers without a
proxy in between, or callers with the token, may read it; it can be turned off."""
from prometheus_client import REGISTRY

from gateway import metrics
from gateway.app import init_app
from gateway.rpc import ServiceUnavailable
from tests.unit.gateway.test_core import FakeRpc, raiser


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


async def test_requests_and_rpcs_are_timed_by_template_and_target(aiohttp_client):
    client = await aiohttp_client(init_app(rpc=FakeRpc({("accounts", "echo"): {"echo": "hi"}})))
    requests = value("zc_gateway_request_seconds_count", method="GET", route="/api/v1/echo", status="200")
    calls = value("zc_gateway_rpc_seconds_count", target="accounts.echo", outcome="ok")
    for _ in range(3):
        assert (await client.get("/api/v1/echo?text=hi")).status == 200
    assert (await client.get("/api/v1/no/such/route")).status == 404

    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert "zc_gateway_request_seconds_bucket" in text and "zc_gateway_uploads_in_flight" in text
    assert value("zc_gateway_request_seconds_count", method="GET", route="/api/v1/echo", status="200") == requests + 3
    assert value("zc_gateway_rpc_seconds_count", target="accounts.echo", outcome="ok") == calls + 3
    # a path with no route is one series, not one per path
    assert 'route="/api/v1/no/such/route"' not in text


async def test_rpc_failures_are_counted_by_kind(aiohttp_client):
    client = await aiohttp_client(init_app(rpc=FakeRpc({("accounts", "echo"): raiser(ServiceUnavailable("accounts"))})))
    before = value("zc_gateway_rpc_seconds_count", target="accounts.echo", outcome="unavailable")
    assert (await client.get("/api/v1/echo")).status == 503
    assert value("zc_gateway_rpc_seconds_count", target="accounts.echo", outcome="unavailable") == before + 1
    assert value("zc_gateway_request_seconds_count", method="GET", route="/api/v1/echo", status="503") >= 1


async def test_a_request_through_a_proxy_is_refused(aiohttp_client):
    client = await aiohttp_client(init_app(rpc=FakeRpc({})))
    for header in ({"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}):
        response = await client.get("/metrics", headers=header)
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "metrics_forbidden"


async def test_the_token_admits_a_caller_from_anywhere(aiohttp_client, monkeypatch):
    monkeypatch.setenv("ZC_METRICS_TOKEN", "s3cret-scrape")
    monkeypatch.setenv("ZC_METRICS_ALLOW", "192.0.2.0/24")   # loopback no longer trusted
    client = await aiohttp_client(init_app(rpc=FakeRpc({})))
    assert (await client.get("/metrics")).status == 403
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 403
    response = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape",
                                                     "X-Forwarded-For": "203.0.113.9"})
    assert response.status == 200


async def test_turned_off_there_is_no_metrics_route(aiohttp_client, monkeypatch):
    monkeypatch.setenv("ZC_GATEWAY_METRICS", "0")
    app = init_app(rpc=FakeRpc({}))
    assert metrics.observe not in app.middlewares
    client = await aiohttp_client(app)
    response = await client.get("/metrics")
    assert response.status != 200 or "zc_gateway" not in await response.text()
