"""zc_common.rpc with nameko's own container and extension lookup (no broker): a
request past its deadline is dropped unrun, a reply is retried while the broker is
away and then dropped instead of killing the container, and a service-to-service
call carries a deadline, expires, and stops waiting with 504."""
import logging
import time
from unittest import mock

import eventlet
import pytest
from amqp.exceptions import RecoverableConnectionError
from kombu.exceptions import OperationalError
from nameko.constants import NON_PERSISTENT
from nameko.containers import ServiceContainer, WorkerContext
from nameko.testing.utils import get_extension

from zc_common import rpc as zrpc
from zc_common.errors import TimedOut
from zc_common.rpc import DEADLINE_HEADER, EventHandler, Rpc, RpcProxy, event_handler, overdue, rpc

CONFIG = {"AMQP_URI": "memory://localhost", "serializer": "json"}


class Service:
    name = "sample"
    other = RpcProxy("other", timeout=0.3)

    @rpc
    def work(self):
        return "done"

    @event_handler("elsewhere", "happened")
    def on_happened(self, payload):
        pass


@pytest.fixture
def container():
    return ServiceContainer(Service, CONFIG)


def request(deadline=None, routing_key="sample.work"):
    message = mock.Mock()
    message.headers = {} if deadline is None else {DEADLINE_HEADER: deadline}
    message.delivery_info = {"routing_key": routing_key}
    message.properties = {"content_type": "application/json", "reply_to": "reply-key",
                          "correlation_id": "c-1"}
    return message


# -- the deadline check ----------------------------------------------------------------

def test_overdue_measures_how_late_and_ignores_what_is_not_a_deadline():
    assert overdue(100.0, now=103.5) == pytest.approx(3.5)
    assert overdue(100.0, now=99.0) is None
    assert overdue(None) is None and overdue("soon") is None
    assert overdue(str(time.time() - 2)) > 1  # header values may arrive as text


@pytest.mark.parametrize("seconds_left, runs", [
    (-5, False),   # its caller gave up five seconds ago
    (60, True),
    (None, True),  # callers that set none (old clients, tools) are served
])
def test_a_request_past_its_deadline_is_acked_and_never_run(container, seconds_left, runs):
    # the deadline is taken when the test runs: on a slow machine collection may be minutes earlier
    deadline = None if seconds_left is None else time.time() + seconds_left
    entry = get_extension(container, Rpc, method_name="work")
    with mock.patch.object(container, "spawn_worker") as spawn, \
            mock.patch.object(entry.rpc_consumer.queue_consumer, "ack_message") as ack:
        entry.handle_message({"args": [], "kwargs": {}}, request(deadline))
    assert spawn.called is runs
    assert ack.called is not runs  # a dropped request leaves the queue


def test_every_entrypoint_shares_one_resilient_consumer(container):
    entry = get_extension(container, Rpc, method_name="work")
    handler = get_extension(container, EventHandler, method_name="on_happened")
    assert isinstance(entry.rpc_consumer.queue_consumer, zrpc.ResilientQueueConsumer)
    assert handler.queue_consumer is entry.rpc_consumer.queue_consumer


# -- the retrying responder --------------------------------------------------------------

class FlakyPublisher:
    """Refuses ``failures`` publishes as a broker that is away does, then accepts."""
    failures = 0
    calls = []

    def __init__(self, *args, **kwargs):
        pass

    def publish(self, payload, **kwargs):
        FlakyPublisher.calls.append(payload)
        if len(FlakyPublisher.calls) <= FlakyPublisher.failures:
            raise OperationalError("[Errno 111] Connection refused")


def responder(message, failures, give_up_in):
    FlakyPublisher.failures, FlakyPublisher.calls = failures, []
    sender = zrpc.ReliableResponder("memory://", mock.Mock(), "json", message,
                                    give_up_at=time.time() + give_up_in)
    sender.publisher_cls = FlakyPublisher
    sender.retry_every = 0.01
    return sender


def test_a_reply_is_retried_until_the_broker_takes_it():
    result, exc_info = responder(request(), failures=3, give_up_in=5).send_response({"ok": 1}, None)
    assert result == {"ok": 1} and exc_info is None
    assert len(FlakyPublisher.calls) == 4
    assert FlakyPublisher.calls[-1] == {"result": {"ok": 1}, "error": None}


def test_a_reply_that_cannot_be_sent_is_dropped_with_a_log_line_not_raised(caplog):
    caplog.set_level(logging.WARNING, logger="zc_common.rpc")
    started = time.monotonic()
    responder(request(), failures=10**6, give_up_in=0.3).send_response("late", None)
    assert time.monotonic() - started < 2
    assert len(FlakyPublisher.calls) > 1
    assert any("reply to c-1 dropped" in r.getMessage() for r in caplog.records)


def test_the_reply_is_retried_no_longer_than_its_callers_deadline():
    now = time.time()
    assert zrpc.reply_deadline(request(now + 3), now=now) == now + 3
    assert zrpc.reply_deadline(request(), now=now) == now + zrpc.REPLY_RETRY_SECONDS
    assert zrpc.reply_deadline(request(now + 10**6), now=now) == now + zrpc.REPLY_RETRY_SECONDS


def test_handling_a_result_survives_a_dead_broker_connection(container, caplog):
    """What killed services: the reply's publish and the ack both fail. Neither may
    raise out of the worker (nameko would kill the container)."""
    entry = get_extension(container, Rpc, method_name="work")
    message = request(time.time() + 0.3)
    message.ack.side_effect = RecoverableConnectionError("connection already closed")
    with mock.patch.object(zrpc._ReplyPublisher, "publish", side_effect=OperationalError("refused")):
        result, exc_info = entry.rpc_consumer.handle_result(message, "done", None)
    assert result == "done" and exc_info is None
    assert message.ack.called


# -- service-to-service calls ---------------------------------------------------------------

class RecordingPublisher:
    sent = []

    def __init__(self, amqp_uri, **options):
        self.options = options

    def publish(self, payload, **kwargs):
        RecordingPublisher.sent.append({**self.options, **kwargs})


def call_other(container, entrypoint, context):
    RecordingPublisher.sent = []
    worker_ctx = WorkerContext(container, Service(), entrypoint, data=context)
    proxy = get_extension(container, RpcProxy).get_dependency(worker_ctx)
    listener = proxy.reply_listener
    listener.routing_key = "reply-key"
    with mock.patch.object(zrpc.MethodProxy, "publisher_cls", RecordingPublisher):
        started = time.monotonic()
        with pytest.raises(TimedOut) as caught:
            proxy.method()
        waited = time.monotonic() - started
    assert caught.value.code == "service_timeout" and caught.value.status == 504
    assert listener._reply_events == {}  # the abandoned call is forgotten
    return RecordingPublisher.sent[0], waited


def test_a_service_call_carries_its_deadline_and_expiry_and_stops_waiting(container):
    entry = get_extension(container, Rpc, method_name="work")
    before = time.time()
    sent, waited = call_other(container, entry, {})
    assert 0.25 < waited < 1.5  # the proxy's own timeout, not forever
    deadline = float(sent["extra_headers"][DEADLINE_HEADER])
    assert before + 0.299 <= deadline <= time.time() + 0.3  # sent with millisecond precision
    assert 0 < sent["expiration"] <= 0.3
    assert sent["delivery_mode"] == NON_PERSISTENT  # not kept on disk past its deadline


def test_a_service_call_inherits_an_earlier_deadline_from_the_rpc_it_serves(container):
    entry = get_extension(container, Rpc, method_name="work")
    inherited = time.time() + 0.1
    sent, waited = call_other(container, entry, {"deadline": inherited})
    assert float(sent["extra_headers"][DEADLINE_HEADER]) == pytest.approx(inherited, abs=0.001) and waited < 0.3


def test_an_event_handlers_call_does_not_inherit_the_deadline_of_the_rpc_that_dispatched_it(container):
    handler = get_extension(container, EventHandler, method_name="on_happened")
    before = time.time()
    sent, _waited = call_other(container, handler, {"deadline": before - 60})
    assert float(sent["extra_headers"][DEADLINE_HEADER]) >= before + 0.299  # its own timeout


def test_eventlet_switches_while_a_call_waits():
    """The proxy's wait is an eventlet timeout: other green threads keep running."""
    ran = []
    eventlet.spawn(ran.append, True)
    with pytest.raises(eventlet.Timeout), eventlet.Timeout(0.05):
        eventlet.event.Event().wait()
    assert ran == [True]


# -- every service uses them ------------------------------------------------------------------

SERVICE_CLASSES = [
    ("services.accounts.service", "AccountsService"),
    ("services.applications.service", "ApplicationsService"),
    ("services.review.service", "ReviewService"),
    ("services.documents.service", "DocumentsService"),
    ("services.payments.service", "PaymentsService"),
]


@pytest.mark.parametrize("module, name", SERVICE_CLASSES)
def test_every_service_entrypoint_and_proxy_is_the_resilient_kind(module, name):
    """One ``from nameko.rpc import rpc`` left in a service would bring back a
    consumer whose failed reply kills the process, and calls without deadlines."""
    import importlib

    from nameko import events as nameko_events
    from nameko import rpc as nameko_rpc
    service = getattr(importlib.import_module(module), name)
    container = ServiceContainer(service, CONFIG)
    rpcs = [e for e in container.entrypoints if isinstance(e, nameko_rpc.Rpc)]
    handlers = [e for e in container.entrypoints if isinstance(e, nameko_events.EventHandler)]
    proxies = [d for d in container.dependencies if isinstance(d, nameko_rpc.RpcProxy)]
    assert rpcs and all(isinstance(e, Rpc) for e in rpcs)
    assert all(isinstance(e, EventHandler) for e in handlers)
    assert all(isinstance(d, RpcProxy) for d in proxies)
