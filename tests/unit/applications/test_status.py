import pytest
from sqlalchemy import select

from services.applications.models import OutboxEvent, ProcessedEvent, Transition
from tests.unit.applications.conftest import UNIT
from tests.unit.applications.helpers import enough_attachments, fill, qualification, settings
from tests.unit.applications.test_dossier import ME, new
from zc_common.errors import BadRequest, Conflict
from zc_common.outbox import batched, relay

UNIT_BY = {"user_id": "u1", "name": "单位管理员", "org_id": "org1", "org_name": "某设计院", "node": "unit",
           "impersonated_by": None}


def submitted(service, broker_down=False):
    settings(service)  # publishes committee_settings_changed (review's copy)
    service.dispatch.clear()
    service.dispatch.failing = broker_down
    app = new(service)
    fill(service, ME, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    service.submit(ME, app["id"])
    return app


def test_transition_moves_records_and_publishes(service):
    app = submitted(service)
    service.dispatch.clear()
    result = service.transition("r-1", app["id"], "return", "returned", UNIT_BY, opinion="学历证书不清晰")
    assert result == {"application_id": app["id"], "status": "returned",
                      "version": app["version"] + 11}  # 9 sections, submit, return: only what review needs
    last = service.get_application(ME, app["id"])["history"][-1]
    assert last["opinion"] == "学历证书不清晰" and last["by"]["org_name"] == "某设计院" and last["from"] == "submitted"
    assert [e for e, _ in service.dispatch] == ["application_returned", "application_status_changed"]
    payload = service.dispatch[1][1]
    assert payload["from_status"] == "submitted" and payload["status"] == "returned" and payload["event_id"]
    assert {"application_id", "number", "applicant_id", "unit_id", "committee_id", "year"} <= set(payload)


def test_transition_is_idempotent_by_request_id(service):
    app = submitted(service)
    first = service.transition("r-2", app["id"], "forward", "submitted", UNIT_BY)
    again = service.transition("r-2", app["id"], "forward", "submitted", UNIT_BY)
    assert again["version"] == first["version"]
    assert service.db.query(Transition).filter_by(action="forward").count() == 1
    assert len([e for e, _ in service.dispatch if e == "application_forwarded"]) == 1


def test_transition_refuses_what_the_life_cycle_does_not_allow(service):
    app = submitted(service)
    before = service.db.query(Transition).count()
    with pytest.raises(Conflict) as caught:
        service.transition("r-3", app["id"], "fee_paid", "ready_for_meeting", UNIT_BY)
    assert caught.value.code == "bad_transition"
    with pytest.raises(Conflict):
        service.transition("r-4", app["id"], "forward", "approved", UNIT_BY)
    with pytest.raises(BadRequest):
        service.transition("r-5", app["id"], "submit", "submitted", UNIT_BY)  # the applicant's own door only
    assert service.db.query(Transition).count() == before
    assert service.get_application(ME, app["id"])["status"] == "submitted"


def test_a_publish_failure_after_commit_loses_nothing(service):
    app = submitted(service, broker_down=True)  # committed while the broker is "down"
    assert service.dispatch == []
    pending = service.db.query(OutboxEvent).filter_by(published=False).count()
    assert pending == 1
    service.dispatch.failing = False
    service.relay_outbox()  # the timer's retry
    assert [e for e, _ in service.dispatch] == ["application_submitted"]
    assert service.dispatch[0][1]["application_id"] == app["id"]
    assert service.db.query(OutboxEvent).filter_by(published=False).count() == 0
    service.relay_outbox()
    assert len(service.dispatch) == 1  # nothing sent twice


def test_relay_stops_at_the_first_failure_and_keeps_order(service):
    app = submitted(service)
    service.dispatch.clear()
    service.transition("r-6", app["id"], "forward", "submitted", UNIT_BY)
    service.dispatch.clear()
    service.db.query(OutboxEvent).filter(OutboxEvent.event_type != "committee_settings_changed").update(
        {"published": False})
    service.db.commit()
    calls = []

    def flaky(event_type, payload):
        calls.append(event_type)
        if len(calls) == 2:
            raise ConnectionError("broker went away")

    assert relay(service.db, OutboxEvent, flaky) == 1
    assert service.db.query(OutboxEvent).filter_by(published=False).count() == 2
    sent = []
    assert relay(service.db, OutboxEvent, lambda e, p: sent.append(e)) == 2
    assert sent == ["application_forwarded", "application_status_changed"]


def test_fee_paid_event_moves_to_ready_for_meeting_once(service):
    app = submitted(service)
    committee = {"user_id": "c1", "name": "评委会", "org_id": "c", "org_name": "评委会", "node": "committee",
                 "impersonated_by": None}
    service.transition("r-7", app["id"], "pass_formal_review", "formal_review_passed", committee)
    event = {"event_id": "e-1", "application_id": app["id"], "order_no": "F1", "amount_fen": 30000}
    service.on_fee_paid(event)
    service.on_fee_paid(event)  # redelivered
    service.on_fee_paid({**event, "event_id": "e-2"})  # the same payment announced twice
    seen = service.get_application(ME, app["id"])
    assert seen["status"] == "ready_for_meeting"
    assert [h["action"] for h in seen["history"]].count("fee_paid") == 1
    assert service.db.query(ProcessedEvent).count() == 2


def test_fee_paid_for_an_application_not_waiting_for_it_changes_nothing(service):
    app = submitted(service)
    service.on_fee_paid({"event_id": "e-3", "application_id": app["id"], "order_no": "F2"})
    assert service.get_application(ME, app["id"])["status"] == "submitted"
    assert service.db.query(ProcessedEvent).count() == 1


def test_internal_view_for_other_services(service):
    app = submitted(service)
    seen = service.get_application_internal(app["id"])
    assert seen["number"] == app["number"] and seen["submissions_used"] == 1
    many = service.get_applications_internal([app["id"], "missing"])
    assert list(many) == [app["id"]]


def test_a_relay_that_breaks_after_the_commit_does_not_fail_the_call(service, monkeypatch):
    import zc_common.outbox as module

    def broken(*args, **kwargs):
        raise RuntimeError("database went away while relaying")

    # both ways a relay goes: the whole backlog, and straight after a commit
    working, sending = module.relay, module.ProcessRelay._send
    monkeypatch.setattr(module, "relay", broken)
    monkeypatch.setattr(module.ProcessRelay, "_send", broken)
    app = submitted(service)  # answered normally although nothing could be relayed
    assert service.get_application(ME, app["id"])["status"] == "submitted"
    pending = service.db.query(OutboxEvent).filter_by(published=False)
    assert pending.filter(OutboxEvent.event_type != "committee_settings_changed").count() == 1
    monkeypatch.setattr(module, "relay", working)
    monkeypatch.setattr(module.ProcessRelay, "_send", sending)
    service.relay_outbox()
    assert [e for e, _ in service.dispatch][-1:] == ["application_submitted"]


def _formal_review_passed(service):
    app = submitted(service)
    committee = {"user_id": "c1", "name": "评委会", "org_id": "c", "org_name": "评委会", "node": "committee",
                 "impersonated_by": None}
    service.transition("r-8", app["id"], "pass_formal_review", "formal_review_passed", committee)
    return app


def test_fee_paid_events_sent_together_are_each_handled_once_under_their_own_request(service):
    app = _formal_review_passed(service)
    service.dispatch.clear()
    paid = {"event_id": "e-4", "application_id": app["id"], "order_no": "F4", "amount_fen": 30000,
            "_context": {"request_id": "req-4"}}
    unknown = {"event_id": "e-5", "application_id": "x" * 32, "order_no": "F5", "amount_fen": 30000}
    batch = batched([paid, unknown])
    service.on_fees_paid(batch)
    service.on_fees_paid(batch)  # redelivered: both are in the inbox already
    seen = service.get_application(ME, app["id"])
    assert seen["status"] == "ready_for_meeting"
    assert [h["action"] for h in seen["history"]].count("fee_paid") == 1
    assert {row.event_id for row in service.db.query(ProcessedEvent)} >= {"e-4", "e-5"}
    # the status change announced under the request that booked the payment
    [stored] = [row.payload for row in service.db.query(OutboxEvent)
                if row.event_type == "application_status_changed" and row.payload.get("status") == "ready_for_meeting"]
    assert stored["_context"] == {"request_id": "req-4"}


def test_fee_paid_for_an_unknown_application_is_recorded_and_changes_nothing(service):
    service.on_fee_paid({"event_id": "e-6", "application_id": "y" * 32, "order_no": "F6", "amount_fen": 30000})
    assert [row.event_id for row in service.db.query(ProcessedEvent)] == ["e-6"]
    assert service.db.query(Transition).count() == 0


def _submitted_for(service, specialty):
    """Another of ME's applications (another title: one per title and year), submitted."""
    app = service.create_application(ME, {"qualification_id": qualification(service, specialty=specialty)["id"],
                                          "unit_id": UNIT, "year": 2026})
    fill(service, ME, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    service.submit(ME, app["id"])
    return app


def _formal_review_passed_too(service, specialty="电气工程"):
    app = _submitted_for(service, specialty)
    committee = {"user_id": "c1", "name": "评委会", "org_id": "c", "org_name": "评委会", "node": "committee",
                 "impersonated_by": None}
    service.transition(f"r-{specialty}", app["id"], "pass_formal_review", "formal_review_passed", committee)
    return app


def _fee_paid_moves(service, app_id):
    return service.db.query(Transition).filter_by(application_id=app_id, action="fee_paid").count()


def test_a_fee_paid_batch_is_handled_in_one_go_and_each_event_once(service, caplog):
    """One batch naming: an application waiting for its fee (twice: the same event
    redelivered within the batch, and its payment announced again by a second event),
    one not waiting for it, and none at all. Each event is recorded once, the waiting
    application moves once, the others change nothing, and the batch never falls back
    to one transaction per event."""
    waiting = _formal_review_passed(service)
    elsewhere = _submitted_for(service, "土木工程")  # submitted, not waiting for a fee
    service.dispatch.clear()
    paid = {"event_id": "e-10", "application_id": waiting["id"], "order_no": "F10", "amount_fen": 30000,
            "_context": {"request_id": "req-10"}}
    again = {**paid, "event_id": "e-11", "_context": {"request_id": "req-11"}}  # same payment, second event
    wrong = {"event_id": "e-12", "application_id": elsewhere["id"], "order_no": "F12", "amount_fen": 30000}
    missing = {"event_id": "e-13", "application_id": "z" * 32, "order_no": "F13", "amount_fen": 30000}
    with caplog.at_level("WARNING"):
        service.on_fees_paid(batched([paid, paid, again, wrong, missing]))
    assert "failed whole" not in caplog.text
    assert service.get_application(ME, waiting["id"])["status"] == "ready_for_meeting"
    assert _fee_paid_moves(service, waiting["id"]) == 1
    assert service.get_application(ME, elsewhere["id"])["status"] == "submitted"
    assert _fee_paid_moves(service, elsewhere["id"]) == 0
    handled = sorted(row.event_id for row in service.db.query(ProcessedEvent).filter_by(handler="fee_paid"))
    assert handled == ["e-10", "e-11", "e-12", "e-13"]
    changed = [payload for event, payload in service.dispatch if event == "application_status_changed"]
    assert [(p["application_id"], p["status"]) for p in changed] == [(waiting["id"], "ready_for_meeting")]
    # redelivered whole, and the same payment once more in a later batch: nothing moves again
    service.dispatch.clear()
    service.on_fees_paid(batched([paid, again, wrong, missing]))
    service.on_fees_paid(batched([{**paid, "event_id": "e-14"}]))
    assert _fee_paid_moves(service, waiting["id"]) == 1
    assert [e for e, _ in service.dispatch if e == "application_status_changed"] == []
    assert service.db.query(ProcessedEvent).filter_by(handler="fee_paid").count() == 5


def test_a_fee_paid_batch_moves_several_applications_each_under_its_own_request(service):
    first, second = _formal_review_passed(service), _formal_review_passed_too(service)
    service.dispatch.clear()
    events = [{"event_id": f"e-2{n}", "application_id": app["id"], "order_no": f"F2{n}", "amount_fen": 30000,
               "_context": {"request_id": f"req-2{n}"}} for n, app in enumerate((first, second))]
    service.on_fees_paid(batched(events))
    # the two status changes went as one message, each event as it would go alone
    [(kind, message)] = service.dispatch
    assert kind == "application_statuses_changed"
    assert [(e["application_id"], e["status"], e["_context"]) for e in message["events"]] == [
        (first["id"], "ready_for_meeting", {"request_id": "req-20"}),
        (second["id"], "ready_for_meeting", {"request_id": "req-21"})]
    assert service.db.query(OutboxEvent).filter_by(published=False).count() == 0
    for n, app in enumerate((first, second)):
        assert service.get_application(ME, app["id"])["status"] == "ready_for_meeting"
        [stored] = [row.payload for row in service.db.query(OutboxEvent)
                    if row.event_type == "application_status_changed" and row.payload["application_id"] == app["id"]
                    and row.payload["status"] == "ready_for_meeting"]
        assert stored["_context"] == {"request_id": f"req-2{n}"}


def test_a_fee_paid_batch_that_fails_whole_is_handled_event_by_event(service, monkeypatch, caplog):
    """Should the one-transaction way fail (here: made to), each event is still
    handled, in a transaction of its own, and none twice."""
    from services.applications import status as status_module
    app = _formal_review_passed(service)

    def broken(session, items):
        session.execute(select(Transition.id))  # something was begun, and must be rolled back
        raise RuntimeError("the database refused the batch")

    monkeypatch.setattr(status_module, "fees_paid", broken)
    paid = {"event_id": "e-30", "application_id": app["id"], "order_no": "F30", "amount_fen": 30000}
    with caplog.at_level("WARNING"):
        service.on_fees_paid(batched([paid, {**paid, "event_id": "e-31"}]))
    assert "failed whole" in caplog.text
    assert service.get_application(ME, app["id"])["status"] == "ready_for_meeting"
    assert _fee_paid_moves(service, app["id"]) == 1
    assert sorted(row.event_id for row in service.db.query(ProcessedEvent)) == ["e-30", "e-31"]


def test_status_changes_of_a_fee_paid_batch_held_back_by_the_broker_leave_later_one_by_one(service):
    first, second = _formal_review_passed(service), _formal_review_passed_too(service)
    service.dispatch.clear()
    service.dispatch.failing = True
    events = [{"event_id": f"e-4{n}", "application_id": app["id"], "order_no": f"F4{n}", "amount_fen": 30000}
              for n, app in enumerate((first, second))]
    service.on_fees_paid(batched(events))
    assert service.get_application(ME, first["id"])["status"] == "ready_for_meeting"
    assert service.db.query(OutboxEvent).filter_by(published=False).count() == 2
    service.dispatch.failing = False
    service.relay_outbox()
    assert [(e, p["application_id"]) for e, p in service.dispatch] == [
        ("application_status_changed", first["id"]), ("application_status_changed", second["id"])]
    assert service.db.query(OutboxEvent).filter_by(published=False).count() == 0
