"""The skeleton answers: health names every service, OpenAPI is served, unknown
paths answer in the API's error shape."""
from tests.client import expect


def test_health_names_every_service(api):
    body = expect(api.get("/health"), 200)
    assert body["status"] == "ok"
    assert set(body["services"]) == {"accounts", "applications", "review", "documents", "payments"}
    assert all(state == "ok" for state in body["services"].values())


def test_openapi_lists_the_health_endpoint(api):
    body = expect(api.get("/openapi.json"), 200)
    assert body["openapi"].startswith("3.")
    assert "/api/v1/health" in body["paths"]


def test_unknown_api_path_is_404_in_error_shape(api):
    expect(api.get("/no/such/thing"), 404, "not_found")


def test_rpc_client_fails_at_once_for_a_service_nobody_serves(stack):
    """mandatory=True: a call to a queue-less service is returned by the broker,
    so the gateway answers 503 immediately instead of waiting for its timeout."""
    import asyncio
    import time

    import pytest

    from gateway.rpc import RpcClient, ServiceUnavailable

    async def call_missing():
        client = RpcClient(stack.amqp_uri, timeout=10)
        await client.start()
        try:
            started = time.perf_counter()
            with pytest.raises(ServiceUnavailable):
                await client.call("no_such_service", "ping")
            return time.perf_counter() - started
        finally:
            await client.close()

    assert asyncio.run(call_missing()) < 2


def test_rpc_client_round_trips_through_a_real_service(stack):
    import asyncio

    from gateway.rpc import RpcClient

    async def echo():
        client = RpcClient(stack.amqp_uri)
        await client.start()
        try:
            return await asyncio.gather(*(client.accounts.echo(f"m{i}") for i in range(50)))
        finally:
            await client.close()

    results = asyncio.run(echo())
    assert results == [{"echo": f"m{i}"} for i in range(50)]
