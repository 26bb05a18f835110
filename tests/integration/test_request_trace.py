"""One request followed across the running system by its id: the client's
``X-Request-ID`` comes back in the response and appears in the JSON log lines of the
gateway and of every service the request reached — by RPC (an applicant's GET of an
application: applications, review, documents) and by an event sent through the outbox
(a submit: applications' ``application_submitted`` handled by review). The logs are
the stack's own files, ``ZC_DATA_DIR/logs/<process>.log``."""
import json
import uuid

import pytest

from deploy import processes
from tests.client import expect, wait_for
from tests.integration.accounts_helpers import create_org
from tests.integration.test_applications_world import (
    complete_application,
    complete_unit,
    make_applicant,
    make_committee,
    make_unit,
)

PYTHON_PROCESSES = ("gateway", "accounts", "applications", "review", "documents", "payments", "sandbox_pay")


def log_lines(stack, process):
    path = processes.logs_dir(stack.data_dir) / f"{process}.log"
    return path.read_text(errors="replace").splitlines() if path.exists() else []


def lines_of(stack, request_id):
    """Every JSON line naming ``request_id``, by the process whose file holds it."""
    found = {}
    for process in PYTHON_PROCESSES:
        for line in log_lines(stack, process):
            if request_id in line:
                found.setdefault(process, []).append(json.loads(line))
    return found


def worker_lines(found, service):
    return [line for line in found.get(service, []) if line["logger"] == "zc.worker"]


@pytest.fixture(scope="module")
def applied(api, admin_token):
    """An applicant and a complete application, not yet submitted."""
    world = make_committee(api, admin_token)
    unit = make_unit(api)
    complete_unit(api, unit, create_org(api, admin_token, kind="department")["id"])
    person = make_applicant(api)
    return person, complete_application(api, person, world["qualifications"]["中级"], unit)


def test_one_request_is_followed_across_three_services_by_its_id(api, applied, stack):
    person, application = applied
    request_id = f"trace-{uuid.uuid4().hex}"
    response = api.get(f"/applications/{application['id']}", token=person["token"],
                       headers={"X-Request-ID": request_id})
    expect(response, 200)
    assert response.headers["X-Request-ID"] == request_id

    def reached_every_service():
        found = lines_of(stack, request_id)
        return found if all(worker_lines(found, s) for s in ("applications", "review", "documents")) else None
    found = wait_for(reached_every_service, what="the request's lines in three services' logs")
    [access] = [line for line in found["gateway"] if line["logger"] == "gateway.requests"]
    assert (access["status"], access["method"], access["user_id"]) == (200, "GET", person["user_id"])
    assert access["service"] == "gateway" and access["duration_ms"] >= 0
    methods = {line["method"] for s in ("applications", "review", "documents") for line in worker_lines(found, s)}
    assert {"applications.get_application", "review.review_view", "documents.list_attachments"} <= methods
    for service in ("applications", "review", "documents"):
        for line in worker_lines(found, service):
            assert line["service"] == service and line["outcome"] == "ok" and line["level"] == "INFO"
    [get] = worker_lines(found, "applications")
    assert get["user_id"] == person["user_id"]   # the actor argument's


def test_an_event_sent_through_the_outbox_keeps_the_request_id(api, applied, stack):
    person, application = applied
    request_id = f"submit-{uuid.uuid4().hex}"
    response = api.post(f"/applications/{application['id']}/submit", token=person["token"],
                        headers={"X-Request-ID": request_id})
    expect(response, 200)
    assert response.headers["X-Request-ID"] == request_id

    def handled_by_review():
        handled = [line for line in worker_lines(lines_of(stack, request_id), "review")
                   if line.get("event") == "applications.application_submitted"]
        return handled or None
    [handled] = wait_for(handled_by_review, what="review's line for the submit's event")
    assert handled["kind"] == "event" and handled["outcome"] == "ok"
    assert handled["method"] == "review.on_application_submitted"


def test_a_refusal_is_one_line_with_its_code_and_the_start_noise_is_gone(api, applied, stack):
    person, _application = applied
    response = api.get(f"/applications/{uuid.uuid4().hex}", token=person["token"],
                       headers={"X-Request-ID": "bad id with spaces"})
    expect(response, 404, "application_not_found")
    request_id = response.headers["X-Request-ID"]
    assert request_id != "bad id with spaces"   # replaced, not echoed

    def refused():
        return worker_lines(lines_of(stack, request_id), "applications") or None
    [line] = wait_for(refused, what="applications' line for the refused request")
    assert (line["outcome"], line["error"], line["level"]) == ("refused", "NotFound:application_not_found", "INFO")
    for process in PYTHON_PROCESSES:
        text = "\n".join(log_lines(stack, process))
        assert "EventletDeprecationWarning" not in text, process
        assert "Fetching and parsing CSS" not in text, process   # WeasyPrint's progress
        assert "(expected) error handling worker" not in text, process   # nameko's traceback per refusal
