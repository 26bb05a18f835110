"""An asyncio client for Nameko RPC over AMQP (no eventlet in the gateway).

Nameko's wire protocol: publish ``{"args": [...], "kwargs": {...}}`` to the topic
exchange ``nameko-rpc`` with routing key ``service.method``, ``reply_to`` and
``correlation_id``; the reply is ``{"result": ..., "error": {...}}``. One reply
queue per process, a future per correlation id, publisher confirms, and
``mandatory=True`` so a call to a service with no queue fails at once.
"""
import asyncio
import json
import uuid

import aio_pika
from aio_pika.exceptions import DeliveryError
from pamqp.commands import Basic

EXCHANGE = "nameko-rpc"


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


class RpcClient:
    def __init__(self, amqp_uri, timeout=30.0):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.pending = {}
        self.connection = None

    async def start(self):
        self.connection = await aio_pika.connect_robust(self.amqp_uri)
        self.channel = await self.connection.channel(publisher_confirms=True, on_return_raises=True)
        self.exchange = await self.channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        self.reply_id = str(uuid.uuid4())
        self.reply_queue = await self.channel.declare_queue(
            f"rpc.reply-gateway-{self.reply_id}", exclusive=True, auto_delete=True)
        await self.reply_queue.bind(self.exchange, routing_key=self.reply_id)
        await self.reply_queue.consume(self._on_reply, no_ack=True)

    async def close(self):
        for future in self.pending.values():
            if not future.done():
                future.cancel()
        if self.connection is not None:
            await self.connection.close()

    async def _on_reply(self, message):
        future = self.pending.pop(message.correlation_id, None)
        if future is not None and not future.done():
            future.set_result(json.loads(message.body))

    async def call(self, service, method, *args, timeout=None, context=None, **kwargs):
        correlation_id = str(uuid.uuid4())
        future = asyncio.get_running_loop().create_future()
        self.pending[correlation_id] = future
        headers = {f"nameko.{k}": v for k, v in (context or {}).items()}
        message = aio_pika.Message(
            body=json.dumps({"args": list(args), "kwargs": kwargs}).encode(),
            content_type="application/json",
            reply_to=self.reply_id,
            correlation_id=correlation_id,
            headers=headers,
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
                reply = await asyncio.wait_for(future, timeout or self.timeout)
            except TimeoutError as exc:
                raise ServiceTimeout(service) from exc
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
