"""Decisions repeated or raced through the real gateway, broker and PostgreSQL
(issue #9, findings 5 and 7): a double-clicked or retried forward makes one
transition and never a 500; racing submits and withdraws stay paired one to one;
an ``Idempotency-Key`` makes a retry after a lost response answer the first
result instead of a 409."""
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.client import ApiClient, expect, wait_for
from tests.integration.test_review_setup import build_world, new_application, submit, wait_task


@pytest.fixture(scope="module")
def world(api, admin_token):
    # Room for many submits per application: the race below is about pairing, not the limit.
    return build_world(api, admin_token, max_submissions=60)


def at_once(base_url, count, act):
    """Run ``act(i, client)`` in ``count`` threads, each with its own HTTP connection,
    released together from a barrier; the responses in order."""
    barrier = threading.Barrier(count, timeout=30)
    clients = [ApiClient(base_url) for _ in range(count)]

    def run(i):
        barrier.wait()
        return act(i, clients[i])

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def transitions(stack, application_id, action):
    return stack.sql("applications", "SELECT count(*) AS n FROM transitions WHERE application_id = %s "
                     "AND action = %s", application_id, action)[0]["n"]


def events(stack, application_id, event_type):
    rows = stack.sql("applications", "SELECT payload FROM outbox WHERE event_type = %s", event_type)
    return [r["payload"] for r in rows if r["payload"]["application_id"] == application_id]


def tasks(stack, application_id):
    return stack.sql("review", "SELECT round, position, node, state FROM review_tasks "
                     "WHERE application_id = %s ORDER BY round, position", application_id)


def status_notices(stack, app):
    return stack.sql("accounts", "SELECT count(*) AS n FROM notifications WHERE user_id = %s "
                     "AND kind = 'application_status'", app["person"]["user_id"])[0]["n"]


def test_twenty_forwards_by_one_unit_admin_make_one_transition(api, world, stack):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])

    responses = at_once(stack.base_url, 20, lambda i, client: client.post(
        f"/review/applications/{app['id']}/forward", token=world.unit_token, json={"opinion": "同意推荐"}))

    codes = [r.status_code for r in responses]
    assert 500 not in codes, [r.text[:300] for r in responses if r.status_code == 500]
    assert set(codes) <= {200, 409}, codes
    ok = [r.json() for r in responses if r.status_code == 200]
    assert ok and all(body == ok[0] for body in ok), ok
    assert ok[0]["next"]["org_id"] == world.middle["id"]
    refused = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert refused <= {"task_busy", "not_your_turn"}, refused
    print(f"\n20 forwards at once: {len(ok)} answered the first result, {codes.count(409)} × 409")

    assert transitions(stack, app["id"], "forward") == 1
    assert len(events(stack, app["id"], "application_forwarded")) == 1
    assert [(t["position"], t["node"], t["state"]) for t in tasks(stack, app["id"])] == [
        (1, "unit", "done"), (2, "department", "open")]
    # The middle department was told once of the arrival.
    staff = wait_task(api, world.staff[world.middle["id"]][0], app["id"])
    assert staff["node"] == "department"


def test_two_staff_forwarding_at_once_with_the_same_key_one_wins(api, world, stack):
    """Keys belong to their actor: two staff who happen to send the same key are two
    requests, and of two staff acting at once exactly one wins."""
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/forward", token=world.unit_token,
                    json={"opinion": "同意推荐"}), 200)
    first, second = world.staff[world.middle["id"]]
    wait_task(api, first, app["id"])

    responses = at_once(stack.base_url, 2, lambda i, client: client.post(
        f"/review/applications/{app['id']}/forward", token=(first, second)[i], json={"opinion": "同意"},
        headers={"Idempotency-Key": "shared-key-1"}))

    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] in ("task_busy", "not_your_turn")
    assert transitions(stack, app["id"], "forward") == 2  # the unit's and one of the middle's


def test_mixed_submits_and_withdraws_stay_paired(api, world, stack):
    apps = [new_application(api, world) for _ in range(3)]
    rng = random.Random(9)
    plan = [(rng.choice(apps), rng.choice(("submit", "withdraw"))) for _ in range(100)]

    def act(i, client):
        app, action = plan[i]
        return client.post(f"/applications/{app['id']}/{action}", token=app["token"])

    barrier_size = 50
    responses = []
    for start in range(0, len(plan), barrier_size):
        chunk = plan[start:start + barrier_size]
        responses += at_once(stack.base_url, len(chunk), lambda i, client, start=start: act(start + i, client))

    codes = [r.status_code for r in responses]
    assert 500 not in codes, [r.text[:300] for r in responses if r.status_code == 500]
    for app in apps:
        mine = [(action, r) for (a, action), r in zip(plan, responses) if a is app]
        ok_submits = sum(1 for action, r in mine if action == "submit" and r.status_code == 200)
        ok_withdraws = sum(1 for action, r in mine if action == "withdraw" and r.status_code == 200)
        refused = {r.json()["error"]["code"] for _, r in mine if r.status_code != 200}
        assert all(r.status_code in (200, 409) for _, r in mine), [(r.status_code, r.text[:200]) for _, r in mine
                                                                   if r.status_code not in (200, 409)]
        assert refused <= {"not_editable", "cannot_withdraw", "submission_limit"}, refused
        history = [t["action"] for t in stack.sql(
            "applications", "SELECT action FROM transitions WHERE application_id = %s ORDER BY id", app["id"])]
        print(f"\n{app['number']}: {ok_submits} submits, {ok_withdraws} withdraws succeeded; {history}")
        assert ok_withdraws <= ok_submits <= ok_withdraws + 1
        # One transition and one event per success, no more.
        assert transitions(stack, app["id"], "submit") == ok_submits
        assert transitions(stack, app["id"], "withdraw") == ok_withdraws
        assert len(events(stack, app["id"], "application_submitted")) == ok_submits
        assert len(events(stack, app["id"], "application_withdrawn")) == ok_withdraws
        # Review ends where applications ends: a submitted application waits at its unit.
        status = stack.sql("applications", "SELECT status, submissions_used FROM applications WHERE id = %s",
                           app["id"])[0]
        assert status["submissions_used"] == ok_submits

        def review_agrees(app=app, status=status):
            waiting = [t for t in tasks(stack, app["id"]) if t["state"] in ("open", "deciding")]
            if status["status"] == "submitted":
                return waiting == [{"round": status["submissions_used"], "position": 1, "node": "unit",
                                    "state": "open"}]
            return waiting == []
        wait_for(review_agrees, what=f"review's tasks of {app['number']} to match {status}")
        # The applicant is told of every change once (review notifies on each status event).
        changes = ok_submits + ok_withdraws
        wait_for(lambda app=app, changes=changes: status_notices(stack, app) >= changes,
                 what="the applicant's notifications")
        assert status_notices(stack, app) == changes


def test_submit_retried_with_its_key_after_a_lost_response(api, world, stack):
    app = new_application(api, world)
    other = new_application(api, world)
    key = "submit-" + app["id"][:12]
    url = api.url(f"/applications/{app['id']}/submit")
    headers = {"Authorization": f"Bearer {app['token']}", "Idempotency-Key": key}
    # The client gives up before the answer arrives: the response is lost, the submit is not.
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(url, headers=headers, timeout=(5, 0.001))
    wait_for(lambda: transitions(stack, app["id"], "submit") == 1, what="the first submit to land")

    retried = expect(requests.post(url, headers=headers, timeout=60), 200)
    again = expect(requests.post(url, headers=headers, timeout=60), 200)
    assert retried["status"] == "submitted" and retried["submissions_used"] == 1
    own_fields = ("id", "status", "version", "submissions_used", "history", "updated_at")
    assert {k: again[k] for k in own_fields} == {k: retried[k] for k in own_fields}
    assert transitions(stack, app["id"], "submit") == 1
    assert stack.sql("applications", "SELECT submissions_used FROM applications WHERE id = %s",
                     app["id"])[0]["submissions_used"] == 1
    # Without the key the same request is a new one, and refused by the rules.
    expect(api.post(f"/applications/{app['id']}/submit", token=app["token"]), 409, "not_editable")

    # The same key on another application (or another operation) is refused, not replayed.
    expect(api.post(f"/applications/{other['id']}/submit", token=other["token"],
                    headers={"Idempotency-Key": key}), 200)  # another person: their own key space
    expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"],
                    headers={"Idempotency-Key": key}), 422, "idempotency_key_reused")
    assert transitions(stack, app["id"], "withdraw") == 0

    # A withdraw with a key of its own, retried: one withdraw, the same answer twice.
    first = expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"],
                            headers={"Idempotency-Key": "withdraw-1"}), 200)
    second = expect(api.post(f"/applications/{app['id']}/withdraw", token=app["token"],
                             headers={"Idempotency-Key": "withdraw-1"}), 200)
    assert first["status"] == second["status"] == "draft" and first["version"] == second["version"]
    assert transitions(stack, app["id"], "withdraw") == 1


@pytest.mark.parametrize("key", ["", "x" * 65, "两个字", "has space", "tab\tkey"])
def test_a_malformed_key_is_refused(api, world, key):
    app = _shared_app(api, world)
    response = api.post(f"/applications/{app['id']}/submit", token=app["token"],
                        headers={"Idempotency-Key": key.encode("utf-8")})
    body = expect(response, 422, "invalid_idempotency_key")
    assert body["error"]["field"] == "Idempotency-Key"
    assert expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)["status"] == "draft"


_shared = {}


def _shared_app(api, world):
    if "app" not in _shared:
        _shared["app"] = new_application(api, world)
    return _shared["app"]


def test_forward_retried_with_its_key_answers_the_first_result(api, world, stack):
    app = new_application(api, world)
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    path = f"/review/applications/{app['id']}/forward"
    headers = {"Idempotency-Key": "fwd-" + app["id"][:8]}
    first = expect(api.post(path, token=world.unit_token, json={"opinion": "同意推荐"}, headers=headers), 200)
    # Long after the task moved on, the retry still answers the first result.
    again = expect(api.post(path, token=world.unit_token, json={"opinion": "同意推荐"}, headers=headers), 200)
    assert again == first
    # The same key for another decision on the application is refused.
    expect(api.post(f"/review/applications/{app['id']}/return", token=world.unit_token,
                    json={"opinion": "退回"}, headers=headers), 422, "idempotency_key_reused")
    # Without a key the retry is a clean 409: the task has left the unit.
    expect(api.post(path, token=world.unit_token, json={"opinion": "同意推荐"}), 409, "not_your_turn")
    assert transitions(stack, app["id"], "forward") == 1
