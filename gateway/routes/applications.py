"""HTTP routes of the applications area (see API.md): the catalog, committee
settings, and the applicant's applications. The applications service checks who
may do what; these handlers only check roles and shape."""
import asyncio

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from gateway.api import api
from gateway.application_pages import PAGES
from gateway.responses import encode_json
from gateway.schemas_applications import (
    ApplicationIn,
    ApplicationList,
    ApplicationOut,
    ChangeQualificationIn,
    CommitteeSettingsIn,
    CommitteeSettingsOut,
    ConditionsIn,
    KindList,
    KindsIn,
    QualificationIn,
    QualificationList,
    QualificationOut,
    QualificationQuery,
    ResultOut,
    SectionData,
    StatusList,
)
from gateway.schemas_out import ChangesOut, EligibilityOut
from zc_common.errors import NotFound

TAG_CATALOG = "资格目录"
TAG_ADMIN = "平台管理"
TAG_APPLICANT = "申请书"


def _settings_body(model):
    """Times as ISO 8601 strings (a time without offset is platform time, UTC+8)."""
    return model.model_dump(mode="json", exclude_none=True)


# What review's view never reads (services/review/views.py: review_view): most of an
# application's bytes, and a read would carry them to review and back for nothing.
NOT_FOR_REVIEW = ("template", "sections", "attachments", "needs_review")


def for_review(application):
    """The application as ``review.review_view`` needs it."""
    return {key: value for key, value in application.items() if key not in NOT_FOR_REVIEW}


async def full_application(call, application):
    """API.md's application object: the applications service's own fields, with
    the route, comments and opinions from review and the attachments from
    documents, asked in parallel — each only when the answer does not carry it
    already (a submit lists the attachments for its completeness check; a withdraw
    brings review's view from review's claim)."""
    async def given(value):
        return value
    review_view, attachments = await asyncio.gather(
        given(application) if "route" in application else call.rpc.review.review_view(for_review(application)),
        given(application["attachments"]) if "attachments" in application
        else call.rpc.documents.list_attachments(application["id"]))
    return {
        **application,
        # review names a status in review after the node holding it (names from applications)
        "status_info": review_view.get("status_info", application["status_info"]),
        "route": review_view.get("route", []),
        "comments": review_view.get("comments", []),
        "opinions": review_view.get("opinions", []),
        "attachments": attachments,
        "can_withdraw": bool(review_view.get("can_withdraw")),
    }


# -- administration ----------------------------------------------------------

@api.route("POST", "/admin/qualifications", summary="新增职称资格", tag=TAG_ADMIN, body=QualificationIn,
           response=QualificationOut, roles=("platform_admin",), status=201,
           responses={422: "评审委员会不存在或字段不符合要求", 409: "资格已存在"})
async def create_qualification(request, call):
    return await call.rpc.applications.create_qualification(call.user, call.body.model_dump(exclude_none=True))


@api.route("PUT", "/admin/qualifications/{id}/conditions", summary="设置任职资格条件", tag=TAG_ADMIN,
           body=ConditionsIn, response=QualificationOut, roles=("platform_admin",), responses={404: "资格不存在"})
async def set_conditions(request, call):
    return await call.rpc.applications.set_qualification_conditions(
        call.user, call.params["id"], call.body.conditions)


@api.route("PUT", "/admin/qualifications/{id}/kinds", summary="设置资格的可申报类型", tag=TAG_ADMIN,
           body=KindsIn, response=QualificationOut, roles=("platform_admin",),
           responses={404: "资格不存在", 422: "申报类型不存在或不适用于该级别（wrong_kind）"})
async def set_qualification_kinds(request, call):
    return await call.rpc.applications.set_qualification_kinds(call.user, call.params["id"], call.body.kinds)


@api.route("PUT", "/admin/committees/{id}/settings", summary="设置评审委员会申报参数（提交时间、次数、费用）",
           tag=TAG_ADMIN, body=CommitteeSettingsIn, response=CommitteeSettingsOut,
           roles=("platform_admin", "committee_staff"),
           responses={403: "只能设置本评审委员会", 404: "评审委员会不存在", 422: "字段不符合要求"})
async def put_committee_settings(request, call):
    return await call.rpc.applications.put_committee_settings(
        call.user, call.params["id"], _settings_body(call.body))


@api.route("GET", "/statuses", summary="申请书状态（名称与含义，按流程顺序）", tag=TAG_CATALOG, roles=None,
           response=StatusList)
async def list_statuses(request, call):
    return await call.rpc.applications.list_statuses()


@api.route("GET", "/application-kinds", summary="申报类型（评审、特殊人才认定、初次确定、授予、访惠聚三年高定）",
           tag=TAG_CATALOG, roles=None, response=KindList)
async def list_kinds(request, call):
    return await call.rpc.applications.list_kinds()


@api.route("GET", "/committees/{id}/settings", summary="评审委员会申报参数", tag=TAG_CATALOG, roles=(),
           response=CommitteeSettingsOut, responses={404: "尚未设置"})
async def get_committee_settings(request, call):
    settings = await call.rpc.applications.get_committee_settings(call.params["id"])
    if settings is None:
        raise NotFound("settings_not_found", "该评审委员会尚未设置申报参数")
    return settings


# -- catalog -------------------------------------------------------------------

@api.route("GET", "/qualifications", summary="可申报的职称资格（按工作单位所在地区，属地化）", tag=TAG_CATALOG,
           query=QualificationQuery, response=QualificationList)
async def list_qualifications(request, call):
    return await call.rpc.applications.list_qualifications(call.query.region_code, call.query.kind)


# -- the applicant's applications --------------------------------------------------

@api.route("POST", "/applications", summary="新增申请书", tag=TAG_APPLICANT, body=ApplicationIn,
           response=ApplicationOut, roles=("applicant",), status=201,
           responses={409: "本年度已申报该资格（duplicate_application，不论申报类型和地区）",
                      422: "资格、单位、年度或申报类型不符合要求（wrong_kind：该资格不接受此申报类型）"})
async def create_application(request, call):
    application = await call.rpc.applications.create_application(call.user, call.body.model_dump())
    return await full_application(call, application)


@api.route("GET", "/applications", summary="我的申请书", tag=TAG_APPLICANT, roles=("applicant",),
           response=ApplicationList)
async def list_applications(request, call):
    return await call.rpc.applications.list_applications(call.user)


@api.route("GET", "/applications/{id}", summary="申请书详情（含审核路径、意见、附件）", tag=TAG_APPLICANT,
           response=ApplicationOut, roles=("applicant",), responses={404: "申请书不存在"})
async def get_application(request, call):
    # The page as this process last sent it to this applicant, unless anything on it
    # changed since (gateway/application_pages.py).
    pages = request.app.get(PAGES)
    if pages is not None:
        kept = pages.get(call.params["id"], call.user["id"])
        if kept is not None:
            return _json_body(kept)
        generation = pages.generation
    # The attachment list needs only the id: asked at once, beside applications (which
    # decides whether the caller may see the application at all), so the read takes two
    # round trips' time instead of three. A refused read never shows it.
    attachments = asyncio.ensure_future(call.rpc.documents.list_attachments(call.params["id"]))
    try:
        application = await call.rpc.applications.get_application(call.user, call.params["id"])
    except BaseException:
        attachments.cancel()
        raise
    page = await full_application(call, {**application, "attachments": await attachments})
    if pages is None:
        return page
    body = encode_json(page)
    pages.put(call.params["id"], call.user["id"], body, generation)
    return _json_body(body)


def _json_body(body):
    return web.Response(body=body, content_type="application/json", charset="utf-8")


@api.route("GET", "/applications/{id}/result",
           summary="查看评审结果（会议日期、到会专家与票数、是否通过、公示期、批文号、证书）",
           tag=TAG_APPLICANT, roles=("applicant",), response=ResultOut,
           responses={404: "申请书不存在，或尚无评审（认定）结果（result_not_found）"})
async def application_result(request, call):
    await call.rpc.applications.get_application(call.user, call.params["id"])  # 404 unless it is the caller's
    result = await call.rpc.review.application_result(call.params["id"])
    if result is None:
        raise NotFound("result_not_found", "该申请书尚无评审（认定）结果")
    return result


@api.route("PUT", "/applications/{id}/sections/{key}", summary="保存申请书栏目", tag=TAG_APPLICANT,
           body=SectionData, response=ApplicationOut, roles=("applicant",),
           responses={409: "申请书已提交或已归档", 422: "字段不符合栏目模板（field 指明字段）"})
async def save_section(request, call):
    return await call.rpc.applications.save_section(
        call.user, call.params["id"], call.params["key"], call.body.root)


@api.route("DELETE", "/applications/{id}", summary="删除申请书（从未提交过的草稿）", tag=TAG_APPLICANT,
           roles=("applicant",), status=204,
           responses={404: "申请书不存在", 409: "申请书已提交过，不能删除（already_submitted）"})
async def delete_application(request, call):
    await call.rpc.applications.delete_application(call.user, call.params["id"])
    return web.Response(status=204)


class RouteReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: str = Field(max_length=32, description="有误的节点在流程中的位置（route[].place，如 receiving_department）")
    name: str | None = Field(default=None, max_length=200, description="该节点显示的单位名称")
    text: str = Field(min_length=1, max_length=500, description="哪里有误")


@api.route("POST", "/applications/{id}/route-report", summary="如果此步骤有错，请单击这里：报告审核节点有误",
           tag=TAG_APPLICANT, body=RouteReportIn, roles=("applicant",),
           response={"type": "object", "properties": {"application_id": {"type": "string"},
                                                       "reported": {"type": "boolean"}}},
           responses={404: "申请书不存在", 422: "未选择节点或未填写说明"})
async def report_route_step(request, call):
    return await call.rpc.applications.report_route_step(call.user, call.params["id"], call.body.model_dump())


class PaperIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received: bool = Field(description="true 登记收到纸质材料；false 撤销登记")


@api.route("POST", "/committee/applications/{id}/paper", summary="纸质材料报送：登记已收到（或撤销）",
           tag="评审结果", body=PaperIn, response=ApplicationOut, roles=("committee_staff",),
           responses={404: "申请书不存在或不属于本评审委员会", 409: "申请书尚未提交（not_submitted）"})
async def record_paper(request, call):
    return await call.rpc.applications.record_paper(call.user, call.params["id"], call.body.received)


@api.route("POST", "/applications/{id}/change-qualification",
           summary="更改资格（未提交时：草稿、收回或退回后）", tag=TAG_APPLICANT,
           body=ChangeQualificationIn, response=ApplicationOut, roles=("applicant",),
           responses={409: "申请书已提交，不能更改资格（already_submitted）"}, idempotent=True)
async def change_qualification(request, call):
    return await call.rpc.applications.change_qualification(
        call.user, call.params["id"], call.body.qualification_id, idempotency_key=call.idempotency_key)


@api.route("POST", "/applications/{id}/submit", summary="提交申请书", tag=TAG_APPLICANT, roles=("applicant",),
           response=ApplicationOut,
           responses={409: "不在提交时间内（window_closed）或提交次数已用完（submission_limit）",
                      422: "申请书不完整（incomplete_application，missing 列出缺项）"}, idempotent=True)
async def submit_application(request, call):
    application = await call.rpc.applications.submit(call.user, call.params["id"],
                                                     idempotency_key=call.idempotency_key)
    return await full_application(call, application)


@api.route("POST", "/applications/{id}/withdraw", summary="收回申请书（基层单位审核前）", tag=TAG_APPLICANT,
           response=ApplicationOut, roles=("applicant",),
           responses={409: "基层单位已审核，不能收回（cannot_withdraw）"}, idempotent=True)
async def withdraw_application(request, call):
    application = await call.rpc.applications.withdraw(call.user, call.params["id"],
                                                       idempotency_key=call.idempotency_key)
    return await full_application(call, application)


@api.route("GET", "/applications/{id}/eligibility", summary="申报条件自查：每项条件是否满足及原因", tag=TAG_APPLICANT,
           response=EligibilityOut, roles=("applicant",), responses={404: "申请书不存在"})
async def application_eligibility(request, call):
    return await call.rpc.applications.eligibility(call.user, call.params["id"])


@api.route("GET", "/applications/{id}/changes",
           summary="退回后的修改：与上次提交相比改动的栏目、字段、表格行与附件，以及退回意见是否已处理",
           tag=TAG_APPLICANT, response=ChangesOut, roles=("applicant",), responses={404: "申请书不存在"})
async def application_changes(request, call):
    application = await call.rpc.applications.get_application(call.user, call.params["id"])
    changes, view = await asyncio.gather(call.rpc.applications.changes(call.user, call.params["id"]),
                                         call.rpc.review.review_view(for_review(application)))
    comments = view.get("comments") or []
    latest = max((c.get("round") or 0 for c in comments), default=0)
    changed = set(changes.get("changed_sections") or [])
    # The latest round's comments are what a return asked for; older rounds were
    # answered by the submissions since (kept, shown, not judged again).
    return {**changes, "comments": [
        {**c, "addressed": (c.get("section") in changed) if (c.get("round") or 0) == latest else None}
        for c in comments]}
