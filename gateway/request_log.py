"""The request id and one log line per request.

Every request gets an id: the client's ``X-Request-ID`` when it is well formed (1–64
of letters, digits, ``._:-``; ``zc_common.logs.valid_request_id``), else a fresh one —
a malformed header is replaced, not refused, since the id only serves to find the
request in the logs. It is current (``zc_common.logs``) while the request is handled,
so every RPC the gateway sends carries it (gateway/rpc.py, header
``nameko.request_id``) and every line logged meanwhile names it; it is answered in the
``X-Request-ID`` header of every response, errors included; and the request ends with
one line: method, path, status, duration, the user when logged in.
"""
import logging
import time

from aiohttp import web

from gateway.auth import USER
from zc_common import logs

REQUEST_ID = "zc_request_id"   # request key
QUIET_PATHS = ("/api/v1/health", "/metrics")   # probes, every few seconds: DEBUG

log = logging.getLogger("gateway.requests")


class Outcome:
    status = 500   # what the client gets if the handler fails past every middleware


async def through(request, handler, outcome):
    """The rest of the chain, noting in ``outcome`` the status the client gets (an
    HTTPException's too, which goes on up): what the access log and the metrics record."""
    try:
        response = await handler(request)
        outcome.status = response.status
        return response
    except web.HTTPException as exc:
        outcome.status = exc.status
        raise


@web.middleware
async def request_log(request, handler):
    request_id = logs.valid_request_id(request.headers.get(logs.HTTP_HEADER)) or logs.new_request_id()
    request[REQUEST_ID] = request_id
    token = logs.bind(request_id)
    started = time.perf_counter()
    outcome = Outcome()
    try:
        return await through(request, handler, outcome)
    finally:
        status = outcome.status
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = request.get(USER)
        user_id = user.get("id") if isinstance(user, dict) else None
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        log.log(level, "%s %s %s %.1f ms", request.method, request.path, status, duration_ms,
                extra={"method": request.method, "path": request.path, "status": status,
                       "duration_ms": duration_ms, "user_id": user_id})
        logs.unbind(token)


async def _answer_request_id(request, response):
    request_id = request.get(REQUEST_ID)
    if request_id is not None:
        response.headers[logs.HTTP_HEADER] = request_id


def setup_request_log(app):
    """The header on every response: ``on_response_prepare`` also sees the answers
    aiohttp makes itself for an exception raised past every middleware."""
    app.on_response_prepare.append(_answer_request_id)
