"""A tap on the test vhost: a private queue bound to nameko's RPC exchange and to the
services' event exchanges receives a copy of every RPC request and every event, so
a test (or the bench) can count what one HTTP request set off — on the real stack,
without touching the services.

Which RPCs were *synchronous* for the request: the gateway's own calls (they carry
no ``nameko.call_id_stack``) and every call whose call stack holds only RPC
entrypoints (``service.method.<uuid>`` where ``service.method`` is an RPC method):
those were made while the caller waited. A call made by an event handler or a timer
has that entrypoint in its stack and ran after the answer. Review's notices are
events (``review.notice_requested``): counted apart as well, as notices."""
import time
from collections import Counter

from kombu import Connection, Exchange, Queue, binding

RPC_EXCHANGE = "nameko-rpc"
EVENT_SOURCES = ("accounts", "applications", "payments", "review", "documents")
SERVICES = set(EVENT_SOURCES)
NOTICE_EVENT = "review.notice_requested"


class Tap:
    def __init__(self, amqp_uri):
        self.connection = Connection(amqp_uri)
        self.channel = self.connection.channel()
        rpc = Exchange(RPC_EXCHANGE, type="topic", durable=True)
        bindings = [binding(rpc, routing_key="#")]
        for source in EVENT_SOURCES:
            # declared as nameko declares them, so binding works before the first event
            events = Exchange(f"{source}.events", type="topic", durable=True)
            events(self.channel).declare()
            bindings.append(binding(events, routing_key="#"))
        rpc(self.channel).declare()
        self.queue = Queue(f"test-tap-{time.monotonic_ns()}", bindings=bindings, exclusive=True,
                           auto_delete=True)(self.channel)
        self.queue.declare()
        self.delivery_modes = Counter()

    def close(self):
        self.connection.release()

    def drain(self, settle=0.0):
        """Every message the tap holds now (after waiting ``settle`` seconds for
        messages still on their way), as (exchange, routing_key, headers)."""
        if settle:
            time.sleep(settle)
        taken = []
        while True:
            message = self.queue.get(no_ack=True)
            if message is None:
                return taken
            info = message.delivery_info
            exchange = info.get("exchange")
            # how each kind was sent: 2 persistent (kept on disk in a durable queue), else transient
            kind = "rpc" if exchange == RPC_EXCHANGE else "event"
            self.delivery_modes[kind, message.properties.get("delivery_mode") == 2 and "persistent" or "transient"] += 1
            taken.append((exchange, info.get("routing_key"), dict(message.headers or {})))


def classify(messages):
    """{"sync": Counter(service.method), "notices": Counter, "async": Counter,
    "events": Counter(source.event)} for the messages of one request."""
    rpc = [(key, headers) for exchange, key, headers in messages
           if exchange == RPC_EXCHANGE and key.split(".", 1)[0] in SERVICES]
    rpc_methods = {key for key, _ in rpc}
    sync, later = Counter(), Counter()
    for key, headers in rpc:
        stack = headers.get("nameko.call_id_stack") or []
        entries = {".".join(entry.split(".")[:2]) for entry in stack}
        if entries <= rpc_methods:
            sync[key] += 1
        else:
            later[key] += 1
    events = Counter(f"{exchange.removesuffix('.events')}.{key}" for exchange, key, _ in messages
                     if exchange.endswith(".events"))
    notices = Counter({NOTICE_EVENT: events[NOTICE_EVENT]}) if events[NOTICE_EVENT] else Counter()
    return {"sync": sync, "notices": notices, "async": later, "events": events}


def count(tap, act, settle=0.6):
    """Run ``act()`` (one HTTP request) and classify what it set off."""
    tap.drain()
    result = act()
    return result, classify(tap.drain(settle))
