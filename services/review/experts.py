"""The expert pool of a committee (and the regional pool its region shares):
入库 with a reason and a date, 出库 the same way, declared relations kept current,
and each expert's participation record (参评记录)."""
import re

from sqlalchemy import select

from services.review.draw import RELATION_KINDS
from services.review.expert_models import Exclusion, Expert, Panel, PoolMembership, Seat, Vote
from zc_common.clock import iso
from zc_common.clock import now as platform_now
from zc_common.errors import Conflict, Invalid, NotFound

MAX_SPECIALTIES = 10
MAX_RELATIONS = 50
REGION = re.compile(r"[0-9]{6}")
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
CREDIT_CODE = re.compile(r"[0-9A-Z]{18}")


def _text(value, field, label, max_length, required=False):
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise Invalid("invalid_field", f"{label}应为文本", field=field)
    if required and not text:
        raise Invalid("invalid_field", f"{label}不能为空", field=field)
    if len(text) > max_length:
        raise Invalid("invalid_field", f"{label}过长（最多{max_length}字）", field=field)
    return text


def checked_relations(relations):
    """Each relation names a person (name, optionally ID number) or a unit (name,
    optionally credit code), and says what the relation is."""
    if relations is None:
        return []
    if not isinstance(relations, list) or len(relations) > MAX_RELATIONS:
        raise Invalid("invalid_field", f"回避关系应为列表（最多{MAX_RELATIONS}项）", field="relations")
    checked = []
    for index, relation in enumerate(relations):
        field = f"relations.{index}"
        if not isinstance(relation, dict):
            raise Invalid("invalid_field", "回避关系应为对象", field=field)
        kind = relation.get("kind")
        if kind not in RELATION_KINDS:
            raise Invalid("invalid_relation_kind", "回避关系类型应为：" + "、".join(RELATION_KINDS.values()),
                          field=f"{field}.kind")
        entry = {"kind": kind,
                 "name": _text(relation.get("name"), f"{field}.name", "姓名", 64),
                 "id_number": _text(relation.get("id_number"), f"{field}.id_number", "身份证号", 18).upper(),
                 "unit_name": _text(relation.get("unit_name"), f"{field}.unit_name", "单位名称", 200),
                 "credit_code": _text(relation.get("credit_code"), f"{field}.credit_code", "统一社会信用代码",
                                      18).upper()}
        if not (entry["name"] or entry["unit_name"]):
            raise Invalid("invalid_relation", "回避关系须填写人员姓名或单位名称", field=field)
        if entry["id_number"] and not ID_NUMBER.fullmatch(entry["id_number"]):
            raise Invalid("invalid_id_number", "身份证号码应为18位", field=f"{field}.id_number")
        if entry["credit_code"] and not CREDIT_CODE.fullmatch(entry["credit_code"]):
            raise Invalid("invalid_credit_code", "统一社会信用代码应为18位", field=f"{field}.credit_code")
        checked.append(entry)
    return checked


def checked_profile(data):
    specialties = data.get("specialties")
    if (not isinstance(specialties, list) or not specialties or len(specialties) > MAX_SPECIALTIES
            or not all(isinstance(s, str) and s.strip() and len(s) <= 64 for s in specialties)):
        raise Invalid("invalid_field", f"评审专业应为1至{MAX_SPECIALTIES}项", field="specialties")
    region = data.get("region_code")
    if not isinstance(region, str) or not REGION.fullmatch(region):
        raise Invalid("invalid_field", "所在地区应为6位行政区划代码", field="region_code")
    return {"specialties": [s.strip() for s in specialties],
            "title": _text(data.get("title"), "title", "职称", 64, required=True),
            "level": _text(data.get("level"), "level", "职称级别", 16, required=True),
            "unit_name": _text(data.get("unit_name"), "unit_name", "工作单位", 200, required=True),
            "region_code": region,
            "relations": checked_relations(data.get("relations"))}


def region_pool(region_code):
    return f"region:{region_code}"


def pools_of(deps, committee_id, regional=True):
    """The pools a committee draws from: its own, and its region's."""
    pools = [committee_id]
    if regional:
        region = (deps.orgs.get(committee_id) or {}).get("region_code")
        if region:
            pools.append(region_pool(region))
    return pools


def _pool_for(deps, actor, which):
    if which in (None, "committee"):
        return actor["org_id"]
    if which == "region":
        return pools_of(deps, actor["org_id"])[-1]
    raise Invalid("invalid_field", "专家库应为 committee（本委员会）或 region（本地区）", field="pool")


def _on(value, field):
    if value in (None, ""):
        return platform_now().date()
    from datetime import date
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid("invalid_field", "日期格式应为 YYYY-MM-DD", field=field) from None


def _by(actor):
    return {"user_id": actor["id"], "name": actor.get("name"), "org_id": actor.get("org_id")}


def add_expert(deps, actor, data):
    """入库 of a new expert (or of one another committee already knows): accounts
    makes or finds the login, review keeps the profile and the stay in the pool."""
    session = deps.session
    profile = checked_profile(data)
    pool = _pool_for(deps, actor, data.get("pool"))
    admitted_on = _on(data.get("admitted_on"), "admitted_on")
    reason = _text(data.get("reason"), "reason", "入库原因", 500, required=True)
    account = deps.accounts.create_expert_account(actor, {
        k: data.get(k) for k in ("username", "password", "name", "phone", "id_number", "unit_credit_code")})
    expert = session.get(Expert, account["user_id"])
    if expert is None:
        expert = Expert(id=account["user_id"], created_by_committee=actor["org_id"])
        session.add(expert)
    if expert.created_by_committee == actor["org_id"] or account.get("created"):
        # Another committee's expert keeps the profile that committee keeps.
        expert.username, expert.name, expert.phone = account["username"], account["name"], account["phone"]
        expert.id_number, expert.unit_credit_code = account["id_number"], account.get("unit_credit_code")
        for field, value in profile.items():
            setattr(expert, field, value)
    _admit(session, actor, expert.id, pool, admitted_on, reason)
    session.commit()
    return expert_view(session, expert, pools_of(deps, actor["org_id"]))


def _active(session, expert_id, pools):
    return session.scalars(select(PoolMembership).where(
        PoolMembership.expert_id == expert_id, PoolMembership.pool.in_(pools),
        PoolMembership.removed_on.is_(None))).all()


def _admit(session, actor, expert_id, pool, admitted_on, reason):
    if _active(session, expert_id, [pool]):
        raise Conflict("already_in_pool", "该专家已在专家库中")
    session.add(PoolMembership(pool=pool, expert_id=expert_id, admitted_on=admitted_on, admitted_reason=reason,
                               admitted_by=_by(actor)))


def known_expert(deps, actor, expert_id):
    """An expert who is or was in one of the actor committee's pools; 404 otherwise."""
    session = deps.session
    expert = session.get(Expert, expert_id or "")
    if expert is None or not session.scalar(select(PoolMembership.id).where(
            PoolMembership.expert_id == expert.id,
            PoolMembership.pool.in_(pools_of(deps, actor["org_id"]))).limit(1)):
        raise NotFound("expert_not_found", "未找到该专家")
    return expert


def readmit(deps, actor, expert_id, data):
    session = deps.session
    expert = known_expert(deps, actor, expert_id)
    reason = _text(data.get("reason"), "reason", "入库原因", 500, required=True)
    _admit(session, actor, expert.id, _pool_for(deps, actor, data.get("pool")), _on(data.get("on"), "on"), reason)
    session.commit()
    return expert_view(session, expert, pools_of(deps, actor["org_id"]))


def remove(deps, actor, expert_id, data):
    """出库 from the pool it is named in (the committee's by default)."""
    session = deps.session
    expert = known_expert(deps, actor, expert_id)
    reason = _text(data.get("reason"), "reason", "出库原因", 500, required=True)
    active = _active(session, expert.id, [_pool_for(deps, actor, data.get("pool"))])
    if not active:
        raise Conflict("not_in_pool", "该专家不在专家库中")
    for stay in active:
        stay.removed_on, stay.removed_reason, stay.removed_by = _on(data.get("on"), "on"), reason, _by(actor)
    session.commit()
    return expert_view(session, expert, pools_of(deps, actor["org_id"]))


def update_relations(deps, actor, expert_id, relations):
    session = deps.session
    expert = known_expert(deps, actor, expert_id)
    expert.relations = checked_relations(relations)
    session.commit()
    return expert_view(session, expert, pools_of(deps, actor["org_id"]))


def expert_view(session, expert, pools):
    stays = session.scalars(select(PoolMembership).where(
        PoolMembership.expert_id == expert.id, PoolMembership.pool.in_(pools))
        .order_by(PoolMembership.created_at)).all()
    return {"id": expert.id, "username": expert.username, "name": expert.name, "phone": expert.phone,
            "specialties": list(expert.specialties or []), "title": expert.title, "level": expert.level,
            "unit_name": expert.unit_name, "unit_credit_code": expert.unit_credit_code,
            "region_code": expert.region_code, "relations": list(expert.relations or []),
            "active": any(s.removed_on is None for s in stays),
            "stays": [{"pool": "region" if s.pool.startswith("region:") else "committee",
                       "admitted_on": s.admitted_on.isoformat(), "admitted_reason": s.admitted_reason,
                       "removed_on": s.removed_on.isoformat() if s.removed_on else None,
                       "removed_reason": s.removed_reason} for s in stays]}


def list_pool(deps, actor):
    session = deps.session
    pools = pools_of(deps, actor["org_id"])
    ids = set(session.scalars(select(PoolMembership.expert_id).where(PoolMembership.pool.in_(pools))))
    experts = session.scalars(select(Expert).where(Expert.id.in_(ids)).order_by(Expert.name, Expert.id)).all()
    return [expert_view(session, e, pools) for e in experts]


def list_all(session):
    """Every expert of every pool, for the platform administrator (参评记录 from there)."""
    experts = session.scalars(select(Expert).order_by(Expert.name, Expert.id)).all()
    pools = {}
    for stay in session.scalars(select(PoolMembership)):
        pools.setdefault(stay.expert_id, []).append(stay.pool)
    return [expert_view(session, e, sorted(set(pools.get(e.id, [])))) for e in experts]


def active_experts(session, pools):
    """The experts a draw may pick from, as plain dicts for the screening rules."""
    ids = set(session.scalars(select(PoolMembership.expert_id).where(
        PoolMembership.pool.in_(pools), PoolMembership.removed_on.is_(None))))
    return [{"id": e.id, "name": e.name, "id_number": e.id_number, "unit_name": e.unit_name,
             "unit_credit_code": e.unit_credit_code, "region_code": e.region_code,
             "relations": list(e.relations or []), "specialties": list(e.specialties or [])}
            for e in session.scalars(select(Expert).where(Expert.id.in_(ids)))]


# -- 参评记录 ---------------------------------------------------------------------------

def history(session, expert_id, committee_id=None):
    """The expert's panels (drawn as member or reserve, declared, declined), how
    many applications they voted on (never how), and every exclusion with its
    reason — of one committee, or of all for the platform administrator."""
    panels = select(Panel)
    if committee_id:
        panels = panels.where(Panel.committee_id == committee_id)
    seats = {s.panel_id: s for s in session.scalars(select(Seat).where(Seat.expert_id == expert_id))}
    excluded = {}
    for row in session.scalars(select(Exclusion).where(Exclusion.expert_id == expert_id).order_by(Exclusion.at)):
        excluded.setdefault(row.panel_id, []).append(row)
    ids = set(seats) | set(excluded)
    voted = {}
    for vote in session.scalars(select(Vote).where(Vote.expert_id == expert_id)):
        voted[vote.panel_id] = voted.get(vote.panel_id, 0) + 1
    entries = []
    for panel in session.scalars(panels.where(Panel.id.in_(ids)).order_by(Panel.held_on.desc())):
        seat = seats.get(panel.id)
        numbers = {a["id"]: a.get("number") for a in panel.applications or []}
        entries.append({
            "panel_id": panel.id, "title": panel.title, "committee_name": panel.committee_name,
            "held_on": panel.held_on.isoformat(), "panel_state": panel.state,
            "drawn": seat is not None, "role": seat.role if seat else None, "state": seat.state if seat else None,
            "applications": len(panel.application_ids or []), "voted": voted.get(panel.id, 0),
            "exclusions": [{"application_number": numbers.get(x.application_id), "reason": x.reason,
                            "detail": x.detail, "stage": x.stage, "at": iso(x.at)}
                           for x in excluded.get(panel.id, [])]})
    return entries
