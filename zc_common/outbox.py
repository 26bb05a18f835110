"""Transactional outbox and idempotent inbox.

A service adds an ``OutboxEvent`` row in the same transaction as the state change
it announces; events leave only after that commit, from ``relay`` (called right
after the commit and again by a timer, so a broker outage delays events but never
loses them). Every payload carries ``event_id``; consumers record it in their
``InboxMixin`` table and skip what they have seen, so redelivery is harmless.

    class OutboxEvent(OutboxMixin, Base): __tablename__ = "outbox"
    class ProcessedEvent(InboxMixin, Base): __tablename__ = "processed_events"

An event leaves under the request that queued it, not the one that runs the relay (a
timer's, or another request's that relays a batch): ``add_event`` keeps the current
request id (zc_common.logs) in the stored payload under ``CONTEXT_KEY``, and ``relay``
takes it out again and publishes the event with it as its context header
(zc_common.rpc.EventDispatcher). Consumers never see the key.
"""
import logging
import threading
import uuid
from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Integer, String, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from zc_common import logs
from zc_common.db import UTCDateTime, dialect_insert

log = logging.getLogger(__name__)

CONTEXT_KEY = "_context"   # in a stored payload only: {"request_id": …}
QUEUED = "zc_outbox_queued"  # session.info: the rows add_event queued in this session


def _utcnow():
    return datetime.now(timezone.utc)


class OutboxMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class InboxMixin:
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_utcnow)


def add_event(session, model, event_type, payload):
    """Queue an event in the caller's transaction; it leaves after the commit."""
    event_id = str(uuid.uuid4())
    payload = {**payload, "event_id": event_id}
    request_id = logs.current_request_id()
    if request_id:
        payload[CONTEXT_KEY] = {"request_id": request_id}
    row = model(event_id=event_id, event_type=event_type, payload=payload)
    session.add(row)
    # what this session queued: sent straight after the commit (ProcessRelay.after_commit)
    session.info.setdefault(QUEUED, []).append(row)
    return event_id


def dispatch_stored(dispatch, event_type, stored):
    """Publish a stored payload: without ``CONTEXT_KEY``, under the request id it kept
    (none if it kept none)."""
    payload = dict(stored)
    context = payload.pop(CONTEXT_KEY, None) or {}
    with logs.publishing_as(logs.valid_request_id(context.get("request_id"))):
        dispatch(event_type, payload)


def batched(stored_payloads):
    """One message's payload for several stored events of one type (``{"events":
    [...]}``), each keeping the request id it was queued under: a consumer takes them
    apart with ``unbatched``. Every event of a batch still has its ``event_id`` for the
    consumer's inbox, as if it had come alone."""
    return {"events": [dict(payload) for payload in stored_payloads]}


def unbatched(payload):
    """``(request_id, payload)`` for each event of a ``batched`` message, the payload
    as it would have come alone (without ``CONTEXT_KEY``)."""
    for stored in payload.get("events") or ():
        if not isinstance(stored, dict):
            continue
        item = dict(stored)
        context = item.pop(CONTEXT_KEY, None) or {}
        yield logs.valid_request_id(context.get("request_id")), item


def messages(rows, together):
    """The messages outbox ``rows`` (in commit order) leave as: ``(members, event_type,
    payload)`` for each row alone, except that several rows of a type in ``together``
    ({event type: batch type}) leave as one message of the batch type (``batched``),
    after the others — for a consumer that takes them so. A lone row's payload is as
    stored; ``send_message`` sends either."""
    groups = {}
    for row in rows:
        if row.event_type in together:
            groups.setdefault(row.event_type, []).append(row)
    groups = {event_type: group for event_type, group in groups.items() if len(group) > 1}
    for row in rows:
        if row.event_type not in groups:
            yield [row], row.event_type, row.payload
    for event_type, group in groups.items():
        yield group, together[event_type], batched([row.payload for row in group])


def send_message(dispatch, members, event_type, payload):
    """Publish one of ``messages``: a lone row under the request that queued it, a
    batch as it is (each of its events keeps its own request id inside)."""
    if len(members) == 1:
        dispatch_stored(dispatch, event_type, payload)
    else:
        dispatch(event_type, payload)


def relay(session, model, dispatch, batch=100):
    """Publish committed, unpublished events in order; stop at the first failure.

    The sent rows are marked in one short write after the dispatching: no write
    transaction stays open while the broker is called. (On SQLite an open write
    across a publish stalls every other writer of the process for the busy
    timeout — sqlite3 waits in C, so eventlet cannot switch back to the holder.)"""
    query = select(model).where(model.published.is_(False)).order_by(model.id).limit(batch)
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = []
    for row in session.scalars(query).all():
        try:
            dispatch_stored(dispatch, row.event_type, row.payload)
        except Exception:  # broker down: leave it for the next relay
            log.warning("outbox: publishing %s failed; will retry", row.event_type, exc_info=True)
            break
        sent.append(row.id)
    if sent:
        session.execute(update(model).where(model.id.in_(sent)).values(published=True))
    session.commit()
    return len(sent)



class ProcessRelay:
    """The relays of one process's outbox, one at a time (a green lock under
    ``nameko run``): the post-commit relay and the timer's would otherwise read and
    send the same rows twice on SQLite, which has no SKIP LOCKED.

    After a commit the rows that transaction queued are sent as they are, without
    reading the outbox back — unless an earlier send failed (or the process has not
    relayed yet since it started): then the whole backlog goes first, in order, and
    the fast way is taken again once a relay leaves nothing behind. Should the timer
    send a just-committed row at the same moment, it leaves twice; consumers skip
    what they have seen (``first_time``)."""

    def __init__(self, model):
        self.model = model
        self.lock = threading.Lock()
        self.caught_up = False

    def run(self, session, dispatch, batch=100):
        with self.lock:
            return self._relay(session, dispatch, batch)

    def _relay(self, session, dispatch, batch=100):
        self.caught_up = False
        sent = relay(session, self.model, dispatch, batch)
        waiting = select(self.model.id).where(self.model.published.is_(False)).limit(1)
        later = getattr(dispatch, "later", ())
        if later:  # rows on their way with the batching sender are not behind
            waiting = waiting.where(self.model.event_type.not_in(later))
        self.caught_up = session.scalar(waiting) is None
        return sent

    def after_commit(self, session, dispatch, together=None):
        """Send what the just-committed transaction queued, before the caller hears
        back. The change is committed already, so a failure here must not fail the
        call: it is logged and the timer retries.

        ``together``: {event type: batch type} — several queued events of such a type
        go as one message of its batch type (``batched``), after the others, for a
        consumer that takes them so (applications' fees_paid batch: one message for
        its applications' status changes instead of one each)."""
        queued = [row for row in session.info.pop(QUEUED, ()) if inspect(row).persistent]
        later = getattr(dispatch, "later", ())
        if later:  # the batching sender's (zc_common.outbox_sender): handed over, not waited for
            for row in queued:
                if row.event_type in later:
                    dispatch.soon(row.event_id)
            queued = [row for row in queued if row.event_type not in later]
        try:
            with self.lock:
                if not self.caught_up:
                    self._relay(session, dispatch)
                elif queued:
                    self._send(session, dispatch, queued, together or {})
        except Exception:  # noqa: BLE001 — logged; the outbox keeps the events
            self.caught_up = False
            log.warning("outbox relay after commit failed; the timer will retry", exc_info=True)
            session.rollback()

    def _send(self, session, dispatch, rows, together=None):
        sent = []
        for members, event_type, payload in messages(rows, together or {}):
            try:
                send_message(dispatch, members, event_type, payload)
            except Exception:  # broker down: the timer sends the rest, in order (one by one)
                self.caught_up = False
                log.warning("outbox: publishing %s failed; will retry", event_type, exc_info=True)
                break
            sent.extend(row.id for row in members)
        if sent:
            session.execute(update(self.model).where(self.model.id.in_(sent)).values(published=True)
                            .execution_options(synchronize_session=False))
        session.commit()


def first_time(session, model, event_id, handler):
    """True once per (event, handler): record it in the caller's transaction."""
    if event_id is None:
        return True
    # A plain INSERT in the session's transaction: the unit of work's flush of one new
    # object cost more CPU than the statement (every event of every consumer pays it).
    try:
        session.execute(insert(model.__table__).values(event_id=event_id, handler=handler, processed_at=_utcnow()))
    except IntegrityError:
        session.rollback()
        return False
    return True


def first_times(session, model, event_ids, handler):
    """The ids among ``event_ids`` seen for the first time by ``handler``, recorded in
    the caller's transaction: ``first_time`` for a batch of events, in one statement
    (INSERT … ON CONFLICT DO NOTHING RETURNING; an id twice in the batch counts once).
    A concurrent transaction recording the same id makes this one wait for its end,
    as a lone insert would: the id is this batch's only if that one rolled back."""
    ids = list(dict.fromkeys(event_id for event_id in event_ids if event_id is not None))
    if not ids:
        return set()
    table = model.__table__
    # One statement whatever the batch's size (SQLAlchemy's "insertmanyvalues" sends
    # the rows as one multi-row VALUES), and the same shape each time: compiled once.
    statement = dialect_insert(session, table).on_conflict_do_nothing().returning(table.c.event_id)
    moment = _utcnow()
    rows = [{"event_id": event_id, "handler": handler, "processed_at": moment} for event_id in ids]
    return set(session.execute(statement, rows).scalars().all())


def fresh_events(session, model, payloads, handler):
    """``first_times`` for a batch's payloads, in their order: for each, whether to
    handle it — True for the first payload of each event id not handled before (and
    for one without an id), False for one handled before or earlier in the batch."""
    fresh = first_times(session, model, [payload.get("event_id") for payload in payloads], handler)
    keep = []
    for payload in payloads:
        event_id = payload.get("event_id")
        keep.append(event_id is None or event_id in fresh)
        fresh.discard(event_id)
    return keep


def handle_each(session, items, handle, what):
    """After a batch failed whole: each ``(request_id, item)`` of it (``unbatched``)
    handled alone, under its own request, in a transaction of its own; one that fails
    is logged and the others go on, as lone events' workers would."""
    for request_id, item in items:
        with logs.publishing_as(request_id):
            try:
                handle(item)
            except Exception:  # noqa: BLE001 — as a lone event's worker would fail, logged
                session.rollback()
                log.exception("%s %s of %s failed", what, item.get("event_id"), item.get("application_id"))
