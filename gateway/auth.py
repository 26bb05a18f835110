"""Who is calling: a Bearer token (or the web frontend's HttpOnly cookie),
checked by the accounts service, which owns sessions — so logout and expiry take
effect at once on every gateway instance."""
from aiohttp import web

from gateway.keys import RPC
from zc_common.errors import Unauthorized

COOKIE = "zc_token"
USER = "zc_user"


def token_of(request: web.Request):
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE)


async def authenticate(request: web.Request):
    if USER in request:
        return request[USER]
    token = token_of(request)
    if not token:
        raise Unauthorized("not_logged_in", "请先登录")
    if not token.isascii():  # tokens are ASCII; a non-UTF-8 header byte arrives as a lone surrogate
        raise Unauthorized("not_logged_in", "登录凭证无效，请重新登录")
    user = await request.app[RPC].accounts.authenticate(token)
    request[USER] = user
    return user
