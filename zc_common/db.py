"""Database plumbing: a declarative base, a UTC datetime column type, and the
nameko DependencyProvider that hands each worker its own session.

Lifecycle as nameko-sqlalchemy does it: engine made in ``setup``, a session per
worker in ``get_dependency``, closed in ``worker_teardown``, engine disposed in
``stop``/``kill``.
"""
from datetime import timezone

from nameko.extensions import DependencyProvider
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

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


WORKERS = 20  # deploy/nameko.yaml max_workers: at most one connection each at a time


def make_engine(url, pool_size=4):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    _green_psycopg()
    # Few idle connections per process (many processes share one PostgreSQL), room for
    # a burst up to the worker count; recycle instead of a pre-ping query on every checkout.
    # A connection beyond ``pool_size`` is closed when returned: a service under steady
    # concurrent load keeps more (``pool_size``), or it reconnects per transaction.
    return create_engine(url, pool_size=pool_size, max_overflow=max(0, WORKERS - pool_size), pool_recycle=1800)


def _green_psycopg():
    """Let psycopg2 wait on the eventlet hub instead of blocking the whole service
    process during every query (nameko services run on eventlet)."""
    import eventlet.patcher
    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()


class Database(DependencyProvider):
    """``db = Database("accounts")`` on a service gives each worker a Session;
    ``pool_size``: connections kept open between bursts (see make_engine)."""

    def __init__(self, service_name, pool_size=4):
        self.service_name = service_name
        self.pool_size = pool_size
        self.engine = None
        self.sessions = {}

    def setup(self):
        self.engine = make_engine(database_url(self.service_name), pool_size=self.pool_size)
        self.Session = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        session = self.Session()
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


def insert_unless_present(session, model, **values):
    """INSERT … ON CONFLICT DO NOTHING on the primary key, in the session's dialect
    (PostgreSQL or SQLite): of two transactions creating the same row at once, the
    second inserts nothing instead of failing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())
