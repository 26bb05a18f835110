"""Who is calling: a Bearer token (or the web frontend's HttpOnly cookie). The
accounts service owns sessions; the gateway checks the token itself and keeps the
actor it stands for until accounts announces a change (gateway/actors.py) — so
logout, expiry and disabling still take effect at once on every gateway instance."""
from aiohttp import web

from gateway.actors import Actors
from gateway.keys import ACTORS, RPC
from zc_common.errors import Unauthorized

COOKIE = "zc_token"
USER = "zc_user"


def actors_of(app: web.Application) -> Actors:
    """The app's actors (app.py); an app built without them (unit tests) asks accounts."""
    actors = app.get(ACTORS)
    return actors if actors is not None else Actors(app[RPC])


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
    user = await actors_of(request.app).actor_for(token)
    request[USER] = user
    return user
