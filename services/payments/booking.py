"""Rows written together, in as few round trips as the database allows.

A callback's outcome is a handful of inserts and an update that stand or fall
together. On PostgreSQL they go as one statement (data-modifying WITH clauses):
one round trip instead of six, under one snapshot, and any unique key they break
fails the whole statement. Elsewhere (SQLite, in process) they run one by one in
the caller's transaction. Every column is given here, none left to Python-side
defaults, which a WITH clause would not apply.

Callbacks run their statements on ``CallbackEngine``: on PostgreSQL its connections
commit each statement by itself, so a callback's read and its write are two round
trips, not four (psycopg2 sends BEGIN as a round trip of its own, and COMMIT is
another), and a first paid callback one (``callbacks._book_or_read``). Nothing is
lost by it: the write is one statement, atomic on its own, and under READ COMMITTED
a read in the same transaction held nothing still anyway; the unique keys settle
races (callbacks.py).
"""
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, event, insert, update

from services.payments.models import OutboxEvent
from zc_common import logs
from zc_common.db import Database
from zc_common.outbox import CONTEXT_KEY, dispatch_stored

log = logging.getLogger(__name__)


class CallbackEngine(Database):
    """``callback_engine = CallbackEngine("payments")`` gives workers an engine (not a
    session) whose PostgreSQL connections are in autocommit, set once when each
    connects: switching a pooled connection per checkout cost CPU every time. On SQLite
    it is a plain engine, and callers' ``begin()`` a real transaction. Its pool is
    sized and trimmed as ``Database``'s."""

    def setup(self):
        super().setup()
        if self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "connect", _autocommit)

    def get_dependency(self, worker_ctx):
        # Counted as Database counts its sessions (its trim looks how many were in use
        # at once); there is no session to close at teardown.
        self.sessions[worker_ctx] = None
        self.busiest = max(self.busiest, len(self.sessions))
        return self.engine


def _autocommit(dbapi_connection, _record):
    # psycopg2 then sends neither BEGIN nor COMMIT; SQLAlchemy's begin/commit/rollback
    # on such a connection are no-ops on the wire.
    dbapi_connection.autocommit = True


@dataclass
class Insert:
    model: type
    values: dict

    def shape(self):
        return ("insert", self.model, tuple(self.values))

    def statement(self, prefix):
        table = self.model.__table__
        return insert(table).values({name: _param(prefix, table, name) for name in self.values})

    def parameters(self, prefix):
        return {prefix + name: value for name, value in self.values.items()}


@dataclass
class Update:
    """``UPDATE model SET values WHERE model.<key> = key_value``."""
    model: type
    key: str
    key_value: object
    values: dict

    def shape(self):
        return ("update", self.model, self.key, tuple(self.values))

    def statement(self, prefix):
        table = self.model.__table__
        return (update(table).where(table.c[self.key] == bindparam(f"{prefix}where", type_=table.c[self.key].type))
                .values({name: _param(prefix, table, name) for name in self.values}))

    def parameters(self, prefix):
        return {prefix + "where": self.key_value, **{prefix + name: value for name, value in self.values.items()}}


def write(connection, rows):
    """Insert and update ``rows`` in the caller's transaction."""
    if connection.dialect.name == "postgresql":
        statement = _together(tuple(row.shape() for row in rows), rows)
        connection.execute(statement, {k: v for n, row in enumerate(rows) for k, v in row.parameters(f"r{n}_").items()})
        return
    for row in rows:
        connection.execute(_alone(row.shape(), row), row.parameters("r_"))


# Statements are built once per shape of write and reused with fresh parameters:
# making and cache-keying a new six-part statement per callback cost more CPU than
# running it. (A handful of shapes exist: booked, duplicate, refused, cancelled.)
_statements = {}


def _together(shape, rows):
    statement = _statements.get(shape)
    if statement is None:
        *first, last = [row.statement(f"r{n}_") for n, row in enumerate(rows)]
        statement = last.add_cte(*(part.cte(f"w{n}") for n, part in enumerate(first))) if first else last
        _statements[shape] = statement
    return statement


def _alone(shape, row):
    key = ("alone", shape)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = row.statement("r_")
    return statement


def _param(prefix, table, name):
    return bindparam(prefix + name, type_=table.c[name].type)


def event_row(event_type, payload, now):
    """An outbox row (zc_common.outbox), for ``write``."""
    event_id = str(uuid.uuid4())
    payload = {**payload, "event_id": event_id}
    request_id = logs.current_request_id()
    if request_id:  # it leaves under the request that booked it (zc_common.outbox.add_event)
        payload[CONTEXT_KEY] = {"request_id": request_id}
    return Insert(OutboxEvent, {"event_id": event_id, "event_type": event_type, "payload": payload,
                                "created_at": now, "published": False})


_outbox = OutboxEvent.__table__
_MARK_SENT = (update(_outbox).where(_outbox.c.event_id == bindparam("sent_event_id"), _outbox.c.published.is_(False))
              .values(published=True))


def send_now(engine, event, dispatch):
    """Publish an event ``write`` queued, right after its commit, and mark it sent:
    one short transaction for this one row instead of a scan of the outbox.

    On PostgreSQL the UPDATE locks the row while the broker is called, so the timer's
    relay (SKIP LOCKED) cannot send it too; if the timer took it first, nothing is
    updated and nothing sent. On SQLite (no row locks, and a write held open across
    a publish would stall the process's other writers) it is sent, then marked, as
    zc_common.outbox.relay does there. The booking is committed already: a failure
    here is logged and the timer's relay retries."""
    marking = {"sent_event_id": event["event_id"]}
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                if connection.execute(_MARK_SENT, marking).rowcount == 1:
                    dispatch_stored(dispatch, event["event_type"], event["payload"])
            else:
                dispatch_stored(dispatch, event["event_type"], event["payload"])
                connection.execute(_MARK_SENT, marking)
    except Exception:  # noqa: BLE001 — logged; the outbox keeps the event for the timer
        log.warning("outbox: sending %s right away failed; the timer will retry", event["event_type"],
                    exc_info=True)
