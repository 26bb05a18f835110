import pytest
from sqlalchemy import func, select

from services.payments.models import FeeOrder, OutboxEvent
from tests.unit.payments.conftest import passed_event
from zc_common.errors import NotFound


def test_formal_review_passed_opens_an_order_priced_by_the_committee(service):
    service.on_formal_review_passed(passed_event())
    order = service.db.scalar(select(FeeOrder))
    assert order.amount_fen == 30000 and order.status == "unpaid"
    assert order.order_no.startswith("ZF") and len(order.order_no) == 20
    service.applications.get_committee_settings.assert_called_once_with("com-1")
    assert service.db.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_the_same_event_twice_makes_one_order(service):
    service.on_formal_review_passed(passed_event())
    service.on_formal_review_passed(passed_event())
    service.on_formal_review_passed(passed_event(event_id="another-delivery"))
    assert service.db.scalar(select(func.count()).select_from(FeeOrder)) == 1


def test_a_zero_fee_goes_straight_on(service):
    service.applications.get_committee_settings.return_value = {"fee_fen": 0}
    service.on_formal_review_passed(passed_event())
    order = service.db.scalar(select(FeeOrder))
    assert order.status == "paid" and order.amount_fen == 0
    event = service.db.scalar(select(OutboxEvent))
    assert event.event_type == "fee_paid" and event.published
    assert event.payload["amount_fen"] == 0 and event.payload["application_id"] == "app-1"
    service.dispatch.assert_called_once_with("fee_paid", event.payload)


def test_an_order_waits_for_its_price_when_applications_does_not_answer(service):
    service.applications.get_committee_settings.side_effect = RuntimeError("down")
    service.on_formal_review_passed(passed_event())
    assert service.db.scalar(select(FeeOrder)).status == "pricing"
    with pytest.raises(NotFound):
        service.get_fee({"id": "user-1"}, "app-1")
    service.applications.get_committee_settings.side_effect = None
    service.housekeeping()
    assert service.db.scalar(select(FeeOrder)).status == "unpaid"


def test_the_owner_sees_the_fee_with_a_signed_pay_url(service):
    service.on_formal_review_passed(passed_event())
    service.applications.get_application_internal.return_value = {"id": "app-1", "applicant": {"id": "user-1"}}
    fee = service.get_fee({"id": "user-1", "role": "applicant"}, "app-1")
    assert fee["amount_fen"] == 30000 and fee["status"] == "unpaid"
    assert fee["pay_url"].startswith("http://sandbox.test/checkout?order_no=" + fee["order_no"])
    assert "sig=" in fee["pay_url"]


def test_someone_else_gets_404(service):
    service.on_formal_review_passed(passed_event())
    service.applications.get_application_internal.return_value = {"id": "app-1", "applicant": {"id": "user-1"}}
    with pytest.raises(NotFound) as caught:
        service.get_fee({"id": "user-2", "role": "applicant"}, "app-1")
    assert caught.value.code == "fee_not_found"


def test_no_fee_before_formal_review_passes(service):
    with pytest.raises(NotFound):
        service.get_fee({"id": "user-1"}, "app-1")
    service.applications.get_application_internal.assert_not_called()


@pytest.mark.parametrize("bad_id", ["x" * 65, "a\x00b", 12])
def test_odd_application_ids_are_simply_not_found(service, bad_id):
    with pytest.raises(NotFound):
        service.get_fee({"id": "user-1"}, bad_id)


def test_a_kind_without_fee_never_gets_an_order(service):
    """初次确定, 授予, 访惠聚三年高定, 特殊人才认定: no order, no price asked, no fee_paid."""
    event = {**passed_event(), "kind": {"key": "initial", "name": "初次确定", "fee": False, "meeting": False}}
    service.on_formal_review_passed(event)
    service.on_formal_review_passed(event)
    assert service.db.scalar(select(func.count()).select_from(FeeOrder)) == 0
    assert service.db.scalar(select(func.count()).select_from(OutboxEvent)) == 0
    service.applications.get_committee_settings.assert_not_called()
    with pytest.raises(NotFound):
        service.get_fee({"id": "user-1"}, "app-1")
    # the review kind's event (fee: true) still opens one
    service.on_formal_review_passed({**passed_event(application_id="app-2", event_id="ev-2"),
                                     "kind": {"key": "review", "fee": True}})
    assert service.db.scalar(select(func.count()).select_from(FeeOrder)) == 1
