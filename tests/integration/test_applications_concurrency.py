"""Racing submits on one application against PostgreSQL: many at once, and the
count never passes the committee's limit (row lock + conditional UPDATE).

The HTTP race shows the whole system holding the rule under load; requests that
arrive milliseconds apart seldom overlap inside the few-millisecond critical
section, so the second test lines threads up at a barrier right before it, and
fails (every thread "succeeds") when the lock and the conditional UPDATE are
taken out."""
import time
from concurrent.futures import ThreadPoolExecutor

from tests.client import ApiClient, expect
from tests.integration.test_applications_world import (
    complete_application,
    make_applicant,
    make_committee,
    make_unit,
    stored,
)

RACERS = 16


def race(stack, person, application_id):
    """Fire RACERS submits at once (own HTTP connection each); the responses."""
    clients = [ApiClient(stack.base_url) for _ in range(RACERS)]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        started = time.perf_counter()
        responses = list(pool.map(
            lambda client: client.post(f"/applications/{application_id}/submit", token=person["token"]), clients))
        elapsed = time.perf_counter() - started
    print(f"\n{RACERS} concurrent submits answered in {elapsed:.2f} s")
    return responses


def outcome(responses):
    ok = [r for r in responses if r.status_code == 200]
    refused = [r.json()["error"]["code"] for r in responses if r.status_code == 409]
    assert len(ok) + len(refused) == len(responses), [r.text[:200] for r in responses]
    return len(ok), set(refused)


def submitted_events(stack, application_id):
    rows = stack.sql("applications", "SELECT payload FROM outbox WHERE event_type = 'application_submitted'")
    return [r["payload"]["submission_no"] for r in rows if r["payload"]["application_id"] == application_id]


def test_racing_submits_cannot_pass_the_limit(api, admin_token, stack):
    world = make_committee(api, admin_token, maximum=2)
    person = make_applicant(api)
    app = complete_application(api, person, world["qualifications"]["中级"], make_unit(api))

    ok, refused = outcome(race(stack, person, app["id"]))
    assert ok == 1 and refused <= {"not_editable", "submission_limit"}
    assert stored(stack, app["id"])["submissions_used"] == 1

    expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 200)
    ok, refused = outcome(race(stack, person, app["id"]))
    assert ok == 1 and refused <= {"not_editable", "submission_limit"}
    assert stored(stack, app["id"])["submissions_used"] == 2

    expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 200)
    before = stored(stack, app["id"])
    ok, refused = outcome(race(stack, person, app["id"]))
    assert ok == 0 and refused == {"submission_limit"}
    after = stored(stack, app["id"])
    assert after == before and after["submissions_used"] == 2
    assert after["transitions"] == ["submit", "withdraw", "submit", "withdraw"]
    assert sorted(submitted_events(stack, app["id"])) == [1, 2]


def test_submits_lined_up_behind_the_check_still_count_once(api, admin_token, stack):
    """The same rule driven from threads straight at PostgreSQL, each with its own
    connection: every thread passes the first (unlocked) check, waits at a barrier
    where the service would ask documents for the attachment counts, then all race
    for the row. Only the row lock and the conditional UPDATE keep the count right."""
    from threading import Barrier

    from sqlalchemy.orm import sessionmaker

    from services.applications import dossier
    from services.applications.models import Transition
    from zc_common.db import make_engine
    from zc_common.errors import DomainError

    world = make_committee(api, admin_token, maximum=2)
    person = make_applicant(api)
    app = complete_application(api, person, world["qualifications"]["中级"], make_unit(api))
    counts = {s["key"]: s["attachments_required"] for s in app["template"]["sections"]}
    actor = {"id": person["user_id"], "name": person["name"], "role": "applicant", "impersonated_by": None}
    engine = make_engine(stack.db_url("applications"))
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    threads = 10

    def one_round():
        barrier = Barrier(threads, timeout=30)

        def counted(_application_id):
            barrier.wait()  # everyone is past the unlocked check before anyone locks
            return counts

        def attempt(_):
            session = Session()
            try:
                dossier.submit(session, actor, app["id"], counted)
                return "ok"
            except Exception as exc:  # a domain refusal: its code
                return exc.code if isinstance(exc, DomainError) else repr(exc)[:300]
            finally:
                session.close()

        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(attempt, range(threads)))

    def withdraw():
        expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 200)

    try:
        results = one_round()
        assert results.count("ok") == 1 and set(results) <= {"ok", "not_editable", "submission_limit"}, results
        withdraw()
        results = one_round()
        assert results.count("ok") == 1, results
        withdraw()
        results = one_round()
        assert results.count("ok") == 0, results
        session = Session()
        submits = session.query(Transition).filter_by(application_id=app["id"], action="submit").count()
        session.close()
    finally:
        engine.dispose()
    assert submits == 2
    assert stored(stack, app["id"])["submissions_used"] == 2
