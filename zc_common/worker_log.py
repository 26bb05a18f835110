"""``WorkerLog``: one log line per Nameko worker, run under its request's id
(zc_common.logs; imported from there)."""
import logging
import time

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer

from zc_common.logs import REQUEST_ID, bind, unbind, valid_request_id

worker_log = logging.getLogger("zc.worker")
# Asked every few seconds by probes and the gateway's health page: DEBUG, unless they fail.
QUIET_METHODS = ("ping", "health")


def actor_user_id(args, kwargs):
    """The id of the person a call acts for: methods acting for a person take ``actor``
    first (docs/internal-rpc.md), the dict accounts.authenticate answers."""
    actor = kwargs.get("actor", args[0] if args else None)
    if isinstance(actor, dict) and "role" in actor and isinstance(actor.get("id"), str):
        return actor["id"]
    return None


def entrypoint_kind(entrypoint):
    if isinstance(entrypoint, Rpc):
        return "rpc"
    if isinstance(entrypoint, EventHandler):
        return "event"
    if isinstance(entrypoint, Timer):
        return "timer"
    return type(entrypoint).__name__.lower()


def outcome_of(exc_info, expected=()):
    """``("ok"|"refused"|"error", error)``: a domain error (expected) is a refusal with
    its code; anything else is an error with its type."""
    if exc_info is None:
        return "ok", None
    exc = exc_info[1]
    code = getattr(exc, "code", None)
    label = f"{type(exc).__name__}:{code}" if isinstance(code, str) else type(exc).__name__
    if expected and isinstance(exc, expected):
        return "refused", label
    return "error", label


class WorkerLog(DependencyProvider):
    """``worker_log = WorkerLog()`` in a service: each RPC and event worker runs with
    its request id current (every line it logs carries it; events it queues keep it)
    and ends with one line — ``rpc review.review_view ok 12.3 ms``. Timers (the
    outbox relays, every second) and health checks are logged at DEBUG only, unless
    they fail."""

    def __init__(self):
        self.started = {}

    def worker_setup(self, worker_ctx):
        request_id = valid_request_id(worker_ctx.data.get(REQUEST_ID))
        user_id = (actor_user_id(worker_ctx.args, worker_ctx.kwargs)
                   if entrypoint_kind(worker_ctx.entrypoint) == "rpc" else None)
        self.started[worker_ctx] = (time.perf_counter(), bind(request_id, user_id), None)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if worker_ctx in self.started:
            started, token, _ = self.started[worker_ctx]
            self.started[worker_ctx] = (started, token, exc_info)

    def worker_teardown(self, worker_ctx):
        state = self.started.pop(worker_ctx, None)
        if state is None:
            return
        started, token, exc_info = state
        try:
            entrypoint = worker_ctx.entrypoint
            kind = entrypoint_kind(entrypoint)
            outcome, error = outcome_of(exc_info, getattr(entrypoint, "expected_exceptions", ()) or ())
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            method = f"{worker_ctx.service_name}.{entrypoint.method_name}"
            extra = {"kind": kind, "method": method, "outcome": outcome, "duration_ms": duration_ms}
            if kind == "event":
                extra["event"] = f"{entrypoint.source_service}.{entrypoint.event_type}"
            if error:
                extra["error"] = error
            quiet = kind == "timer" or entrypoint.method_name in QUIET_METHODS
            level = logging.ERROR if outcome == "error" else logging.DEBUG if quiet else logging.INFO
            worker_log.log(level, "%s %s %s %.1f ms", kind, method, outcome, duration_ms, extra=extra)
        finally:
            unbind(token)
