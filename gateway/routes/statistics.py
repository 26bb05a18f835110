"""统计 (statistics) and Excel exports. Applications counts its applications and
review the time spent at each node, each for the caller's scope only (a platform
admin: everything, or one committee; a committee: its own; a department: what
reached it); a list or a scope the caller may not see is refused (403)."""
import asyncio
from datetime import datetime

from pydantic import BaseModel, Field

from gateway.api import api
from gateway.xlsx import XLSX, xlsx_response
from zc_common.clock import PLATFORM_TZ, now

TAG = "统计"
STATS_ROLES = ("platform_admin", "committee_staff", "department_staff")
REVIEWERS = ("unit_admin", "department_staff", "committee_staff", "platform_admin")
NODE_NAMES = {"unit": "基层工作单位", "department": "主管部门", "committee": "评审委员会"}


class StatsQuery(BaseModel):
    year: int | None = Field(None, ge=2000, le=2100, description="年度（默认当年）")
    committee_id: str | None = Field(None, max_length=64,
                                     description="评审委员会（平台管理员可选；其他人只能是本机构）")


class Counted(BaseModel):
    key: str | None
    count: int


class StatisticsOut(BaseModel):
    year: int
    total: int
    scope: str = Field(description="all 全部、committee 本评审委员会、reached 到达过本机构的申请书")
    by_status: list[dict]
    by_kind: list[Counted]
    by_series: list[Counted]
    by_level: list[Counted]
    by_region: list[Counted]
    by_committee: list[dict]
    pass_rate: dict = Field(description="passed、failed、rate（通过 / 已有结果）")
    pass_rate_by_level: list[dict]
    pass_rate_by_committee: list[dict]
    nodes: list[dict] = Field(description="各审核环节：已办理数、中位与最长用时（小时）、超期数、待办理数")
    submissions: dict = Field(description="per_day 每日提交量；before_deadline 截止前各天提交量")


class ExportQuery(BaseModel):
    status: str | None = Field(None, max_length=32, description="状态")
    year: int | None = Field(None, ge=2000, le=2100, description="年度")
    name: str | None = Field(None, max_length=64, description="申请人姓名（包含）")
    number: str | None = Field(None, max_length=32, description="申请书编号")
    org_id: str | None = Field(None, max_length=64, description="审核机构（仅平台管理员可指定其他机构）")


async def gathered(call, year, committee_id):
    year = year or now().year
    nodes = await call.rpc.review.node_statistics(call.user, year, committee_id)
    counted = await call.rpc.applications.statistics(call.user, year, nodes.get("application_ids"), committee_id)
    return {**counted, "scope": nodes["scope"], "nodes": nodes["nodes"]}


@api.route("GET", "/statistics",
           summary="统计：申请书按状态、类型、系列、级别、地区、评审委员会，通过率，各环节用时，截止前每日提交量",
           tag=TAG, query=StatsQuery, roles=STATS_ROLES, response=StatisticsOut,
           responses={403: "不能查看其他机构的统计（statistics_forbidden）"})
async def statistics(request, call):
    return await gathered(call, call.query.year, call.query.committee_id)


def _local_time(value):
    """An ISO timestamp as a reader of the sheet writes it: 2026-12-02 16:21 (Beijing time)."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(PLATFORM_TZ).strftime("%Y-%m-%d %H:%M")


def _rate(value):
    return "" if value is None else f"{value * 100:.1f}%"


@api.route("GET", "/statistics/export.xlsx", summary="导出统计（Excel）", tag=TAG, query=StatsQuery,
           roles=STATS_ROLES, response=XLSX, responses={403: "不能导出其他机构的统计（statistics_forbidden）"})
async def export_statistics(request, call):
    data, kinds, regions = await asyncio.gather(gathered(call, call.query.year, call.query.committee_id),
                                                call.rpc.applications.list_kinds(), call.rpc.accounts.regions())
    # named as the 统计 page names them: a committee reads 评审 and 自治区本级, not review and 650000
    kind_names = {k["key"]: k["name"] for k in kinds}
    region_names = {r["code"]: r["name"] for r in regions}
    counted = [("按状态", [(r["name"], r["count"]) for r in data["by_status"]]),
               ("按申报类型", [(kind_names.get(r["key"], r["key"]), r["count"]) for r in data["by_kind"]]),
               ("按系列", [(r["key"], r["count"]) for r in data["by_series"]]),
               ("按级别", [(r["key"], r["count"]) for r in data["by_level"]]),
               ("按地区", [(region_names.get(r["key"], r["key"]), r["count"]) for r in data["by_region"]]),
               ("按评审委员会", [(r["name"], r["count"]) for r in data["by_committee"]])]
    rate = data["pass_rate"]
    sheets = [("概况", ("项目", "数值"), [("年度", data["year"]), ("申请书总数", data["total"]),
                                        ("通过", rate["passed"]), ("未通过", rate["failed"]),
                                        ("通过率", _rate(rate["rate"]))])]
    sheets += [(title, ("分类", "数量"), rows) for title, rows in counted]
    sheets.append(("各级别通过率", ("级别", "通过", "未通过", "通过率"),
                   [(r["key"], r["passed"], r["failed"], _rate(r["rate"])) for r in data["pass_rate_by_level"]]))
    sheets.append(("各环节用时", ("环节", "已办理", "中位用时（小时）", "最长用时（小时）", "超期", "待办理"),
                   [(NODE_NAMES.get(n["node"], n["node"]), n["done"], n["median_hours"], n["worst_hours"],
                     n["overdue"], n["waiting"]) for n in data["nodes"]]))
    sheets.append(("每日提交量", ("日期", "提交次数"),
                   [(r["day"], r["count"]) for r in data["submissions"]["per_day"]]))
    sheets.append(("截止前提交量", ("距截止天数", "提交次数"),
                   [(r["days_left"], r["count"]) for r in data["submissions"]["before_deadline"]]))
    return await xlsx_response(f"统计-{data['year']}.xlsx", sheets)


@api.route("GET", "/review/export/applications.xlsx", summary="导出申请书查询结果（Excel，按当前查询条件）", tag=TAG,
           query=ExportQuery, roles=REVIEWERS, response=XLSX,
           responses={403: "只能导出本机构的申请书列表（export_forbidden）", 422: "查询条件不符合要求"})
async def export_applications(request, call):
    q = call.query
    rows = await call.rpc.review.export_applications(call.user, q.status, q.year, q.name, q.number, q.org_id)
    names = {s["key"]: s["name"] for s in await call.rpc.applications.list_statuses()}
    header = ("申请书编号", "年度", "状态", "申请人", "基层工作单位", "评审委员会", "资格", "级别", "到达本机构时间")
    body = [(r["number"], r["year"], names.get(r["status"], r["status"]), r["applicant"], r["unit"], r["committee"],
             r["title"], r["level"], _local_time(r["reached_at"])) for r in rows["items"]]
    return await xlsx_response("申请书查询.xlsx", [("申请书查询", header, body)])
