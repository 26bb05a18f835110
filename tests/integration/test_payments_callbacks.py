"""Provider callbacks through the gateway, the real broker and PostgreSQL: forged,
unsigned, stale, replayed, duplicated, out-of-order and amount-mismatched — each
refused or absorbed, with exactly one payment recorded per order."""
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.payments import signing
from tests.client import expect
from tests.integration.payments_helpers import (
    callback_log,
    notice,
    open_order,
    payments_of,
    post_callback,
    send_signed,
    wait_for,
)


@pytest.fixture
def order(stack, api, admin_token):
    return open_order(stack, api, admin_token, fee_fen=30000)


def order_status(stack, order_no):
    return stack.sql("payments", "SELECT status FROM fee_orders WHERE order_no = %s", order_no)[0]["status"]


def fee_paid_events(stack, order_no):
    rows = stack.sql("payments", "SELECT payload, published FROM outbox WHERE event_type = 'fee_paid'")
    return [row for row in rows if row["payload"]["order_no"] == order_no]


def test_a_signed_callback_books_the_payment_and_publishes_fee_paid(stack, api, order):
    response, _, _ = send_signed(api, stack, notice(order))
    body = expect(response, 200)
    assert body["result"] == "accepted" and body["order_status"] == "paid"
    assert len(payments_of(stack, order["order_no"])) == 1
    assert order_status(stack, order["order_no"]) == "paid"
    [event] = wait_for(lambda: [e for e in fee_paid_events(stack, order["order_no"]) if e["published"]],
                       what="fee_paid published")
    assert event["payload"]["amount_fen"] == 30000
    assert event["payload"]["application_id"] == order["application_id"]


def test_a_forged_signature_is_refused(stack, api, order):
    response, _, _ = send_signed(api, stack, notice(order), secret=b"an attacker's guess")
    expect(response, 401, "bad_signature")
    assert payments_of(stack, order["order_no"]) == []
    assert order_status(stack, order["order_no"]) == "unpaid"
    assert [r["outcome"] for r in callback_log(stack, order["order_no"])] == ["refused"]


def test_a_body_changed_after_signing_is_refused(stack, api, order):
    _, body, headers = send_signed(api, stack, notice(order, status="cancelled"))
    tampered = body.replace(b'"cancelled"', b'"paid"')
    expect(post_callback(api, tampered, {**headers, signing.NONCE_HEADER: headers[signing.NONCE_HEADER]}),
           401, "bad_signature")
    assert payments_of(stack, order["order_no"]) == []


def test_an_unsigned_callback_is_refused(stack, api, order):
    expect(post_callback(api, json.dumps(notice(order)).encode(), {}), 401, "missing_signature")
    assert payments_of(stack, order["order_no"]) == []


def test_a_stale_timestamp_is_refused(stack, api, order):
    response, _, _ = send_signed(api, stack, notice(order), timestamp=int(time.time()) - 6 * 60)
    expect(response, 401, "stale_timestamp")
    response, _, _ = send_signed(api, stack, notice(order), timestamp=int(time.time()) + 6 * 60)
    expect(response, 401, "stale_timestamp")
    assert payments_of(stack, order["order_no"]) == []
    assert [r["reason"] for r in callback_log(stack, order["order_no"])] == ["stale_timestamp"] * 2


def test_a_replayed_request_is_refused(stack, api, order):
    first, body, headers = send_signed(api, stack, notice(order))
    expect(first, 200)
    expect(post_callback(api, body, headers), 409, "nonce_replayed")
    assert len(payments_of(stack, order["order_no"])) == 1
    assert [(r["outcome"], r["reason"]) for r in callback_log(stack, order["order_no"])] == [
        ("accepted", None), ("refused", "nonce_replayed")]


def test_a_replayed_nonce_is_refused_even_before_anything_was_booked(stack, api, order):
    first, _, headers = send_signed(api, stack, notice(order, amount_fen=1))
    expect(first, 422, "amount_mismatch")
    again, _, _ = send_signed(api, stack, notice(order), nonce=headers[signing.NONCE_HEADER])
    expect(again, 409, "nonce_replayed")
    assert payments_of(stack, order["order_no"]) == []


def test_a_duplicate_is_acknowledged_without_effect(stack, api, order):
    payload = notice(order)
    expect(send_signed(api, stack, payload)[0], 200)
    again = expect(send_signed(api, stack, payload)[0], 200)
    assert again["result"] == "duplicate"
    assert len(payments_of(stack, order["order_no"])) == 1
    assert len(fee_paid_events(stack, order["order_no"])) == 1


def test_the_same_paid_callback_racing_itself_books_once(stack, api, order):
    payload = notice(order)
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: send_signed(api, stack, payload)[0], range(8)))
    results = sorted(expect(r, 200)["result"] for r in responses)
    assert results == ["accepted"] + ["duplicate"] * 7
    assert len(payments_of(stack, order["order_no"])) == 1
    assert len(fee_paid_events(stack, order["order_no"])) == 1


def test_a_transaction_id_another_order_was_paid_with_is_refused(stack, api, admin_token, order):
    first = notice(order)
    assert expect(send_signed(api, stack, first)[0], 200)["result"] == "accepted"
    other = open_order(stack, api, admin_token, fee_fen=30000)
    expect(send_signed(api, stack, notice(other, txn_id=first["txn_id"]))[0], 409, "transaction_order_mismatch")
    assert payments_of(stack, other["order_no"]) == [] and order_status(stack, other["order_no"]) == "unpaid"
    assert fee_paid_events(stack, other["order_no"]) == []
    assert [(r["outcome"], r["reason"]) for r in callback_log(stack, other["order_no"])] == [
        ("refused", "transaction_order_mismatch")]


def test_a_booked_callback_is_logged_with_what_it_said(stack, api, order):
    payload = notice(order)
    response, body, headers = send_signed(api, stack, payload)
    callback_id = expect(response, 200)["callback_id"]
    [row] = stack.sql("payments", "SELECT * FROM callback_log WHERE order_no = %s", order["order_no"])
    assert row["id"] == callback_id and row["outcome"] == "accepted" and row["reason"] is None
    assert row["body"] == body.decode() and row["nonce"] == headers[signing.NONCE_HEADER]
    assert row["signature"] == headers[signing.SIGNATURE_HEADER] and row["amount_fen"] == 30000
    [payment] = payments_of(stack, order["order_no"])
    assert payment["callback_id"] == callback_id and payment["txn_id"] == payload["txn_id"]


def test_an_amount_mismatch_is_refused(stack, api, order):
    body = expect(send_signed(api, stack, notice(order, amount_fen=order["amount_fen"] - 1))[0],
                  422, "amount_mismatch")
    assert body["error"]["field"] == "amount_fen"
    assert payments_of(stack, order["order_no"]) == []
    assert order_status(stack, order["order_no"]) == "unpaid"


def test_a_callback_for_an_unknown_order_is_refused(stack, api, order):
    ghost = {**order, "order_no": "ZF20260101" + "9" * 10}
    expect(send_signed(api, stack, notice(ghost))[0], 422, "unknown_order")
    [row] = stack.sql("payments", "SELECT outcome, reason FROM callback_log WHERE order_no = %s", ghost["order_no"])
    assert row == {"outcome": "refused", "reason": "unknown_order"}


def test_a_paid_callback_for_a_cancelled_attempt_is_refused(stack, api, order):
    cancelled = notice(order, status="cancelled")
    assert expect(send_signed(api, stack, cancelled)[0], 200)["result"] == "accepted"
    assert order_status(stack, order["order_no"]) == "unpaid"
    expect(send_signed(api, stack, {**cancelled, "status": "paid"})[0], 409, "transaction_cancelled")
    assert payments_of(stack, order["order_no"]) == []


def test_out_of_order_callbacks_leave_exactly_one_payment(stack, api, order):
    """The payer cancelled attempt A, then paid with attempt B; the provider's
    callbacks arrive B, A, B (a retry)."""
    paid_b = notice(order, txn_id="TB" + order["order_no"][-10:])
    cancelled_a = notice(order, status="cancelled", txn_id="TA" + order["order_no"][-10:])
    assert expect(send_signed(api, stack, paid_b)[0], 200)["result"] == "accepted"
    late = expect(send_signed(api, stack, cancelled_a)[0], 200)
    assert late["result"] == "accepted" and late["order_status"] == "paid"
    assert expect(send_signed(api, stack, paid_b)[0], 200)["result"] == "duplicate"
    expect(send_signed(api, stack, {**paid_b, "status": "cancelled"})[0], 409, "transaction_paid")
    expect(send_signed(api, stack, notice(order, txn_id="TC" + order["order_no"][-10:]))[0], 409, "already_paid")
    [payment] = payments_of(stack, order["order_no"])
    assert payment["txn_id"] == paid_b["txn_id"]
    assert order_status(stack, order["order_no"]) == "paid"
    assert len(fee_paid_events(stack, order["order_no"])) == 1


@pytest.mark.parametrize("body, status, code", [
    (b"{not json", 400, "malformed_callback"),
    (b'{"txn_id": "T1", "order_no": "X", "status": "paid", "at": "x", "amount_fen": -5}', 422, "invalid_callback"),
    (b'{"txn_id": "T1", "order_no": "X", "status": "refunded", "at": "x", "amount_fen": 5}', 422, "invalid_callback"),
])
def test_a_signed_but_malformed_callback_is_refused(stack, api, body, status, code):
    from tests.integration.payments_helpers import sandbox_secret
    expect(post_callback(api, body, signing.signed_headers(sandbox_secret(stack), body)), status, code)


def test_nul_characters_are_refused_not_a_500(stack, api, order):
    from tests.integration.payments_helpers import sandbox_secret
    for forged in (b'{"order_no": "' + order["order_no"].encode() + b'\\u0000"}', b'{"note": "\x00"}'):
        expect(post_callback(api, forged, signing.signed_headers(b"guess", forged)), 401, "bad_signature")
    signed = json.dumps({**notice(order), "txn_id": "T\u0000"}).encode()
    expect(post_callback(api, signed, signing.signed_headers(sandbox_secret(stack), signed)), 422, "invalid_callback")
    assert payments_of(stack, order["order_no"]) == []


def test_an_unknown_provider_is_404(api):
    expect(api.post("/payments/callbacks/paypal", data=b"{}"), 404, "unknown_provider")


def test_an_oversized_callback_is_refused(api):
    expect(api.post("/payments/callbacks/sandbox", data=b"x" * (65 * 1024)), 413, "callback_too_large")
