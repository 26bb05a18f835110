"""The submission event and a withdraw meeting a new application at the same moment,
driven from threads straight at review's PostgreSQL database, each with its own
connection. Both may be first to create the application's case: the later insert
must do nothing (not fail with a duplicate key, which reached the applicant as a
500), and whichever wins, a withdrawn submission leaves no open task behind."""
import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.review import decisions
from services.review.models import ReviewCase, Task
from zc_common.db import make_engine

PAIRS = 24


class Notices:
    """Stands in for review's notice events and keeps what was sent."""

    def __init__(self):
        self.sent = []

    def notify(self, **message):
        self.sent.append(message)


def application(application_id):
    return {"id": application_id, "number": "T" + application_id[:8], "year": 2026,
            "applicant": {"id": "p-" + application_id[:8], "name": "测试"},
            "unit": {"id": "unit-1", "name": "测试单位"}, "committee": {"id": "committee-1", "name": "测试委员会"},
            "qualification": {"title": "工程师", "level": "中级"}}


def test_withdraw_and_submission_event_racing_on_a_new_application(stack):
    engine = make_engine(stack.db_url("review"))
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    ids = [uuid.uuid4().hex for _ in range(PAIRS)]

    def open_round(application_id, barrier):
        session = Session()
        deps = SimpleNamespace(session=session, notices=Notices(), settings=lambda _committee: {},
                               orgs={"unit-1": {"id": "unit-1", "name": "测试单位"}})
        try:
            barrier.wait()
            task = decisions.open_round(deps, {"application_id": application_id, "submission_no": 1},
                                        application(application_id))
            return "opened" if task is not None else "skipped"
        finally:
            session.close()

    def withdraw(application_id, barrier):
        session = Session()
        try:
            barrier.wait()
            return decisions.claim_withdraw(session, application_id, submission_no=1)["withdrawn"]
        finally:
            session.close()

    outcomes = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for application_id in ids:
            barrier = Barrier(2, timeout=30)
            opened = pool.submit(open_round, application_id, barrier)
            withdrawn = pool.submit(withdraw, application_id, barrier)
            outcomes.append((opened.result(), withdrawn.result()))  # raises what either raised

    with Session() as session:
        for application_id, (opened, withdrawn) in zip(ids, outcomes):
            case = session.get(ReviewCase, application_id)
            open_tasks = session.scalars(select(Task).where(Task.application_id == application_id,
                                                            Task.state == "open")).all()
            assert withdrawn is True
            # Withdrawn either before the round opened (it then opens nothing) or after
            # (its unit task is closed): never a draft with a task still waiting.
            assert open_tasks == [], (application_id, opened)
            assert case.status == "draft", (application_id, opened, case.status)
    engine.dispose()
