"""Talking to the other services from inside review: keep notifications from ever
undoing a decision. (Remote domain errors arrive as themselves: zc_common.remote.)"""
import logging

from zc_common.remote import domain_error  # noqa: F401  (re-exported for review's modules)

log = logging.getLogger("review")

NOTICE_REQUESTED = "notice_requested"  # accounts.service.on_notice_requested


class Notices:
    """Notices reach accounts as a ``notice_requested`` event, not an RPC: nobody
    waits for them, an event needs no reply message, and it is kept (persistent)
    across a broker restart."""

    def __init__(self, dispatch):
        self.dispatch = dispatch

    def notify(self, **message):
        self.dispatch(NOTICE_REQUESTED, message)

    def notify_all(self, messages):
        """Several notices of one moment as one event (accounts queues them in one
        transaction)."""
        self.dispatch(NOTICE_REQUESTED, {"messages": list(messages)})


def notify(notices, **message):
    """Send a notice after the decision it announces committed; a failure to send is
    logged, never raised."""
    try:
        notices.notify(**message)
        return True
    except Exception:  # noqa: BLE001 — a lost notice must not roll back a decision
        log.warning("review: notify failed for %s", message.get("kind"), exc_info=True)
        return False


def notify_all(notices, messages):
    """``notify`` for several notices at once, as one event."""
    try:
        notices.notify_all(messages)
        return True
    except Exception:  # noqa: BLE001 — a lost notice must not roll back a decision
        log.warning("review: notify failed for %s", [m.get("kind") for m in messages], exc_info=True)
        return False
