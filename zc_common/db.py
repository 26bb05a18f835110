"""Database plumbing: a declarative base, a UTC datetime column type, and the
nameko DependencyProvider that hands each worker its own session.

Lifecycle as nameko-sqlalchemy does it: engine made in ``setup``, a session per
worker in ``get_dependency``, closed in ``worker_teardown``, engine disposed in
``stop``/``kill``.
"""
import os
import time
from datetime import timezone

from nameko.extensions import DependencyProvider
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

from zc_common import page_changes, wire_json
from zc_common.config import database_url


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, gives back aware UTC — the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


WORKERS = 20  # deploy/nameko.yaml max_workers (ZC_MAX_WORKERS): at most one connection each at a time
KEPT = 10             # connections a busy process keeps open between transactions
KEPT_WHEN_QUIET = 4   # connections a quiet process keeps open
TRIM_EVERY = 10.0     # seconds: how often a process looks whether it has been quiet


def workers():
    return int(os.environ.get("ZC_MAX_WORKERS") or WORKERS)


def pool_size_setting(default=None):
    """Connections a service process keeps open to its database between transactions
    (``ZC_DB_POOL_SIZE``, by default ``KEPT``, at most one per worker): a busy process
    reuses them instead of opening one per transaction. Up to ``ZC_MAX_WORKERS`` may be
    open at once; those beyond are closed when their transaction ends."""
    return min(workers(), int(os.environ.get("ZC_DB_POOL_SIZE") or default or KEPT))


def make_engine(url, pool_size=KEPT_WHEN_QUIET):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               json_serializer=wire_json.dumps_text, json_deserializer=wire_json.loads)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    _green_psycopg()
    # Room for every worker; recycle instead of a pre-ping query on every checkout. A
    # connection beyond ``pool_size`` is closed when returned, so a process whose pool
    # is smaller than its concurrency opens a PostgreSQL connection per transaction — a
    # new backend with cold catalog caches, dearer than the query it serves (50
    # concurrent readers of one application: 3× the throughput with a pool of 20 than
    # with 4). Services keep ``KEPT`` (not one per worker: every process of every
    # replica shares one ``max_connections``), hold one only while a worker runs, and
    # give back, when quiet, what a burst opened (``Database.trim``).
    # JSON columns (sections, outbox payloads, stored answers) by orjson, as on the wire.
    return create_engine(url, pool_size=pool_size, max_overflow=max(2, workers() - pool_size), pool_recycle=1800,
                         json_serializer=wire_json.dumps_text, json_deserializer=wire_json.loads)


def _green_psycopg():
    """Let psycopg2 wait on the eventlet hub instead of blocking the whole service
    process during every query (nameko services run on eventlet)."""
    import eventlet.patcher
    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()


class Database(DependencyProvider):
    """``db = Database("accounts")`` on a service gives each worker a Session over a
    pool of one connection per worker (``pool_size_setting``). Every ``TRIM_EVERY``
    seconds, a process that had at most ``KEPT_WHEN_QUIET`` workers using it at once
    but holds more idle connections closes them (it reopens the few it needs): a
    deadline's burst keeps its connections while it lasts, and a quiet night does not
    hold them."""

    def __init__(self, service_name, pool_size=None, pages=None):
        self.service_name = service_name
        self.pool_size = pool_size
        # page_changes.PageTables: which tables show on an applicant's application
        # page; their committed writes are told to the gateways (zc_common/page_changes.py).
        self.pages = pages
        self.page_publisher = None
        self.engine = None
        self.sessions = {}
        self.busiest = 0   # most sessions open at once since the last look

    def setup(self):
        self.engine = make_engine(database_url(self.service_name), pool_size=pool_size_setting(self.pool_size))
        self.Session = sessionmaker(bind=self.engine, expire_on_commit=False)
        if self.pages is not None:
            from nameko.amqp.publish import Publisher
            from nameko.constants import AMQP_URI_CONFIG_KEY, NON_PERSISTENT
            page_changes.watch(self.Session, self.pages,
                               lambda changed: page_changes.publish(self.page_publisher, changed))
            self.page_publisher = Publisher(self.container.config[AMQP_URI_CONFIG_KEY],
                                            declare=[page_changes.EXCHANGE_OBJECT], delivery_mode=NON_PERSISTENT,
                                            use_confirms=False, retry=False)

    def start(self):
        if self.engine.dialect.name == "postgresql":
            self.container.spawn_managed_thread(self._trim_forever)

    def _trim_forever(self):
        while True:
            time.sleep(TRIM_EVERY)   # green under nameko run
            self.trim()

    def trim(self):
        """Close the idle connections a burst left, once the process has been quiet
        for an interval. Returns whether it did."""
        quiet = self.busiest <= KEPT_WHEN_QUIET and self.engine.pool.checkedin() > KEPT_WHEN_QUIET
        if quiet:
            # Closes the checked-in connections; one checked out now is closed when returned.
            self.engine.dispose()
        self.busiest = len(self.sessions)
        return quiet

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        session = self.Session()
        self.sessions[worker_ctx] = session
        self.busiest = max(self.busiest, len(self.sessions))
        return session

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        # The method is done: its connection goes back to the pool now, before the
        # reply is serialised and sent (under load, workers wait for the CPU there).
        session = self.sessions.get(worker_ctx)
        if session is not None:
            session.close()

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


def dialect_insert(session, target):
    """An INSERT in the session's dialect (PostgreSQL or SQLite), which has ON CONFLICT."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(target)


def insert_unless_present(session, model, rows=None, **values):
    """INSERT … ON CONFLICT DO NOTHING on the primary key: of two transactions creating
    the same row at once, the second inserts nothing instead of failing. ``rows``:
    several at once."""
    session.execute(dialect_insert(session, model).values(rows if rows is not None else values)
                    .on_conflict_do_nothing())
