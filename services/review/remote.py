"""Talking to the other services from inside review: their domain errors come back
as nameko ``RemoteError``s; turn them into ours, and keep notifications from ever
undoing a decision."""
import logging

from nameko.exceptions import RemoteError

from zc_common import errors

log = logging.getLogger("review")

CATEGORY = {cls.__name__: cls for cls in errors.CATEGORIES}


def domain_error(exc):
    """The DomainError a remote call raised, or None (timeouts, crashes, broker)."""
    if isinstance(exc, errors.DomainError):
        return exc
    if isinstance(exc, RemoteError) and exc.exc_type in CATEGORY:
        code, _, message = str(exc.value or "").partition(": ")
        return CATEGORY[exc.exc_type](code or "remote_error", message or str(exc.value))
    return None


def notify(accounts, **message):
    """Queue a message through accounts; a failure is logged, never raised."""
    try:
        accounts.notify(**message)
        return True
    except Exception:  # noqa: BLE001 — a lost notice must not roll back a decision
        log.warning("review: notify failed for %s", message.get("kind"), exc_info=True)
        return False
