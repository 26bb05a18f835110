"""Talking to the other services from inside review: keep notifications from ever
undoing a decision. (Remote domain errors arrive as themselves: zc_common.remote.)"""
import logging

from zc_common.remote import domain_error  # noqa: F401  (re-exported for review's modules)

log = logging.getLogger("review")

def notify(accounts, **message):
    """Queue a message through accounts without waiting for its answer (a decision
    need not wait for a notice to be queued); a failure to send is logged, never
    raised."""
    try:
        method = accounts.notify
        send = getattr(method, "call_async", None)
        (send or method)(**message)
        return True
    except Exception:  # noqa: BLE001 — a lost notice must not roll back a decision
        log.warning("review: notify failed for %s", message.get("kind"), exc_info=True)
        return False
