"""The health rule (zc_common.health) through nameko's testing tools: every service
class answers a ``health`` RPC; a reachable database is ok, an unreachable one is not
ok with the reason; documents also checks its bucket; a check that hangs is cut off."""
import os
import socket

import eventlet
import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import worker_factory
from sqlalchemy.orm import sessionmaker

from services.accounts.models import Base as AccountsBase
from services.accounts.service import AccountsService
from services.applications.service import ApplicationsService
from services.documents.models import Base as DocumentsBase
from services.documents.service import DocumentsService
from services.payments.service import PaymentsService
from services.review.service import ReviewService
from tests.unit.dbutil import session_for
from zc_common import health
from zc_common.db import make_engine
from zc_common.rpc import Rpc

SERVICES = (AccountsService, ApplicationsService, ReviewService, DocumentsService, PaymentsService)


def unreachable_session():
    """A PostgreSQL URL where nothing listens (port 1): connection refused at once."""
    engine = make_engine("postgresql+psycopg2://zc@127.0.0.1:1/zc")
    return sessionmaker(bind=engine)()


class StandInBucket:
    """The two attributes the check reads: a client with ``bucket_exists`` and a name."""

    def __init__(self, exists):
        self.name = "zhicheng"
        self.client = self
        self.exists = exists

    def bucket_exists(self, name):
        return self.exists


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_every_service_declares_the_health_rpc(cls):
    container = ServiceContainer(cls, {"AMQP_URI": "memory://localhost", "serializer": "json"})
    names = {e.method_name for e in container.entrypoints if isinstance(e, Rpc)}
    assert "health" in names


def test_a_reachable_database_is_ok():
    svc = worker_factory(AccountsService, db=session_for(AccountsBase))
    answer = svc.health()
    assert answer["service"] == "accounts"
    assert answer["ok"] is True
    assert answer["checks"]["database"]["ok"] is True
    assert answer["checks"]["database"]["ms"] >= 0
    assert "error" not in answer["checks"]["database"]
    assert answer["instance"] == f"{socket.gethostname()}-{os.getpid()}"


def test_an_unreachable_database_is_not_ok_and_says_why():
    svc = worker_factory(PaymentsService, db=unreachable_session())
    answer = svc.health()
    assert answer["ok"] is False
    database = answer["checks"]["database"]
    assert database["ok"] is False
    assert database["error"].startswith("OperationalError")
    assert "refused" in database["error"]
    assert "\n" not in database["error"] and len(database["error"]) <= health.ERROR_CHARS


def test_documents_checks_its_bucket_too():
    svc = worker_factory(DocumentsService, db=session_for(DocumentsBase), bucket=StandInBucket(True))
    answer = svc.health()
    assert answer["ok"] is True and set(answer["checks"]) == {"database", "object_store"}

    svc = worker_factory(DocumentsService, db=session_for(DocumentsBase), bucket=StandInBucket(False))
    answer = svc.health()
    assert answer["ok"] is False
    assert answer["checks"]["database"]["ok"] is True
    assert "bucket 'zhicheng' does not exist" in answer["checks"]["object_store"]["error"]


def test_a_check_that_hangs_is_cut_off():
    def hangs(_service):
        eventlet.sleep(5)

    outcome = health.run_check(hangs, None, timeout=0.05)
    assert outcome["ok"] is False
    assert outcome["error"] == "no answer within 0.05 s"


def test_the_check_leaves_no_transaction_open():
    session = session_for(AccountsBase)
    svc = worker_factory(AccountsService, db=session)
    svc.health()
    assert not session.in_transaction()


def test_a_shallow_health_checks_nothing_and_still_names_the_instance():
    svc = worker_factory(PaymentsService, db=unreachable_session())
    answer = svc.health(deep=False)
    assert answer["ok"] is True and answer["checks"] == {}
    assert answer["instance"].endswith(f"-{os.getpid()}")


def test_the_probe_counts_only_this_hosts_instances_and_says_why_in_one_line():
    from deploy.probe import on_this_host, summary
    assert on_this_host("review-7c9f-x2-4411", host="review-7c9f-x2")
    assert not on_this_host("review-7c9f-x3-4411", host="review-7c9f-x2")
    failed = {"checks": {"database": {"ok": True, "ms": 1.0},
                         "object_store": {"ok": False, "ms": 2.0, "error": "LookupError: bucket 'z' does not exist"}}}
    assert summary(failed) == "object_store: LookupError: bucket 'z' does not exist"
    assert summary({"checks": {"database": {"ok": True, "ms": 1.5}}}) == "database 1.5 ms"
    assert summary({"checks": {}}) == "answers"
