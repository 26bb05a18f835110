"""The applications service with its neighbours, all real: the base unit acts
through review (which moves the status through ``transition``), withdrawal is
refused once the unit has acted, and an event committed but never published (a
crash between commit and publish) still reaches review through the outbox relay."""

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import create_org
from tests.integration.test_applications_world import (
    complete_application,
    complete_unit,
    make_applicant,
    make_committee,
    make_unit,
    stored,
    window,
)


def tasks_of(api, token):
    return [t["application_id"] for t in expect(api.get("/review/tasks", token=token), 200)["items"]]


def submit(api, person, app):
    return expect(api.post(f"/applications/{app['id']}/submit", token=person["token"]), 200)


def test_returned_by_the_unit_then_edited_and_resubmitted(api, admin_token, stack):
    world = make_committee(api, admin_token, maximum=3)
    unit, person = make_unit(api), make_applicant(api)
    complete_unit(api, unit, create_org(api, admin_token, kind="department")["id"])
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    submit(api, person, app)
    assert wait_for(lambda: app["id"] in tasks_of(api, unit["token"]))

    expect(api.post(f"/review/applications/{app['id']}/return", json={"opinion": "学历证书扫描件不清晰"},
                    token=unit["token"]), 200)
    seen = expect(api.get(f"/applications/{app['id']}", token=person["token"]), 200)
    assert seen["status"] == "returned"
    last = seen["history"][-1]
    assert last["action"] == "return" and last["from"] == "submitted" and last["to"] == "returned"
    assert last["opinion"] == "学历证书扫描件不清晰" and last["by"]["org_id"] == unit["unit_id"]

    before = stored(stack, app["id"])
    expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 409, "cannot_withdraw")
    assert stored(stack, app["id"]) == before

    expect(api.put(f"/applications/{app['id']}/sections/professional_work", json={"summary": "已补充说明。"},
                   token=person["token"]), 200)
    again = submit(api, person, app)
    assert again["status"] == "submitted" and again["submissions_used"] == 2   # a resubmit counts


def test_withdraw_refused_once_the_unit_has_forwarded(api, admin_token, stack):
    department = create_org(api, admin_token, kind="department")
    world = make_committee(api, admin_token, maximum=3)
    expect(api.put(f"/admin/committees/{world['committee']['id']}/settings", token=admin_token, json={
        **window(), "max_submissions": 3, "fee_fen": 30000, "receiving_department_ids": [department["id"]]}), 200)
    unit, person = make_unit(api), make_applicant(api)
    complete_unit(api, unit, department["id"])
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    submit(api, person, app)
    assert wait_for(lambda: app["id"] in tasks_of(api, unit["token"]))
    expect(api.post(f"/review/applications/{app['id']}/forward", json={"opinion": "同意推荐"},
                    token=unit["token"]), 200)

    before = stored(stack, app["id"])
    assert before["status"] == "submitted" and before["transitions"][-1] == "forward"
    expect(api.post(f"/applications/{app['id']}/withdraw", token=person["token"]), 409, "cannot_withdraw")
    assert stored(stack, app["id"]) == before
    seen = expect(api.get(f"/applications/{app['id']}", token=person["token"]), 200)
    assert [n["node"] for n in seen["route"]][:2] == ["applicant", "unit"]
    assert any(n["state"] == "current" for n in seen["route"])


def test_a_committed_event_left_unpublished_still_arrives(api, admin_token, stack):
    """Commit without publishing — what a crash right after the commit leaves — then
    the service's relay timer must publish it, and review must open the unit's task."""
    from sqlalchemy.orm import sessionmaker

    from services.applications import dossier
    from zc_common.db import make_engine

    world = make_committee(api, admin_token)
    unit, person = make_unit(api), make_applicant(api)
    app = complete_application(api, person, world["qualifications"]["中级"], unit)
    counts = {s["key"]: s["attachments_required"] for s in app["template"]["sections"]}
    actor = {"id": person["user_id"], "name": person["name"], "role": "applicant", "impersonated_by": None}
    engine = make_engine(stack.db_url("applications"))
    try:
        session = sessionmaker(bind=engine, expire_on_commit=False)()
        dossier.submit(session, actor, app["id"], lambda _id: counts)  # committed; nobody relays here
        session.close()
    finally:
        engine.dispose()
    assert stored(stack, app["id"])["status"] == "submitted"
    assert wait_for(lambda: app["id"] in tasks_of(api, unit["token"]))
    rows = stack.sql("applications", "SELECT event_type, published, payload FROM outbox "
                     "WHERE payload->>'application_id' = %s ORDER BY id", app["id"])
    submitted = [r for r in rows if r["event_type"] == "application_submitted"]
    assert len(submitted) == 1 and submitted[0]["published"] is True
    assert all(r["published"] for r in rows)
