"""The gateway's RPC client without a broker: each request carries its deadline and
expires with it; while the broker is away, or the target service has no consumer,
a call is 503 at once; calls waiting when the connection dropped fail at once."""
import asyncio
import time

import pytest

from gateway.rpc import DEADLINE_HEADER, RpcClient, ServiceTimeout, ServiceUnavailable


class Up:
    """A connection/channel that is (or is not) up, as aio-pika reports it; its
    channels count ``consumers`` of a queue as a passive declare does."""

    def __init__(self, up=True, consumers=None):
        self.connected = asyncio.Event()
        if up:
            self.connected.set()
        self.is_closed = not up
        self.consumers = consumers if consumers is not None else {}
        self.declared = []

    async def channel(self, publisher_confirms=True):
        return self

    async def declare_queue(self, name, passive=False, timeout=None):
        self.declared.append(name)
        result = type("Declared", (), {"consumer_count": self.consumers.get(name, 0)})()
        return type("Queue", (), {"declaration_result": result})()

    async def close(self):
        pass


class Exchange:
    def __init__(self):
        self.sent = []

    async def publish(self, message, routing_key, mandatory):
        self.sent.append((routing_key, message))


def client(up=True, timeout=0.2):
    rpc = RpcClient("amqp://unused/", timeout=timeout)
    rpc.connection, rpc.channel, rpc.exchange = Up(up), Up(up), Exchange()
    rpc.reply_id = "reply-key"
    return rpc


async def test_a_request_carries_its_deadline_and_expires_with_it():
    rpc = client(timeout=0.2)
    before = time.time()
    with pytest.raises(ServiceTimeout):
        await rpc.call("applications", "submit", "x")
    routing_key, message = rpc.exchange.sent[0]
    assert routing_key == "applications.submit"
    # text: pamqp would send a float as 32 bits (±64 s at today's epoch)
    # to be started a tenth of the wait before the gateway gives up (its user gets 504)
    assert before + 0.179 <= float(message.headers[DEADLINE_HEADER]) <= time.time() + 0.18
    assert message.expiration == pytest.approx(0.18)
    assert rpc.pending == {}


async def test_a_call_while_the_broker_is_away_is_503_at_once():
    rpc = client(up=False, timeout=30)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        await rpc.call("accounts", "authenticate", "token")
    assert time.monotonic() - started < 0.1 and rpc.exchange.sent == []


async def test_a_call_to_a_service_without_consumers_is_503_at_once():
    rpc = client(timeout=30)
    rpc.idle = {"applications"}
    for _ in range(3):
        with pytest.raises(ServiceUnavailable) as caught:
            await rpc.call("applications", "submit", "x")
        assert caught.value.service == "applications" and rpc.exchange.sent == []
    assert rpc.connection.declared == ["rpc-applications"]   # counted again at most every 0.2 s


async def test_a_service_back_before_the_next_probe_is_served():
    """The last probe found review without consumers; it has restarted since (its
    health already answers): the call counts again and goes through, instead of a
    503 until the next probe."""
    rpc = client(timeout=0.2)
    rpc.idle = {"review"}
    rpc.connection.consumers["rpc-review"] = 1
    with pytest.raises(ServiceTimeout):   # sent: nobody answers in this test
        await rpc.call("review", "list_tasks")
    assert [key for key, _ in rpc.exchange.sent] == ["review.list_tasks"] and "review" not in rpc.idle


async def test_calls_waiting_when_the_connection_drops_fail_at_once():
    rpc = client(timeout=30)
    waiting = asyncio.ensure_future(rpc.call("review", "list_tasks"))
    await asyncio.sleep(0.01)
    assert rpc.pending
    started = time.monotonic()
    rpc._on_connection_lost(rpc.connection, ConnectionError("gone"))
    with pytest.raises(ServiceUnavailable):
        await waiting
    assert time.monotonic() - started < 0.1
