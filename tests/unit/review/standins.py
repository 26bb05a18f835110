"""In-memory stand-ins for accounts and applications that keep what they were
asked, and the ``service`` fixture: a ReviewService worker on a real SQLite DB."""
import pytest
from nameko.testing.services import worker_factory

from services.applications import vocabulary
from services.review.models import Base
from services.review.service import ReviewService
from tests.unit.dbutil import session_for
from zc_common.errors import NotFound

UNIT = {"id": "u1", "kind": "unit", "name": "测试医院", "parent_id": None, "complete": True,
        "recommending_unit_ids": ["d1"], "contact": {"person": "李四", "phone": "0991-1"}, "region_code": "650100"}


def dept(org_id, parent=None):
    return {"id": org_id, "kind": "department", "name": f"部门{org_id}", "parent_id": parent,
            "contact": {"person": "王五", "phone": "0991-2"}, "region_code": "650100"}


class Accounts:
    def __init__(self):
        self.orgs = {o["id"]: o for o in (dict(UNIT), dept("d1", "d2"), dept("d2"), dept("lonely"),
                                          {"id": "c1", "kind": "committee", "name": "高评委",
                                           "contact": {"person": "赵", "phone": "0991-3"}, "region_code": "650000"})}
        self.sent = []

    def get_organizations(self, ids):
        return {i: dict(self.orgs[i]) for i in ids if i in self.orgs}

    def notify(self, **message):
        self.sent.append(message)


class Dispatched:
    """Review's event dispatcher: a notice event is what accounts receives (kept in
    ``Accounts.sent``); other events are kept here."""

    def __init__(self, accounts):
        self.accounts, self.events = accounts, []
        self.notice_events = 0

    def __call__(self, event_type, payload):
        if event_type == "notice_requested":  # one notice, or several in one event (as accounts reads it)
            self.notice_events += 1
            for message in payload.get("messages") or [payload]:
                self.accounts.notify(**message)
        else:
            self.events.append((event_type, payload))


class Applications:
    def __init__(self):
        self.apps = {}
        self.settings = {"committee_id": "c1", "receiving_department_ids": ["d2"], "node_days": {"unit": 3},
                         "meeting_quorum": 5, "publicity_min_days": 5}
        self.requests = []
        self.fail = None

    def add(self, application_id):
        self.apps[application_id] = {
            "id": application_id, "number": "RSSQ" + application_id, "year": 2026, "status": "submitted",
            "applicant": {"id": "p1", "name": "张三"}, "unit": {"id": "u1", "name": "测试医院"},
            "committee": {"id": "c1", "name": "高评委"},
            "qualification": {"title": "高级工程师", "level": "副高"},
            "template": {"sections": [{"key": "basic_info"}]}, "history": []}

    def get_application_internal(self, application_id):
        if application_id not in self.apps:
            raise NotFound("application_not_found", "申请书不存在")
        app = self.apps[application_id]
        return {**app, "status_info": vocabulary.status_info(app["status"])}

    def get_applications_internal(self, application_ids):
        return {i: self.get_application_internal(i) for i in application_ids if i in self.apps}

    def get_committee_settings(self, committee_id):
        return dict(self.settings)

    def transition(self, request_id, application_id, action, to_status, by, opinion=None):
        self.requests.append((request_id, action, to_status))
        if self.fail is not None:
            raise self.fail
        self.apps[application_id]["status"] = to_status
        return {"application_id": application_id, "status": to_status, "version": len(self.requests)}


ADMIN = {"id": "ua", "name": "单位管理员", "role": "unit_admin", "org_id": "u1", "impersonated_by": None}


def staff(org, n=1, role="department_staff"):
    return {"id": f"s{org}{n}", "name": "审核员", "role": role, "org_id": org, "impersonated_by": None}


@pytest.fixture
def service():
    session = session_for(Base)
    accounts, applications = Accounts(), Applications()
    worker = worker_factory(ReviewService, db=session, accounts=accounts, applications=applications,
                            dispatch=Dispatched(accounts))
    worker.accounts, worker.applications = accounts, applications
    yield worker
    session.close()


