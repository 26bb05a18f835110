"""Nameko entrypoints and proxies that ride out a broker restart and never run a
request its caller has given up on. Every service imports ``rpc``,
``event_handler`` and ``RpcProxy`` from here instead of from nameko.

What nameko 2.14 does by itself, and what this module changes:

- Its consumer (kombu's ConsumerMixin) reconnects and re-declares its queues
  forever, but backs off to 30 s between attempts; ours retries every ≤ 2 s so a
  service is back within moments of the broker.
- A reply that cannot be published (broker gone while a worker finished) raises
  out of the worker thread, and nameko kills the whole container: the process
  exits. ``ReliableResponder`` retries the reply until the caller's deadline (at
  most ``REPLY_RETRY_SECONDS``), then drops it with a log line — the caller has
  its own timeout. Acks on a dead connection are ignored the same way (the broker
  redelivers the message).
- RPC messages had no expiry and ``RpcProxy`` waited forever. Every call now
  carries its deadline (header ``nameko.deadline``, epoch seconds as text) and an AMQP
  ``expiration`` to match; our ``rpc`` entrypoint drops, unrun, a request whose
  deadline has passed (RabbitMQ's TTL only covers messages still in the queue,
  not those a service already prefetched). ``RpcProxy`` gives up after its
  timeout (``ZC_SERVICE_RPC_TIMEOUT``, default 20 s) with a 504 ``TimedOut``.
- Nameko publishes RPC requests and replies as persistent messages. A request is
  worthless once its deadline passes, so keeping it on disk across a broker restart
  only brings back work nobody waits for; and a persistent message into a durable
  queue costs RabbitMQ about three times the CPU of a transient one (1.2 ms against
  0.4 ms, with publisher confirms, measured here). Requests and replies are sent
  transient; events stay persistent (``zc_common.outbox`` stands behind them).
- Nameko waits for the broker's confirm of every reply. A confirm proves only that
  the broker took a transient message it may lose anyway, and the wait costs each
  call a second broker round trip; what the caller needs is the reply itself, and
  it has its own deadline (a lost reply is a timeout, and every write is idempotent
  by key or request id). Replies go unconfirmed; a publish into a connection known
  to be dead still raises and is retried (``ReliableResponder``). Events keep their
  confirms: the outbox marks a row published only once the broker confirmed it.
- The request id (context header ``nameko.request_id``, zc_common.logs) rides along
  with every call and event as nameko's context data does; ``EventDispatcher`` sends
  each event under the request current when it is sent, so the outbox relay can send
  events queued by other requests under their own ids.
"""
import logging
import os
import time
from contextlib import contextmanager

import eventlet
from nameko import events
from nameko import rpc as nameko_rpc
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT
from nameko.messaging import QueueConsumer

from zc_common import logs, wire_json
from zc_common.errors import TimedOut

log = logging.getLogger(__name__)

DEADLINE = "deadline"                 # context key; on the wire the header "nameko.deadline"
DEADLINE_HEADER = "nameko." + DEADLINE
REPLY_RETRY_SECONDS = float(os.environ.get("ZC_REPLY_RETRY_SECONDS", "30"))
RECONNECT_INTERVAL_MAX = 2.0

# Every service imports this module before nameko starts it: its RPC and events are
# encoded by orjson from here on (zc_common/wire_json.py says why and what is kept).
wire_json.use_for_kombu()


def service_rpc_timeout():
    return float(os.environ.get("ZC_SERVICE_RPC_TIMEOUT", "20"))


def as_deadline(value):
    """A deadline header's value as epoch seconds; None if absent or malformed."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def overdue(deadline, now=None):
    """Seconds by which ``deadline`` (epoch seconds, or None) has passed; None if it
    has not (or there is none). A malformed value counts as no deadline."""
    deadline = as_deadline(deadline)
    if deadline is None:
        return None
    late = (time.time() if now is None else now) - deadline
    return late if late > 0 else None


# -- consuming ---------------------------------------------------------------------

class ResilientQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer, reconnecting every ≤ 2 s, and never dying on an
    ack/requeue over a connection the broker has already dropped."""

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   interval_start=0.5, interval_step=0.5,
                                   interval_max=RECONNECT_INTERVAL_MAX)
            yield conn

    def ack_message(self, message):
        try:
            super().ack_message(message)
        except Exception as exc:  # noqa: BLE001 — the broker requeues unacked messages itself
            log.warning("ack lost with the broker connection (%s); the broker redelivers", exc)

    def requeue_message(self, message):
        try:
            super().requeue_message(message)
        except Exception as exc:  # noqa: BLE001 — same: unacked messages go back by themselves
            log.warning("requeue lost with the broker connection (%s)", exc)


class _ReplyPublisher(Publisher):
    """One short attempt per publish; ``ReliableResponder`` owns the retrying."""

    delivery_mode = NON_PERSISTENT  # a reply goes to its caller's exclusive queue
    use_confirms = False            # see the module's doc: the caller's deadline covers a loss

    transport_options = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3,
                         "interval_max": 0.5}
    retry_policy = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3,
                    "interval_max": 0.5}

    def publish(self, payload, **kwargs):
        # nameko writes confirm_publish into the options dict: give it a copy
        kwargs.setdefault("transport_options", dict(self.transport_options))
        return super().publish(payload, **kwargs)


class ReliableResponder(nameko_rpc.Responder):
    """Send the reply, retrying while the broker is away, until ``give_up_at``
    (epoch seconds); then drop it with a warning instead of raising (a raise here
    kills the service's container)."""

    publisher_cls = _ReplyPublisher
    retry_every = 0.5

    def __init__(self, *args, give_up_at, **kwargs):
        super().__init__(*args, **kwargs)
        self.give_up_at = give_up_at

    def send_response(self, result, exc_info):
        attempts = 0
        while True:
            attempts += 1
            try:
                return super().send_response(result, exc_info)
            except Exception as exc:  # noqa: BLE001 — any failure to publish is the broker's
                if time.time() + self.retry_every >= self.give_up_at:
                    log.warning("reply to %s dropped after %d attempts: %s",
                                self.message.properties.get("correlation_id"), attempts, exc)
                    return result, exc_info
                log.info("reply not sent (%s); retrying", exc)
                eventlet.sleep(self.retry_every)


def reply_deadline(message, now=None):
    """Until when a reply to ``message`` is worth retrying."""
    now = time.time() if now is None else now
    limit = now + REPLY_RETRY_SECONDS
    deadline = as_deadline((message.headers or {}).get(DEADLINE_HEADER))
    return limit if deadline is None else min(limit, deadline)


class ResilientRpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = ResilientQueueConsumer()

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = ReliableResponder(
            config[nameko_rpc.AMQP_URI_CONFIG_KEY], nameko_rpc.get_rpc_exchange(config),
            config.get(nameko_rpc.SERIALIZER_CONFIG_KEY, nameko_rpc.DEFAULT_SERIALIZER), message,
            ssl=config.get(nameko_rpc.AMQP_SSL_CONFIG_KEY),
            login_method=config.get(nameko_rpc.LOGIN_METHOD_CONFIG_KEY),
            give_up_at=reply_deadline(message))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(nameko_rpc.Rpc):
    """``@rpc``: nameko's, on the resilient consumer, refusing late requests."""

    rpc_consumer = ResilientRpcConsumer()

    def handle_message(self, body, message):
        late = overdue((message.headers or {}).get(DEADLINE_HEADER))
        if late is not None:
            # The caller has already answered its user (504): running it now would
            # apply a change nobody is waiting for. No reply: nobody listens.
            log.warning("dropped %s unrun: its caller's deadline passed %.1f s ago",
                        message.delivery_info.get("routing_key"), late)
            self.rpc_consumer.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)


rpc = Rpc.decorator


class EventHandler(events.EventHandler):
    queue_consumer = ResilientQueueConsumer()


event_handler = EventHandler.decorator


class EventDispatcher(events.EventDispatcher):
    """``dispatch = EventDispatcher()``: nameko's, but the request id it sends is the one
    current at the publish (``zc_common.logs.publishing_as``), not the worker's own —
    the outbox relay publishes events other requests queued. In a worker no one bound
    a request in (a service without ``WorkerLog``) it is nameko's as it was."""

    def get_dependency(self, worker_ctx):
        headers = self.get_message_headers(worker_ctx)
        request_header = self._get_header_name(logs.REQUEST_ID)

        def dispatch(event_type, event_data):
            extra_headers = headers
            if logs.bound():
                extra_headers = {k: v for k, v in headers.items() if k != request_header}
                request_id = logs.current_request_id()
                if request_id:
                    extra_headers[request_header] = request_id
            self.publisher.publish(event_data, exchange=self.exchange, routing_key=event_type,
                                   extra_headers=extra_headers)

        return dispatch


# -- calling -------------------------------------------------------------------------

class ResilientReplyListener(nameko_rpc.ReplyListener):
    queue_consumer = ResilientQueueConsumer()

    def forget(self, reply_event):
        for correlation_id, event in list(self._reply_events.items()):
            if event is reply_event:
                del self._reply_events[correlation_id]


class MethodProxy(nameko_rpc.MethodProxy):
    """A call with a deadline: the caller's own (when this worker serves an RPC
    whose caller set one) or now + ``timeout``, whichever comes first; the message
    expires then, and the wait for the reply ends then with ``TimedOut``."""

    def __init__(self, worker_ctx, service_name, method_name, reply_listener, timeout, **options):
        self.timeout = timeout
        self.deadline = time.time() + timeout
        inherited = as_deadline(worker_ctx.context_data.get(DEADLINE))
        if isinstance(worker_ctx.entrypoint, nameko_rpc.Rpc) and inherited is not None:
            # only an RPC's deadline is inherited: an event handler's context may carry
            # the (long past) deadline of the RPC that dispatched the event
            self.deadline = min(self.deadline, inherited)
        options["expiration"] = max(0.001, self.deadline - time.time())
        options["delivery_mode"] = NON_PERSISTENT  # useless after the deadline: see the module's doc
        super().__init__(worker_ctx, service_name, method_name, reply_listener, **options)

    def get_message_headers(self, worker_ctx):
        headers = super().get_message_headers(worker_ctx)
        headers[self._get_header_name(DEADLINE)] = f"{self.deadline:.3f}"  # as the gateway writes it
        return headers

    def __call__(self, *args, **kwargs):
        reply = self._call(*args, **kwargs)
        wait = max(0.0, self.deadline - time.time())
        try:
            with eventlet.Timeout(wait):
                return reply.result()
        except eventlet.Timeout:
            self.reply_listener.forget(reply.reply_event)
            raise TimedOut("service_timeout",
                           f"后台服务响应超时（{self.service_name}），请稍后重试") from None


class ServiceProxy(nameko_rpc.ServiceProxy):
    def __init__(self, worker_ctx, service_name, reply_listener, timeout, **options):
        super().__init__(worker_ctx, service_name, reply_listener, **options)
        self.timeout = timeout

    def __getattr__(self, name):
        return MethodProxy(self.worker_ctx, self.service_name, name, self.reply_listener,
                           self.timeout, **self.options)


class RpcProxy(nameko_rpc.RpcProxy):
    """``accounts = RpcProxy("accounts")``: nameko's, with a timeout
    (``ZC_SERVICE_RPC_TIMEOUT`` unless given) instead of waiting forever."""

    rpc_reply_listener = ResilientReplyListener()

    def __init__(self, target_service, timeout=None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        return ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener,
                            self.timeout or service_rpc_timeout(), **self.options)
