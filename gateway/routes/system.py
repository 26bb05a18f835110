"""Health, the OpenAPI document, and a bare RPC echo (the floor the benchmarks compare with)."""
import asyncio
import weakref

from gateway.api import api, openapi_document
from gateway.keys import RPC
from gateway.responses import json_response
from gateway.rpc import RemoteError, RpcClient, ServiceTimeout, ServiceUnavailable
from gateway.schemas_out import OPENAPI, Echo, HealthOut
from zc_common.config import SERVICES

HEALTH_TIMEOUT = 2.0   # seconds each service has to answer its health RPC
HEALTH_FRESH_FOR = 1.0  # seconds one round of checks is reused: probes ask often
_rounds = weakref.WeakKeyDictionary()  # app -> (started, task) of its latest round


async def _service_health(rpc, service):
    """(state, the service's answer or None)."""
    try:
        answer = await rpc.call(service, "health", timeout=HEALTH_TIMEOUT)
    except ServiceUnavailable:
        return "unavailable", None
    except ServiceTimeout:
        return "timeout", None
    except RemoteError:
        return "error", None
    return ("ok" if answer.get("ok") else "unhealthy"), answer


async def _health_round(rpc):
    answers = await asyncio.gather(*(_service_health(rpc, s) for s in SERVICES))
    consumers = rpc.consumers if isinstance(rpc, RpcClient) else {}  # counted every second
    services = {s: state for s, (state, _) in zip(SERVICES, answers)}
    ok = all(state == "ok" for state in services.values())
    return {"status": "ok" if ok else "degraded", "services": services,
            "instances": {s: consumers.get(s) for s in SERVICES},
            "checks": {s: answer["checks"] for s, (_, answer) in zip(SERVICES, answers) if answer}}


@api.route("GET", "/health", summary="健康检查：网关与各服务（各服务的数据库、对象存储与实例数）", tag="系统",
           response=HealthOut, calls_services=False,
           responses={503: ("有服务未应答或不健康（同样的结构，列出该服务及原因）", HealthOut)})
async def health(request, call):
    # Concurrent and repeated requests within HEALTH_FRESH_FOR share one round of
    # checks: a load balancer's probes cost the services at most one RPC each a second.
    loop = asyncio.get_running_loop()
    started, task = _rounds.get(request.app, (None, None))
    if task is None or (task.done() and loop.time() - started > HEALTH_FRESH_FOR):
        started, task = loop.time(), loop.create_task(_health_round(request.app[RPC]))
        _rounds[request.app] = (started, task)
    body = await asyncio.shield(task)
    return json_response(body, status=200 if body["status"] == "ok" else 503)


@api.route("GET", "/openapi.json", summary="本接口的 OpenAPI 文档", tag="系统", response=OPENAPI,
           calls_services=False)
async def openapi(request, call):
    return openapi_document(api.operations)


@api.route("GET", "/echo", summary="RPC 回声（基准测试用）", tag="系统", response=Echo)
async def echo(request, call):
    return await request.app[RPC].accounts.echo(request.query.get("text", "ok"))
