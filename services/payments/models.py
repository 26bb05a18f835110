"""The payments service's tables: fee orders, the one payment per order, what the
provider told us per transaction, every callback received, the nonces seen, and the
mismatches reconciliation found."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zc_common.db import UTCDateTime
from zc_common.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


def _id():
    return uuid.uuid4().hex


def _utcnow():
    return datetime.now(timezone.utc)


class FeeOrder(Base):
    """One review fee per application. ``status``: ``pricing`` (waiting for the
    committee's fee), ``unpaid``, ``paid``."""

    __tablename__ = "fee_orders"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[str] = mapped_column(String(64), unique=True)
    application_number: Mapped[str | None] = mapped_column(String(64))
    applicant_id: Mapped[str | None] = mapped_column(String(64), index=True)
    committee_id: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(32), default="sandbox")
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pricing", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Payment(Base):
    """The money received for an order: at most one per order (the unique key is the
    last line of defence against a double booking under concurrency)."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    provider: Mapped[str] = mapped_column(String(32))
    txn_id: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(Integer)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    callback_id: Mapped[str | None] = mapped_column(String(32))


class ProviderTransaction(Base):
    """The last state a provider reported for one of its transactions."""

    __tablename__ = "provider_transactions"
    __table_args__ = (UniqueConstraint("provider", "txn_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    provider: Mapped[str] = mapped_column(String(32))
    txn_id: Mapped[str] = mapped_column(String(64))
    order_no: Mapped[str] = mapped_column(String(32), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)


class CallbackLog(Base):
    """Every callback that reached us, trusted or not, and what we answered."""

    __tablename__ = "callback_log"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    provider: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(16))        # accepted | duplicate | refused
    reason: Mapped[str | None] = mapped_column(String(64))  # the error code when refused
    order_no: Mapped[str | None] = mapped_column(String(64), index=True)
    txn_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    nonce: Mapped[str | None] = mapped_column(String(128))
    timestamp: Mapped[str | None] = mapped_column(String(32))
    signature: Mapped[str | None] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)


class SeenNonce(Base):
    """Nonces of callbacks whose signature held, kept a little longer than the
    timestamp window (after that the timestamp check refuses a replay anyway)."""

    __tablename__ = "callback_nonces"

    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow, index=True)


class Mismatch(Base):
    """A disagreement between the provider's statement and our books. ``kind``:
    ``unpaid_here``, ``amount_differs``, ``unknown_order``, ``duplicate_payment``,
    ``missing_at_provider``. Cleared (``resolved_at``) when a later run agrees."""

    __tablename__ = "reconciliation_mismatches"
    __table_args__ = (UniqueConstraint("provider", "kind", "txn_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    provider: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    txn_id: Mapped[str] = mapped_column(String(64))
    order_no: Mapped[str] = mapped_column(String(64), index=True)
    provider_amount_fen: Mapped[int | None] = mapped_column(Integer)
    our_amount_fen: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(InboxMixin, Base):
    __tablename__ = "processed_events"
