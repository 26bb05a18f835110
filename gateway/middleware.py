"""One error middleware: domain errors (remote or local) → API.md's error shape,
with the status from ``zc_common.errors.HTTP_STATUS``; a service that does not
answer → 503; one that answers too late → 504. Unexpected failures are logged and
answered 500 without internals."""
import logging

from aiohttp import web

from gateway.error_messages import localize_body, negotiate
from gateway.responses import json_response
from gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable
from zc_common.errors import DomainError, error_body, from_remote

log = logging.getLogger("gateway")

HTTP_ERRORS = {
    400: ("bad_request", "请求格式不正确"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持此请求方法"),
    413: ("file_too_large", "请求体过大"),
}


DEFAULT_RETRY_AFTER = 60  # seconds, for a 429 whose throttle did not say


def error_response(body, status, request):
    """API.md's error shape, with ``Retry-After`` when the error knows when to come
    back — and on every 429, so every throttle of the platform gives the header (one
    that did not say is logged, to be fixed, and answered with a default)."""
    headers = _retry_after(body["error"])
    if status == 429 and headers is None:
        log.warning("429 without retry_after on %s %s (%s)", request.method, request.path, body["error"].get("code"))
        headers = {"Retry-After": str(DEFAULT_RETRY_AFTER)}
    return json_response(body, status=status, headers=headers)


@web.middleware
async def errors(request, handler):
    """Every error answer in API.md's shape, its message in the language the client
    asked for (Accept-Language; zh-CN by default). The code and params never change."""
    response = await _answer(request, handler)
    if response.status < 400 or not isinstance(response, web.Response) or response.content_type != "application/json":
        return response
    lang = negotiate(request.headers.get("Accept-Language"))
    response.headers["Content-Language"] = lang
    if lang == "zh-CN":
        return response
    body = localize_body(response.body, lang)
    if body is None:
        return response
    headers = {k: v for k, v in response.headers.items() if k in ("Retry-After", "Content-Language")}
    return json_response(body, status=response.status, headers=headers)


async def _answer(request, handler):
    try:
        return await handler(request)
    except DomainError as exc:
        return error_response(error_body(exc.code, exc.message, **exc.extra), exc.status, request)
    except RemoteError as exc:
        mapped = from_remote(exc.exc_type, exc.exc_args)
        if mapped is None:
            log.error("unexpected remote error on %s %s: %s", request.method, request.path, exc)
            return json_response(error_body("internal_error", "服务内部错误，请稍后重试"), status=500)
        status, body = mapped
        return error_response(body, status, request)
    except ServiceUnavailable as exc:
        return json_response(error_body("service_unavailable", f"后台服务暂不可用（{exc.service}），请稍后重试",
                                        params={"service": exc.service}), status=503)
    except ServiceTimeout as exc:
        return json_response(error_body("service_timeout", f"后台服务响应超时（{exc.service}），请稍后重试",
                                        params={"service": exc.service}), status=504)
    except web.HTTPException as exc:
        if exc.status in HTTP_ERRORS and request.path.startswith("/api/"):
            code, message = HTTP_ERRORS[exc.status]
            return json_response(error_body(code, message), status=exc.status)
        raise


def _retry_after(fields):
    """An error that knows when to come back says so in the standard header too
    (``retry_after`` may arrive as text: nameko serialises an error's scalars so)."""
    try:
        seconds = int(str(fields.get("retry_after")))
    except ValueError:
        return None
    return {"Retry-After": str(seconds)} if seconds > 0 else None
