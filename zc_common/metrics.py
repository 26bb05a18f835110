"""Prometheus metrics of a Nameko service process (``prometheus-client``).

``metrics = Metrics()`` on a service class (``Metrics(outbox=OutboxEvent)`` where
the service has a transactional outbox) records, per entrypoint method:

- ``zc_service_call_seconds{service, kind, method}`` — latency histogram of every
  worker (``kind``: rpc, event, timer);
- ``zc_service_calls_total{service, kind, method, outcome}`` — ``ok``; ``refused``
  (an expected domain error: a 4xx at the gateway); ``error`` (anything else);

and, read when scraped:

- ``zc_service_workers_in_use`` / ``zc_service_workers_max`` — the worker pool;
- ``zc_service_db_connections_in_use`` / ``zc_service_db_connections_open`` — the
  SQLAlchemy pool of each ``Database`` dependency;
- ``zc_service_outbox_backlog`` / ``zc_service_outbox_oldest_seconds`` — events
  committed and not yet published (a broker outage shows here first).

Exposition: one HTTP endpoint per process (an eventlet WSGI server), only when
``ZC_METRICS_PORT`` is set (default 0: off). Several processes share a host
(replicas under ``make run``), so each takes its own port from that base:
``base + 20 × the service's index in zc_common.config.SERVICES + its replica
number`` (supervisord's ``SUPERVISOR_PROCESS_NAME`` ``review-2`` → 2). With base
9100: accounts 9100…, applications 9120…, review 9140…, documents 9160…,
payments 9180…. ``ZC_METRICS_HOST`` is the address to bind (default 127.0.0.1;
0.0.0.0 in a pod, where a NetworkPolicy limits who reaches it). A port already
taken is logged and metrics stay off: metrics never stop a service.

Why not ``nameko-prometheus`` (1.6.0): it runs on nameko 2.14, but counts no
errors (only totals), names every metric after the service (``review_rpc_…``:
a dashboard needs one name with a ``service`` label), and is exposed through a
nameko ``@http`` entrypoint each service would have to declare.
"""
import logging
import os
import re
import time
from datetime import timezone
from weakref import WeakKeyDictionary

import eventlet
import eventlet.wsgi
from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from zc_common.config import SERVICES
from zc_common.db import Database
from zc_common.worker_log import entrypoint_kind

log = logging.getLogger(__name__)

PORTS_PER_SERVICE = 20     # room for ZC_REPLICAS' 16 replicas of one service
# From a ping (~2 ms) to a PDF render (~1 s) and a stalled call (the 20–30 s timeouts).
BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CALL_SECONDS = Histogram("zc_service_call_seconds", "Duration of a service worker (RPC, event handler, timer)",
                         ["service", "kind", "method"], buckets=BUCKETS)
CALLS = Counter("zc_service_calls_total", "Workers finished, by outcome (ok, refused: a domain error, error)",
                ["service", "kind", "method", "outcome"])


kind_of = entrypoint_kind   # rpc | event | timer, as the log lines name them


def outcome_of(entrypoint, exc_info):
    if exc_info is None:
        return "ok"
    expected = getattr(entrypoint, "expected_exceptions", ()) or ()
    return "refused" if isinstance(exc_info[1], expected) else "error"


def metrics_port(service, environ=os.environ):
    """This process's port, or None when metrics are off (see the module's doc)."""
    base = int(environ.get("ZC_METRICS_PORT") or 0)
    if not base:
        return None
    index = SERVICES.index(service) if service in SERVICES else len(SERVICES)
    match = re.fullmatch(r".*-(\d+)", environ.get("SUPERVISOR_PROCESS_NAME", ""))
    replica = int(match.group(1)) if match else 0
    return base + PORTS_PER_SERVICE * index + replica


_server = {}   # the process's one exposition server: {"port": …, "thread": …}


def serve(port, host=None):
    """Start the process's metrics endpoint once; False if the port is taken."""
    if _server:
        return _server["port"] == port
    host = host or os.environ.get("ZC_METRICS_HOST", "127.0.0.1")
    try:
        sock = eventlet.listen((host, port))
    except OSError as exc:
        log.warning("metrics: cannot listen on %s:%s (%s); metrics are off in this process", host, port, exc)
        return False
    _server.update(port=port, thread=eventlet.spawn(
        eventlet.wsgi.server, sock, make_wsgi_app(REGISTRY), log_output=False))
    log.info("metrics on http://%s:%s/metrics", host, port)
    return True


class ServiceState:
    """A Prometheus collector reading one container's state when scraped."""

    def __init__(self, provider):
        self.provider = provider

    def collect(self):
        container = self.provider.container
        service = container.service_name
        labels = ["service"]
        in_use = GaugeMetricFamily("zc_service_workers_in_use", "Workers running now", labels=labels)
        in_use.add_metric([service], len(container._worker_threads))
        ceiling = GaugeMetricFamily("zc_service_workers_max", "max_workers (also the prefetch)", labels=labels)
        ceiling.add_metric([service], container.max_workers)
        yield from (in_use, ceiling)

        checked_out = GaugeMetricFamily("zc_service_db_connections_in_use",
                                        "Database connections checked out of the pool", labels=labels)
        opened = GaugeMetricFamily("zc_service_db_connections_open",
                                   "Database connections held by the pool (in use or idle)", labels=labels)
        # every pool of the process together (payments has a second Database: its callbacks')
        pools = [e.pool for e in self.provider.engines() if hasattr(e.pool, "checkedout")]  # QueuePool
        if pools:
            checked_out.add_metric([service], sum(p.checkedout() for p in pools))
            opened.add_metric([service], sum(p.checkedout() + p.checkedin() for p in pools))
        yield from (checked_out, opened)

        backlog = self.provider.outbox_backlog()
        if backlog is not None:
            count, oldest = backlog
            waiting = GaugeMetricFamily("zc_service_outbox_backlog",
                                        "Events committed and not yet published", labels=labels)
            waiting.add_metric([service], count)
            age = GaugeMetricFamily("zc_service_outbox_oldest_seconds",
                                    "Age of the oldest unpublished event (0: none)", labels=labels)
            age.add_metric([service], oldest)
            yield from (waiting, age)


class Metrics(DependencyProvider):
    """Times every worker of the service and exposes the process's metrics."""

    def __init__(self, outbox=None):
        self.outbox = outbox
        self.started = WeakKeyDictionary()
        self.collector = None

    def setup(self):
        self.collector = ServiceState(self)
        REGISTRY.register(self.collector)

    def start(self):
        port = metrics_port(self.container.service_name)
        if port is not None:
            serve(port)

    def stop(self):
        self._unregister()

    def kill(self):
        self._unregister()

    def _unregister(self):
        if self.collector is not None:
            REGISTRY.unregister(self.collector)
            self.collector = None

    def engines(self):
        return [d.engine for d in self.container.dependencies
                if isinstance(d, Database) and d.engine is not None]

    def outbox_backlog(self):
        """(unpublished events, age of the oldest in seconds), or None (no outbox,
        or the database did not answer: the scrape still gets everything else)."""
        engines = [d.engine for d in self.container.dependencies
                   if type(d) is Database and d.engine is not None]   # the service's own, not a subclass
        if self.outbox is None or not engines:
            return None
        pool = engines[0].pool
        if hasattr(pool, "overflow") and pool.checkedout() >= pool.size() + pool._max_overflow:
            return None   # every connection is a worker's: a scrape must not make one wait
        model = self.outbox
        query = select(func.count(), func.min(model.created_at)).where(model.published.is_(False))
        try:
            with engines[0].connect() as connection:
                count, oldest = connection.execute(query).one()
        except Exception as exc:  # noqa: BLE001 — a scrape must not fail with the database
            log.info("metrics: outbox backlog not read: %s", exc)
            return None
        if oldest is None:
            return count, 0.0
        if oldest.tzinfo is None:   # UTCDateTime gives aware UTC; be sure of it
            oldest = oldest.replace(tzinfo=timezone.utc)
        return count, max(0.0, time.time() - oldest.timestamp())

    def get_dependency(self, worker_ctx):
        return None

    def worker_setup(self, worker_ctx):
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        entrypoint = worker_ctx.entrypoint
        service, kind, method = self.container.service_name, kind_of(entrypoint), entrypoint.method_name
        CALL_SECONDS.labels(service, kind, method).observe(time.perf_counter() - started)
        CALLS.labels(service, kind, method, outcome_of(entrypoint, exc_info)).inc()
