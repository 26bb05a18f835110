"""zc_common.metrics with nameko's own container and entrypoint_hook (no broker), a
real SQLite database: each worker is timed and counted by method and outcome, the
pool, worker and outbox gauges are read when scraped, and replicas get ports apart."""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.containers import ServiceContainer
from nameko.extensions import Entrypoint
from nameko.testing.utils import get_extension
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from zc_common.db import Base, Database
from zc_common.errors import DomainError, Invalid
from zc_common.metrics import Metrics, metrics_port
from zc_common.outbox import OutboxMixin
from zc_common.rpc import event_handler, rpc


class SampleOutbox(OutboxMixin, Base):
    __tablename__ = "zc_metrics_sample_outbox"


class Sample:
    name = "zcmetrics"
    db = Database("zcmetrics")
    metrics = Metrics(outbox=SampleOutbox)

    @rpc(expected_exceptions=DomainError)
    def work(self, how):
        self.db.execute(select(1))
        if how == "refuse":
            raise Invalid("bad_input", "输入有误")
        if how == "crash":
            raise RuntimeError("a bug")
        return "done"

    @event_handler("elsewhere", "happened")
    def on_happened(self, payload):
        return payload


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, {"service": "zcmetrics", **labels}) or 0


@pytest.fixture
def container(tmp_path, monkeypatch):
    monkeypatch.setenv("ZC_ZCMETRICS_DB", f"sqlite:///{tmp_path / 'sample.sqlite3'}")
    monkeypatch.delenv("ZC_METRICS_PORT", raising=False)
    container = ServiceContainer(Sample, {"AMQP_URI": "memory://localhost", "serializer": "json"})
    for extension in (get_extension(container, Database), get_extension(container, Metrics)):
        extension.setup()
    Base.metadata.create_all(get_extension(container, Database).engine, tables=[SampleOutbox.__table__])
    yield container
    get_extension(container, Metrics).stop()
    get_extension(container, Database).stop()


def call(container, method, *args):
    """Run one worker as the entrypoint would (plain pytest has no monkey-patching, so
    no entrypoint_hook: it waits on a real thread lock); its result or exception."""
    outcome = {}

    def handle_result(worker_ctx, result, exc_info):
        outcome.update(result=result, exc_info=exc_info)
        return result, exc_info

    entrypoint = get_extension(container, Entrypoint, method_name=method)
    worker_ctx = container.spawn_worker(entrypoint, args, {}, handle_result=handle_result)
    container._worker_threads[worker_ctx].wait()
    if outcome["exc_info"]:
        raise outcome["exc_info"][1]
    return outcome["result"]


def test_each_worker_is_timed_and_counted_by_outcome(container):
    before = {o: sample("zc_service_calls_total", kind="rpc", method="work", outcome=o)
              for o in ("ok", "refused", "error")}
    timed = sample("zc_service_call_seconds_count", kind="rpc", method="work")
    assert call(container, "work", "well") == "done"
    with pytest.raises(Invalid):
        call(container, "work", "refuse")
    with pytest.raises(RuntimeError):
        call(container, "work", "crash")
    call(container, "on_happened", {"x": 1})
    for outcome in ("ok", "refused", "error"):
        assert sample("zc_service_calls_total", kind="rpc", method="work", outcome=outcome) == before[outcome] + 1
    assert sample("zc_service_call_seconds_count", kind="rpc", method="work") == timed + 3
    assert sample("zc_service_calls_total", kind="event", method="on_happened", outcome="ok") >= 1


def test_state_is_read_when_scraped(container):
    Session = sessionmaker(bind=get_extension(container, Database).engine)
    with Session() as session:
        long_ago = datetime.now(timezone.utc) - timedelta(minutes=5)
        session.add_all([SampleOutbox(event_type="a", payload={}, created_at=long_ago),
                         SampleOutbox(event_type="b", payload={}),
                         SampleOutbox(event_type="c", payload={}, published=True)])
        session.commit()
    assert sample("zc_service_outbox_backlog") == 2
    assert 290 < sample("zc_service_outbox_oldest_seconds") < 3600
    assert sample("zc_service_workers_max") == container.max_workers
    assert sample("zc_service_workers_in_use") == 0
    engine = get_extension(container, Database).engine
    with engine.connect():
        assert sample("zc_service_db_connections_in_use") == 1
    assert sample("zc_service_db_connections_in_use") == 0


def test_a_stopped_container_leaves_the_registry():
    container = ServiceContainer(Sample, {"AMQP_URI": "memory://localhost"})
    metrics = get_extension(container, Metrics)
    from prometheus_client import REGISTRY

    def registered():
        return metrics.collector in REGISTRY._collector_to_names
    metrics.setup()
    assert registered()
    metrics.stop()
    assert not registered()
    metrics.setup()   # a second start in the same process registers again without a clash
    assert registered()
    metrics.stop()
    assert not registered()


def test_replicas_and_services_get_ports_apart():
    base = {"ZC_METRICS_PORT": "9100"}
    assert metrics_port("accounts", {}) is None
    assert metrics_port("accounts", {"ZC_METRICS_PORT": "0"}) is None
    assert metrics_port("accounts", base) == 9100
    assert metrics_port("review", base) == 9140
    assert metrics_port("review", {**base, "SUPERVISOR_PROCESS_NAME": "review-2"}) == 9142
    assert metrics_port("payments", {**base, "SUPERVISOR_PROCESS_NAME": "payments"}) == 9180
    ports = {metrics_port(s, {**base, "SUPERVISOR_PROCESS_NAME": f"{s}-{n}"})
             for s in ("accounts", "applications", "review", "documents", "payments") for n in range(16)}
    assert len(ports) == 80


def test_a_scrape_never_takes_the_last_connection_from_the_workers(container):
    engine = get_extension(container, Database).engine
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        assert REGISTRY.get_sample_value("zc_service_outbox_backlog", {"service": "zcmetrics"}) is None
        assert sample("zc_service_db_connections_in_use") == len(held)
    finally:
        for connection in held:
            connection.close()
    assert REGISTRY.get_sample_value("zc_service_outbox_backlog", {"service": "zcmetrics"}) == 0
