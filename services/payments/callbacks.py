"""A provider's callback, from raw bytes to booked payment.

Order of checks: the signature first (so a forger cannot even burn nonces), then
the timestamp window, then the nonce (seen once only), then what the notice says
against our order. Every callback is logged with its outcome. A paid notice is
booked once: a repeat of the same transaction is acknowledged without effect; a
second, different transaction for a paid order is refused and left for
reconciliation (the provider holds money twice).

One callback is one read and one write: ``stored`` reads everything the rules
look at in a single query, ``judge`` decides in plain Python, and the rows it asks
for go in together (``booking.write``: one statement on PostgreSQL, committing by
itself — two round trips in all). Uniqueness in the database is what settles
concurrent callbacks: the payment per order, the transaction per provider, the
nonce per provider. When a write breaks one of them, a concurrent callback got
there first; the write fails whole and the callback is judged again against what
is now stored.
"""
import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import String, and_, bindparam, cast, delete, func, insert, literal_column, select, true, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.payments import booking, signing
from services.payments.models import CallbackLog, FeeOrder, OutboxEvent, Payment, ProviderTransaction, SeenNonce
from services.payments.orders import fee_paid_payload
from services.payments.providers.base import CallbackRefused
from services.payments.providers.sandbox import TIMESTAMP_WINDOW
from zc_common import errors
from zc_common.text import storable

MAX_LOGGED_BODY = 8192
NONCE_KEEP = timedelta(seconds=2 * TIMESTAMP_WINDOW + 60)
ATTEMPTS = 3  # a write that loses a race is judged again; a third loss is not a race any more


@dataclass
class Outcome:
    result: str              # accepted | duplicate
    order_no: str
    status: str              # the order's status after this callback
    callback_id: str = ""
    event: dict | None = field(default=None, repr=False)  # the fee_paid event queued, if any

    def as_dict(self):
        return {"result": self.result, "order_no": self.order_no, "order_status": self.status,
                "callback_id": self.callback_id}


@dataclass(frozen=True)
class Stored:
    """What the database holds about one notice (None where there is no such row)."""

    nonce_seen: bool
    order_status: str | None = None
    order_amount_fen: int | None = None
    application_id: str | None = None
    paid_provider: str | None = None
    paid_txn_id: str | None = None
    txn_order_no: str | None = None
    txn_status: str | None = None


def decode_body(body_b64):
    try:
        return base64.b64decode(body_b64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise errors.BadRequest("malformed_callback", "回调内容编码不正确") from None


def handle(engine, provider, body, headers, now):
    """Process one callback on ``engine`` (``booking.CallbackEngine``); returns an
    ``Outcome`` or raises the domain error to answer with. The log row (and a fresh
    nonce) is committed either way, each attempt's write by itself."""
    log = {"provider": provider.name, "body": _text(body[:MAX_LOGGED_BODY].decode("utf-8", "replace")),
           "timestamp": _short(signing.header(headers, signing.TIMESTAMP_HEADER), 32),
           "nonce": _short(signing.header(headers, signing.NONCE_HEADER), 128),
           "signature": _short(signing.header(headers, signing.SIGNATURE_HEADER), 160),
           "order_no": None, "txn_id": None, "status": None, "amount_fen": None}
    # Core statements, not the ORM session: nothing here needs an identity map, and
    # its bookkeeping cost as much CPU as the SQL.
    try:
        notice = provider.verify_callback(body, headers, now)
    except CallbackRefused as refusal:
        log.update(_claimed(body))  # what it says, untrusted (a verified notice says it below)
        with engine.begin() as connection:
            _write(connection, [], log, "refused", refusal.code)
        raise _domain_error(refusal) from None
    log.update(order_no=notice.order_no, txn_id=notice.txn_id, status=notice.status,
               amount_fen=notice.amount_fen)
    stored = None
    if notice.status == "paid" and engine.dialect.name == "postgresql":
        try:
            with engine.begin() as connection:
                outcome, stored = _book_or_read(connection, provider.name, notice, log)
        except DBAPIError as error:
            if not _lost_race(error):
                raise
            outcome = None  # a nonce, transaction or payment already there: judged below
        if outcome is not None:
            return outcome
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with engine.begin() as connection:
                outcome = _once(connection, provider.name, notice, log, stored)
        except DBAPIError as error:
            if attempt == ATTEMPTS or not _lost_race(error):
                raise
            stored = None
            continue
        if isinstance(outcome, errors.DomainError):
            raise outcome
        return outcome


def _once(connection, provider_name, notice, log, stored=None):
    """The Outcome, or the DomainError to answer with once its log line is committed.
    ``stored``: what ``_book_or_read`` just read, instead of reading it again."""
    log_id = uuid.uuid4().hex
    if stored is None:
        stored = read_stored(connection, provider_name, notice)
    try:
        outcome, rows = judge(stored, provider_name, notice, log_id, _utcnow())
    except errors.DomainError as error:
        # The nonce is kept for a refusal of what it signed (not for a replay of it).
        rows = [] if stored.nonce_seen else [_nonce_row(provider_name, notice.nonce)]
        _write(connection, rows, log, "refused", error.code, log_id)
        return error
    _write(connection, rows, log, outcome.result, None, log_id)
    outcome.callback_id = log_id
    return outcome


def read_stored(connection, provider_name, notice):
    """The order, its payment, the transaction and the nonce, in one query."""
    row = connection.execute(_STORED, {
        "provider": provider_name, "nonce": notice.nonce, "order_no": notice.order_no, "txn_id": notice.txn_id,
    }).one()
    return Stored(row[0] is not None, *row[1:])


def _stored_query(prefix=""):
    order, payment = FeeOrder.__table__, Payment.__table__
    txn, nonce = ProviderTransaction.__table__, SeenNonce.__table__
    provider, order_no = bindparam(prefix + "provider", type_=String), bindparam(prefix + "order_no", type_=String)
    one = select(literal_column("1").label("one")).subquery("one")
    return select(
        nonce.c.nonce, order.c.status, order.c.amount_fen, order.c.application_id,
        payment.c.provider, payment.c.txn_id, txn.c.order_no, txn.c.status,
    ).select_from(
        one.outerjoin(nonce, and_(nonce.c.provider == provider,
                                  nonce.c.nonce == bindparam(prefix + "nonce", type_=String)))
        .outerjoin(order, order.c.order_no == order_no)
        .outerjoin(payment, payment.c.order_no == order_no)
        .outerjoin(txn, and_(txn.c.provider == provider, txn.c.txn_id == bindparam(prefix + "txn_id", type_=String))))


_STORED = _stored_query()  # built once: a new statement per callback costs more CPU than running it


def _book_or_read(connection, provider_name, notice, log):
    """A paid notice for an unpaid order of its amount, booked in one statement, or
    else what is stored (as ``read_stored``) for ``judge``: (Outcome, None) or
    (None, Stored). PostgreSQL only.

    Most paid callbacks are the first for their order, and for those ``judge`` can
    only accept: a new nonce, a new transaction, no payment yet, the order unpaid and
    of the notice's amount. The statement writes the rows ``judge`` would ask for
    (``_paid``'s, and the log line) only where the order row says unpaid and of the
    amount, and fails whole on a unique key: a nonce, transaction or payment already
    there, which the caller then judges afresh. One round trip instead of a read and
    a write. The order's application, which the fee_paid payload names, comes from
    the order row inside the statement."""
    log_id = uuid.uuid4().hex
    now = _utcnow()
    unpaid = Stored(nonce_seen=False, order_status="unpaid", order_amount_fen=notice.amount_fen)
    outcome, rows = _paid(unpaid, provider_name, notice, _nonce_row(provider_name, notice.nonce), log_id, now)
    entry = {**log, "id": log_id, "outcome": "accepted", "reason": None, "received_at": now}
    # No key may name a column of a table written here: SQLAlchemy would take it for
    # a value of that column and add it to the UPDATE's SET clause.
    parameters = {"s_provider": provider_name, "s_nonce": notice.nonce, "s_order_no": notice.order_no,
                  "s_txn_id": notice.txn_id, "b_order_no": notice.order_no, "b_amount_fen": notice.amount_fen,
                  "b_paid_at": now}
    for row in [*rows, booking.Insert(CallbackLog, entry)]:
        if isinstance(row, booking.Insert):
            table = row.model.__table__.name
            parameters.update({f"b_{table}_{name}": value for name, value in row.values.items()})
    booked_order, application_id, *stored = _BOOK_OR_READ.execute(connection, parameters).one()
    if booked_order is None:
        return None, Stored(stored[0] is not None, *stored[1:])
    outcome.event["payload"]["application_id"] = application_id  # as the statement wrote it
    outcome.callback_id = log_id
    return outcome, None


def _book_or_read_query():
    order, outbox = FeeOrder.__table__, OutboxEvent.__table__
    booked = (update(order)
              .where(order.c.order_no == bindparam("b_order_no", type_=String),
                     order.c.status == literal_column("'unpaid'"),
                     order.c.amount_fen == bindparam("b_amount_fen", type_=order.c.amount_fen.type))
              .values(status=literal_column("'paid'"), paid_at=bindparam("b_paid_at", type_=order.c.paid_at.type))
              .returning(order.c.order_no, order.c.application_id)
              .cte("booked"))

    def insert_for(model, special=None):
        table = model.__table__
        names = [column.name for column in table.columns if column.name != "id" or model is not OutboxEvent]
        values = [(special or {}).get(name) if name in (special or {}) else
                  cast(bindparam(f"b_{table.name}_{name}", type_=table.c[name].type), table.c[name].type)
                  for name in names]
        return insert(table).from_select(names, select(*values).select_from(booked)).cte(f"b_{table.name}")

    payload = cast(bindparam(f"b_{outbox.name}_payload", type_=outbox.c.payload.type), JSONB)
    writes = [insert_for(SeenNonce), insert_for(Payment), insert_for(ProviderTransaction),
              insert_for(OutboxEvent, {"payload": cast(payload.op("||")(func.jsonb_build_object(
                  literal_column("'application_id'"), booked.c.application_id)), outbox.c.payload.type)}),
              insert_for(CallbackLog)]
    stored = _stored_query("s_").subquery("stored")
    return (select(booked.c.order_no, booked.c.application_id, *stored.c)
            .select_from(stored.outerjoin(booked, true())).add_cte(*writes))


_BOOK_OR_READ = booking.Prepared("zc_book_or_read", _book_or_read_query())


def judge(stored, provider_name, notice, log_id, now):
    """(Outcome, rows to insert or update) for a verified notice against what is
    stored, or the DomainError to refuse it with. Plain rules, no database."""
    if stored.nonce_seen:
        raise errors.Conflict("nonce_replayed", "回调随机串已使用过（重放）")
    if stored.order_status is None or stored.order_status == "pricing":
        raise errors.Invalid("unknown_order", "回调中的订单号不存在", field="order_no")
    if stored.txn_status is not None and stored.txn_order_no != notice.order_no:
        raise errors.Conflict("transaction_order_mismatch", "该交易号此前属于另一订单")
    nonce = _nonce_row(provider_name, notice.nonce)
    if notice.status == "cancelled":
        return _cancelled(stored, provider_name, notice, nonce, now)
    return _paid(stored, provider_name, notice, nonce, log_id, now)


def _cancelled(stored, provider_name, notice, nonce, now):
    if stored.txn_status == "paid":
        # The provider already told us this transaction was paid; a late
        # cancellation of it cannot undo the money.
        raise errors.Conflict("transaction_paid", "该交易已支付，不能再取消")
    if stored.txn_status == "cancelled":
        return Outcome("duplicate", notice.order_no, stored.order_status), [nonce]
    # A cancelled attempt leaves the order as it was: unpaid orders can be paid
    # again, and a late cancellation of an earlier attempt never unpays an order.
    return (Outcome("accepted", notice.order_no, stored.order_status),
            [nonce, _txn_row(provider_name, notice, "cancelled", now)])


def _paid(stored, provider_name, notice, nonce, log_id, now):
    if stored.txn_status == "cancelled":
        raise errors.Conflict("transaction_cancelled", "该交易此前已被取消，不能再记为已支付")
    if stored.paid_provider is not None:
        if stored.paid_provider == provider_name and stored.paid_txn_id == notice.txn_id:
            return Outcome("duplicate", notice.order_no, stored.order_status), [nonce]
        raise errors.Conflict("already_paid", "该订单已通过另一笔交易支付")
    if notice.amount_fen != stored.order_amount_fen:
        raise errors.Invalid("amount_mismatch",
                             f"回调金额 {notice.amount_fen} 分与订单金额 {stored.order_amount_fen} 分不符",
                             field="amount_fen")
    if stored.order_status == "paid":  # paid without a provider (a zero fee)
        raise errors.Conflict("already_paid", "该订单无需支付或已支付")
    event = booking.event_row("fee_paid", fee_paid_payload(
        stored.application_id, notice.order_no, notice.amount_fen, now), now)
    rows = [
        nonce,
        booking.Insert(Payment, {"id": uuid.uuid4().hex, "order_no": notice.order_no, "provider": provider_name,
                                 "txn_id": notice.txn_id, "amount_fen": notice.amount_fen, "paid_at": now,
                                 "callback_id": log_id}),
        _txn_row(provider_name, notice, "paid", now),
        booking.Update(FeeOrder, "order_no", notice.order_no, {"status": "paid", "paid_at": now}),
        event,
    ]
    return Outcome("accepted", notice.order_no, "paid", event=event.values), rows


def _nonce_row(provider_name, nonce):
    return booking.Insert(SeenNonce, {"provider": provider_name, "nonce": nonce, "seen_at": _utcnow()})


def _txn_row(provider_name, notice, status, now):
    return booking.Insert(ProviderTransaction, {
        "id": uuid.uuid4().hex, "provider": provider_name, "txn_id": notice.txn_id, "order_no": notice.order_no,
        "amount_fen": notice.amount_fen, "status": status, "updated_at": now})


def _write(connection, rows, log, outcome, reason, log_id=None):
    """The rows and the log line, in one go (committed by the caller's ``begin``)."""
    entry = {**log, "id": log_id or uuid.uuid4().hex, "outcome": outcome, "reason": reason,
             "received_at": _utcnow()}
    booking.write(connection, [*rows, booking.Insert(CallbackLog, entry)])


def _lost_race(error):
    """A uniqueness another transaction claimed first, or (PostgreSQL) a deadlock
    between two of them: judging again settles it."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(getattr(error, "orig", None), "pgcode", None) == "40P01"


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


def _utcnow():
    return datetime.now(timezone.utc)


def forget_old_nonces(session, now):
    session.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - NONCE_KEEP))
    session.commit()
