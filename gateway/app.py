"""The aiohttp application: ``init_app(settings)`` wires the RPC client, the error
middleware and every route module; ``main`` serves it on ``ZC_PORT``."""
import asyncio
import os

import uvloop
from aiohttp import web

from gateway import routes  # noqa: F401  (importing registers every endpoint)
from gateway.actors import Actors, start_actors
from gateway.api import api
from gateway.application_pages import application_pages
from gateway.keys import ACTORS, RPC, SETTINGS
from gateway.metrics import setup_metrics
from gateway.middleware import errors
from gateway.objects import object_store
from gateway.request_log import request_log, setup_request_log
from gateway.rpc import RpcClient
from gateway.security import setup_security_headers
from gateway.upload_limits import UPLOAD_LIMITS, UploadLimits, UploadSettings
from gateway.web import setup_frontend
from zc_common import logs
from zc_common.config import SERVICES, amqp_uri, rpc_timeout, secret_key

MAX_JSON_BODY = 1024 * 1024  # JSON bodies; uploads stream with their own limit


async def rpc_client(app):
    if RPC in app:  # injected (tests)
        yield
        return
    client = RpcClient(app[SETTINGS]["amqp_uri"], timeout=app[SETTINGS]["rpc_timeout"], services=SERVICES)
    await client.start()
    app[RPC] = client
    yield
    await client.close()


async def actors(app):
    """Cached actors for a gateway that owns its broker connection (the events that
    keep the cache current arrive on it); an injected client (tests) has none, so
    accounts is asked on every request there."""
    if app.get(ACTORS) is not None or not isinstance(app[RPC], RpcClient):
        app.setdefault(ACTORS, Actors(app[RPC]))
        yield
        return
    app[ACTORS], listener = await start_actors(app[RPC], secret_key())
    yield
    if listener is not None:
        await listener.close()


def init_app(settings=None, rpc=None):
    settings = {"amqp_uri": amqp_uri(), "rpc_timeout": rpc_timeout(), **(settings or {})}
    app = web.Application(middlewares=[request_log, errors], client_max_size=MAX_JSON_BODY)
    app[SETTINGS] = settings
    app[UPLOAD_LIMITS] = UploadLimits(settings.get("uploads") or UploadSettings.from_env())
    setup_security_headers(app)
    setup_request_log(app)
    if rpc is not None:
        app[RPC] = rpc
    app.cleanup_ctx.append(rpc_client)
    app.cleanup_ctx.append(actors)
    app.cleanup_ctx.append(application_pages)
    app.cleanup_ctx.append(object_store)
    setup_metrics(app)  # after the RPC client's context: it times the client's calls
    api.setup(app)
    setup_frontend(app)
    return app


def main():
    logs.configure("gateway")
    port = int(os.environ.get("ZC_PORT", "8080"))
    host = os.environ.get("ZC_HOST", "127.0.0.1")
    # Several gateway processes share the port when make run starts replicas
    # (deploy/processes.py sets this); otherwise a second gateway on a taken port
    # fails at once, as it should.
    shared = os.environ.get("ZC_GATEWAY_REUSE_PORT") == "1"
    # libuv's loop: the stock one's selector and callback handling were a fifth of the
    # gateway's CPU under a deadline's load (bench/steps.py; py-spy).
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    web.run_app(init_app(), host=host, port=port, access_log=None, print=None, reuse_port=shared or None)


if __name__ == "__main__":
    main()
