"""The gateway's Prometheus metrics, at ``GET /metrics`` (``prometheus-client``):

- ``zc_gateway_request_seconds{method, route, status}`` — every HTTP request, by
  route template (``/api/v1/applications/{application_id}/submit``, never the
  concrete path: one series per route, not per application);
- ``zc_gateway_rpc_seconds{target, outcome}`` — every RPC, ``target`` =
  ``service.method``; ``outcome``: ok, refused (a domain error), error,
  unavailable (503), timeout (504);
- ``zc_gateway_uploads_in_flight`` / ``zc_gateway_uploads_storing`` — uploads
  admitted and being received, and those holding a store slot;
- the client library's process metrics (CPU, memory, open files).

Who may read it: the metrics name routes, rates and failures — not for the
public. ``/metrics`` answers a caller connected directly from an address in
``ZC_METRICS_ALLOW`` (comma-separated networks; default loopback only) whose
request came through no proxy (no ``Forwarded`` / ``X-Forwarded-For``: a reverse
proxy on the same host must not make the public "local"), or any caller that
sends ``Authorization: Bearer <ZC_METRICS_TOKEN>`` when that setting is made
(Prometheus' ``authorization`` in a scrape config). Anyone else: 403
``metrics_forbidden``. ``ZC_GATEWAY_METRICS=0`` turns it all off (no timing, no
route) — the bench compares the two.
"""
import hmac
import ipaddress
import os
import time
import weakref

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from gateway.keys import RPC
from gateway.request_log import Outcome, through
from gateway.responses import json_response
from gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable
from gateway.upload_limits import UPLOAD_LIMITS
from zc_common.errors import error_body, from_remote

BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LOOPBACK = "127.0.0.0/8,::1/128"

REQUEST_SECONDS = Histogram("zc_gateway_request_seconds", "HTTP requests by route template and status",
                            ["method", "route", "status"], buckets=BUCKETS)
RPC_SECONDS = Histogram("zc_gateway_rpc_seconds", "RPC calls to the services by target and outcome",
                        ["target", "outcome"], buckets=BUCKETS)


def enabled(environ=os.environ):
    return environ.get("ZC_GATEWAY_METRICS", "1") != "0"


def allowed_networks(environ=os.environ):
    text = environ.get("ZC_METRICS_ALLOW") or LOOPBACK
    return [ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()]


def may_read(request, networks, token):
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    if "Forwarded" in request.headers or "X-Forwarded-For" in request.headers:
        return False
    try:
        peer = ipaddress.ip_address(request.remote or "")
    except ValueError:   # a Unix socket: no address to trust
        return False
    return any(peer in network for network in networks)


def route_of(request):
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observe(request, handler):
    """Outermost: times what the client waited for, errors included."""
    started = time.perf_counter()
    outcome = Outcome()
    try:
        return await through(request, handler, outcome)
    finally:
        REQUEST_SECONDS.labels(request.method, route_of(request), str(outcome.status)).observe(
            time.perf_counter() - started)


def _rpc_outcome(exc):
    if isinstance(exc, ServiceUnavailable):
        return "unavailable"
    if isinstance(exc, ServiceTimeout):
        return "timeout"
    if isinstance(exc, RemoteError) and from_remote(exc.exc_type, exc.exc_args) is not None:
        return "refused"
    return "error"


def instrument(client):
    """Time every ``client.call`` (the service proxies go through it too)."""
    call = client.call

    async def timed(service, method, *args, **kwargs):
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await call(service, method, *args, **kwargs)
        except Exception as exc:
            outcome = _rpc_outcome(exc)
            raise
        finally:
            RPC_SECONDS.labels(f"{service}.{method}", outcome).observe(time.perf_counter() - started)

    client.call = timed


class Uploads:
    """Uploads of every live app in this process, read when scraped."""

    def __init__(self):
        self.apps = weakref.WeakSet()

    def collect(self):
        receiving = GaugeMetricFamily("zc_gateway_uploads_in_flight", "Uploads admitted (receiving or storing)")
        storing = GaugeMetricFamily("zc_gateway_uploads_storing", "Uploads holding a store slot")
        receiving.add_metric([], sum(sum(a[UPLOAD_LIMITS].in_flight.values()) for a in self.apps))
        storing.add_metric([], sum(a[UPLOAD_LIMITS].settings.at_once - a[UPLOAD_LIMITS].slots._value
                                   for a in self.apps))
        yield from (receiving, storing)


UPLOADS = Uploads()
REGISTRY.register(UPLOADS)


async def _instrument_rpc(app):
    instrument(app[RPC])
    yield


def setup_metrics(app):
    """Before the frontend's catch-all route and after the RPC client's context:
    ``/metrics``, the request timer (outermost middleware) and the RPC timer.
    Nothing when turned off."""
    if not enabled():
        return
    networks, token = allowed_networks(), os.environ.get("ZC_METRICS_TOKEN", "")

    async def metrics(request):
        if not may_read(request, networks, token):
            return json_response(error_body("metrics_forbidden", "监控指标仅对监控系统开放"), status=403)
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", metrics)
    app.middlewares.insert(0, observe)
    app.cleanup_ctx.append(_instrument_rpc)
    UPLOADS.apps.add(app)
