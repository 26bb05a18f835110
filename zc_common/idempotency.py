"""Idempotency keys: a client's retry of a decision gets the first answer.

A client sends ``Idempotency-Key`` (an opaque string it made: 1–64 visible ASCII
characters) with a state-changing request. The owning service stores
(actor, key) → (operation, target, response) in the same transaction as the
state change, so a retry with the same key by the same actor answers what the
first attempt answered — also when that attempt's HTTP response was lost (a 504,
a dropped connection). The same key used for another operation or target is
refused (Invalid ``idempotency_key_reused``). Refusals are not stored: they
change nothing, so a retry simply runs again. Rows are kept ``KEEP`` and then
deleted by ``forget_expired`` (a timer in each service that stores keys).

    class IdempotencyKey(IdempotencyMixin, Base): __tablename__ = "idempotency_keys"
"""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from zc_common.db import UTCDateTime
from zc_common.errors import Invalid

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,64}")


def _utcnow():
    return datetime.now(timezone.utc)


class IdempotencyMixin:
    actor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    operation: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))
    # The answer given (JSON), or null while it is still being made elsewhere.
    response: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)


def check_key(key):
    """The key as given, None when none was sent; Invalid when it is not 1–64
    visible ASCII characters (the gateway checks too; the owner has the last word)."""
    if key is None:
        return None
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise Invalid("invalid_idempotency_key", "Idempotency-Key 应为 1–64 个可见 ASCII 字符（不含空格）",
                      field=HEADER)
    return key


def _reused():
    return Invalid("idempotency_key_reused", "该 Idempotency-Key 已用于另一项操作，请为新的操作生成新的 Key",
                   field=HEADER)


def recall(session, model, actor_id, key, operation, target):
    """The stored row for this actor's key, or None (no key, never seen, or expired).
    Invalid ``idempotency_key_reused`` when the key was used for another operation
    or target."""
    if key is None:
        return None
    row = session.scalars(select(model).where(model.actor_id == actor_id, model.key == key)
                          .execution_options(populate_existing=True)).first()
    if row is None or row.created_at < _utcnow() - KEEP:
        return None
    if (row.operation, row.target) != (operation, target):
        raise _reused()
    return row


def remember(session, model, actor_id, key, operation, target, response=None, **columns):
    """Record the key in the caller's transaction (the one making the change); an
    expired row of the same key, not yet cleaned up, makes way in that transaction."""
    if key is None:
        return None
    session.execute(delete(model).where(model.actor_id == actor_id, model.key == key,
                                        model.created_at < _utcnow() - KEEP))
    row = model(actor_id=actor_id, key=key, operation=operation, target=target, response=response,
                created_at=_utcnow(), **columns)
    session.add(row)
    return row


def forget_expired(session, model, moment=None):
    """Delete keys older than ``KEEP``; how many went."""
    cutoff = (moment or _utcnow()) - KEEP
    gone = session.execute(delete(model).where(model.created_at < cutoff)).rowcount
    session.commit()
    return gone
