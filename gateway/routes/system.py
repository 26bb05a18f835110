"""Health, the OpenAPI document, and a bare RPC echo (the floor the benchmarks compare with)."""
import asyncio

from gateway.api import api, openapi_document
from gateway.keys import RPC
from gateway.responses import json_response
from gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable
from gateway.schemas_out import OPENAPI, Echo, HealthOut
from zc_common.config import SERVICES


@api.route("GET", "/health", summary="健康检查：网关与各服务", tag="系统", response=HealthOut, calls_services=False,
           responses={503: ("有服务未应答（同样的结构，列出未应答的服务）", HealthOut)})
async def health(request, call):
    async def probe(service):
        try:
            await request.app[RPC].call(service, "ping", timeout=3)
            return "ok"
        except ServiceUnavailable:
            return "unavailable"
        except ServiceTimeout:
            return "timeout"
        except RemoteError:
            return "error"
    states = await asyncio.gather(*(probe(s) for s in SERVICES))
    services = dict(zip(SERVICES, states))
    ok = all(state == "ok" for state in services.values())
    return json_response({"status": "ok" if ok else "degraded", "services": services},
                             status=200 if ok else 503)


@api.route("GET", "/openapi.json", summary="本接口的 OpenAPI 文档", tag="系统", response=OPENAPI,
           calls_services=False)
async def openapi(request, call):
    return openapi_document(api.operations)


@api.route("GET", "/echo", summary="RPC 回声（基准测试用）", tag="系统", response=Echo)
async def echo(request, call):
    return await request.app[RPC].accounts.echo(request.query.get("text", "ok"))
