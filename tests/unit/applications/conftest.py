"""A worker_factory-built ApplicationsService over a real SQLite session; the
other services (accounts, documents, review) are plain stand-ins that answer as
their contract says, and the event dispatcher records what it was given."""
import pytest
from nameko.testing.services import worker_factory

from services.applications.models import Base
from services.applications.service import ApplicationsService
from tests.unit.dbutil import session_for

COMMITTEE = "c" * 32
PREFECTURE_COMMITTEE = "p" * 32
DEPARTMENT = "d" * 32
UNIT = "u" * 32

ORGANIZATIONS = {
    COMMITTEE: {"id": COMMITTEE, "kind": "committee", "name": "自治区工程系列高级评审委员会", "region_code": "650000"},
    PREFECTURE_COMMITTEE: {"id": PREFECTURE_COMMITTEE, "kind": "committee", "name": "乌鲁木齐市工程系列中级评审委员会",
                           "region_code": "650100"},
    DEPARTMENT: {"id": DEPARTMENT, "kind": "department", "name": "自治区工业和信息化厅", "region_code": "650000"},
    UNIT: {"id": UNIT, "kind": "unit", "name": "乌鲁木齐某设计院", "region_code": "650100"},
}

ADMIN = {"id": "a" * 32, "username": "admin", "name": "管理员", "role": "platform_admin",
         "region_code": "650000", "org_id": None, "impersonated_by": None}


def applicant(n=1):
    return {"id": f"{n:032d}", "username": f"user{n}", "name": f"申请人{n}", "role": "applicant",
            "region_code": "650100", "org_id": None, "impersonated_by": None}


class Published(list):
    """The event dispatcher: records (event_type, payload); can be told to fail."""

    failing = False

    def __call__(self, event_type, payload):
        if self.failing:
            raise ConnectionError("broker down")
        self.append((event_type, payload))


@pytest.fixture
def fake_now(monkeypatch):
    def pin(text):
        monkeypatch.setenv("ZC_FAKE_NOW", text)
    pin("2026-06-15T10:00:00+08:00")
    return pin


@pytest.fixture
def service(fake_now):
    session = session_for(Base)
    worker = worker_factory(ApplicationsService, db=session, dispatch=Published())
    worker.accounts.get_organizations.side_effect = lambda ids: {
        i: ORGANIZATIONS[i] for i in ids if i in ORGANIZATIONS}
    worker.documents.list_attachments.return_value = []
    worker.review.claim_withdraw.return_value = None
    yield worker
    session.close()


@pytest.fixture(autouse=True)
def fresh_memos():
    """Each test starts with nothing remembered (services/applications/catalog.py's
    per-process memos would carry one test's committee settings into the next)."""
    from services.applications import catalog
    for memo in (catalog.SHOWN_QUALIFICATIONS, catalog.SHOWN_SETTINGS):
        memo.clear()
    yield
    for memo in (catalog.SHOWN_QUALIFICATIONS, catalog.SHOWN_SETTINGS):
        memo.clear()
