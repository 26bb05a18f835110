"""统计, applications' part: applications per status, kind, series, level, region
and committee in a year, pass rates, and submissions per day before the
committee's deadline — for the caller's scope only (a platform admin: all; a
committee: its own; a department or unit: the applications review says reached
it, passed in as ``application_ids``)."""
from collections import Counter

from sqlalchemy import select

from services.applications import vocabulary
from services.applications.models import Application, CommitteeSettings, Qualification, Transition
from zc_common.clock import PLATFORM_TZ
from zc_common.errors import Forbidden, Invalid

PASSED = ("passed", "approved")
FAILED = ("failed",)
DAYS_BEFORE = 30


def _scope(actor, application_ids, committee_id):
    role, org_id = (actor or {}).get("role"), (actor or {}).get("org_id")
    if committee_id is not None and not isinstance(committee_id, str):
        raise Invalid("invalid_field", "评审委员会编号应为文本", field="committee_id")
    if role == "platform_admin":
        return ([Application.committee_id == committee_id] if committee_id else []), committee_id
    if committee_id and committee_id != org_id:
        raise Forbidden("statistics_forbidden", "只能查看本机构范围内的统计")
    if role == "committee_staff" and org_id:
        return [Application.committee_id == org_id], org_id
    if role in ("department_staff", "unit_admin") and org_id:
        ids = [i for i in (application_ids or []) if isinstance(i, str)]
        return [Application.id.in_(ids)], None
    raise Forbidden("statistics_forbidden", "当前角色不能查看统计")


def _rate(passed, failed):
    decided = passed + failed
    return {"passed": passed, "failed": failed, "rate": round(passed / decided, 4) if decided else None}


def compute(session, actor, year, application_ids=None, committee_id=None):
    if isinstance(year, bool) or not isinstance(year, int):
        raise Invalid("invalid_field", "年度应为整数", field="year")
    where, committee = _scope(actor, application_ids, committee_id)
    rows = session.execute(
        select(Application.id, Application.status, Application.kind, Application.committee_id,
               Qualification.series, Qualification.level, Qualification.region_code, Qualification.committee_name)
        .join(Qualification, Qualification.id == Application.qualification_id)
        .where(Application.year == year, *where)).all()
    by = {key: Counter() for key in ("status", "kind", "series", "level", "region", "committee")}
    committee_names, pass_by_level, pass_by_committee = {}, {}, {}
    for _id, status, kind, committee_id_, series, level, region, committee_name in rows:
        for key, value in (("status", status), ("kind", kind), ("series", series), ("level", level),
                           ("region", region), ("committee", committee_id_)):
            by[key][value] += 1
        committee_names[committee_id_] = committee_name
        for table, key in ((pass_by_level, level), (pass_by_committee, committee_id_)):
            entry = table.setdefault(key, [0, 0])
            entry[0] += status in PASSED
            entry[1] += status in FAILED
    names = {s["key"]: s["name"] for s in vocabulary.vocabulary()}
    passed = sum(by["status"][s] for s in PASSED)
    failed = sum(by["status"][s] for s in FAILED)
    ids = [r[0] for r in rows]
    return {
        "year": year, "committee_id": committee, "total": len(rows),
        "by_status": [{"key": k, "name": names.get(k, k), "count": n} for k, n in by["status"].most_common()],
        "by_kind": [{"key": k, "count": n} for k, n in by["kind"].most_common()],
        "by_series": [{"key": k, "count": n} for k, n in by["series"].most_common()],
        "by_level": [{"key": k, "count": n} for k, n in by["level"].most_common()],
        "by_region": [{"key": k, "count": n} for k, n in by["region"].most_common()],
        "by_committee": [{"key": k, "name": committee_names.get(k, k), "count": n}
                         for k, n in by["committee"].most_common()],
        "pass_rate": _rate(passed, failed),
        "pass_rate_by_level": [{"key": k, **_rate(*v)} for k, v in sorted(pass_by_level.items())],
        "pass_rate_by_committee": [{"key": k, "name": committee_names.get(k, k), **_rate(*v)}
                                   for k, v in pass_by_committee.items()],
        "submissions": _submissions(session, ids),
    }


def _submissions(session, ids):
    """Every submit (resubmits too) per calendar day, and per days left before
    the committee's closing day (0 = the closing day), the last DAYS_BEFORE days."""
    if not ids:
        return {"per_day": [], "before_deadline": []}
    per_day, before = Counter(), Counter()
    closes = {c.committee_id: c.submit_closes_at for c in session.scalars(select(CommitteeSettings))}
    for chunk in range(0, len(ids), 1000):
        part = ids[chunk:chunk + 1000]
        rows = session.execute(select(Transition.at, Application.committee_id)
                               .join(Application, Application.id == Transition.application_id)
                               .where(Transition.action == "submit", Transition.application_id.in_(part))).all()
        for at, committee_id in rows:
            day = at.astimezone(PLATFORM_TZ).date()
            per_day[day.isoformat()] += 1
            close = closes.get(committee_id)
            if close is not None:
                left = (close.astimezone(PLATFORM_TZ).date() - day).days
                if 0 <= left <= DAYS_BEFORE:
                    before[left] += 1
    return {"per_day": [{"day": d, "count": n} for d, n in sorted(per_day.items())],
            "before_deadline": [{"days_left": d, "count": before.get(d, 0)} for d in range(DAYS_BEFORE, -1, -1)]}
