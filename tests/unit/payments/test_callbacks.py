import time

import pytest
from sqlalchemy import func, select

from services.payments.models import CallbackLog, FeeOrder, OutboxEvent, Payment
from tests.unit.payments.conftest import notice, passed_event, signed_callback
from zc_common.errors import BadRequest, Conflict, Invalid, NotFound, Unauthorized


@pytest.fixture
def order(service):
    service.on_formal_review_passed(passed_event())
    order = service.db.scalar(select(FeeOrder))
    # Callbacks write on their own engine, behind this session: the tests' later
    # reads must load the order afresh, not get this copy back.
    service.db.expunge(order)
    return order


def count(service, model, *where):
    return service.db.scalar(select(func.count()).select_from(model).where(*where))


def outcomes(service):
    rows = service.db.scalars(select(CallbackLog).order_by(CallbackLog.received_at))
    return [(row.outcome, row.reason) for row in rows]


def test_a_signed_paid_callback_books_one_payment_and_announces_it(service, order):
    result = service.handle_callback("sandbox", *signed_callback(notice(order.order_no)))
    assert result["result"] == "accepted" and result["order_status"] == "paid"
    assert count(service, Payment) == 1
    assert service.db.scalar(select(FeeOrder)).status == "paid"
    event = service.db.scalar(select(OutboxEvent))
    assert event.event_type == "fee_paid" and event.published
    assert event.payload["order_no"] == order.order_no and event.payload["amount_fen"] == 30000
    assert outcomes(service) == [("accepted", None)]


def test_a_duplicate_is_acknowledged_without_effect(service, order):
    service.handle_callback("sandbox", *signed_callback(notice(order.order_no)))
    again = service.handle_callback("sandbox", *signed_callback(notice(order.order_no)))
    assert again["result"] == "duplicate"
    assert count(service, Payment) == 1 and count(service, OutboxEvent) == 1
    assert outcomes(service) == [("accepted", None), ("duplicate", None)]


def test_a_replayed_nonce_is_refused(service, order):
    body, headers = signed_callback(notice(order.order_no))
    service.handle_callback("sandbox", body, headers)
    with pytest.raises(Conflict) as caught:
        service.handle_callback("sandbox", body, headers)
    assert caught.value.code == "nonce_replayed"
    assert count(service, Payment) == 1
    assert outcomes(service)[-1] == ("refused", "nonce_replayed")


def test_a_forged_signature_is_refused_and_logged(service, order):
    body, headers = signed_callback(notice(order.order_no), secret=b"not-the-secret")
    with pytest.raises(Unauthorized) as caught:
        service.handle_callback("sandbox", body, headers)
    assert caught.value.code == "bad_signature"
    assert count(service, Payment) == 0 and service.db.scalar(select(FeeOrder)).status == "unpaid"
    assert outcomes(service) == [("refused", "bad_signature")]


def test_an_unsigned_callback_is_refused(service, order):
    body, _ = signed_callback(notice(order.order_no))
    with pytest.raises(Unauthorized) as caught:
        service.handle_callback("sandbox", body, {})
    assert caught.value.code == "missing_signature"


def test_a_stale_timestamp_is_refused(service, order):
    body, headers = signed_callback(notice(order.order_no), timestamp=int(time.time()) - 301)
    with pytest.raises(Unauthorized) as caught:
        service.handle_callback("sandbox", body, headers)
    assert caught.value.code == "stale_timestamp"
    assert count(service, Payment) == 0


def test_an_amount_mismatch_is_refused(service, order):
    with pytest.raises(Invalid) as caught:
        service.handle_callback("sandbox", *signed_callback(notice(order.order_no, amount_fen=29999)))
    assert caught.value.code == "amount_mismatch" and caught.value.field == "amount_fen"
    assert count(service, Payment) == 0 and count(service, OutboxEvent) == 0


def test_an_unknown_order_is_refused(service, order):
    with pytest.raises(Invalid) as caught:
        service.handle_callback("sandbox", *signed_callback(notice("ZF000")))
    assert caught.value.code == "unknown_order"


def test_a_paid_callback_for_a_cancelled_attempt_is_refused(service, order):
    service.handle_callback("sandbox", *signed_callback(notice(order.order_no, status="cancelled")))
    assert service.db.scalar(select(FeeOrder)).status == "unpaid"
    with pytest.raises(Conflict) as caught:
        service.handle_callback("sandbox", *signed_callback(notice(order.order_no)))
    assert caught.value.code == "transaction_cancelled"
    assert count(service, Payment) == 0


def test_a_late_cancellation_of_an_earlier_attempt_leaves_the_payment(service, order):
    service.handle_callback("sandbox", *signed_callback(notice(order.order_no, txn_id="SBX2")))
    late = service.handle_callback("sandbox", *signed_callback(
        notice(order.order_no, status="cancelled", txn_id="SBX1")))
    assert late["result"] == "accepted" and late["order_status"] == "paid"
    with pytest.raises(Conflict) as caught:
        service.handle_callback("sandbox", *signed_callback(notice(order.order_no, status="cancelled", txn_id="SBX2")))
    assert caught.value.code == "transaction_paid"
    assert count(service, Payment) == 1


def test_a_second_transaction_for_a_paid_order_is_refused(service, order):
    service.handle_callback("sandbox", *signed_callback(notice(order.order_no, txn_id="SBX1")))
    with pytest.raises(Conflict) as caught:
        service.handle_callback("sandbox", *signed_callback(notice(order.order_no, txn_id="SBX9")))
    assert caught.value.code == "already_paid"
    assert count(service, Payment) == 1


@pytest.mark.parametrize("body, code", [
    (b"not json", "malformed_callback"),
    (b"[1]", "malformed_callback"),
    (b'{"txn_id": "T", "order_no": "O", "status": "paid", "at": "x", "amount_fen": "12"}', "invalid_callback"),
    (b'{"txn_id": "T", "order_no": "O", "status": "refunded", "at": "x", "amount_fen": 1}', "invalid_callback"),
])
def test_a_signed_but_malformed_body_is_refused(service, order, body, code):
    import base64

    from services.payments import signing
    from tests.unit.payments.conftest import SECRET
    headers = signing.signed_headers(SECRET, body)
    with pytest.raises((BadRequest, Invalid)) as caught:
        service.handle_callback("sandbox", base64.b64encode(body).decode(), headers)
    assert caught.value.code == code
    assert outcomes(service) == [("refused", code)]


def test_an_unknown_provider_is_404(service):
    with pytest.raises(NotFound):
        service.handle_callback("paypal", "", {})


@pytest.mark.parametrize("body", [
    b"[" * 5000 + b"]" * 5000,                                     # deeper than the parser recurses
    b'{"order_no": "\\udfff", "txn_id": "T\\u0000", "status": "\\u0007"}',  # text no column takes
])
def test_a_hostile_unsigned_body_is_refused_and_logged(service, order, body):
    import base64
    with pytest.raises(Unauthorized) as caught:
        service.handle_callback("sandbox", base64.b64encode(body).decode(), {})
    assert caught.value.code == "missing_signature"
    assert outcomes(service) == [("refused", "missing_signature")]
