"""HTTP routes of the payments area (see API.md "Payment"): the applicant's fee,
the providers' signed callbacks, and reconciliation for the platform admin."""
import base64

from pydantic import BaseModel, ConfigDict

from gateway.api import api
from gateway.responses import json_response
from gateway.schemas_out import LIST_OF_OBJECTS, CallbackOut, FeeOut, ReconcileOut
from services.payments.signing import SIGNED_HEADERS
from zc_common.errors import TooLarge

MAX_CALLBACK_BODY = 64 * 1024


class MismatchQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_resolved: bool = False


@api.route("GET", "/applications/{id}/fee", summary="查看评审费缴费订单", tag="缴费",
           roles=("applicant",), responses={404: "形式审查通过前或非本人申请"}, response=FeeOut)
async def get_fee(request, call):
    return await call.rpc.payments.get_fee(call.user, call.params["id"])


@api.route("POST", "/payments/callbacks/{provider}", summary="支付服务商回调（签名）", tag="缴费",
           responses={400: "格式错误", 401: "签名或时间戳无效", 409: "重放或与订单状态冲突",
                      422: "订单不存在或金额不符"}, raw_body=True, response=CallbackOut)
async def provider_callback(request, call):
    # The signature covers the exact bytes, so the body is passed on untouched.
    if request.content_length is not None and request.content_length > MAX_CALLBACK_BODY:
        raise TooLarge("callback_too_large", "回调内容过大")
    body = await request.read()  # chunked bodies are bounded by the app's client_max_size
    if len(body) > MAX_CALLBACK_BODY:
        raise TooLarge("callback_too_large", "回调内容过大")
    headers = {name: request.headers[name] for name in SIGNED_HEADERS if name in request.headers}
    result = await call.rpc.payments.handle_callback(
        call.params["provider"], base64.b64encode(body).decode("ascii"), headers)
    return json_response(result, status=200)


@api.route("POST", "/admin/payments/reconcile", summary="与支付服务商对账", tag="缴费",
           roles=("platform_admin",), responses={503: "服务商对账单暂不可用"}, response=ReconcileOut)
async def reconcile(request, call):
    return await call.rpc.payments.reconcile(call.user)


@api.route("GET", "/admin/payments/mismatches", summary="对账差异列表", tag="缴费",
           roles=("platform_admin",), query=MismatchQuery, response=LIST_OF_OBJECTS)
async def mismatches(request, call):
    return await call.rpc.payments.list_mismatches(call.user, include_resolved=call.query.include_resolved)
