"""The fee as a new user meets it, through the gateway, the sandbox provider, the
real broker and databases: formal review passes → the applicant sees the fee →
pays (or cancels) in the sandbox → the application moves to ready_for_meeting by
itself. And reconciliation of the sandbox's statement against our books."""
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests
from nameko.standalone.events import event_dispatcher

from tests.client import expect
from tests.integration.payments_helpers import (
    callback_log,
    checkout_url,
    committee_with_fee,
    order_of,
    pay_in_sandbox,
    payments_of,
    publish_formal_review_passed,
    sandbox_url,
    send_signed,
    wait_for,
)
from tests.integration.test_review_setup import (
    build_world,
    climb_to_committee,
    new_application,
    status_of,
    submit,
    wait_status,
)
from zc_common.outbox import batched

FEE = 12345


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token, fee_fen=FEE)


def pass_formal_review(api, world, app):
    submit(api, app)
    climb_to_committee(api, world, app)
    token = world.staff[world.committee["id"]][0]
    expect(api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "形式审核通过"}), 200)
    wait_status(api, app, "formal_review_passed")


def fee_when_ready(api, app):
    def ready():
        response = api.get(f"/applications/{app['id']}/fee", token=app["token"])
        return response.json() if response.status_code == 200 else None
    return wait_for(ready, what="the fee order")


def test_the_applicant_pays_in_the_sandbox_and_the_application_moves_on(stack, api, world):
    app = new_application(api, world)
    expect(api.get(f"/applications/{app['id']}/fee", token=app["token"]), 404, "fee_not_found")
    pass_formal_review(api, world, app)

    fee = fee_when_ready(api, app)
    assert fee["amount_fen"] == FEE and fee["status"] == "unpaid"
    assert fee["order_no"].startswith("ZF")
    assert fee["pay_url"].startswith(sandbox_url(stack) + "/checkout?")

    page = requests.get(fee["pay_url"], timeout=30)
    assert page.status_code == 200
    assert fee["order_no"] in page.text and "¥123.45" in page.text and "支付" in page.text

    paid_page = pay_in_sandbox(fee["pay_url"])
    assert paid_page.status_code == 200 and "支付成功" in paid_page.text and "平台已确认收款" in paid_page.text

    after = expect(api.get(f"/applications/{app['id']}/fee", token=app["token"]), 200)
    assert after["status"] == "paid" and after["pay_url"] is None and after["order_no"] == fee["order_no"]
    wait_status(api, app, "ready_for_meeting")
    assert len(payments_of(stack, fee["order_no"])) == 1
    assert [r["outcome"] for r in callback_log(stack, fee["order_no"])] == ["accepted"]

    again = pay_in_sandbox(fee["pay_url"])
    assert again.status_code == 409 and "已支付" in again.text
    assert len(payments_of(stack, fee["order_no"])) == 1


def test_fee_paid_sent_together_moves_each_application_on(stack, api, world):
    """The wire form of payments' batch sender (zc_common/outbox_sender.py) as
    applications takes it from the real broker: each event by its own id."""
    apps = [new_application(api, world) for _ in range(2)]
    for app in apps:
        pass_formal_review(api, world, app)
    events = [{"event_id": str(uuid.uuid4()), "application_id": app["id"], "order_no": f"ZFBATCH{n}",
               "amount_fen": FEE, "paid_at": "2026-11-25T10:00:00+08:00"} for n, app in enumerate(apps)]
    dispatch = event_dispatcher({"AMQP_URI": stack.amqp_uri})
    dispatch("payments", "fees_paid", batched(events))
    for app in apps:
        wait_status(api, app, "ready_for_meeting")
        page = expect(api.get(f"/applications/{app['id']}", token=app["token"]), 200)
        assert page["status"] == "ready_for_meeting"
    # each event of the message handled once, by its own id
    handled = stack.sql("applications", "SELECT event_id FROM processed_events WHERE event_id = ANY(%s)",
                        [e["event_id"] for e in events])
    assert sorted(r["event_id"] for r in handled) == sorted(e["event_id"] for e in events)


def test_only_the_applicant_sees_their_fee(stack, api, world):
    app = new_application(api, world)
    pass_formal_review(api, world, app)
    fee_when_ready(api, app)
    stranger = new_application(api, world, name="李四")
    expect(api.get(f"/applications/{app['id']}/fee", token=stranger["token"]), 404, "fee_not_found")
    expect(api.get(f"/applications/{app['id']}/fee", token=world.unit_token), 403)
    expect(api.get(f"/applications/{app['id']}/fee"), 401)
    # a NUL in the id is refused at the edge (PostgreSQL cannot hold it), never a 500
    expect(api.get("/applications/a%00b/fee", token=app["token"]), 422, "invalid_text")
    expect(api.get(f"/applications/{'x' * 300}/fee", token=app["token"]), 404, "fee_not_found")


def test_cancelling_at_the_checkout_leaves_the_fee_unpaid_and_payable(stack, api, world):
    app = new_application(api, world)
    pass_formal_review(api, world, app)
    fee = fee_when_ready(api, app)
    cancelled = pay_in_sandbox(fee["pay_url"], action="cancel")
    assert cancelled.status_code == 200 and "已取消支付" in cancelled.text
    assert expect(api.get(f"/applications/{app['id']}/fee", token=app["token"]), 200)["status"] == "unpaid"
    assert status_of(api, app) == "formal_review_passed"
    assert pay_in_sandbox(fee["pay_url"]).status_code == 200
    wait_status(api, app, "ready_for_meeting")
    assert len(payments_of(stack, fee["order_no"])) == 1
    assert [(r["outcome"], r["status"]) for r in callback_log(stack, fee["order_no"])] == [
        ("accepted", "cancelled"), ("accepted", "paid")]


def test_a_tampered_pay_url_is_refused_by_the_sandbox(stack, api, world):
    app = new_application(api, world)
    pass_formal_review(api, world, app)
    fee = fee_when_ready(api, app)
    cheap = fee["pay_url"].replace(f"amount_fen={FEE}", "amount_fen=1")
    response = pay_in_sandbox(cheap)
    assert response.status_code == 400 and "链接无效" in response.text
    assert expect(api.get(f"/applications/{app['id']}/fee", token=app["token"]), 200)["status"] == "unpaid"
    assert payments_of(stack, fee["order_no"]) == []


def test_a_zero_fee_goes_straight_on(stack, api, admin_token):
    committee = committee_with_fee(api, admin_token, 0)
    event = publish_formal_review_passed(stack, committee["id"])
    order = order_of(stack, event["application_id"])
    assert order["status"] == "paid" and order["amount_fen"] == 0

    def published():
        rows = stack.sql("payments", "SELECT payload FROM outbox WHERE event_type = 'fee_paid' AND published")
        return [r for r in rows if r["payload"]["application_id"] == event["application_id"]]
    [row] = wait_for(published, what="fee_paid published")
    assert row["payload"]["amount_fen"] == 0 and row["payload"]["order_no"] == order["order_no"]


def sandbox_txn(stack, order_no):
    with sqlite3.connect(Path(stack.data_dir) / "sandbox-pay.sqlite3") as db:
        return db.execute("SELECT txn_id, paid_amount_fen FROM transactions WHERE order_no = ? AND status = 'paid'",
                          (order_no,)).fetchone()


def test_reconciliation_flags_what_the_provider_and_we_disagree_on(stack, api, admin_token):
    committee = committee_with_fee(api, admin_token, 5000)
    lost = order_of(stack, publish_formal_review_passed(stack, committee["id"])["application_id"])
    wrong = order_of(stack, publish_formal_review_passed(stack, committee["id"])["application_id"])
    fine = order_of(stack, publish_formal_review_passed(stack, committee["id"])["application_id"])
    ghost_no = "ZF20991231" + lost["order_no"][-10:]

    assert pay_in_sandbox(checkout_url(stack, lost["order_no"], 5000), simulate="lost_callback").status_code == 200
    refused = pay_in_sandbox(checkout_url(stack, wrong["order_no"], 5000), simulate="wrong_amount")
    assert "拒绝" in refused.text
    assert [r["reason"] for r in callback_log(stack, wrong["order_no"])] == ["amount_mismatch"]
    assert pay_in_sandbox(checkout_url(stack, ghost_no, 700)).status_code == 200
    assert pay_in_sandbox(checkout_url(stack, fine["order_no"], 5000)).status_code == 200
    assert payments_of(stack, lost["order_no"]) == [] and payments_of(stack, wrong["order_no"]) == []

    expect(api.post("/admin/payments/reconcile"), 401)
    summary = expect(api.post("/admin/payments/reconcile", token=admin_token), 200)
    assert summary["provider"] == "sandbox" and summary["statement_lines"] >= 4

    def flags():
        rows = expect(api.get("/admin/payments/mismatches", token=admin_token), 200)
        return {(m["kind"], m["order_no"]): m for m in rows}
    found = flags()
    assert ("unpaid_here", lost["order_no"]) in found
    differs = found[("amount_differs", wrong["order_no"])]
    assert differs["provider_amount_fen"] == 5001 and differs["our_amount_fen"] == 5000
    assert found[("unknown_order", ghost_no)]["provider_amount_fen"] == 700
    assert not [key for key in found if key[1] == fine["order_no"]]

    # The lost callback arrives late (the provider's own retry): the books agree again.
    txn_id, _ = sandbox_txn(stack, lost["order_no"])
    late = {"txn_id": txn_id, "order_no": lost["order_no"], "amount_fen": 5000, "status": "paid",
            "at": "2026-11-25T10:00:00+08:00"}
    assert expect(send_signed(api, stack, late)[0], 200)["result"] == "accepted"
    expect(api.post("/admin/payments/reconcile", token=admin_token), 200)
    assert ("unpaid_here", lost["order_no"]) not in flags()
    everything = expect(api.get("/admin/payments/mismatches", token=admin_token,
                                params={"include_resolved": "true"}), 200)
    [resolved] = [m for m in everything if m["order_no"] == lost["order_no"]]
    assert resolved["resolved_at"] is not None


def test_reconciliation_is_for_the_platform_admin(api, world):
    expect(api.post("/admin/payments/reconcile", token=world.unit_token), 403)
    expect(api.get("/admin/payments/mismatches", token=world.unit_token), 403)
    expect(api.get("/admin/payments/mismatches"), 401)
