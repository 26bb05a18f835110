"""统计 and exports, review's part: how long applications wait at each node
(median, worst, overdue) and the 申请书查询 list as rows for an Excel export —
each for the caller's scope only: a platform admin sees everything, a committee
its own applications, a department or unit what has reached it."""
from statistics import median

from sqlalchemy import select

from services.review import rules, search
from services.review.models import ReviewCase, Task, Visit
from zc_common.clock import iso, now
from zc_common.errors import Forbidden

EXPORT_MAX = 10000
NODES = ("unit", "department", "committee")


def scope(actor):
    """(kind, org_id) of what the caller may count; Forbidden for anyone else."""
    role, org_id = (actor or {}).get("role"), (actor or {}).get("org_id")
    if role == "platform_admin":
        return "all", None
    if role == "committee_staff" and org_id:
        return "committee", org_id
    if role in ("department_staff", "unit_admin") and org_id:
        return "reached", org_id
    raise Forbidden("forbidden", "当前角色不能查看统计")


def _case_filter(kind, org_id):
    if kind == "committee":
        return [ReviewCase.committee_id == org_id]
    if kind == "reached":
        return [ReviewCase.application_id.in_(select(Visit.application_id).where(Visit.org_id == org_id))]
    return []


def node_times(session, actor, year=None, committee_id=None):
    """Per node: tasks done, median and worst hours from arrival to decision,
    how many were decided after their due time or are waiting past it, and how
    many wait now. Also, for a department or unit, the ids of the applications in
    its scope (applications counts those)."""
    kind, org_id = scope(actor)
    where = _case_filter(kind, org_id)
    if committee_id:
        if kind == "all":
            where.append(ReviewCase.committee_id == committee_id)
        elif not (kind == "committee" and committee_id == org_id):
            raise Forbidden("statistics_forbidden", "只能查看本机构范围内的统计")
    if year:
        where.append(ReviewCase.year == year)
    rows = session.execute(select(Task.node, Task.state, Task.arrived_at, Task.acted_at, Task.due_at)
                           .join(ReviewCase, ReviewCase.application_id == Task.application_id)
                           .where(*where, Task.state.notin_(("withdrawn", "cancelled")))).all()
    moment = now()
    by_node = {node: {"durations": [], "overdue": 0, "waiting": 0} for node in NODES}
    for node, state, arrived_at, acted_at, due_at in rows:
        entry = by_node.setdefault(node, {"durations": [], "overdue": 0, "waiting": 0})
        if acted_at is not None and state == "done":
            entry["durations"].append((acted_at - arrived_at).total_seconds() / 3600)
            if due_at is not None and acted_at > due_at:
                entry["overdue"] += 1
        else:
            entry["waiting"] += 1
            if rules.is_overdue(due_at, moment):
                entry["overdue"] += 1
    nodes = [{"node": node, "done": len(e["durations"]),
              "median_hours": round(median(e["durations"]), 1) if e["durations"] else None,
              "worst_hours": round(max(e["durations"]), 1) if e["durations"] else None,
              "overdue": e["overdue"], "waiting": e["waiting"]} for node, e in by_node.items()]
    answer = {"scope": kind, "org_id": org_id, "nodes": nodes}
    if kind == "reached":
        answer["application_ids"] = list(session.scalars(select(Visit.application_id).where(Visit.org_id == org_id)))
    return answer


def export_rows(session, actor, status=None, year=None, name=None, number=None, org_id=None):
    """申请书查询 as rows, all pages (up to EXPORT_MAX): the caller's own
    organisation's list; another organisation's only for a platform admin."""
    role, own = (actor or {}).get("role"), (actor or {}).get("org_id")
    target = org_id or own
    if role == "platform_admin":
        if not target:
            raise Forbidden("export_forbidden", "请指定要导出的审核机构")
    elif role not in ("unit_admin", "department_staff", "committee_staff") or not own:
        raise Forbidden("export_forbidden", "当前角色不能导出申请书列表")
    elif target != own:
        raise Forbidden("export_forbidden", "只能导出本机构的申请书列表")
    wanted = search.filters(status, year, name, number)
    on_visit = [Visit.org_id == target]
    if wanted["status"]:
        on_visit.append(Visit.status == wanted["status"])
    if wanted["year"]:
        on_visit.append(Visit.year == wanted["year"])
    query = (select(Visit, ReviewCase).join(ReviewCase, ReviewCase.application_id == Visit.application_id)
             .where(*on_visit))
    if wanted["name"]:
        query = query.where(*search.name_conditions(session.get_bind().dialect.name, wanted["name"]))
    if wanted["number"]:
        query = query.where(ReviewCase.number == wanted["number"])
    rows = session.execute(query.order_by(Visit.first_arrived_at.desc(), Visit.application_id.desc())
                           .limit(EXPORT_MAX + 1)).all()
    return {"org_id": target, "truncated": len(rows) > EXPORT_MAX,
            "items": [{"number": case.number, "year": case.year, "status": case.status,
                       "applicant": case.applicant_name, "unit": case.unit_name, "committee": case.committee_name,
                       "title": case.title, "level": case.level, "reached_at": iso(visit.first_arrived_at)}
                      for visit, case in rows[:EXPORT_MAX]]}
