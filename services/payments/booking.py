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
import re
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


class Prepared:
    """A statement PREPAREd on each PostgreSQL connection the first time it runs
    there, then run by ``EXECUTE``: PostgreSQL parses, analyses and plans a statement
    on every plain execution, and for the callback's six-part booking statement that
    was over a third of its backend's CPU (0.86 ms against 0.51 ms prepared, measured
    alone); SQLAlchemy's per-execution work shrinks too. The parameters are given by
    name as for ``connection.execute``; each goes through its column type's bind
    processing, as there. The pool's per-connection ``info`` remembers the PREPARE, so
    a connection opened anew prepares again."""

    def __init__(self, name, statement):
        self.name = name
        self.statement = statement
        self.compiled = None

    def _compile(self, dialect):
        compiled = self.statement.compile(dialect=dialect)
        names = []

        def positional(match):
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        text = re.sub(r"%\((\w+)\)s", positional, compiled.string).replace("%%", "%")
        processors = {}
        for name in names:
            processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        execute = f"EXECUTE {self.name} ({', '.join(['%s'] * len(names))})"
        self.compiled = (f"PREPARE {self.name} AS {text}", execute, names, processors)
        return self.compiled

    def execute(self, connection, parameters):
        prepare, execute, names, processors = self.compiled or self._compile(connection.dialect)
        info = connection.connection.info
        if self.name not in info.setdefault(PREPARED, set()):
            connection.exec_driver_sql(prepare)
            info[PREPARED].add(self.name)
        values = tuple(processors[name](parameters[name]) if name in processors else parameters[name]
                       for name in names)
        return connection.exec_driver_sql(execute, values)


PREPARED = "zc_prepared"  # a pooled connection's info: the names PREPAREd on it


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
