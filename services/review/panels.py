"""A meeting's panel: the secretary names the applications and the panel size,
the platform screens every expert of the committee's pools (services/review/draw.py)
and draws the panel and its reserves at random. The committee's view shows who was
drawn and why others were not, and how far voting has got — never how anyone voted."""
from datetime import date

from sqlalchemy import select

from services.review import draw, experts
from services.review.expert_models import Exclusion, Expert, Panel, Seat, Vote
from services.review.models import ReviewCase
from services.review.remote import notify
from zc_common.clock import iso
from zc_common.errors import Conflict, Invalid, NotFound

MAX_PANEL = 99
MAX_RESERVES = 20


def _count(value, field, label, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Invalid("invalid_field", f"{label}应为{low}至{high}的整数", field=field)
    return value


def checked_request(data):
    ids = data.get("application_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise Invalid("invalid_field", "请选择上会的申请书", field="application_ids")
    if len(set(ids)) != len(ids):
        raise Invalid("duplicate_result", "同一申请书在一次会议中只能表决一次", field="application_ids")
    specialties = data.get("specialties") or []
    if not isinstance(specialties, list) or not all(isinstance(s, str) for s in specialties):
        raise Invalid("invalid_field", "评审专业应为文本列表", field="specialties")
    try:
        held_on = date.fromisoformat(str(data.get("held_on")))
    except ValueError:
        raise Invalid("invalid_field", "会议日期格式应为 YYYY-MM-DD", field="held_on") from None
    title = (data.get("title") or "").strip() if isinstance(data.get("title"), str) else ""
    return {"application_ids": ids, "specialties": [s.strip() for s in specialties if s.strip()],
            "panel_size": _count(data.get("panel_size"), "panel_size", "专家人数", 1, MAX_PANEL),
            "reserves": _count(data.get("reserves", 0), "reserves", "备选专家人数", 0, MAX_RESERVES),
            "exclude_same_area": bool(data.get("exclude_same_area")),
            "include_regional": bool(data.get("include_regional")),
            "held_on": held_on, "year": _count(data.get("year") or held_on.year, "year", "年度", 2000, 2100),
            "title": title[:200] or f"{held_on.isoformat()} 评审会议"}


def meeting_applications(deps, committee_id, ids):
    """The applications, each checked to be this committee's and waiting for its
    meeting, with what screening needs from accounts (ID number, credit code, region)."""
    found = deps.applications.get_applications_internal(ids) or {}
    apps = []
    for index, application_id in enumerate(ids):
        app = found.get(application_id)
        if app is None or (app.get("committee") or {}).get("id") != committee_id:
            raise NotFound("application_not_found", "未找到该申请书", field=f"application_ids.{index}")
        if app.get("status") != "ready_for_meeting":
            raise Conflict("not_ready_for_meeting",
                           f"申请书 {app.get('number')} 当前状态不能上会（需已缴费待评审）", application_id=app["id"])
        kind = app.get("kind") or {}
        if not kind.get("meeting", True):
            # A kind the committee confirms (认定) is never voted on (applications owns kinds).
            raise Invalid("confirmation_required",
                          f"申请书 {app.get('number')} 的申报类型「{kind.get('name')}」由评审委员会认定，不经会议表决",
                          field=f"application_ids.{index}")
        apps.append(app)
    return apps


def open_panels_with(session, committee_id, ids):
    panels = session.scalars(select(Panel).where(Panel.committee_id == committee_id,
                                                 Panel.state != "closed")).all()
    return [p for p in panels if set(p.application_ids) & set(ids)]


def create_panel(deps, actor, data):
    session = deps.session
    committee_id = actor["org_id"]
    request = checked_request(data)
    busy = open_panels_with(session, committee_id, request["application_ids"])
    if busy:
        raise Conflict("already_on_panel", f"所选申请书已在评审会议「{busy[0].title}」中表决")
    apps = meeting_applications(deps, committee_id, request["application_ids"])
    pool = experts.active_experts(session, experts.pools_of(deps, committee_id, request["include_regional"]))
    facts = deps.accounts.screening_facts([(a.get("applicant") or {}).get("id") for a in apps],
                                          [(a.get("unit") or {}).get("id") for a in apps],
                                          [e["id_number"] for e in pool])
    screened = [{"id": a["id"], "number": a.get("number"),
                 "applicant": {**(a.get("applicant") or {}),
                               **(facts["applicants"].get((a.get("applicant") or {}).get("id")) or {})},
                 "unit": {**(a.get("unit") or {}), **(facts["units"].get((a.get("unit") or {}).get("id")) or {})}}
                for a in apps]
    candidates = draw.screen(pool, screened, specialties=request["specialties"],
                             applies=own_applications(session, committee_id, request["year"], pool,
                                                      facts["applicant_accounts"]),
                             exclude_same_area=request["exclude_same_area"])
    seed = draw.new_seed()
    members, reserves = draw.draw(candidates, request["panel_size"], request["reserves"], seed)
    committee_name = (apps[0].get("committee") or {}).get("name") or ""
    panel = Panel(committee_id=committee_id, committee_name=committee_name, title=request["title"],
                  year=request["year"], held_on=request["held_on"], application_ids=request["application_ids"],
                  applications=[{"id": a["id"], "number": a.get("number"),
                                 "name": (a.get("applicant") or {}).get("name"),
                                 "unit": (a.get("unit") or {}).get("name"),
                                 "title": (a.get("qualification") or {}).get("title"),
                                 "specialty": (a.get("qualification") or {}).get("specialty")} for a in apps],
                  panel_size=request["panel_size"], reserves=len(reserves), specialties=request["specialties"],
                  exclude_same_area=request["exclude_same_area"], include_regional=request["include_regional"],
                  seed=seed, candidates=[{k: c[k] for k in ("expert_id", "name", "eligible")} for c in candidates],
                  drawn=members + reserves,
                  created_by={"user_id": actor["id"], "name": actor.get("name"), "org_id": committee_id})
    session.add(panel)
    session.flush()
    for position, expert_id in enumerate(members + reserves):
        session.add(Seat(panel_id=panel.id, expert_id=expert_id, position=position,
                         role="member" if position < len(members) else "reserve"))
    for candidate in candidates:
        for x in candidate["exclusions"]:
            session.add(Exclusion(panel_id=panel.id, expert_id=candidate["expert_id"],
                                  application_id=x["application_id"], reason=x["reason"], detail=x["detail"],
                                  stage="draw"))
    session.commit()
    invite(deps, panel, members)
    return panel_view(session, panel)


def own_applications(session, committee_id, year, pool, holders):
    """Expert id → the number of their own application at this committee this year
    (the expert's ID number holds an applicant account that applied here)."""
    by_applicant = {holders[e["id_number"]]: e["id"] for e in pool if e["id_number"] in holders}
    if not by_applicant:
        return {}
    rows = session.scalars(select(ReviewCase).where(ReviewCase.committee_id == committee_id,
                                                    ReviewCase.year == year,
                                                    ReviewCase.applicant_id.in_(list(by_applicant)))).all()
    return {by_applicant[r.applicant_id]: r.number for r in rows}


def invite(deps, panel, expert_ids):
    if deps.notices is not None and expert_ids:
        notify(deps.notices, user_ids=list(expert_ids), kind="expert_invited",
               subject=f"评审会议邀请：{panel.title}",
               body=f"您已被抽取为「{panel.committee_name}」{panel.held_on.isoformat()} 评审会议的评审专家。"
                    "请登录平台签署无利益冲突声明后查看材料并投票。")


def own_panel(session, actor, panel_id):
    panel = session.get(Panel, panel_id or "")
    if panel is None or panel.committee_id != actor.get("org_id"):
        raise NotFound("panel_not_found", "未找到该评审会议")
    return panel


def seats_of(session, panel_id):
    return session.scalars(select(Seat).where(Seat.panel_id == panel_id).order_by(Seat.position)).all()


def excluded_pairs(session, panel_id):
    return {(x.expert_id, x.application_id)
            for x in session.scalars(select(Exclusion).where(Exclusion.panel_id == panel_id))}


def voters(seats, excluded, application_id):
    """Who votes on an application: declared members not excluded from it."""
    return [s.expert_id for s in seats if s.role == "member" and s.state == "declared"
            and (s.expert_id, application_id) not in excluded]


def panel_view(session, panel):
    seats = seats_of(session, panel.id)
    excluded = excluded_pairs(session, panel.id)
    names = {e.id: e for e in session.scalars(select(Expert).where(
        Expert.id.in_([c["expert_id"] for c in panel.candidates])))}
    exclusions = session.scalars(select(Exclusion).where(Exclusion.panel_id == panel.id)
                                 .order_by(Exclusion.at)).all()
    votes = session.scalars(select(Vote).where(Vote.panel_id == panel.id)).all()
    numbers = {a["id"]: a.get("number") for a in panel.applications}
    progress = []
    for app in panel.applications:
        allowed = voters(seats, excluded, app["id"])
        cast = sum(1 for v in votes if v.application_id == app["id"] and v.expert_id in allowed)
        progress.append({**app, "voters": len(allowed), "voted": cast})
    return {
        "id": panel.id, "title": panel.title, "committee_id": panel.committee_id, "year": panel.year,
        "held_on": panel.held_on.isoformat(), "state": panel.state, "meeting_id": panel.meeting_id,
        "panel_size": panel.panel_size, "reserves": panel.reserves, "specialties": panel.specialties,
        "exclude_same_area": panel.exclude_same_area, "include_regional": panel.include_regional,
        "seed": panel.seed, "created_at": iso(panel.created_at), "closed_at": iso(panel.closed_at),
        "candidates": [{**c, "title": getattr(names.get(c["expert_id"]), "title", None),
                        "unit_name": getattr(names.get(c["expert_id"]), "unit_name", None)}
                       for c in panel.candidates],
        "seats": [{"expert_id": s.expert_id, "name": getattr(names.get(s.expert_id), "name", ""),
                   "phone": getattr(names.get(s.expert_id), "phone", ""), "position": s.position,
                   "role": s.role, "state": s.state, "declared_at": iso(s.declared_at),
                   "declined_reason": s.declined_reason} for s in seats],
        "exclusions": [{"expert_id": x.expert_id, "name": getattr(names.get(x.expert_id), "name", ""),
                        "application_id": x.application_id, "application_number": numbers.get(x.application_id),
                        "reason": x.reason, "reason_name": draw.REASONS.get(x.reason, x.reason),
                        "detail": x.detail, "stage": x.stage, "at": iso(x.at)} for x in exclusions],
        "applications": progress,
    }


def list_panels(session, actor):
    rows = session.scalars(select(Panel).where(Panel.committee_id == actor.get("org_id"))
                           .order_by(Panel.created_at.desc())).all()
    return [{"id": p.id, "title": p.title, "held_on": p.held_on.isoformat(), "state": p.state,
             "meeting_id": p.meeting_id, "panel_size": p.panel_size, "applications": len(p.application_ids)}
            for p in rows]
