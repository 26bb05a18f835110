"""An asyncio client for Nameko RPC over AMQP (no eventlet in the gateway).

Nameko's wire protocol: publish ``{"args": [...], "kwargs": {...}}`` to the topic
exchange ``nameko-rpc`` with routing key ``service.method``, ``reply_to`` and
``correlation_id``; the reply is ``{"result": ..., "error": {...}}``. One reply
queue per process, a future per correlation id, publisher confirms, and
``mandatory=True`` so a call to a service with no queue fails at once.

Through a broker restart (docs: deploy/README.md, "When the broker restarts"):
the robust connection reconnects every second and restores the reply queue and
its consumer; while it is down, calls fail at once with ``ServiceUnavailable``
(503), and calls waiting for a reply when the connection dropped fail the same
way — their replies would never arrive on the new reply queue. Every request
carries its deadline (header ``nameko.deadline``, epoch seconds; a margin before
the gateway stops waiting: ``start_margin``) and expires in the queue then, so a
service that comes back late never runs it (zc_common.rpc); and the id of the HTTP
request it serves (header ``nameko.request_id``: nameko's context data, passed on to
every call and event that follows — zc_common.logs).
A background probe counts each service's consumers; calls to a service whose
queue has none (restarting, crashed) are 503 at once instead of 504 after the
timeout.
"""
import asyncio
import contextlib
import logging
import time
import uuid

import aio_pika
from aio_pika.exceptions import DeliveryError
from pamqp.commands import Basic

from zc_common import logs
from zc_common.wire_json import dumps_http, loads

EXCHANGE = "nameko-rpc"
DEADLINE_HEADER = "nameko.deadline"   # read by zc_common.rpc in every service
REQUEST_ID_HEADER = logs.REQUEST_ID_HEADER  # the request's id, nameko context data (zc_common.logs)
PROBE_EVERY = 1.0                     # seconds between consumer counts
RECHECK_EVERY = 0.2                   # an idle service asked about again at most this often
RECONNECT_EVERY = 1                   # seconds between reconnection attempts

log = logging.getLogger("gateway.rpc")


class RemoteError(Exception):
    def __init__(self, exc_type, exc_args, value):
        super().__init__(f"{exc_type}: {value}")
        self.exc_type = exc_type
        self.exc_args = exc_args
        self.value = value


class ServiceUnavailable(Exception):
    def __init__(self, service):
        super().__init__(service)
        self.service = service


class ServiceTimeout(Exception):
    def __init__(self, service):
        super().__init__(service)
        self.service = service


def start_margin(timeout):
    """How long before the gateway stops waiting a service must have started the
    work: a tenth of the wait, at most 5 s (3 s of the default 30)."""
    return min(5.0, timeout / 10)


class RpcClient:
    def __init__(self, amqp_uri, timeout=30.0, services=(), probe_every=PROBE_EVERY):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.pending = {}
        self.connection = None
        self.services = tuple(services)
        self.probe_every = probe_every
        self.idle = set()  # services whose queue exists with no consumer (last probe)
        self.consumers = {}  # service -> consumers of its queue (last probe; instances)
        self._rechecked = {}  # service -> when a call last counted its consumers itself
        self._probe_task = None

    async def start(self):
        self.connection = await aio_pika.connect_robust(self.amqp_uri, reconnect_interval=RECONNECT_EVERY)
        self.connection.close_callbacks.add(self._on_connection_lost)
        self.channel = await self.connection.channel(publisher_confirms=True, on_return_raises=True)
        self.exchange = await self.channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        self.reply_id = str(uuid.uuid4())
        self.reply_queue = await self.channel.declare_queue(
            f"rpc.reply-gateway-{self.reply_id}", exclusive=True, auto_delete=True)
        await self.reply_queue.bind(self.exchange, routing_key=self.reply_id)
        await self.reply_queue.consume(self._on_reply, no_ack=True)
        if self.services:
            self._probe_task = asyncio.get_running_loop().create_task(self._probe_forever())

    async def close(self):
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe_task
        for future in self.pending.values():
            if not future.done():
                future.cancel()
        if self.connection is not None:
            await self.connection.close()

    def broker_up(self):
        connection = self.connection
        return (connection is not None and connection.connected.is_set()
                and not connection.is_closed and not self.channel.is_closed)

    def _on_connection_lost(self, _connection, exc=None):
        """The replies to what is pending were bound for a reply queue that died with
        the connection: fail those calls now rather than at their timeout."""
        self.idle.clear()
        self.consumers = {}   # counted again once the connection is back
        lost = [future for future in self.pending.values() if not future.done()]
        for future in lost:
            future.set_exception(ConnectionError("broker connection lost"))
        if lost:
            log.warning("broker connection lost: %d pending calls failed", len(lost))

    async def _probe_forever(self):
        while True:
            try:
                if self.broker_up():
                    self.idle = await self.probe()
            except Exception as exc:  # noqa: BLE001 — a probe never stops the gateway
                log.info("consumer probe failed: %s", exc)
            await asyncio.sleep(self.probe_every)

    async def probe(self):
        """The services whose ``rpc-<service>`` queue exists but has no consumer.
        (A missing queue is left to ``mandatory``: the publish comes back.)"""
        idle = set()
        counts = {}
        channel = None
        try:
            for service in self.services:
                if channel is None or channel.is_closed:
                    channel = await self.connection.channel(publisher_confirms=False)
                try:
                    queue = await channel.declare_queue(f"rpc-{service}", passive=True, timeout=2)
                except aio_pika.exceptions.ChannelClosed:  # NOT_FOUND closes the channel
                    counts[service] = 0
                    continue
                counts[service] = queue.declaration_result.consumer_count
                if counts[service] == 0:
                    idle.add(service)
        finally:
            if channel is not None and not channel.is_closed:
                await channel.close()
        self.consumers = counts
        return idle

    async def _on_reply(self, message):
        future = self.pending.pop(message.correlation_id, None)
        if future is not None and not future.done():
            future.set_result(loads(message.body))

    async def still_idle(self, service):
        """The last probe found no consumer: count again now (at most every
        ``RECHECK_EVERY`` s), so a service that has just come back is not refused for
        up to a probe interval after it reported healthy."""
        now = time.monotonic()
        if now - self._rechecked.get(service, 0.0) < RECHECK_EVERY:
            return True
        self._rechecked[service] = now
        channel = await self.connection.channel(publisher_confirms=False)
        try:
            queue = await channel.declare_queue(f"rpc-{service}", passive=True, timeout=2)
            back = queue.declaration_result.consumer_count > 0
        except (TimeoutError, aio_pika.exceptions.AMQPError):
            back = False
        finally:
            if not channel.is_closed:
                await channel.close()
        if back:
            self.idle = self.idle - {service}
        return not back

    async def call(self, service, method, *args, timeout=None, context=None, **kwargs):
        if not self.broker_up() or (service in self.idle and await self.still_idle(service)):
            raise ServiceUnavailable(service)
        timeout = timeout or self.timeout
        correlation_id = str(uuid.uuid4())
        future = asyncio.get_running_loop().create_future()
        self.pending[correlation_id] = future
        headers = {f"nameko.{k}": v for k, v in (context or {}).items()}
        request_id = logs.current_request_id()   # the HTTP request being served (gateway/request_log.py)
        if request_id and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = request_id
        # The service must start the work by the deadline, which comes a margin before
        # this wait ends: a request taken off a long queue at the last moment still has
        # the margin to answer, instead of being applied after its user got a 504.
        start_by = timeout - start_margin(timeout)
        # text, not a float: pamqp sends floats as 32-bit, ±64 s at today's epoch
        headers[DEADLINE_HEADER] = f"{time.time() + start_by:.3f}"
        message = aio_pika.Message(
            body=dumps_http({"args": list(args), "kwargs": kwargs}),
            content_type="application/json",
            reply_to=self.reply_id,
            correlation_id=correlation_id,
            headers=headers,
            expiration=start_by,  # RabbitMQ drops it unconsumed after this
        )
        try:
            try:
                confirmation = await self.exchange.publish(
                    message, routing_key=f"{service}.{method}", mandatory=True)
            except DeliveryError as exc:  # returned: nobody serves that queue
                raise ServiceUnavailable(service) from exc
            except (aio_pika.exceptions.AMQPError, ConnectionError, RuntimeError) as exc:
                raise ServiceUnavailable(service) from exc
            if isinstance(confirmation, Basic.Return):
                raise ServiceUnavailable(service)
            try:
                reply = await asyncio.wait_for(future, timeout)
            except TimeoutError as exc:
                raise ServiceTimeout(service) from exc
            except ConnectionError as exc:  # set by _on_connection_lost
                raise ServiceUnavailable(service) from exc
        finally:
            self.pending.pop(correlation_id, None)
        error = reply.get("error")
        if error:
            raise RemoteError(error.get("exc_type"), error.get("exc_args"), error.get("value"))
        return reply.get("result")

    def __getattr__(self, service):
        if service.startswith("_"):
            raise AttributeError(service)
        return _ServiceProxy(self, service)


class _ServiceProxy:
    """``await rpc.accounts.login(...)``."""

    def __init__(self, client, service):
        self._client = client
        self._service = service

    def __getattr__(self, method):
        async def call(*args, **kwargs):
            return await self._client.call(self._service, method, *args, **kwargs)
        return call
