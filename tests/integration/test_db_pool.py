"""zc_common.db on the machine's PostgreSQL: a service keeps one connection per worker, and a quiet process
gives back what a burst opened."""
import pytest
from sqlalchemy import text

from tests.stack import PG_ADMIN_DSN
from zc_common import db
from zc_common.db import Database, make_engine, pool_size_setting

PG_URL = PG_ADMIN_DSN.replace("postgresql://", "postgresql+psycopg2://")   # SELECT 1 needs no tables


def test_the_pool_keeps_ten_at_most_one_per_worker_unless_told(monkeypatch):
    monkeypatch.delenv("ZC_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("ZC_MAX_WORKERS", raising=False)
    assert pool_size_setting() == 10
    monkeypatch.setenv("ZC_MAX_WORKERS", "8")
    assert pool_size_setting() == 8
    monkeypatch.setenv("ZC_DB_POOL_SIZE", "5")
    assert pool_size_setting() == 5


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setattr(db, "database_url", lambda _name: PG_URL)
    monkeypatch.delenv("ZC_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("ZC_MAX_WORKERS", raising=False)
    database = Database("anything")
    database.setup()
    yield database
    database.stop()


def burst(provider, count):
    """``count`` workers at once, each running a query; then all of them done."""
    contexts = [object() for _ in range(count)]
    sessions = [provider.get_dependency(ctx) for ctx in contexts]
    for session in sessions:
        session.execute(text("SELECT 1"))
    for ctx in contexts:
        provider.worker_result(ctx)
        provider.worker_teardown(ctx)


def test_a_workers_connection_is_back_in_the_pool_before_its_reply_is_sent(provider):
    ctx = object()
    provider.get_dependency(ctx).execute(text("SELECT 1"))
    assert provider.engine.pool.checkedout() == 1
    provider.worker_result(ctx)
    assert provider.engine.pool.checkedout() == 0
    provider.worker_teardown(ctx)


def test_a_burst_keeps_its_connections_until_a_quiet_interval_passes(provider):
    def idle():
        return provider.engine.pool.checkedin()   # dispose() gives the engine a new pool
    burst(provider, 14)
    assert idle() == 10                    # ten kept, the four beyond closed on return
    burst(provider, 10)
    assert idle() == 10                    # the second burst opened none
    assert provider.trim() is False        # that interval was busy: nothing closed
    assert idle() == 10
    burst(provider, 2)
    assert provider.trim() is True         # a quiet interval: the idle ones go
    assert idle() == 0
    burst(provider, 3)
    assert idle() == 3 and provider.trim() is False


def test_sqlite_keeps_its_own_pool():
    engine = make_engine("sqlite://")
    assert engine.dialect.name == "sqlite"
