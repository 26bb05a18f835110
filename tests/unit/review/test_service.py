"""The review service's decisions with nameko's worker_factory: a real SQLite
database, and small in-memory stand-ins for accounts and applications that keep
what they were asked."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.applications import vocabulary
from services.review import decisions, reminders
from services.review.models import Task
from tests.unit.review.standins import ADMIN, staff
from zc_common.errors import Conflict, Invalid, NotFound, Unavailable
from zc_common.outbox import batched


def submitted(service, application_id="a1", submission_no=1, event_id=None):
    if application_id not in service.applications.apps:
        service.applications.add(application_id)
    event_id = event_id or f"e-{application_id}-{submission_no}"
    service.on_application_submitted({"application_id": application_id, "submission_no": submission_no,
                                      "status": "submitted", "event_id": event_id,
                                      "applicant_id": "p1", "number": "RSSQ" + application_id})


def org_changed(service, org_id, **fields):
    """accounts changes an organisation and announces it (review reads its copy)."""
    service.accounts.orgs[org_id].update(fields)
    service.on_organization_changed({"organization": dict(service.accounts.orgs[org_id]),
                                     "changed_at": None})


def tasks(service, application_id="a1"):
    return service.db.scalars(select(Task).where(Task.application_id == application_id)
                              .order_by(Task.round, Task.position)).all()


def test_submission_opens_one_task_at_the_unit_even_when_redelivered(service):
    submitted(service)
    submitted(service)  # the same event again
    [task] = tasks(service)
    assert (task.node, task.org_id, task.state, task.round) == ("unit", "u1", "open", 1)
    assert task.due_at == task.arrived_at + timedelta(days=3)
    # one event: the applicant hears of the status, the unit of its task; a redelivery adds nothing
    assert [(m["kind"], m.get("org_ids"), m.get("user_ids")) for m in service.accounts.sent] == [
        ("application_status", None, ["p1"]), ("review_task", ["u1"], None)]
    listed = service.list_tasks(ADMIN)
    assert listed["total"] == 1 and listed["items"][0]["number"] == "RSSQa1"


def test_forward_refusals_leave_everything_as_it_was(service):
    submitted(service)
    with pytest.raises(Invalid) as no_opinion:
        service.forward_application(ADMIN, "a1", "  ")
    assert no_opinion.value.code == "opinion_required"
    org_changed(service, "u1", complete=False)
    with pytest.raises(Conflict) as incomplete:
        service.forward_application(ADMIN, "a1", "同意推荐")
    assert incomplete.value.code == "unit_incomplete"
    for attempt in (lambda: service.return_application(ADMIN, "a1", "退回"),
                    lambda: service.add_comment(ADMIN, "a1", "basic_info", "x")):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "unit_incomplete"
    org_changed(service, "u1", complete=True, recommending_unit_ids=["d1", "lonely"])
    with pytest.raises(Invalid) as pick:
        service.forward_application(ADMIN, "a1", "同意推荐")
    assert pick.value.code == "recommending_unit_required"
    with pytest.raises(Conflict) as broken:
        service.forward_application(ADMIN, "a1", "同意推荐", recommending_unit_id="lonely")
    assert broken.value.code == "no_route" and "部门lonely" in broken.value.message
    [task] = tasks(service)
    assert task.state == "open" and task.request_id is None and service.applications.requests == []


def test_outsiders_get_404(service):
    submitted(service)
    with pytest.raises(NotFound):
        service.forward_application(staff("d2"), "a1", "同意")
    with pytest.raises(NotFound):
        service.application_detail(staff("d2"), "a1")
    assert service.has_reached("a1", "u1") is True and service.has_reached("a1", "d2") is False


def test_chain_to_formal_review_passed(service):
    submitted(service)
    first = service.forward_application(ADMIN, "a1", "同意推荐")
    assert first["next"]["org_id"] == "d1"
    with pytest.raises(Conflict) as again:
        service.forward_application(ADMIN, "a1", "同意推荐")
    assert again.value.code == "not_your_turn"
    assert service.forward_application(staff("d1"), "a1", "同意")["next"]["org_id"] == "d2"
    assert service.forward_application(staff("d2"), "a1", "同意")["next"]["node"] == "committee"
    done = service.forward_application(staff("c1", role="committee_staff"), "a1", "通过")
    assert done["status"] == "formal_review_passed"
    actions = [(a, s) for _, a, s in service.applications.requests]
    assert actions == [("forward", "submitted")] * 3 + [("pass_formal_review", "formal_review_passed")]
    assert len({r for r, _, _ in service.applications.requests}) == 4  # a request id per decision
    assert [t.state for t in tasks(service)] == ["done"] * 4
    view = service.review_view(service.applications.get_application_internal("a1"))
    assert [n["state"] for n in view["route"]] == ["done"] * 5
    assert [n["contact"]["person"] for n in view["route"][1:]] == ["李四", "王五", "王五", "赵"]


def test_a_lost_transition_is_retried_with_the_same_request_id(service):
    submitted(service)
    service.applications.fail = ConnectionError("broker gone")
    with pytest.raises(Unavailable):
        service.forward_application(ADMIN, "a1", "同意推荐")
    [task] = tasks(service)
    assert task.state == "deciding" and task.request_id
    # Another staff member of the unit cannot act meanwhile.
    with pytest.raises(Conflict) as busy:
        service.forward_application({**ADMIN, "id": "other"}, "a1", "同意推荐")
    assert busy.value.code == "task_busy"
    service.applications.fail = None
    # What the minute timer runs, with its cut-off moved past the decision.
    decisions.retry_pending(service.deps, task.decided_at + timedelta(seconds=1))
    ids = [r for r, _, _ in service.applications.requests]
    assert ids == [task.request_id] * len(ids) and len(ids) >= 2
    assert [t.state for t in tasks(service)] == ["done", "open"]


def test_a_refused_transition_reopens_the_task(service):
    submitted(service)
    service.applications.fail = Conflict("bad_transition", "状态已变化")
    with pytest.raises(Conflict) as refused:
        service.forward_application(ADMIN, "a1", "同意推荐")
    assert refused.value.code == "bad_transition"
    [task] = tasks(service)
    assert task.state == "open" and task.request_id is None


def test_return_keeps_rounds_and_comments(service):
    submitted(service)
    service.add_comment(ADMIN, "a1", "basic_info", "照片不清晰")
    with pytest.raises(Invalid):
        service.add_comment(ADMIN, "a1", "nope", "x")
    with pytest.raises(Invalid):
        service.return_application(ADMIN, "a1", "")
    service.return_application(ADMIN, "a1", "请补充")
    service.applications.apps["a1"]["status"] = "returned"
    submitted(service, submission_no=2)
    view = service.review_view(service.applications.get_application_internal("a1"))
    assert [(c["round"], c["text"]) for c in view["comments"]] == [(1, "照片不清晰")]
    assert [(o["round"], o["action"], o["text"]) for o in view["opinions"]] == [(1, "return", "请补充")]
    assert [(t.round, t.state) for t in tasks(service)] == [(1, "done"), (2, "open")]


def test_claim_withdraw_only_before_the_unit_acts(service):
    submitted(service)
    assert service.claim_withdraw("a1")["withdrawn"] is True
    with pytest.raises(Conflict):
        service.claim_withdraw("a1")
    submitted(service, submission_no=2)
    service.forward_application(ADMIN, "a1", "同意推荐")
    with pytest.raises(Conflict) as refused:
        service.claim_withdraw("a1")
    assert refused.value.code == "cannot_withdraw"


def test_withdraw_that_overtakes_the_submission_event_opens_nothing(service):
    service.applications.add("a2")
    service.claim_withdraw("a2", submission_no=1)
    submitted(service, "a2", 1)
    assert tasks(service, "a2") == []
    # The event delivered twice (the outbox sends at least once): the applicant still
    # hears of that submission once — the event is remembered though it opened nothing.
    submitted(service, "a2", 1)
    told = [m for m in service.accounts.sent if m["kind"] == "application_status"]
    assert len(told) == 1, told


def test_overdue_tasks_are_flagged_and_reminded_once_a_day(service):
    submitted(service)
    [task] = tasks(service)
    later = task.due_at + timedelta(hours=1)
    first = reminders.send_reminders(service.db, service.accounts, later)
    assert first == {"u1": 1}
    assert reminders.send_reminders(service.db, service.accounts, later + timedelta(hours=2)) == {}
    assert reminders.send_reminders(service.db, service.accounts, later + timedelta(days=1)) == {"u1": 1}
    assert [m["kind"] for m in service.accounts.sent].count("review_overdue") == 2
    task.due_at = task.arrived_at - timedelta(seconds=1)
    service.db.commit()
    assert service.list_tasks(ADMIN)["items"][0]["overdue"] is True


def test_the_applicant_hears_of_every_status_change_and_only_of_those(service):
    base = {"application_id": "a9", "number": "RSSQ9", "applicant_id": "p9"}
    returned = {"status": "returned", "status_info": vocabulary.status_info("returned")}
    service.on_status_changed({**base, "event_id": "s1", "from_status": "submitted", **returned})
    service.on_status_changed({**base, "event_id": "s1", "from_status": "submitted", **returned})
    service.on_status_changed({**base, "event_id": "s2", "from_status": "submitted", "status": "submitted",
                               "status_info": vocabulary.status_info("submitted")})
    sent = [m for m in service.accounts.sent if m["kind"] == "application_status"]
    assert [(m["user_ids"], "已退回" in m["subject"]) for m in sent] == [(["p9"], True)]


def test_a_route_read_again_within_seconds_asks_no_table_and_an_event_is_seen_at_once(service):
    """The process memo of copies (services/review/copies.py): a second read of the
    same organisations and settings costs no query; the organisation_changed this
    process handles is read on the very next call."""
    from sqlalchemy import event
    submitted(service)
    service.application_detail(ADMIN, "a1")   # remembers u1 and the committee's settings
    statements = []

    def count(*_args):
        statements.append(_args[2])
    event.listen(service.db.bind, "before_cursor_execute", count)
    try:
        service.application_detail(ADMIN, "a1")
        assert statements and not [s for s in statements if "_copies" in s], statements
        org_changed(service, "u1", complete=False)
        with pytest.raises(Conflict) as incomplete:
            service.forward_application(ADMIN, "a1", "同意推荐")
        assert incomplete.value.code == "unit_incomplete"
    finally:
        event.remove(service.db.bind, "before_cursor_execute", count)



def test_the_unit_opening_or_commenting_counts_as_acting_and_withdraw_is_refused(service):
    """The guide: 收回 while 单位还未审核 — opening the task (办理) or commenting is acting."""
    submitted(service)
    view = lambda: service.review_view(service.applications.get_application_internal("a1"))  # noqa: E731
    assert view()["can_withdraw"] is True
    service.application_detail(ADMIN, "a1")  # 办理
    assert view()["can_withdraw"] is False
    with pytest.raises(Conflict) as refused:
        service.claim_withdraw("a1", submission_no=1)
    assert refused.value.code == "cannot_withdraw"

    service.applications.add("a2")
    submitted(service, "a2")
    service.add_comment(ADMIN, "a2", "basic_info", "照片不清晰")
    with pytest.raises(Conflict) as refused:
        service.claim_withdraw("a2", submission_no=1)
    assert refused.value.code == "cannot_withdraw"


def test_status_changes_sent_together_are_each_handled_once_and_told_in_one_event(service):
    """applications' one message for a fees_paid batch's status changes
    (application_statuses_changed): each change kept on its case and told to its
    applicant as on_status_changed would, an event seen before (or twice in the
    message) once, a forward between nodes untold; the notices as one event."""
    from services.review.models import ProcessedEvent, ReviewCase
    from zc_common.outbox import batched
    submitted(service, "a1")
    submitted(service, "a2")
    ready = {"status": "ready_for_meeting", "from_status": "formal_review_passed", "action": "fee_paid",
             "status_info": vocabulary.status_info("ready_for_meeting")}
    first = {"application_id": "a1", "number": "RSSQa1", "applicant_id": "p1", "event_id": "s10", **ready,
             "_context": {"request_id": "req-10"}}
    second = {"application_id": "a2", "number": "RSSQa2", "applicant_id": "p2", "event_id": "s11", **ready}
    forward = {"application_id": "a2", "number": "RSSQa2", "applicant_id": "p2", "event_id": "s12",
               "status": "submitted", "from_status": "submitted"}
    unknown = {"application_id": "zz", "number": "RSSQzz", "applicant_id": "p3", "event_id": "s13", **ready}
    service.on_status_changed({**second, "_context": None})  # s11 handled alone before
    service.accounts.sent.clear()
    service.dispatch.events.clear()
    told_before = len([e for e in service.db.scalars(select(ProcessedEvent.event_id))])
    events, dispatch = [], service.dispatch

    def counted(event_type, payload):
        events.append(event_type)
        dispatch(event_type, payload)
    service.dispatch = counted
    service.on_statuses_changed(batched([first, first, second, forward, unknown]))
    assert events == ["notice_requested"]  # the two notices in one event
    sent = [m for m in service.accounts.sent if m["kind"] == "application_status"]
    assert [m["user_ids"] for m in sent] == [["p1"], ["p3"]]
    name = vocabulary.status_info("ready_for_meeting")["name"]
    assert all(name in m["subject"] for m in sent)
    assert service.db.get(ReviewCase, "a1").status == "ready_for_meeting"
    handled = set(service.db.scalars(select(ProcessedEvent.event_id)))
    assert {"s10", "s11", "s12", "s13"} <= handled and len(handled) == told_before + 3
    service.accounts.sent.clear()
    service.on_statuses_changed(batched([first, second, forward, unknown]))  # redelivered
    assert service.accounts.sent == []


def test_status_changes_sent_together_that_fail_as_one_are_handled_one_by_one(service, caplog):
    from zc_common.outbox import batched
    submitted(service, "a1")
    service.accounts.sent.clear()

    def broken(items):
        raise RuntimeError("the database refused the batch")
    service._statuses_changed = broken
    ready = {"status": "ready_for_meeting", "from_status": "formal_review_passed",
             "status_info": vocabulary.status_info("ready_for_meeting")}
    change = {"application_id": "a1", "number": "RSSQa1", "applicant_id": "p1", "event_id": "s20", **ready}
    with caplog.at_level("WARNING"):
        service.on_statuses_changed(batched([change, change]))
    assert "failed whole" in caplog.text
    assert [m["user_ids"] for m in service.accounts.sent if m["kind"] == "application_status"] == [["p1"]]
    from services.review.models import ReviewCase
    assert service.db.get(ReviewCase, "a1").status == "ready_for_meeting"


def _submission(service, application_id, submission_no=1):
    if application_id not in service.applications.apps:
        service.applications.add(application_id)
    return {"application_id": application_id, "submission_no": submission_no, "status": "submitted",
            "event_id": f"e-{application_id}-{submission_no}", "applicant_id": "p1",
            "number": "RSSQ" + application_id}


def test_a_batch_of_submissions_opens_every_round_and_tells_everyone_in_one_event(service):
    """applications' sender sends a deadline's submits several to a message
    (``applications_submitted``): each round is opened as if its event came alone,
    the notices go to accounts as one event, and a redelivered batch adds nothing."""
    batch = batched([_submission(service, app_id) for app_id in ("a1", "a2", "a3")])
    service.on_applications_submitted(batch)
    for app_id in ("a1", "a2", "a3"):
        [task] = tasks(service, app_id)
        assert (task.node, task.org_id, task.state, task.round) == ("unit", "u1", "open", 1)
    assert service.dispatch.notice_events == 1
    kinds = [m["kind"] for m in service.accounts.sent]
    assert kinds.count("application_status") == 3 and kinds.count("review_task") == 3
    assert {m["subject"] for m in service.accounts.sent if m["kind"] == "review_task"} == {
        "待审核申请书：RSSQa1", "待审核申请书：RSSQa2", "待审核申请书：RSSQa3"}

    service.on_applications_submitted(batch)  # the same message again
    assert [len(tasks(service, app_id)) for app_id in ("a1", "a2", "a3")] == [1, 1, 1]
    assert len(service.accounts.sent) == 6 and service.dispatch.notice_events == 1


def test_a_batch_skips_the_submissions_handled_before_and_opens_the_others(service):
    submitted(service, "a1")  # its event came alone first (the timer's relay sent it)
    service.accounts.sent.clear()
    service.on_applications_submitted(batched([_submission(service, "a1"), _submission(service, "a2")]))
    assert len(tasks(service, "a1")) == 1 and len(tasks(service, "a2")) == 1
    assert [m.get("org_ids") or m.get("user_ids") for m in service.accounts.sent] == [["p1"], ["u1"]]
    assert "RSSQa2" in service.accounts.sent[1]["subject"]


def test_a_batch_that_cannot_be_opened_together_is_opened_one_at_a_time(service):
    """One submission review cannot open (applications no longer knows it: a refusal
    that redelivery will not change) must not hold back the others of its batch."""
    gone = _submission(service, "gone")
    del service.applications.apps["gone"]
    service.on_applications_submitted(batched([_submission(service, "a1"), gone, _submission(service, "a2")]))
    assert len(tasks(service, "a1")) == 1 and len(tasks(service, "a2")) == 1
    assert tasks(service, "gone") == []
    assert sorted(m["kind"] for m in service.accounts.sent) == ["application_status"] * 2 + ["review_task"] * 2


def test_two_submissions_of_one_application_in_a_batch_open_their_rounds_in_order(service):
    """Submitted, withdrawn and submitted again within one batch's moment: the later
    round supersedes the earlier one, as when the two events come apart."""
    service.on_applications_submitted(batched([_submission(service, "a1", 1), _submission(service, "a1", 2)]))
    assert [(t.round, t.state) for t in tasks(service, "a1")] == [(1, "cancelled"), (2, "open")]
