"""The applicant's application page as the gateway keeps it (gateway/application_pages.py):
a reload is answered without asking any service, only to its applicant, and anything
that changes the page — the applicant's own upload, a reviewer's return in review, a
committee's settings — shows on the next read. On the real stack; the RPCs counted by
a tap on the test vhost (tests/rpc_tap.py)."""
import pytest

from tests.client import expect, wait_for
from tests.integration.accounts_helpers import login, register_applicant
from tests.integration.test_review_setup import (
    REGION,
    build_world,
    committee_settings,
    new_application,
    submit,
    wait_task,
)
from tests.rpc_tap import Tap, count


@pytest.fixture(scope="module")
def tap(stack):
    running = Tap(stack.amqp_uri)
    yield running
    running.close()


def read(api, app):
    return expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)


def test_a_reload_asks_no_service_and_every_change_shows_on_the_next_read(api, admin_token, stack, tap):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="页面甲")
    first = read(api, app)

    def reload_asking_nobody():
        # (the uploads' display copies are made after their answers: a page may change
        # once more just after it was first read)
        page, counts = count(tap, lambda: read(api, app), settle=0.2)
        return page if not counts["sync"] else None
    assert wait_for(reload_asking_nobody, seconds=10) == first

    # someone else asking for it is refused as before, kept page or not
    stranger = register_applicant(api, name="页面乙", region_code=REGION)
    refused = api.get(f"/applications/{app['id']}", token=login(api, stranger["username"])["token"])
    assert refused.status_code == 404

    # the applicant's own change (documents): shown on the very next read
    uploaded = expect(api.post(f"/applications/{app['id']}/attachments", token=app["token"],
                               data={"section": "basic_info"},
                               files={"file": ("补充.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}), 201)
    assert uploaded["id"] in {a["id"] for a in read(api, app)["attachments"]}
    expect(api.delete(f"/applications/{app['id']}/attachments/{uploaded['id']}", token=app["token"]), 200)
    assert uploaded["id"] not in {a["id"] for a in read(api, app)["attachments"]}

    # applications' change: the submit
    submit(api, app)
    assert read(api, app)["status"] == "submitted"
    # review's changes, made by someone else through another request: the round opened
    # by an event, then the unit's return
    wait_task(api, world.unit_token, app["id"])
    wait_for(lambda: any(step["state"] == "current" for step in read(api, app)["route"]))
    expect(api.post(f"/review/applications/{app['id']}/return", token=world.unit_token,
                    json={"opinion": "请补充学历证书"}), 200)
    page = wait_for(lambda: (lambda p: p if p["status"] == "returned" and p["opinions"] else None)(read(api, app)),
                    seconds=5)
    assert any(o["text"] == "请补充学历证书" for o in page["opinions"])

    # a change shown on every page (the committee's settings: the window's close)
    before = read(api, app)["submit_closes_at"]
    committee_settings(api, admin_token, world.committee["id"], [world.top["id"]],
                       submit_closes_at="2099-12-30T18:00:00+08:00")
    assert read(api, app)["submit_closes_at"] != before
