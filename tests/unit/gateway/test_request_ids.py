"""The request id at the gateway: a well-formed ``X-Request-ID`` is kept, anything else
replaced by a fresh id; it is current while the RPCs run, sent as the Nameko context
header, answered on every response (errors too) and named in the request's log line."""
import logging

import pytest

from gateway.app import init_app
from gateway.rpc import ServiceTimeout, ServiceUnavailable
from tests.unit.gateway.test_core import FakeRpc, raiser
from tests.unit.gateway.test_rpc_client import client as offline_client
from zc_common import logs


class SeeingRpc(FakeRpc):
    """Records the request id current during each call."""

    def __init__(self, answers):
        super().__init__(answers)
        self.seen = []

    async def call(self, service, method, *args, **kwargs):
        self.seen.append(logs.current_request_id())
        return await super().call(service, method, *args, **kwargs)


STATUSES = "/api/v1/statuses"   # one RPC, no login


@pytest.fixture
def statuses(aiohttp_client):
    async def make(down=False):
        answer = raiser(ServiceUnavailable("applications")) if down else []
        rpc = SeeingRpc({("applications", "list_statuses"): answer})
        return await aiohttp_client(init_app(rpc=rpc)), rpc
    return make


async def test_a_well_formed_request_id_is_kept_through_the_calls_and_answered(statuses, caplog):
    client, rpc = await statuses()
    with caplog.at_level(logging.INFO, logger="gateway.requests"):
        response = await client.get(STATUSES, headers={"X-Request-ID": "client-42.a:b_c"})
    assert response.status == 200
    assert response.headers["X-Request-ID"] == "client-42.a:b_c"
    assert rpc.seen == ["client-42.a:b_c"]
    [line] = [r for r in caplog.records if r.name == "gateway.requests"]
    assert (line.status, line.path, line.method) == (200, STATUSES, "GET")
    assert logs.current_request_id() is None   # unbound after the request


@pytest.mark.parametrize("sent", [None, "", "x" * 65, "has space", "semi;colon", "引号", "a\tb"])
async def test_a_missing_or_malformed_request_id_is_replaced_by_a_fresh_one(statuses, sent):
    client, rpc = await statuses()
    headers = {} if sent is None else {"X-Request-ID": sent}
    response = await client.get(STATUSES, headers=headers)
    answered = response.headers["X-Request-ID"]
    assert answered != sent and logs.valid_request_id(answered) == answered
    assert set(rpc.seen) == {answered}


async def test_errors_answer_the_request_id_too(statuses):
    client, _rpc = await statuses(down=True)
    down = await client.get(STATUSES, headers={"X-Request-ID": "r-503"})
    assert down.status == 503 and down.headers["X-Request-ID"] == "r-503"
    missing = await client.get("/api/v1/no/such/thing", headers={"X-Request-ID": "r-404"})
    assert missing.status == 404 and missing.headers["X-Request-ID"] == "r-404"
    first, second = (await client.get("/api/v1/no/such")), (await client.get("/api/v1/no/such"))
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]  # one each


async def test_the_rpc_client_sends_the_current_request_id_as_nameko_context():
    rpc = offline_client(timeout=0.05)
    token = logs.bind("rid-77")
    try:
        with pytest.raises(ServiceTimeout):   # nobody answers
            await rpc.call("applications", "get_application", "A-1")
    finally:
        logs.unbind(token)
    with pytest.raises(ServiceTimeout):
        await rpc.call("applications", "get_application", "A-1")   # outside any request
    (_key, inside), (_key2, outside) = rpc.exchange.sent
    assert inside.headers["nameko.request_id"] == "rid-77"
    assert "nameko.request_id" not in outside.headers
