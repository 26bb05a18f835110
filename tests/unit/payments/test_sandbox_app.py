"""The sandbox provider app on its own: its checkout, its signed callbacks with
retries, its statement. The platform it calls back is a small recording app."""
import asyncio
import json
import re

import pytest
from aiohttp import web

from services.payments import signing
from services.payments.sandbox import notifier
from services.payments.sandbox.app import init_app

SECRET = b"sandbox-unit-secret"


@pytest.fixture
async def platform(aiohttp_server):
    """Answers callbacks with the statuses queued in ``answers`` (200 when empty)."""
    received, answers = [], []

    async def callback(request):
        body = await request.read()
        h = request.headers
        ok = signing.signature_matches(SECRET, h.get(signing.TIMESTAMP_HEADER), h.get(signing.NONCE_HEADER),
                                       body, h.get(signing.SIGNATURE_HEADER))
        received.append({"body": json.loads(body), "signed": ok, "nonce": h.get(signing.NONCE_HEADER)})
        return web.json_response({}, status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/api/v1/payments/callbacks/sandbox", callback)
    server = await aiohttp_server(app)
    return {"url": str(server.make_url("/api/v1/payments/callbacks/sandbox")), "received": received,
            "answers": answers}


@pytest.fixture
async def sandbox(aiohttp_client, tmp_path, monkeypatch):
    monkeypatch.setattr(notifier, "FIRST_DELAY", 0.05)
    return await aiohttp_client(init_app({"db_path": tmp_path / "sandbox.sqlite3", "secret": lambda: SECRET}))


def pay_path(platform, order_no="ZF1", amount=30000):
    return "/checkout?" + signing.checkout_query(SECRET, order_no, amount, "职称评审费", platform["url"])


async def test_the_checkout_page_shows_the_order_in_chinese(sandbox, platform):
    response = await sandbox.get(pay_path(platform))
    text = await response.text()
    assert response.status == 200
    assert "ZF1" in text and "¥300.00" in text and "支付" in text and "取消" in text


async def test_a_tampered_link_is_refused(sandbox, platform):
    path = pay_path(platform).replace("amount_fen=30000", "amount_fen=1")
    assert (await sandbox.get(path)).status == 400
    assert (await sandbox.post(path, data={"action": "pay"})).status == 400
    assert platform["received"] == []


async def test_paying_calls_the_platform_back_signed(sandbox, platform):
    response = await sandbox.post(pay_path(platform), data={"action": "pay"})
    text = await response.text()
    assert response.status == 200 and "支付成功" in text and "返回申报平台" in text
    assert '/my/applications">返回申报平台' in text   # the applicant's applications, not the portal home
    [call] = platform["received"]
    assert call["signed"] and call["body"]["status"] == "paid" and call["body"]["amount_fen"] == 30000
    again = await sandbox.post(pay_path(platform), data={"action": "pay"})
    assert again.status == 409 and len(platform["received"]) == 1


async def test_a_callback_is_retried_with_fresh_nonces_until_acknowledged(sandbox, platform):
    platform["answers"].extend([503, 500])
    response = await sandbox.post(pay_path(platform), data={"action": "pay"})
    assert "稍后会自动重试" in await response.text()
    for _ in range(100):
        if len(platform["received"]) == 3:
            break
        await asyncio.sleep(0.05)
    assert len(platform["received"]) == 3
    assert len({call["nonce"] for call in platform["received"]}) == 3
    assert all(call["signed"] for call in platform["received"])


async def test_a_refusal_stops_the_retries(sandbox, platform):
    platform["answers"].append(422)
    response = await sandbox.post(pay_path(platform), data={"action": "pay"})
    assert "拒绝" in await response.text()
    await asyncio.sleep(0.3)
    assert len(platform["received"]) == 1


async def test_cancel_then_pay_makes_two_transactions(sandbox, platform):
    assert (await sandbox.post(pay_path(platform), data={"action": "cancel"})).status == 200
    assert (await sandbox.post(pay_path(platform), data={"action": "pay"})).status == 200
    cancelled, paid = (call["body"] for call in platform["received"])
    assert cancelled["status"] == "cancelled" and paid["status"] == "paid"
    assert cancelled["txn_id"] != paid["txn_id"]


def signed_get_headers(path="/api/statement", secret=SECRET):
    return signing.signed_headers(secret, path.encode())


async def test_the_statement_is_signed_and_lists_settled_transactions(sandbox, platform):
    await sandbox.post(pay_path(platform, "ZF1"), data={"action": "pay"})
    await sandbox.post(pay_path(platform, "ZF2"), data={"action": "cancel"})
    await sandbox.post(pay_path(platform, "ZF3", 500), data={"action": "pay", "simulate": "wrong_amount"})
    response = await sandbox.get("/api/statement", headers=signed_get_headers())
    body = await response.read()
    h = response.headers
    assert signing.signature_matches(SECRET, h[signing.TIMESTAMP_HEADER], h[signing.NONCE_HEADER], body,
                                     h[signing.SIGNATURE_HEADER])
    lines = {line["order_no"]: line for line in json.loads(body)["transactions"]}
    assert set(lines) == {"ZF1", "ZF3"} and lines["ZF3"]["amount_fen"] == 501


async def test_the_statement_needs_a_fresh_signed_request(sandbox):
    assert (await sandbox.get("/api/statement")).status == 401
    assert (await sandbox.get("/api/statement", headers=signed_get_headers(secret=b"x"))).status == 401
    headers = signed_get_headers()
    assert (await sandbox.get("/api/statement", headers=headers)).status == 200
    assert (await sandbox.get("/api/statement", headers=headers)).status == 409


async def test_lost_callback_pays_without_telling_the_platform(sandbox, platform):
    response = await sandbox.post(pay_path(platform), data={"action": "pay", "simulate": "lost_callback"})
    assert response.status == 200
    assert platform["received"] == []
    index = await (await sandbox.get("/")).text()
    assert re.search(r"ZF1.*paid", index, re.S)


async def test_the_pages_carry_the_security_headers_and_admit_only_their_own_style(sandbox, platform):
    import base64
    import hashlib

    from services.payments.sandbox.pages import STYLE
    for response in (await sandbox.get(pay_path(platform)), await sandbox.get("/checkout?order_no=x&sig=bad"),
                     await sandbox.get("/nowhere")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    page = await sandbox.get(pay_path(platform))
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert f"<style>{STYLE}</style>" in await page.text()
    assert f"style-src 'self' 'sha256-{digest}'" in page.headers["Content-Security-Policy"]
