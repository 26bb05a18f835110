"""The ``health`` RPC every service answers: is this instance able to do its work?

``class AccountsService(Health)`` adds the RPC. It checks the service's own
database (``SELECT 1`` through its ``Database`` provider, the session a worker
gets) and whatever else the class names in ``health_checks`` (documents: its
bucket). The answer::

    {"service": "documents", "ok": false, "instance": "host-1234",
     "checks": {"database": {"ok": true, "ms": 1.2},
                "object_store": {"ok": false, "ms": 3.0, "error": "NoSuchBucket: …"}}}

A failed check is an answer, not an error: the caller (``deploy.probe``, the
gateway's ``/api/v1/health``) wants the reason. Each check is bounded by
``CHECK_TIMEOUT`` so an unreachable server costs the worker seconds, not the TCP
timeout; the probe's own timeout bounds the rest.
"""
import os
import socket
import time

import eventlet
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from zc_common.rpc import rpc

CHECK_TIMEOUT = float(os.environ.get("ZC_HEALTH_CHECK_TIMEOUT", "3"))
ERROR_CHARS = 300   # a reason fits on one line of a probe's output


def instance_id():
    """``<hostname>-<pid>``: which replica answered (a pod's hostname is its name)."""
    return f"{socket.gethostname()}-{os.getpid()}"


def database(service):
    """One round trip through the worker's session; rolled back so the check leaves
    no transaction open on the pooled connection. A pooled connection the server
    closed (a restart, a failover) is not the database being down: SQLAlchemy
    discards it, and the check asks once more on a fresh one."""
    session = service.db
    for attempt in (1, 2):
        try:
            session.execute(text("SELECT 1")).scalar_one()
            return
        except DBAPIError as exc:
            if not exc.connection_invalidated or attempt == 2:
                raise
        finally:
            session.rollback()


def object_store(service):
    """The bucket exists (one HEAD through the minio client)."""
    bucket = service.bucket
    if not bucket.client.bucket_exists(bucket.name):
        raise LookupError(f"bucket {bucket.name!r} does not exist")


def run_check(check, service, timeout=CHECK_TIMEOUT):
    started = time.perf_counter()
    try:
        with eventlet.Timeout(timeout):
            check(service)
    except eventlet.Timeout:
        outcome = {"ok": False, "error": f"no answer within {timeout:g} s"}
    except Exception as exc:  # noqa: BLE001 — any failure is the reason to report
        # SQLAlchemy wraps the driver's error with the SQL and a link: the driver's says it
        cause = getattr(exc, "orig", None) or exc
        reason = " ".join(str(cause).split()) or "(no message)"
        outcome = {"ok": False, "error": f"{type(cause).__name__}: {reason}"[:ERROR_CHARS]}
    else:
        outcome = {"ok": True}
    outcome["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return outcome


def report(service_name, service, checks):
    results = {name: run_check(check, service) for name, check in checks.items()}
    return {"service": service_name, "ok": all(r["ok"] for r in results.values()),
            "checks": results, "instance": instance_id()}


class Health:
    """Mixin for a service class: the ``health`` RPC. ``health_checks`` maps a
    check's name to a function of the service instance that raises when unwell."""

    health_checks = {"database": database}

    @rpc
    def health(self, deep=True):
        """``deep=False``: no checks — only that this instance takes and answers RPCs
        (a liveness probe, which a database outage must not fail)."""
        return report(self.name, self, self.health_checks if deep else {})
