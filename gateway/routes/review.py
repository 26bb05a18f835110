"""HTTP routes of the review area (see API.md "Reviewers", "Committee results",
"Public"). The review service checks who may see and do what; these handlers check
roles and shape only."""
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from gateway.api import api
from gateway.routes.accounts import client_address
from gateway.schemas_out import (
    ApprovalOut,
    CertificatePublic,
    ChangesOut,
    CommentOut,
    CommitteeEligibilityOut,
    DecisionOut,
    EligibilityException,
    EligibilityOut,
    MeetingOut,
    ObjectionOut,
    PublicityEntry,
    PublicityOut,
    ReviewDetail,
    ReviewItem,
    list_of,
    page_of,
)

TAG_REVIEW = "申请书审核"
TAG_COMMITTEE = "评审结果"
TAG_PUBLIC = "公示"
REVIEWERS = ("unit_admin", "department_staff", "committee_staff")
COMMITTEE = ("committee_staff",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageQuery(BaseModel):
    page: int = Field(1, ge=1, le=100000, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数（≤100）")


class ReviewQuery(PageQuery):
    status: str | None = Field(None, max_length=32, description="状态")
    year: int | None = Field(None, ge=2000, le=2100, description="年度")
    name: str | None = Field(None, max_length=64, description="申请人姓名（包含）")
    number: str | None = Field(None, max_length=32, description="申请书编号")


class CommentIn(Strict):
    section: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=2000)


class ReturnIn(Strict):
    opinion: str = Field(min_length=1, max_length=2000)


class ForwardIn(Strict):
    opinion: str = Field("", max_length=2000)
    recommending_unit_id: str | None = Field(None, max_length=64)


class VoteIn(Strict):
    """One application's result: the meeting's votes (评审, 特殊人才认定), or the
    committee's confirmation (认定: 初次确定, 授予, 访惠聚三年高定) — ``confirmed``,
    with a reason when refused. Which one a kind takes is checked by review."""
    application_id: str = Field(min_length=1, max_length=64)
    experts_present: int | None = Field(None, ge=1, le=1000)
    votes_for: int | None = Field(None, ge=0, le=1000)
    votes_against: int | None = Field(None, ge=0, le=1000)
    votes_abstain: int | None = Field(None, ge=0, le=1000)
    confirmed: bool | None = Field(None, description="认定类申报：true 予以认定，false 不予认定")
    reason: str | None = Field(None, max_length=2000, description="不予认定的理由")


class MeetingIn(Strict):
    year: int = Field(ge=2000, le=2100)
    held_on: date
    results: list[VoteIn] = Field(min_length=1, max_length=1000)


class MeetingQuery(BaseModel):
    year: int | None = Field(None, ge=2000, le=2100)


class PublicityIn(Strict):
    starts_at: datetime
    ends_at: datetime


class ObjectionIn(Strict):
    application_number: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=2000)
    contact: str = Field(min_length=1, max_length=200)


class ObjectionQuery(BaseModel):
    resolved: bool | None = Field(None, description="true 已处理 / false 未处理")


class ResolveIn(Strict):
    upheld: bool
    note: str = Field("", max_length=2000)


class ApprovalIn(Strict):
    document_no: str = Field(min_length=1, max_length=64, pattern=r"\S")


NOT_YOURS = {404: "本单位未经手该申请书", 409: "不在本单位审核环节（not_your_turn）或他人正在处理"}


# -- reviewers ------------------------------------------------------------------

@api.route("GET", "/review/tasks", summary="申请书审核：在本单位等待审核的申请书（最早到达在前，标记超期）",
           tag=TAG_REVIEW, query=PageQuery, roles=REVIEWERS, response=page_of(ReviewItem))
async def review_tasks(request, call):
    return await call.rpc.review.list_tasks(call.user, call.query.page, call.query.page_size)


@api.route("GET", "/unit/applications", summary="申请书查询（基层单位）：本单位申请人的全部申请书，含未提交的草稿",
           tag=TAG_REVIEW, query=ReviewQuery, roles=("unit_admin",), response=page_of(ReviewItem))
async def unit_applications(request, call):
    q = call.query
    found = await call.rpc.applications.unit_applications(call.user, q.status, q.year, q.name, q.number, q.page,
                                                          q.page_size)
    # A submitted one is named after the node holding it (申请人提交到基层工作单位 …): review knows where.
    submitted = [row["application_id"] for row in found.get("items") or [] if row.get("status") == "submitted"]
    if submitted:
        places = await call.rpc.review.unit_places(call.user, submitted)
        for row in found["items"]:
            if row["application_id"] in places:
                row["place"] = places[row["application_id"]]
    return found


@api.route("GET", "/review/applications", summary="申请书查询：到达过本单位的全部申请书", tag=TAG_REVIEW,
           query=ReviewQuery, roles=REVIEWERS, response=page_of(ReviewItem))
async def review_applications(request, call):
    q = call.query
    return await call.rpc.review.query_applications(call.user, q.status, q.year, q.name, q.number, q.page,
                                                    q.page_size)


@api.route("GET", "/review/applications/{id}", summary="办理：申请书全部栏目、附件、审核意见与历史",
           tag=TAG_REVIEW, roles=REVIEWERS, responses={404: "本单位未经手该申请书"}, response=ReviewDetail)
async def review_application(request, call):
    return await call.rpc.review.application_detail(call.user, call.params["id"])


@api.route("GET", "/review/applications/{id}/eligibility", summary="申报条件自查（与申请人所见相同）",
           tag=TAG_REVIEW, roles=REVIEWERS, responses={404: "本单位未经手该申请书"}, response=EligibilityOut)
async def review_eligibility(request, call):
    return await call.rpc.review.application_eligibility(call.user, call.params["id"])


@api.route("GET", "/review/applications/{id}/changes",
           summary="退回后重新提交的修改：与被退回版本相比的栏目、字段、表格行与附件变化", tag=TAG_REVIEW,
           roles=REVIEWERS, responses={404: "本单位未经手该申请书"}, response=ChangesOut)
async def review_changes(request, call):
    return await call.rpc.review.application_changes(call.user, call.params["id"])


@api.route("GET", "/committee/applications/{number}/eligibility",
           summary="按编号查看本评审委员会申请书的申报条件自查（用于破格审批）", tag=TAG_COMMITTEE, roles=COMMITTEE,
           responses={404: "本评审委员会没有该编号的申请书"}, response=CommitteeEligibilityOut)
async def committee_eligibility(request, call):
    return await call.rpc.applications.committee_eligibility(call.user, call.params["number"].strip().upper())


class ExceptionIn(Strict):
    reason: str = Field(min_length=1, max_length=2000, description="破格理由")


@api.route("POST", "/review/applications/{id}/eligibility-exception",
           summary="批准破格申报（不满足申报条件仍可提交，须填写理由并记入历史）", tag=TAG_REVIEW, body=ExceptionIn,
           roles=COMMITTEE, responses={404: "不是本评审委员会的申请书", 422: "未填写理由"},
           response=EligibilityException)
async def review_exception(request, call):
    return await call.rpc.applications.allow_eligibility_exception(call.user, call.params["id"], call.body.reason)


@api.route("POST", "/review/applications/{id}/comments", summary="按栏目填写审核意见", tag=TAG_REVIEW,
           body=CommentIn, roles=REVIEWERS, status=201, responses={**NOT_YOURS, 422: "栏目不存在"}, response=CommentOut)
async def review_comment(request, call):
    return await call.rpc.review.add_comment(call.user, call.params["id"], call.body.section, call.body.text)


@api.route("POST", "/review/applications/{id}/return", summary="退回申请人（须填写退回意见）", tag=TAG_REVIEW,
           body=ReturnIn, roles=REVIEWERS, responses=NOT_YOURS, idempotent=True, response=DecisionOut)
async def review_return(request, call):
    return await call.rpc.review.return_application(call.user, call.params["id"], call.body.opinion,
                                                    idempotency_key=call.idempotency_key)


@api.route("POST", "/review/applications/{id}/forward",
           summary="审核通过并上报（基层单位须填写推荐意见；评审委员会上报即通过形式审核）", tag=TAG_REVIEW,
           body=ForwardIn, roles=REVIEWERS,
           responses={**NOT_YOURS, 422: "缺少推荐意见或须选择推荐单位"}, idempotent=True, response=DecisionOut)
async def review_forward(request, call):
    return await call.rpc.review.forward_application(call.user, call.params["id"], call.body.opinion,
                                                     call.body.recommending_unit_id,
                                                     idempotency_key=call.idempotency_key)


# -- committee results -------------------------------------------------------------

@api.route("POST", "/committee/meetings", summary="录入评审会议表决结果或认定结果", tag=TAG_COMMITTEE, body=MeetingIn,
           roles=COMMITTEE, status=201,
           responses={409: "申请书不处于待评审状态",
                      422: "票数不符；评审类申报须录入票数（votes_required）；认定类申报须认定"
                           "（confirmation_required）；不予认定须说明理由（reason_required）"},
           idempotent=True,
           response=MeetingOut)
async def record_meeting(request, call):
    body = call.body.model_dump(mode="json")
    return await call.rpc.review.record_meeting(call.user, body["year"], body["held_on"], body["results"],
                                                idempotency_key=call.idempotency_key)


@api.route("GET", "/committee/meetings", summary="本评审委员会的评审会议", tag=TAG_COMMITTEE,
           query=MeetingQuery, roles=COMMITTEE, response=list_of(MeetingOut))
async def list_meetings(request, call):
    return await call.rpc.review.list_meetings(call.user, call.query.year)


@api.route("POST", "/committee/meetings/{id}/publicity", summary="发布评审结果公示", tag=TAG_COMMITTEE,
           body=PublicityIn, roles=COMMITTEE, status=201,
           responses={409: "已公示", 422: "公示期不足（publicity_too_short）、开始时间早于当前时间"
                                          "（publicity_backdated）或早于会议日期（publicity_before_meeting）"},
           idempotent=True, response=PublicityOut)
async def open_publicity(request, call):
    body = call.body.model_dump(mode="json")
    return await call.rpc.review.open_publicity(call.user, call.params["id"], body["starts_at"], body["ends_at"],
                                                idempotency_key=call.idempotency_key)


@api.route("GET", "/committee/objections", summary="公示期异议", tag=TAG_COMMITTEE, query=ObjectionQuery,
           roles=COMMITTEE, response=list_of(ObjectionOut))
async def list_objections(request, call):
    return await call.rpc.review.list_objections(call.user, call.query.resolved)


@api.route("POST", "/committee/objections/{id}/resolve", summary="处理异议（成立则评审结果改为未通过）",
           tag=TAG_COMMITTEE, body=ResolveIn, roles=COMMITTEE, responses={409: "已处理"}, response=ObjectionOut)
async def resolve_objection(request, call):
    return await call.rpc.review.resolve_objection(call.user, call.params["id"], call.body.upheld, call.body.note)


class RevokeIn(BaseModel):
    application_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000, description="成立的异议内容（撤销原因）")


@api.route("POST", "/committee/certificates/revoke", summary="批准后异议成立：撤销电子证书", tag=TAG_COMMITTEE,
           body=RevokeIn, roles=COMMITTEE, responses={404: "本委员会没有该申请书已批准的评审结果"},
           response=CertificatePublic)
async def revoke_certificate(request, call):
    return await call.rpc.review.revoke_certificate(call.user, call.body.application_id, call.body.reason)


@api.route("POST", "/committee/meetings/{id}/approval", summary="发布批文并颁发电子证书", tag=TAG_COMMITTEE,
           body=ApprovalIn, roles=COMMITTEE, status=201,
           responses={409: "公示未结束、异议未处理或批文号已使用"}, idempotent=True, response=ApprovalOut)
async def approve_meeting(request, call):
    return await call.rpc.review.approve_meeting(call.user, call.params["id"], call.body.document_no,
                                                 idempotency_key=call.idempotency_key)


# -- public ----------------------------------------------------------------------------

@api.route("GET", "/public/publicity", summary="正在公示的评审结果", tag=TAG_PUBLIC, response=list_of(PublicityEntry))
async def public_publicity(request, call):
    return await call.rpc.review.public_publicity()


@api.route("POST", "/public/publicity/{id}/objections", summary="对公示结果提出异议", tag=TAG_PUBLIC,
           body=ObjectionIn, status=201, responses={409: "不在公示期", 422: "申请编号不在该公示中",
                                                    429: "提交过于频繁"}, response=ObjectionOut)
async def submit_objection(request, call):
    body = call.body
    return await call.rpc.review.submit_objection(call.params["id"], body.application_number, body.reason,
                                                  body.contact, client_address(request))
