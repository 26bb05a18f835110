"""bench/surge.py's lost-nothing checker, exercised on a tiny surge (10 applicants in
3 s, double clicks with and without a key, a window closed 2 s in): the checks
pass on what the system did, and name what goes missing when a task, a
notification or the record of a consumed event is taken away afterwards, or a 5xx is seen."""
from sqlalchemy import delete

from bench import surge
from services.accounts.models import Notification
from services.applications.models import OutboxEvent
from services.review.models import ProcessedEvent, Task
from zc_common.db import make_engine


def test_a_tiny_surge_loses_nothing_and_the_checker_sees_losses(stack):
    figures = surge.run(stack, n=10, window=3, close_at=2, double=0.2, nokey=0.2, settle_seconds=40,
                         echo=False, units=2)
    world, result, checked = figures["world"], figures["result"], figures["checked"]
    assert checked["problems"] == [], checked["problems"]
    assert checked["accepted"] >= 1
    assert set(checked["codes"]) <= {"window_closed", "not_editable", "submission_limit"}, checked["codes"]
    assert {"double", "nokey"} <= set(figures["modes"])
    submits = [r for r in result["records"] if r.step == "submit"]
    assert len(submits) == 10 + figures["modes"].count("double") + figures["modes"].count("nokey")
    assert result["closed"]["status"] == 200

    accepted = sorted({r.who for r in submits if r.status == 200})
    first, second = (world.applicants[i] for i in (accepted * 2)[:2])
    review = make_engine(stack.db_url("review"))
    accounts = make_engine(stack.db_url("accounts"))
    applications = make_engine(stack.db_url("applications"))
    try:
        with review.begin() as connection:
            connection.execute(delete(Task).where(Task.application_id == first["application_id"]))
        with accounts.begin() as connection:
            connection.execute(delete(Notification).where(Notification.user_id == first["user_id"]))
        with applications.connect() as connection:
            rows = connection.execute(OutboxEvent.__table__.select()).mappings().all()
        submitted = [r["event_id"] for r in rows if r["event_type"] == "application_submitted"
                     and surge._payload(r["payload"]).get("application_id") == second["application_id"]]
        with review.begin() as connection:   # as if review had never taken that event
            connection.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id.in_(submitted)))
    finally:
        for engine in (review, accounts, applications):
            engine.dispose()
    result["records"].append(surge.Record(-9, "review_tasks", 503, "service_unavailable", 0.0, 0.1))
    problems, _, _ = surge.check(world, result, surge.gather(stack, world))
    text = "\n".join(problems)
    assert f"{first['number']}: tasks [] instead of one open at its unit" in text
    assert f"{first['number']}: 0 status notifications" in text
    assert f"{second['number']}: application_submitted never consumed by review" in text
    assert "review_tasks: 1 × 503 service_unavailable (by #-9)" in text
