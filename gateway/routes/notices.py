"""HTTP routes for notices: 通知公告 and 纸质材料报送要求. Platform admins and
committee staff write them (the applications service checks whose notice it
is); everyone reads the published ones on the portal."""
from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from gateway.api import api

TAG = "通知公告"
WRITERS = ("platform_admin", "committee_staff")

Kind = Literal["announcement", "paper_materials"]


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind = Field(description="announcement 通知公告 | paper_materials 纸质材料报送要求")
    title: str = Field(min_length=1, max_length=100, description="标题（不超过 100 字）")
    # Checked by the service, not here: the gateway's validation error drops a
    # location part named "body" (the request body), so the 422 would lose its field.
    body: Any = Field(default=None, description="正文（纯文本，必填，不超过 20000 字）",
                      json_schema_extra={"type": "string", "minLength": 1, "maxLength": 20000})
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$",
                                    description="地区代码；属于评审委员会的通知取该委员会所在地区")
    committee_id: str | None = Field(default=None, max_length=64,
                                     description="所属评审委员会；评审委员会工作人员只能是本委员会")
    pinned: bool = Field(default=False, description="置顶")
    published_at: datetime | None = Field(default=None, description="发布时间（缺省为现在；晚于现在则到时才公开）")


class NoticeQuery(BaseModel):
    kind: Kind | None = None
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", description="地区代码")
    committee_id: str | None = Field(default=None, max_length=64, description="评审委员会")
    page: int = Field(default=1, ge=1, le=100000)
    page_size: int = Field(default=20, ge=1, le=100)


class Person(BaseModel):
    id: str | None
    name: str | None


class OrgRef(BaseModel):
    id: str
    name: str | None


class NoticeFields(BaseModel):
    """What every view of a notice carries."""
    id: str
    kind: Kind
    kind_name: str = Field(description="通知公告 | 纸质材料报送要求")
    title: str
    region_code: str
    committee: OrgRef | None
    pinned: bool
    published_at: str
    author: Person
    created_at: str
    updated_at: str


class NoticeOut(NoticeFields):
    body: str
    impersonated_by: dict | None = Field(default=None, description="仅发布者可见：模拟操作的平台管理员")
    updated_by: Person | None = Field(default=None, description="仅发布者可见：最后修改人")


class NoticeSummary(NoticeFields):
    summary: str = Field(description="正文开头（至多 120 字）")


class NoticeList(BaseModel):
    items: list[NoticeSummary]
    total: int
    page: int
    page_size: int


def _body(model):
    return model.model_dump(mode="json", exclude_none=True)


@api.route("POST", "/notices", summary="发布通知公告或纸质材料报送要求", tag=TAG, body=NoticeIn,
           response=NoticeOut, roles=WRITERS, status=201,
           responses={403: "无权发布（评审委员会工作人员只能发布本委员会的通知）",
                      422: "字段不符合要求（field 指明字段）"})
async def create_notice(request, call):
    return await call.rpc.applications.create_notice(call.user, _body(call.body))


@api.route("PUT", "/notices/{id}", summary="修改通知", tag=TAG, body=NoticeIn, response=NoticeOut, roles=WRITERS,
           responses={403: "无权修改", 404: "通知不存在或不属于本委员会", 422: "字段不符合要求（field 指明字段）"})
async def update_notice(request, call):
    return await call.rpc.applications.update_notice(call.user, call.params["id"], _body(call.body))


@api.route("DELETE", "/notices/{id}", summary="删除通知", tag=TAG, roles=WRITERS, status=204,
           responses={403: "无权删除", 404: "通知不存在或不属于本委员会"})
async def delete_notice(request, call):
    await call.rpc.applications.delete_notice(call.user, call.params["id"])
    return web.Response(status=204)


@api.route("GET", "/public/notices", summary="通知公告列表（置顶在前，最新在前）", tag=TAG, query=NoticeQuery,
           response=NoticeList, responses={422: "查询参数不符合要求"})
async def list_notices(request, call):
    q = call.query
    return await call.rpc.applications.list_notices(q.kind, q.region_code, q.committee_id, q.page, q.page_size)


@api.route("GET", "/public/notices/{id}", summary="通知详情", tag=TAG, response=NoticeOut,
           responses={404: "通知不存在"})
async def get_notice(request, call):
    return await call.rpc.applications.get_notice(call.params["id"])
