"""A provider's callback, from raw bytes to booked payment.

Order of checks: the signature first (so a forger cannot even burn nonces), then
the timestamp window, then the nonce (seen once only), then what the notice says
against our order. Every callback is logged with its outcome. A paid notice is
booked once: a repeat of the same transaction is acknowledged without effect; a
second, different transaction for a paid order is refused and left for
reconciliation (the provider holds money twice).
"""
import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.payments import signing
from services.payments.models import CallbackLog, FeeOrder, Payment, ProviderTransaction, SeenNonce
from services.payments.orders import announce_paid
from services.payments.providers.base import CallbackRefused
from services.payments.providers.sandbox import TIMESTAMP_WINDOW
from zc_common import errors
from zc_common.text import storable

MAX_LOGGED_BODY = 8192
NONCE_KEEP = timedelta(seconds=2 * TIMESTAMP_WINDOW + 60)


@dataclass
class Outcome:
    result: str              # accepted | duplicate
    order_no: str
    status: str              # the order's status after this callback
    callback_id: str

    def as_dict(self):
        return {"result": self.result, "order_no": self.order_no, "order_status": self.status,
                "callback_id": self.callback_id}


def decode_body(body_b64):
    try:
        return base64.b64decode(body_b64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise errors.BadRequest("malformed_callback", "回调内容编码不正确") from None


def handle(session, provider, body, headers, now):
    """Process one callback; returns an ``Outcome`` or raises the domain error to
    answer with. The log row (and a fresh nonce) is committed either way."""
    log = CallbackLog(id=uuid.uuid4().hex, provider=provider.name,
                      body=_text(body[:MAX_LOGGED_BODY].decode("utf-8", "replace")),
                      timestamp=_short(signing.header(headers, signing.TIMESTAMP_HEADER), 32),
                      nonce=_short(signing.header(headers, signing.NONCE_HEADER), 128),
                      signature=_short(signing.header(headers, signing.SIGNATURE_HEADER), 160),
                      **_claimed(body))
    try:
        notice = provider.verify_callback(body, headers, now)
        log.order_no, log.txn_id = notice.order_no, notice.txn_id
        log.status, log.amount_fen = notice.status, notice.amount_fen
        _use_nonce(session, provider.name, notice.nonce)
        outcome = _apply(session, provider.name, notice, log)
    except CallbackRefused as refusal:
        _refuse(session, log, refusal.code)
        raise _domain_error(refusal) from None
    except errors.DomainError as error:
        _refuse(session, log, error.code)
        raise
    log.outcome = outcome.result
    session.add(log)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent callback for the same order booked first; what we tried is
        # rolled back. Judge this one again against what is now stored.
        session.rollback()
        return handle_after_race(session, provider, notice, log)
    outcome.callback_id = log.id
    return outcome


def handle_after_race(session, provider, notice, log):
    fresh = CallbackLog(id=uuid.uuid4().hex, **{c: getattr(log, c) for c in (
        "provider", "body", "timestamp", "nonce", "signature", "order_no", "txn_id", "status", "amount_fen")})
    try:
        _use_nonce(session, provider.name, notice.nonce)
        outcome = _apply(session, provider.name, notice, fresh)
    except errors.DomainError as error:
        _refuse(session, fresh, error.code)
        raise
    fresh.outcome = outcome.result
    session.add(fresh)
    session.commit()
    outcome.callback_id = fresh.id
    return outcome


def _apply(session, provider_name, notice, log):
    order = session.scalar(select(FeeOrder).where(FeeOrder.order_no == notice.order_no))
    if order is None or order.status == "pricing":
        raise errors.Invalid("unknown_order", "回调中的订单号不存在", field="order_no")
    txn = session.scalar(select(ProviderTransaction).where(
        ProviderTransaction.provider == provider_name, ProviderTransaction.txn_id == notice.txn_id))
    if txn is not None and txn.order_no != order.order_no:
        raise errors.Conflict("transaction_order_mismatch", "该交易号此前属于另一订单")
    if notice.status == "cancelled":
        return _cancelled(session, provider_name, notice, order, txn)
    return _paid(session, provider_name, notice, order, txn, log)


def _cancelled(session, provider_name, notice, order, txn):
    if txn is not None and txn.status == "paid":
        # The provider already told us this transaction was paid; a late
        # cancellation of it cannot undo the money.
        raise errors.Conflict("transaction_paid", "该交易已支付，不能再取消")
    if txn is not None and txn.status == "cancelled":
        return Outcome("duplicate", order.order_no, order.status, "")
    session.add(ProviderTransaction(provider=provider_name, txn_id=notice.txn_id, order_no=order.order_no,
                                    amount_fen=notice.amount_fen, status="cancelled"))
    # A cancelled attempt leaves the order as it was: unpaid orders can be paid
    # again, and a late cancellation of an earlier attempt never unpays an order.
    return Outcome("accepted", order.order_no, order.status, "")


def _paid(session, provider_name, notice, order, txn, log):
    if txn is not None and txn.status == "cancelled":
        raise errors.Conflict("transaction_cancelled", "该交易此前已被取消，不能再记为已支付")
    payment = session.scalar(select(Payment).where(Payment.order_no == order.order_no))
    if payment is not None:
        if payment.provider == provider_name and payment.txn_id == notice.txn_id:
            return Outcome("duplicate", order.order_no, order.status, "")
        raise errors.Conflict("already_paid", "该订单已通过另一笔交易支付")
    if notice.amount_fen != order.amount_fen:
        raise errors.Invalid("amount_mismatch",
                             f"回调金额 {notice.amount_fen} 分与订单金额 {order.amount_fen} 分不符",
                             field="amount_fen")
    if order.status == "paid":  # paid without a provider (a zero fee)
        raise errors.Conflict("already_paid", "该订单无需支付或已支付")
    session.add(Payment(order_no=order.order_no, provider=provider_name, txn_id=notice.txn_id,
                        amount_fen=notice.amount_fen, callback_id=log.id))
    session.add(ProviderTransaction(provider=provider_name, txn_id=notice.txn_id, order_no=order.order_no,
                                    amount_fen=notice.amount_fen, status="paid"))
    order.status = "paid"
    order.paid_at = datetime.now(timezone.utc)
    announce_paid(session, order)
    return Outcome("accepted", order.order_no, "paid", "")


def _use_nonce(session, provider_name, nonce):
    try:
        with session.begin_nested():
            session.add(SeenNonce(provider=provider_name, nonce=nonce))
    except IntegrityError:
        raise errors.Conflict("nonce_replayed", "回调随机串已使用过（重放）") from None


def _refuse(session, log, code):
    """Log the refusal and keep the nonce if it was taken: commit what stands."""
    log.outcome, log.reason = "refused", code
    session.add(log)
    session.commit()


def _domain_error(refusal):
    category = getattr(errors, refusal.category)
    if category is errors.Invalid:
        return errors.Invalid(refusal.code, refusal.message, field=refusal.field)
    return category(refusal.code, refusal.message)


def _claimed(body):
    """What an (as yet unverified) body says, so refusals can be found by order."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # unverified: anything may arrive
        return {}
    if not isinstance(data, dict):
        return {}
    amount = data.get("amount_fen")
    return {"order_no": _short(data.get("order_no"), 64), "txn_id": _short(data.get("txn_id"), 64),
            "status": _short(data.get("status"), 16),
            "amount_fen": amount if isinstance(amount, int) and not isinstance(amount, bool)
            and abs(amount) < 2**31 else None}


def _text(value):
    """Text a database column accepts (PostgreSQL refuses NUL characters, and no
    encoder takes a lone surrogate)."""
    return storable(value)


def _short(value, limit):
    return None if value is None else _text(str(value)[:limit])


def forget_old_nonces(session, now):
    session.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - NONCE_KEEP))
    session.commit()
