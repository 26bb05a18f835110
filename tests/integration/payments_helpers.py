"""Builders for the payments integration tests: a committee with a fee, a fee order
made by a real ``formal_review_passed`` event through the stack's broker, and
callbacks signed the way the sandbox provider signs them."""
import json
import time
import uuid
from pathlib import Path

import requests
from nameko.standalone.events import event_dispatcher

from services.payments import signing
from tests.client import expect, wait_for

CALLBACK_PATH = "/payments/callbacks/sandbox"


def sandbox_secret(stack):
    """The key the stack's payments service and sandbox share (as they derive it)."""
    if stack.env.get("ZC_SANDBOX_SECRET"):
        return stack.env["ZC_SANDBOX_SECRET"].encode()
    key = stack.env.get("ZC_SECRET_KEY")
    if not key:
        path = Path(stack.env["ZC_DATA_DIR"]) / "secret.key"
        # The sandbox settles the key file as it starts.
        key = wait_for(lambda: path.exists() and path.read_text().strip(), what="the data dir's secret key")
    return signing.derive_sandbox_secret(key)


def sandbox_url(stack):
    return f"http://127.0.0.1:{stack.env['ZC_SANDBOX_PORT']}"


def committee_with_fee(api, admin_token, fee_fen):
    body = {"kind": "committee", "name": f"缴费测试评审委员会{uuid.uuid4().hex[:6]}", "region_code": "650000",
            "contact": {"person": "王五", "phone": "0991-7654321", "address": "乌鲁木齐市"}}
    committee = expect(api.post("/admin/organizations", json=body, token=admin_token), 201)
    settings = {"submit_opens_at": "2026-01-01T00:00:00+08:00", "submit_closes_at": "2026-12-31T23:59:59+08:00",
                "max_submissions": 3, "fee_fen": fee_fen, "receiving_department_ids": []}
    expect(api.put(f"/admin/committees/{committee['id']}/settings", json=settings, token=admin_token), 200)
    return committee


def publish_formal_review_passed(stack, committee_id, application_id=None, applicant_id=None, number=None):
    """A real event through the real broker, as applications publishes it."""
    application_id = application_id or uuid.uuid4().hex
    payload = {"event_id": str(uuid.uuid4()), "application_id": application_id,
               "number": number or f"RSSQ{int(time.time() * 1000) % 10**12:012d}",
               "applicant_id": applicant_id or uuid.uuid4().hex, "unit_id": uuid.uuid4().hex,
               "committee_id": committee_id, "year": 2026, "status": "formal_review_passed"}
    dispatch = event_dispatcher({"AMQP_URI": stack.amqp_uri})
    dispatch("applications", "formal_review_passed", payload)
    return payload


def order_of(stack, application_id, seconds=15):
    """The fee order the event made (read from the payments database)."""
    def priced():
        rows = stack.sql("payments", "SELECT * FROM fee_orders WHERE application_id = %s AND status <> 'pricing'",
                         application_id)
        return rows[0] if rows else None
    return wait_for(priced, seconds, f"the fee order of {application_id}")


def open_order(stack, api, admin_token, committee=None, fee_fen=30000):
    committee = committee or committee_with_fee(api, admin_token, fee_fen)
    event = publish_formal_review_passed(stack, committee["id"])
    return order_of(stack, event["application_id"])


def notice(order, status="paid", txn_id=None, amount_fen=None):
    return {"txn_id": txn_id or "T" + uuid.uuid4().hex[:16], "order_no": order["order_no"],
            "amount_fen": order["amount_fen"] if amount_fen is None else amount_fen,
            "status": status, "at": "2026-11-25T10:00:00+08:00"}


def post_callback(api, body, headers):
    return api.post(CALLBACK_PATH, data=body, headers={"Content-Type": "application/json", **headers})


def send_signed(api, stack, payload, secret=None, timestamp=None, nonce=None):
    """Sign and send; returns (response, body, headers) so a test can replay it."""
    body = json.dumps(payload).encode()
    headers = signing.signed_headers(secret or sandbox_secret(stack), body, timestamp=timestamp, nonce=nonce)
    return post_callback(api, body, headers), body, headers


def payments_of(stack, order_no):
    return stack.sql("payments", "SELECT * FROM payments WHERE order_no = %s", order_no)


def callback_log(stack, order_no):
    return stack.sql("payments", "SELECT outcome, reason, status, txn_id FROM callback_log "
                                 "WHERE order_no = %s ORDER BY received_at", order_no)


def checkout_url(stack, order_no, amount_fen, notify_url=None):
    """A signed checkout link as the payments service makes one (for orders a test invents)."""
    notify_url = notify_url or f"{stack.base_url}/api/v1{CALLBACK_PATH}"
    query = signing.checkout_query(sandbox_secret(stack), order_no, amount_fen, "职称评审费", notify_url)
    return f"{sandbox_url(stack)}/checkout?{query}"


def pay_in_sandbox(pay_url, action="pay", simulate=""):
    return requests.post(pay_url, data={"action": action, "simulate": simulate}, timeout=60)
