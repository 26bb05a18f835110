"""The route table: every endpoint is declared once, with the pydantic models it
validates with. The same table registers aiohttp routes and writes the OpenAPI
document, so the two cannot drift apart.

    @api.route("POST", "/register/unit", body=UnitRegistration, status=201,
               summary="基层单位注册")
    async def register_unit(request, call):
        return await call.rpc.accounts.register_unit(call.body.model_dump())

A handler gets the request and a ``Call``: ``rpc`` (the RPC client), ``body`` (the
validated model, or None), ``query`` (validated query model, or None), ``user``
(the authenticated actor, or None) and ``params`` (path parameters). It returns
JSON-able data (sent with ``status``) or an aiohttp response.
"""
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from gateway import input_checks
from gateway.application_pages import forget_written
from gateway.auth import authenticate
from gateway.keys import RPC
from gateway.responses import json_response
from zc_common import idempotency
from zc_common.errors import Forbidden, error_body

API_PREFIX = "/api/v1"


@dataclass
class Operation:
    method: str
    path: str
    handler: Any
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    roles: tuple | None = None       # None: public; () any logged-in user
    raw_body: bool = False           # the handler reads the body itself (uploads)
    responses: dict = field(default_factory=dict)  # status -> description, or (description, model)
    idempotent: bool = False         # takes an Idempotency-Key header (decisions)
    # Reachable while the account must still replace an administrator-issued password.
    before_password_change: bool = False
    calls_services: bool = True      # False: answers without any RPC (no 503/504)


@dataclass
class Call:
    rpc: Any
    user: dict | None
    params: dict
    body: Any = None
    query: Any = None
    idempotency_key: str | None = None


class Api:
    def __init__(self):
        self.operations: list[Operation] = []

    def route(self, method, path, *, summary, tag, body=None, query=None, response=None,
              status=200, roles=None, raw_body=False, responses=None, idempotent=False,
              before_password_change=False, calls_services=True):
        def register(handler):
            self.operations.append(Operation(
                method=method, path=path, handler=handler, summary=summary, tag=tag,
                body=body, query=query, response=response, status=status, roles=roles,
                raw_body=raw_body, responses=responses or {}, idempotent=idempotent,
                before_password_change=before_password_change, calls_services=calls_services))
            return handler
        return register

    def setup(self, app):
        for op in self.operations:
            app.router.add_route(op.method, API_PREFIX + op.path, _wrap(op))


api = Api()


def validation_error(exc: ValidationError):
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return json_response(
        error_body("invalid_field", f"字段 {where or '请求'} 不符合要求：{_zh(first)}", field=where or None,
                   params={"reason": "request", "field": where or "request", "type": first.get("type", "")}),
        status=422)


def _zh(error):
    kind = error.get("type", "")
    return {
        "missing": "必填",
        "string_type": "应为文本",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "bool_type": "应为是/否",
        "list_type": "应为列表",
        "dict_type": "应为对象",
        "model_type": "应为对象",
        "string_too_short": "不能为空或过短",
        "string_too_long": "过长",
        "too_long": "项目过多",
        "literal_error": "取值不在允许范围内",
        "enum": "取值不在允许范围内",
        "greater_than_equal": "过小",
        "less_than_equal": "过大",
        "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
        "datetime_parsing": "时间格式应为 ISO 8601",
        "datetime_from_date_parsing": "时间格式应为 ISO 8601",
        "extra_forbidden": "不允许的字段",
    }.get(kind, "格式不正确")


def password_change_pending(user):
    """The account holds an administrator-issued password it has not replaced yet.
    An administrator acting as the user (模拟用户) is not the holder: not held back."""
    return bool(user.get("must_change_password")) and not user.get("impersonated_by")


def _wrap(op: Operation):
    async def handler(request: web.Request):
        # Text no service could store or send back is refused before any call.
        input_checks.check_params(request.match_info)
        input_checks.check_query(request.query)
        user = None
        if op.roles is not None:
            user = await authenticate(request)
            if password_change_pending(user) and not op.before_password_change:
                raise Forbidden("password_change_required", "您的密码由管理员重置，请先修改密码")
            if op.roles and user["role"] not in op.roles:
                raise Forbidden("forbidden", "当前角色无权进行此操作")
        call = Call(rpc=request.app[RPC], user=user, params=dict(request.match_info))
        if op.idempotent:  # checked here for a quick 422; the owning service checks again
            call.idempotency_key = idempotency.check_key(request.headers.get(idempotency.HEADER))
        try:
            if op.query is not None:
                call.query = op.query.model_validate(dict(request.query))
            if op.body is not None and not op.raw_body:
                call.body = op.body.model_validate(await input_checks.read_json(request))
        except ValidationError as exc:
            return validation_error(exc)
        forget_written(request)
        try:
            result = await op.handler(request, call)
        finally:
            forget_written(request)
        if isinstance(result, web.StreamResponse):
            return result
        return json_response(result, status=op.status)
    handler.__name__ = op.handler.__name__
    return handler




# What the gateway or its services may answer for any route of a kind, so every
# route declares them without repeating them: a route's own ``responses`` only adds
# its domain-specific statuses (409 codes and the like) and may word these better.
AUTH_ERRORS = {401: "未登录或会话已失效（not_logged_in 等）"}
PASSWORD_PENDING_ERRORS = {403: "密码由管理员重置，须先修改密码（password_change_required）"}
ROLE_ERRORS = {403: "当前角色无权进行此操作（forbidden）；或须先修改密码（password_change_required）"}
JSON_BODY_ERRORS = {400: "请求体不是有效的 JSON（malformed_json）", 408: "请求体到达过慢（body_too_slow）",
                    413: "请求体过大"}
UPLOAD_ERRORS = {400: "上传内容格式不正确（multipart_required、malformed_multipart）",
                 408: "上传速度低于最低速率或超时（upload_too_slow）", 413: "文件过大（file_too_large）",
                 415: "文件类型不支持（unsupported_file_type）", 429: "同时上传的文件过多（too_many_uploads）"}
RAW_BODY_ERRORS = {413: "请求体过大"}
OBJECT_ERRORS = {404: "对象不存在，或调用者无权查看"}
FIELD_ERRORS = {422: "字段不符合要求（invalid_field、invalid_text 等，field 指明字段）"}
SERVICE_ERRORS = {503: "后台服务暂不可用（service_unavailable）", 504: "后台服务响应超时（service_timeout）"}


def error_statuses(op: Operation):
    """Every error status the route can answer, with its description."""
    statuses = {}
    upload = op.raw_body and op.body is not None
    if upload:
        statuses.update(UPLOAD_ERRORS)
    elif op.raw_body:
        statuses.update(RAW_BODY_ERRORS)
    elif op.body is not None:
        statuses.update(JSON_BODY_ERRORS)
    if op.roles is not None:
        statuses.update(AUTH_ERRORS)
        if not op.before_password_change:
            statuses.update(PASSWORD_PENDING_ERRORS)
    if op.roles:
        statuses.update(ROLE_ERRORS)
    if _path_params(op.path):
        statuses.update(OBJECT_ERRORS)
    if op.body is not None or op.query is not None or _path_params(op.path):
        statuses.update(FIELD_ERRORS)
    if op.idempotent:
        statuses[422] = "字段不符合要求；或 Idempotency-Key 格式不符或已用于其他操作"
    if op.calls_services:
        statuses.update(SERVICE_ERRORS)
    for status, described in op.responses.items():
        statuses[status] = described
    return dict(sorted(statuses.items()))


def _schema_ref(model):
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _is_model(thing):
    return isinstance(thing, type) and issubclass(thing, BaseModel)


def _success(op: Operation):
    if op.status == 204:
        return {"description": "成功（无内容）"}
    ok = {"description": "成功"}
    if _is_model(op.response):
        ok["content"] = {"application/json": {"schema": _schema_ref(op.response)}}
    elif isinstance(op.response, dict):
        ok["content"] = {"application/json": {"schema": op.response}}
    elif isinstance(op.response, str):
        ok["content"] = {op.response: {"schema": {"type": "string", "format": "binary"}}}
    return ok


def _error(described):
    """A route's error response: a description, or (description, model) for a body
    that is not API.md's error shape (health's 503 names the services)."""
    text, model = described if isinstance(described, tuple) else (described, None)
    schema = _schema_ref(model) if model is not None else {"$ref": "#/components/schemas/Error"}
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def _query_parameters(model):
    properties = model.model_json_schema(ref_template="#/components/schemas/{model}").get("properties", {})
    return [{"name": name, "in": "query", "required": fld.is_required(),
             "schema": {k: v for k, v in properties.get(name, {}).items() if k not in ("title", "description")}
             or {"type": "string"},
             "description": fld.description or ""}
            for name, fld in model.model_fields.items()]


def openapi_document(operations):
    models = set()
    for op in operations:
        for model in (op.body, op.query, op.response):
            if _is_model(model):
                models.add(model)
        for described in op.responses.values():
            if isinstance(described, tuple):
                models.add(described[1])
    pairs = [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)]
    _, defs = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    paths = {}
    for op in operations:
        entry = {"summary": op.summary, "tags": [op.tag], "operationId": op.handler.__name__}
        if op.roles is not None:
            entry["security"] = [{"bearer": []}, {"cookie": []}]
            if op.roles:
                entry["description"] = "角色：" + "、".join(op.roles)
                entry["x-roles"] = list(op.roles)
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _path_params(op.path)]
        if op.idempotent:
            params.append(IDEMPOTENCY_PARAMETER)
        if op.query is not None:
            params.extend(_query_parameters(op.query))
        if params:
            entry["parameters"] = params
        if op.body is not None:
            content = "multipart/form-data" if op.raw_body else "application/json"
            entry["requestBody"] = {"required": True, "content": {content: {"schema": _schema_ref(op.body)}}}
        responses = {str(op.status): _success(op)}
        for status, described in error_statuses(op).items():
            responses[str(status)] = _error(described)
        entry["responses"] = responses
        paths.setdefault(API_PREFIX + op.path, {})[op.method.lower()] = entry
    schemas = defs.get("$defs", {})
    schemas["Error"] = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "description": "stable; clients may word the error from it and params"},
            "message": {"type": "string", "description": "in the Accept-Language asked for (zh-CN default, ug-CN)"},
            "field": {"type": "string"},
            "params": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "the values the message names (a limit, a time, a field's label)"}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "zhicheng 职称评审申报平台 API", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "zc_token"}}},
    }


IDEMPOTENCY_PARAMETER = {
    "name": idempotency.HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "客户端生成的幂等键（1–64 个可见 ASCII 字符）。同一用户以同一键重试同一操作，"
                   "返回首次结果而不重复执行（保留 24 小时）；"
                   "同一键用于其他操作或其他申请书 → 422 idempotency_key_reused；"
                   "格式不符 → 422 invalid_idempotency_key。",
}


def _path_params(path):
    # Also a parameter inside a segment, as in /certificates/{no}.pdf.
    return re.findall(r"\{([^}:]+)", path)
