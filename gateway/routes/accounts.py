"""HTTP routes of the accounts area (API.md: bootstrap and administration,
registration and login, base unit), plus recovery, appeals, impersonation, audit
and the public directory reads the frontend needs."""
import base64
import ipaddress
import os
import re
import secrets
from urllib.parse import quote

from aiohttp import web
from pydantic import ValidationError

from gateway.api import api, validation_error
from gateway.auth import COOKIE, actors_of, token_of
from gateway.responses import json_response
from gateway.schemas_accounts import (
    AppealDecision,
    AppealForm,
    AppealQuery,
    ApplicantRegistration,
    AuditQuery,
    CreditCodeAppealForm,
    EmailRecoveryBody,
    ImpersonateBody,
    LoginBody,
    LoginOut,
    OrganizationBody,
    OrganizationQuery,
    PasswordChange,
    ProfileUpdate,
    RegionQuery,
    ResetBody,
    SmsRecoveryBody,
    StaffBody,
    StaffOut,
    StaffStatusBody,
    SwitchRegionBody,
    UnitQuery,
    UnitRegistration,
    UnitUpdate,
    UserOut,
)
from gateway.schemas_out import (
    AppealOut,
    AppealReceived,
    ApplicantRegistered,
    AuditEntry,
    CommitteeContact,
    CreditCodeAppealOut,
    DepartmentOut,
    Done,
    OrganizationOut,
    PasswordReset,
    ProfileOut,
    RecoveryStarted,
    RegionOut,
    StaffCreated,
    UnitBrief,
    UnitOut,
    UnitRegistered,
    UsernameRecovered,
    list_of,
    page_of,
)
from gateway.upload_limits import UPLOAD_RESPONSES, received_upload
from zc_common.text import printable_name

TAG_AUTH = "注册与登录"
TAG_ADMIN = "平台管理"
TAG_UNIT = "基层单位"
TAG_PUBLIC = "公共查询"
TAG_RECOVERY = "找回账号与申诉"


def _trusted_proxies():
    spec = os.environ.get("ZC_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
    return [ipaddress.ip_network(part.strip()) for part in spec.split(",") if part.strip()]


TRUSTED_PROXIES = _trusted_proxies()


def _trusted(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in TRUSTED_PROXIES)


def client_address(request):
    """The caller's address for throttling and the audit log: ``request.remote``, or,
    when that is a trusted reverse proxy (``ZC_TRUSTED_PROXIES``, loopback by
    default), the nearest untrusted hop of ``X-Forwarded-For``."""
    address = request.remote or "unknown"
    if not _trusted(address):
        return address
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            # Junk from the header is kept as text a database takes (a byte that was
            # not UTF-8 arrives as a lone surrogate).
            return printable_name(hop[:64])
    return address


def _with_cookie(data, token, status=200):
    response = json_response(data, status=status)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="Lax", path="/")
    else:
        response.del_cookie(COOKIE, path="/")
    return response


DEVICE_COOKIE = "zc_device"
DEVICE_HEADER = "X-Device-Id"
DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{22,128}")
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def device_of(request):
    """The caller's device id (cookie, or header for API clients), or a new random
    one when it sent none that looks like ours."""
    for sent in (request.cookies.get(DEVICE_COOKIE), request.headers.get(DEVICE_HEADER)):
        if sent and DEVICE_ID.fullmatch(sent):
            return sent
    return secrets.token_urlsafe(32)


# -- registration and login ---------------------------------------------------------------

@api.route("POST", "/auth/login", summary="登录（选择登录入口地区）", tag=TAG_AUTH, body=LoginBody,
           response=LoginOut, responses={401: "用户名或密码错误", 422: "地区代码不存在",
                                         429: "失败次数过多（按账号、地址、设备分别退避，见 Retry-After）"})
async def login(request, call):
    device = device_of(request)
    actors = actors_of(request.app)
    generation = actors.generation()
    result = await call.rpc.accounts.login(call.body.username, call.body.password,
                                           call.body.region_code, client_address(request), device)
    # The answer's user is the session's actor (accounts.schemas.actor): the first
    # request after the login is served without asking accounts again.
    actors.prime(result["token"], result.get("user"), generation)
    result["device_id"] = device
    response = _with_cookie(result, result["token"]) if call.body.cookie else json_response(result)
    # Long-lived: this device has now logged in to the account, and failures from
    # elsewhere will not hold its next login back (accounts: known devices).
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax", path="/")
    return response


@api.route("POST", "/auth/logout", summary="退出登录", tag=TAG_AUTH, roles=(), before_password_change=True,
           response=Done)
async def logout(request, call):
    result = await call.rpc.accounts.logout(token_of(request), client_address(request))
    # This client's next request may come before this process reads accounts' event.
    actors_of(request.app).forget_session_of(token_of(request))
    if request.cookies.get(COOKIE):
        return _with_cookie(result, None)
    return result


@api.route("POST", "/auth/switch-region", summary="切换评审区域", tag=TAG_AUTH, roles=(),
           body=SwitchRegionBody, response=UserOut, responses={422: "地区代码不存在"})
async def switch_region(request, call):
    result = await call.rpc.accounts.switch_region(token_of(request), call.body.region_code)
    actors_of(request.app).forget_session_of(token_of(request))  # not waiting for the event
    return result


@api.route("GET", "/me", summary="当前用户", tag=TAG_AUTH, roles=(), response=UserOut, before_password_change=True)
async def me(request, call):
    return call.user


@api.route("POST", "/register/applicant", summary="专业技术人员注册", tag=TAG_AUTH,
           body=ApplicantRegistration, status=201,
           responses={409: "身份证号已注册",
                      422: "身份证号、手机号或密码不符合要求；未同意现行注册须知（terms_not_accepted）"},
           response=ApplicantRegistered)
async def register_applicant(request, call):
    return await call.rpc.accounts.register_applicant(call.body.model_dump(), client_address(request))


@api.route("POST", "/register/unit", summary="基层工作单位注册", tag=TAG_AUTH, body=UnitRegistration,
           status=201, responses={409: "单位已注册",
                                  422: "统一社会信用代码等不符合要求；未同意现行注册须知（terms_not_accepted）"},
           response=UnitRegistered)
async def register_unit(request, call):
    return await call.rpc.accounts.register_unit(call.body.model_dump(), client_address(request))


# -- administration ---------------------------------------------------------------------------

@api.route("POST", "/admin/organizations", summary="新建部门或评审委员会", tag=TAG_ADMIN,
           body=OrganizationBody, roles=("platform_admin",), status=201, response=OrganizationOut)
async def create_organization(request, call):
    return await call.rpc.accounts.create_organization(call.user, call.body.model_dump())


@api.route("GET", "/admin/organizations", summary="机构列表", tag=TAG_ADMIN, query=OrganizationQuery,
           roles=("platform_admin",), response=list_of(OrganizationOut))
async def list_organizations(request, call):
    return await call.rpc.accounts.list_organizations(call.query.kind, call.query.region_code)


@api.route("POST", "/admin/organizations/{id}/staff", summary="新建机构工作人员账号", tag=TAG_ADMIN,
           body=StaffBody, roles=("platform_admin",), status=201, response=StaffCreated)
async def add_staff(request, call):
    return await call.rpc.accounts.add_staff(call.user, call.params["id"], call.body.model_dump())


@api.route("GET", "/admin/organizations/{id}/staff", summary="机构工作人员列表", tag=TAG_ADMIN,
           roles=("platform_admin",), responses={404: "机构不存在"}, response=list_of(StaffOut))
async def list_staff(request, call):
    return await call.rpc.accounts.list_staff(call.user, call.params["id"])


@api.route("PUT", "/admin/organizations/{id}/staff/{user_id}", summary="停用或启用机构工作人员账号",
           tag=TAG_ADMIN, body=StaffStatusBody, roles=("platform_admin",), response=StaffOut,
           responses={404: "机构或工作人员不存在"})
async def set_staff_disabled(request, call):
    result = await call.rpc.accounts.set_staff_disabled(call.user, call.params["id"], call.params["user_id"],
                                                        call.body.disabled)
    actors_of(request.app).forget_user(call.params["user_id"])  # not waiting for the event
    return result


# -- base unit ----------------------------------------------------------------------------------

@api.route("GET", "/units", summary="查询基层单位（申报时选择单位）", tag=TAG_UNIT, query=UnitQuery,
           response=list_of(UnitBrief))
async def search_units(request, call):
    return await call.rpc.accounts.search_units(call.query.region_code, call.query.q)


@api.route("GET", "/units/{id}", summary="本单位信息（含是否完善）", tag=TAG_UNIT,
           roles=("unit_admin", "platform_admin"), response=UnitOut)
async def get_unit(request, call):
    return await call.rpc.accounts.get_unit(call.user, call.params["id"])


@api.route("PUT", "/units/{id}", summary="完善单位信息、变更推荐单位", tag=TAG_UNIT, body=UnitUpdate,
           roles=("unit_admin", "platform_admin"),
           responses={409: "单位名称已被其他单位使用（unit_exists）", 422: "字段不符合要求或推荐单位超过两个"},
           response=UnitOut)
async def update_unit(request, call):
    return await call.rpc.accounts.update_unit(call.user, call.params["id"],
                                               call.body.model_dump(exclude_unset=True))


@api.route("POST", "/units/{id}/credit-code-appeals",
           summary="变更统一社会信用代码：提交申诉（新代码、理由，可附营业执照扫描件）", tag=TAG_UNIT,
           body=CreditCodeAppealForm, raw_body=True, roles=("unit_admin",), status=201,
           responses={**UPLOAD_RESPONSES, 404: "不是本单位", 409: "代码已被其他单位使用（credit_code_taken）；"
                      "已有待处理的申诉（appeal_pending）",
                      422: "代码不符合 GB 32100（invalid_credit_code）、与现有相同（credit_code_unchanged）、未填理由"},
           response=CreditCodeAppealOut)
async def submit_credit_code_appeal(request, call):
    async with received_upload(request, owner=call.user["id"], file_required=False) as upload:
        try:
            form = CreditCodeAppealForm.model_validate(upload.fields)
        except ValidationError as exc:
            return validation_error(exc)
        return await call.rpc.accounts.submit_credit_code_appeal(
            call.user, call.params["id"], form.model_dump(), upload.filename,
            upload.content_b64() if upload.filename is not None else None)


# -- public reads ---------------------------------------------------------------------------------

@api.route("GET", "/regions", summary="地区（登录入口）", tag=TAG_PUBLIC, response=list_of(RegionOut))
async def regions(request, call):
    return await call.rpc.accounts.regions()


@api.route("GET", "/departments", summary="主管部门（推荐单位）列表", tag=TAG_PUBLIC, query=RegionQuery,
           response=list_of(DepartmentOut))
async def departments(request, call):
    return await call.rpc.accounts.departments(call.query.region_code)


@api.route("GET", "/public/committees", summary="评审委员会通讯录", tag=TAG_PUBLIC, query=RegionQuery,
           response=list_of(CommitteeContact))
async def committees(request, call):
    return await call.rpc.accounts.committees(call.query.region_code)


# -- profile, impersonation, audit ------------------------------------------------------------

@api.route("PUT", "/me", summary="修改本人联系方式（改手机号或邮箱须当前密码；模拟用户期间不可改）", tag=TAG_AUTH,
           roles=(), body=ProfileUpdate,
           responses={403: "模拟用户期间不能修改", 422: "未填或填错当前密码、手机号或邮箱不符合要求"},
           response=ProfileOut)
async def update_me(request, call):
    return await call.rpc.accounts.update_profile(call.user, call.body.model_dump(exclude_unset=True),
                                                  client_address(request))


@api.route("POST", "/me/password", summary="修改密码", tag=TAG_AUTH, roles=(), body=PasswordChange,
           responses={422: "原密码错误或新密码不符合要求", 429: "原密码错误次数过多"}, before_password_change=True,
           response=Done)
async def change_password(request, call):
    result = await call.rpc.accounts.change_password(token_of(request), call.body.old_password,
                                                     call.body.new_password, client_address(request))
    actors_of(request.app).forget_user(call.user["id"])  # not waiting for the event
    return result


@api.route("POST", "/admin/impersonate", summary="模拟用户", tag=TAG_ADMIN, body=ImpersonateBody,
           roles=("platform_admin",), response=LoginOut)
async def impersonate(request, call):
    return await call.rpc.accounts.impersonate(call.user, call.body.username, client_address(request))


@api.route("GET", "/admin/audit", summary="安全审计日志", tag=TAG_ADMIN, query=AuditQuery,
           roles=("platform_admin",), response=page_of(AuditEntry))
async def audit_log(request, call):
    q = call.query
    return await call.rpc.accounts.audit_log(call.user, q.user, q.kind, q.page, q.page_size)


# -- recovery (public, throttled per address) ---------------------------------------------------

@api.route("POST", "/recovery/sms", summary="找回密码：身份证号+姓名+注册手机号，发送短信验证码", tag=TAG_RECOVERY,
           body=SmsRecoveryBody, responses={404: "信息不一致", 429: "操作过于频繁"}, response=RecoveryStarted)
async def recover_by_sms(request, call):
    return await call.rpc.accounts.recover_by_sms(call.body.model_dump(), client_address(request))


@api.route("POST", "/recovery/email", summary="找回密码：向注册邮箱发送验证码", tag=TAG_RECOVERY,
           body=EmailRecoveryBody, responses={404: "邮箱未绑定账号", 429: "操作过于频繁"}, response=RecoveryStarted)
async def recover_by_email(request, call):
    return await call.rpc.accounts.recover_by_email(call.body.email, client_address(request))


@api.route("POST", "/recovery/reset", summary="找回密码：凭验证码设置新密码", tag=TAG_RECOVERY, body=ResetBody,
           responses={404: "找回请求不存在", 409: "验证码已使用或过期", 422: "验证码错误或密码不符合要求",
                      429: "错误次数过多"},
           response=PasswordReset)
async def reset_password(request, call):
    b = call.body
    return await call.rpc.accounts.reset_password(b.recovery_id, b.code, b.new_password, client_address(request))


@api.route("POST", "/recovery/username", summary="找回用户名：身份证号+姓名+注册手机号", tag=TAG_RECOVERY,
           body=SmsRecoveryBody, responses={404: "信息不一致", 429: "操作过于频繁"}, response=UsernameRecovered)
async def recover_username(request, call):
    return await call.rpc.accounts.recover_username(call.body.model_dump(), client_address(request))


# -- appeals (账号申诉) ---------------------------------------------------------------------------------

@api.route("POST", "/appeals", summary="账号申诉：上传身份证或营业执照扫描件及新联系方式", tag=TAG_RECOVERY,
           body=AppealForm, raw_body=True, status=201,
           responses={**UPLOAD_RESPONSES, 404: "未找到账号", 429: "提交过于频繁或同时上传过多"},
           response=AppealReceived)
async def submit_appeal(request, call):
    # Nobody is logged in: the client address stands for the owner of the upload.
    async with received_upload(request, owner=client_address(request)) as upload:
        try:
            form = AppealForm.model_validate(upload.fields)
        except ValidationError as exc:
            return validation_error(exc)
        return await call.rpc.accounts.submit_appeal(form.model_dump(), upload.filename, upload.content_b64(),
                                                     client_address(request))


@api.route("GET", "/admin/appeals", summary="账号申诉列表", tag=TAG_ADMIN, query=AppealQuery,
           roles=("platform_admin",), response=list_of(AppealOut))
async def list_appeals(request, call):
    return await call.rpc.accounts.list_appeals(call.user, call.query.status)


@api.route("GET", "/admin/appeals/{id}/scan", summary="申诉扫描件", tag=TAG_ADMIN, roles=("platform_admin",),
           responses={404: "申诉不存在或未附扫描件"}, response="application/octet-stream")
async def appeal_scan(request, call):
    file = await call.rpc.accounts.appeal_scan(call.user, call.params["id"])
    return web.Response(body=base64.b64decode(file["content_b64"]), content_type=file["content_type"],
                        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(file['name'])}"})


@api.route("POST", "/admin/appeals/{id}/decision",
           summary="处理申诉（账号申诉通过则重置密码；信用代码变更申诉通过则变更单位的统一社会信用代码并记入变更记录）",
           tag=TAG_ADMIN, body=AppealDecision, roles=("platform_admin",),
           responses={409: "申诉已处理；或申诉名称与账号登记名称不一致而未确认（name_mismatch）；"
                           "新信用代码已被其他单位使用（credit_code_taken）"}, response=AppealOut)
async def decide_appeal(request, call):
    b = call.body
    return await call.rpc.accounts.decide_appeal(call.user, call.params["id"], b.approve, b.note, b.new_password,
                                                 b.confirm_name_mismatch)
