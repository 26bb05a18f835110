"""The sandbox provider's web app: ``init_app(settings)`` and ``main`` (listens on
loopback at ``ZC_SANDBOX_PORT``).

    GET  /checkout?<signed order>   the checkout page (支付 / 取消)
    POST /checkout?<signed order>   action=pay | cancel: settles, then calls the platform back
    GET  /api/statement             signed request → signed JSON of every settled transaction
    GET  /                          recent transactions (for developers)
"""
import asyncio
import base64
import contextlib
import hashlib
import json
import os
import time

import aiohttp
from aiohttp import web

from gateway.security import CSP, HEADERS, setup_security_headers
from services.payments import signing
from services.payments.providers.sandbox import TIMESTAMP_WINDOW
from services.payments.sandbox import pages
from services.payments.sandbox.notifier import Notifier
from services.payments.sandbox.store import AlreadyPaid, Store
from zc_common import logs
from zc_common.config import data_dir

SETTINGS = web.AppKey("settings", dict)
STORE = web.AppKey("store", Store)
NOTIFIER = web.AppKey("notifier", Notifier)


def html(result):
    status, text = result
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def order_from(request):
    """The order a checkout link describes, or None if its signature does not hold."""
    params = {name: request.query.get(name, "") for name in (*signing.CHECKOUT_FIELDS, "sig")}
    if not signing.checkout_params_valid(request.app[SETTINGS]["secret"](), params):
        return None
    try:
        if int(params["amount_fen"]) < 0:
            return None
    except ValueError:
        return None
    return params


async def checkout_page(request):
    order = order_from(request)
    if order is None:
        return html(pages.bad_link())
    if request.app[STORE].paid_transaction(order["order_no"]) is not None:
        return html(pages.already_paid(order["order_no"]))
    return html(pages.checkout(order, request.path_qs))


async def checkout_action(request):
    order = order_from(request)
    if order is None:
        return html(pages.bad_link())
    form = await request.post()
    store, notifier = request.app[STORE], request.app[NOTIFIER]
    action, simulate = form.get("action"), form.get("simulate", "")
    try:
        if action == "pay":
            amount = int(order["amount_fen"]) + (1 if simulate == "wrong_amount" else 0)
            txn_id, notification = store.pay(order, amount, notify=simulate != "lost_callback")
            # The first attempt happens now, so the payer sees the platform's answer;
            # the loop retries whatever is left.
            state = await notifier.deliver(notification) if notification is not None else None
            return html(pages.paid(order, txn_id, state))
        if action == "cancel":
            _, notification = store.cancel(order)
            await notifier.deliver(notification)
            return html(pages.cancelled(order))
    except AlreadyPaid:
        return html(pages.already_paid(order["order_no"]))
    return html(pages.bad_action())


async def statement(request):
    """Reconciliation: only the platform (holder of the shared secret) may ask, and
    the answer is signed so the platform knows it came from here."""
    secret = request.app[SETTINGS]["secret"]()
    timestamp = request.headers.get(signing.TIMESTAMP_HEADER)
    nonce = request.headers.get(signing.NONCE_HEADER)
    given = request.headers.get(signing.SIGNATURE_HEADER)
    if not signing.signature_matches(secret, timestamp, nonce, request.path.encode(), given):
        return web.json_response({"error": {"code": "bad_signature", "message": "请求签名无效"}}, status=401)
    try:
        fresh = abs(time.time() - int(timestamp)) <= TIMESTAMP_WINDOW
    except ValueError:
        fresh = False
    if not fresh:
        return web.json_response({"error": {"code": "stale_timestamp", "message": "请求时间戳超出范围"}}, status=401)
    if not request.app[STORE].use_nonce(nonce, TIMESTAMP_WINDOW):
        return web.json_response({"error": {"code": "nonce_replayed", "message": "请求随机串已使用过"}}, status=409)
    body = json.dumps({"provider": "sandbox", "transactions": request.app[STORE].statement()},
                      ensure_ascii=False).encode()
    return web.Response(body=body, content_type="application/json", charset="utf-8",
                        headers=signing.signed_headers(secret, body))


async def index(request):
    return html(pages.index(request.app[STORE].recent()))


async def resources(app):
    settings = app[SETTINGS]
    settings["secret"]()  # settle the data dir's secret key now, before anyone needs it
    app[STORE] = Store(settings["db_path"])
    session = aiohttp.ClientSession()
    app[NOTIFIER] = Notifier(app[STORE], settings["secret"], session)
    loop_task = asyncio.create_task(app[NOTIFIER].run())
    yield
    loop_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await loop_task
    await session.close()
    app[STORE].close()


def sandbox_headers():
    """The gateway's security headers; the CSP admits the pages' one inline
    stylesheet by its hash (and nothing else inline)."""
    digest = base64.b64encode(hashlib.sha256(pages.STYLE.encode()).digest()).decode()
    csp = CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
    return {**HEADERS, "Content-Security-Policy": csp}


def init_app(settings=None):
    settings = {"db_path": None, "secret": signing.sandbox_secret, **(settings or {})}
    if settings["db_path"] is None:
        settings["db_path"] = data_dir() / "sandbox-pay.sqlite3"
    app = web.Application(client_max_size=64 * 1024)
    app[SETTINGS] = settings
    setup_security_headers(app, sandbox_headers())
    app.cleanup_ctx.append(resources)
    app.router.add_get("/checkout", checkout_page)
    app.router.add_post("/checkout", checkout_action)
    app.router.add_get("/api/statement", statement)
    app.router.add_get("/", index)
    return app


def main():
    logs.configure("sandbox_pay")
    port = int(os.environ.get("ZC_SANDBOX_PORT", "8081"))
    web.run_app(init_app(), host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
