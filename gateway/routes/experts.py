"""HTTP routes of the committee's experts (issue 13): the expert pool (入库/出库),
panels drawn at random for a meeting with their exclusions (回避), the experts'
declarations and secret votes, closing the vote into a meeting record, and
participation records (参评记录). Review decides who may see and do what; these
handlers check roles and shape only. Applicants and units reach none of them."""
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.api import api
from gateway.schemas_out import MeetingOut, list_of

TAG_POOL = "评审专家库"
TAG_PANEL = "专家抽取与表决"
TAG_EXPERT = "评审专家"
COMMITTEE = ("committee_staff",)
EXPERT = ("expert",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelationIn(Strict):
    kind: Literal["family", "supervisor", "student", "coauthor", "team"] = Field(
        description="family 亲属 / supervisor 导师 / student 学生 / coauthor 合著者 / team 近三年同一团队")
    name: str = Field("", max_length=64, description="人员姓名")
    id_number: str = Field("", max_length=18, description="人员身份证号（填写则按身份证号匹配）")
    unit_name: str = Field("", max_length=200, description="单位名称")
    credit_code: str = Field("", max_length=18, description="单位统一社会信用代码")


class ExpertIn(Strict):
    username: str = Field(min_length=1, max_length=32, description="专家登录用户名")
    password: str = Field(min_length=1, max_length=128, description="初始密码（专家首次登录须修改）")
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    phone: str = Field(min_length=1, max_length=32)
    specialties: list[str] = Field(min_length=1, max_length=10, description="评审专业")
    title: str = Field(min_length=1, max_length=64, description="职称")
    level: str = Field(min_length=1, max_length=16, description="职称级别（正高/副高/中级）")
    unit_name: str = Field(min_length=1, max_length=200, description="工作单位")
    unit_credit_code: str = Field("", max_length=18, description="工作单位统一社会信用代码")
    region_code: str = Field(min_length=6, max_length=6, description="所在县（市、区）或地区的行政区划代码")
    relations: list[RelationIn] = Field([], max_length=50, description="申报的回避关系")
    pool: Literal["committee", "region"] = Field("committee", description="committee 本委员会 / region 本地区共享库")
    reason: str = Field(min_length=1, max_length=500, description="入库原因")
    admitted_on: date | None = Field(None, description="入库日期（默认今天）")


class StayIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    on: date | None = Field(None, description="日期（默认今天）")
    pool: Literal["committee", "region"] = "committee"


class RelationsIn(Strict):
    relations: list[RelationIn] = Field(max_length=50)


class PanelIn(Strict):
    title: str = Field("", max_length=200, description="会议名称")
    held_on: date
    year: int | None = Field(None, ge=2000, le=2100)
    application_ids: list[str] = Field(min_length=1, max_length=500, description="上会的申请书")
    panel_size: int = Field(ge=1, le=99, description="抽取专家人数（如 7 或 9）")
    reserves: int = Field(0, ge=0, le=20, description="备选专家人数（专家拒绝时依次递补）")
    specialties: list[str] = Field([], max_length=20, description="只从这些评审专业的专家中抽取（空：不限）")
    exclude_same_area: bool = Field(False, description="回避与申请人单位同一县（市、区）的专家")
    include_regional: bool = Field(False, description="同时从本地区共享专家库抽取")


class ConflictIn(Strict):
    application_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)


class DeclarationIn(Strict):
    confirm: bool = Field(description="确认签署无利益冲突声明")
    conflicts: list[ConflictIn] = Field([], max_length=500, description="与之存在利益冲突、须回避的申请书")


class DeclineIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


class VoteIn(Strict):
    choice: Literal["for", "against", "abstain"] = Field(description="for 赞成 / against 反对 / abstain 弃权")
    score: int | None = Field(None, ge=0, le=100, description="评分（可选）")
    comment: str = Field("", max_length=2000, description="评审意见（可选）")


class ExpertOut(BaseModel):
    id: str
    name: str
    active: bool
    specialties: list[str]
    stays: list[dict]


class PanelSummary(BaseModel):
    id: str
    title: str
    held_on: str
    state: str


class PanelOut(PanelSummary):
    seed: str
    candidates: list[dict]
    seats: list[dict]
    exclusions: list[dict]
    applications: list[dict]


class ExpertPanelOut(PanelSummary):
    declared: bool
    applications: list[dict]


class VoteOut(BaseModel):
    application_id: str
    choice: str
    changed: bool


class DeclinedOut(BaseModel):
    panel_id: str
    declined: bool
    replaced: bool


class HistoryEntry(BaseModel):
    panel_id: str
    title: str
    held_on: str
    drawn: bool
    exclusions: list[dict]


class ClosedOut(MeetingOut):
    panel_id: str
    mode: str


POOL_404 = {404: "专家不在本委员会专家库中"}
PANEL_404 = {404: "未找到该评审会议"}


# -- the pool --------------------------------------------------------------------------

@api.route("POST", "/committee/experts", summary="专家入库（同时为专家开通登录账号）", tag=TAG_POOL, body=ExpertIn,
           roles=COMMITTEE, status=201, responses={409: "用户名已被使用或专家已在库中", 422: "信息不完整或格式不正确"},
           response=ExpertOut)
async def add_expert(request, call):
    return await call.rpc.review.add_expert(call.user, call.body.model_dump(mode="json"))


@api.route("GET", "/committee/experts", summary="本委员会（及本地区共享）专家库", tag=TAG_POOL, roles=COMMITTEE,
           response=list_of(ExpertOut))
async def list_experts(request, call):
    return await call.rpc.review.list_experts(call.user)


@api.route("POST", "/committee/experts/{id}/admission", summary="专家重新入库", tag=TAG_POOL, body=StayIn,
           roles=COMMITTEE, responses={**POOL_404, 409: "专家已在库中"}, response=ExpertOut)
async def admit_expert(request, call):
    return await call.rpc.review.admit_expert(call.user, call.params["id"], call.body.model_dump(mode="json"))


@api.route("POST", "/committee/experts/{id}/removal", summary="专家出库（须填写原因）", tag=TAG_POOL, body=StayIn,
           roles=COMMITTEE, responses={**POOL_404, 409: "专家不在库中"}, response=ExpertOut)
async def remove_expert(request, call):
    return await call.rpc.review.remove_expert(call.user, call.params["id"], call.body.model_dump(mode="json"))


@api.route("PUT", "/committee/experts/{id}/relations", summary="更新专家申报的回避关系", tag=TAG_POOL,
           body=RelationsIn, roles=COMMITTEE, responses=POOL_404, response=ExpertOut)
async def set_relations(request, call):
    body = call.body.model_dump(mode="json")
    return await call.rpc.review.set_expert_relations(call.user, call.params["id"], body["relations"])


@api.route("GET", "/committee/experts/{id}/history", summary="专家参评记录（评审委员会与平台管理员可见）",
           tag=TAG_POOL, roles=("committee_staff", "platform_admin"), responses=POOL_404,
           response=list_of(HistoryEntry))
async def expert_history(request, call):
    return await call.rpc.review.expert_history(call.user, call.params["id"])


@api.route("GET", "/admin/experts", summary="全平台评审专家（参评记录见各专家）", tag=TAG_POOL,
           roles=("platform_admin",), response=list_of(ExpertOut))
async def all_experts(request, call):
    return await call.rpc.review.all_experts(call.user)


# -- panels ----------------------------------------------------------------------------

@api.route("POST", "/committee/panels", summary="为评审会议随机抽取专家（自动回避并记录原因）", tag=TAG_PANEL,
           body=PanelIn, roles=COMMITTEE, status=201,
           responses={404: "申请书不属于本委员会",
                      409: "符合条件的专家不足（not_enough_experts）、申请书不处于待评审状态或已在其他会议中"},
           response=PanelOut)
async def draw_panel(request, call):
    return await call.rpc.review.draw_panel(call.user, call.body.model_dump(mode="json"))


@api.route("GET", "/committee/panels", summary="本委员会的专家抽取与表决", tag=TAG_PANEL, roles=COMMITTEE,
           response=list_of(PanelSummary))
async def list_panels(request, call):
    return await call.rpc.review.list_panels(call.user)


@api.route("GET", "/committee/panels/{id}", summary="抽取结果、回避清单与表决进度（不含投票内容）", tag=TAG_PANEL,
           roles=COMMITTEE, responses=PANEL_404, response=PanelOut)
async def panel_detail(request, call):
    return await call.rpc.review.panel_detail(call.user, call.params["id"])


@api.route("POST", "/committee/panels/{id}/close", summary="结束表决：按 2/3 规则计票并生成评审会议结果",
           tag=TAG_PANEL, roles=COMMITTEE, responses={**PANEL_404, 409: "表决已结束或有申请书尚无投票"},
           response=ClosedOut)
async def close_panel(request, call):
    return await call.rpc.review.close_panel(call.user, call.params["id"])


# -- the expert's own ---------------------------------------------------------------------

@api.route("GET", "/expert/panels", summary="我的评审会议", tag=TAG_EXPERT, roles=EXPERT,
           response=list_of(PanelSummary))
async def my_panels(request, call):
    return await call.rpc.review.my_panels(call.user)


@api.route("GET", "/expert/panels/{id}", summary="评审会议：申请书（签署声明后可见）与我的表决", tag=TAG_EXPERT,
           roles=EXPERT, responses=PANEL_404, response=ExpertPanelOut)
async def my_panel(request, call):
    return await call.rpc.review.my_panel(call.user, call.params["id"])


@api.route("POST", "/expert/panels/{id}/declaration", summary="签署无利益冲突声明（可同时申报须回避的申请书）",
           tag=TAG_EXPERT, body=DeclarationIn, roles=EXPERT,
           responses={**PANEL_404, 409: "已签署或表决已结束", 422: "未确认声明"}, response=ExpertPanelOut)
async def declare(request, call):
    body = call.body.model_dump(mode="json")
    return await call.rpc.review.declare(call.user, call.params["id"], body["confirm"], body["conflicts"])


@api.route("POST", "/expert/panels/{id}/decline", summary="不能参加（由备选专家递补）", tag=TAG_EXPERT,
           body=DeclineIn, roles=EXPERT, responses={**PANEL_404, 409: "已签署声明或表决已结束"},
           response=DeclinedOut)
async def decline(request, call):
    return await call.rpc.review.decline_panel(call.user, call.params["id"], call.body.reason)


@api.route("POST", "/expert/panels/{id}/conflicts", summary="申报利益冲突（回避该申请书的表决）", tag=TAG_EXPERT,
           body=ConflictIn, roles=EXPERT, responses={**PANEL_404, 409: "已回避、未签署声明或表决已结束"},
           response=ExpertPanelOut)
async def declare_conflict(request, call):
    return await call.rpc.review.declare_conflict(call.user, call.params["id"], call.body.application_id,
                                                  call.body.reason)


@api.route("PUT", "/expert/panels/{id}/votes/{application_id}", summary="表决（赞成/反对/弃权；结束前可修改）",
           tag=TAG_EXPERT, body=VoteIn, roles=EXPERT,
           responses={**PANEL_404, 403: "已回避该申请书（excluded）", 409: "未签署声明或表决已结束"},
           response=VoteOut)
async def cast_vote(request, call):
    return await call.rpc.review.cast_vote(call.user, call.params["id"], call.params["application_id"],
                                           call.body.choice, call.body.score, call.body.comment)


@api.route("GET", "/expert/history", summary="我的参评记录", tag=TAG_EXPERT, roles=EXPERT,
           response=list_of(HistoryEntry))
async def my_history(request, call):
    return await call.rpc.review.my_history(call.user)

