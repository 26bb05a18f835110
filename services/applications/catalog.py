"""The catalog: qualifications (with their 任职资格条件 text), localisation, and
the settings each committee makes for itself. ``organizations`` is
``accounts.get_organizations`` (ids → {id: org})."""
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from services.applications import kinds, rules
from services.applications.models import CommitteeSettings, OutboxEvent, Qualification
from services.applications.schemas import qualification_dict, settings_dict
from zc_common.clock import iso, parse
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound
from zc_common.outbox import add_event
from zc_common.recent import Recent

NODES = ("unit", "department", "committee")

# What the application view shows of its qualification and committee settings, as
# read in the last seconds by this process (zc_common.recent). Submit's own checks
# read the settings row itself.
SHOWN_QUALIFICATIONS = Recent()
SHOWN_SETTINGS = Recent()


def _snapshot(row):
    """A row's columns as a plain, read-only object that outlives its session."""
    return None if row is None else SimpleNamespace(
        **{column.key: getattr(row, column.key) for column in inspect(row).mapper.column_attrs})


def _shown(memo, session, model, key):
    found = memo.get(key)
    if found is None:
        found = _snapshot(session.get(model, key))
        memo.put(key, found)
    return found


def shown_qualification(session, qualification_id):
    return _shown(SHOWN_QUALIFICATIONS, session, Qualification, qualification_id)


def shown_settings(session, committee_id):
    """None while the committee has set none (not remembered: asked again)."""
    return _shown(SHOWN_SETTINGS, session, CommitteeSettings, committee_id)


def _committee(organizations, committee_id, field="committee_id"):
    org = organizations([committee_id]).get(committee_id)
    if org is None or org.get("kind") != "committee":
        raise Invalid("invalid_field", "评审委员会不存在", field=field)
    return org


def create_qualification(session, organizations, data):
    level = data.get("level")
    if level not in rules.LEVELS:
        raise Invalid("invalid_field", "级别只能是 初级、中级、副高、正高", field="level")
    for key in ("region_code", "series", "specialty", "title", "committee_id"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise Invalid("invalid_field", "此项必填", field=key)
    allowed = check_kinds(data.get("kinds"), level)
    directed = data.get("directed", False)
    if not isinstance(directed, bool):
        raise Invalid("invalid_field", "定向评价应为 true 或 false", field="directed")
    if directed and not rules.may_be_directed(data["region_code"]):
        raise Invalid("not_southern_prefecture",
                      "只有南疆四地州（喀什、和田、阿克苏、克孜勒苏）的资格可以定向评价、定向使用", field="directed")
    committee = _committee(organizations, data["committee_id"])
    qualification = Qualification(
        region_code=data["region_code"], series=data["series"].strip(),
        specialty=data["specialty"].strip(), level=level, title=data["title"].strip(),
        committee_id=committee["id"], committee_name=committee["name"],
        conditions=(data.get("conditions") or "").strip(), kinds=allowed, directed=directed)
    session.add(qualification)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("qualification_exists", "该地区此评审委员会已有相同系列、专业、级别的资格") from None
    return qualification_dict(qualification)


def check_kinds(value, level):
    """The kinds a qualification accepts: a list of kinds.json keys (default: 评审
    only), each able to lead to the qualification's level."""
    if value is None:
        return [kinds.DEFAULT]
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        raise Invalid("invalid_field", "可申报类型应为申报类型编号的非空列表", field="kinds")
    allowed = []
    for key in value:
        kind = kinds.get(key)
        if kind is None:
            raise Invalid("invalid_field", f"申报类型不存在：{key}", field="kinds")
        if kind["levels"] and level not in kind["levels"]:
            raise Invalid("wrong_kind", f"「{kind['name']}」只能申报{'、'.join(kind['levels'])}资格", field="kinds")
        if key not in allowed:
            allowed.append(key)
    return allowed


def set_kinds(session, qualification_id, value):
    qualification = get_qualification(session, qualification_id)
    qualification.kinds = check_kinds(value, qualification.level)
    session.commit()
    SHOWN_QUALIFICATIONS.drop(qualification_id)
    return qualification_dict(qualification)


def get_qualification(session, qualification_id):
    qualification = session.get(Qualification, qualification_id)
    if qualification is None:
        raise NotFound("qualification_not_found", "资格不存在")
    return qualification


def set_conditions(session, qualification_id, text):
    qualification = get_qualification(session, qualification_id)
    if not isinstance(text, str) or len(text) > 20000:
        raise Invalid("invalid_field", "任职资格条件应为不超过 20000 字的文本", field="conditions")
    qualification.conditions = text.strip()
    session.commit()
    SHOWN_QUALIFICATIONS.drop(qualification_id)
    return qualification_dict(qualification)


def list_qualifications(session, region_code=None, kind=None):
    """The catalog an applicant of ``region_code`` sees (属地化); all of it without
    one; only what accepts ``kind`` (and can lead to its levels) with one."""
    query = select(Qualification).order_by(
        Qualification.region_code, Qualification.series, Qualification.specialty,
        Qualification.level, Qualification.title)
    if region_code:
        query = query.where(Qualification.region_code.in_({region_code, rules.AUTONOMOUS_REGION}))
    rows = session.scalars(query).all()
    items = [qualification_dict(q) for q in rows]
    if region_code:
        items = rules.localised(items, region_code)
    if kind:
        policy = kinds.get(kind)
        if policy is None:
            raise Invalid("invalid_field", "申报类型不存在", field="kind")
        items = [q for q in items if kinds.fits(policy, q["level"], q["kinds"]) is None]
    return items


def region_triples(session, region_code):
    rows = session.execute(select(Qualification.series, Qualification.specialty, Qualification.level)
                           .where(Qualification.region_code == region_code)).all()
    return {tuple(row) for row in rows}


def _time(data, key, prefix=""):
    value = data.get(key)
    try:
        return parse(value)
    except (TypeError, ValueError):
        raise Invalid("invalid_field", "时间格式应为 ISO 8601", field=f"{prefix}{key}") from None


def _whole(data, key, minimum, required=True, default=None):
    value = data.get(key)
    if value is None:
        value = default
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Invalid("invalid_field", f"应为不小于 {minimum} 的整数", field=key)
    return value


WINDOW_KEYS = ("submit_opens_at", "submit_closes_at", "receive_opens_at", "receive_closes_at")
PAIRS = (("submit_opens_at", "submit_closes_at", "提交截止时间应晚于开始时间"),
         ("receive_opens_at", "receive_closes_at", "接收材料截止时间应晚于开始时间"))


def _pair(data, opens_key, closes_key, message, prefix="", required=False):
    """An (opens, closes) window from ``data``: both or neither (unless required),
    closing after opening."""
    if data.get(opens_key) in (None, "") and data.get(closes_key) in (None, "") and not required:
        return None, None
    opens_at, closes_at = (_time(data, opens_key, prefix), _time(data, closes_key, prefix))
    if closes_at <= opens_at:
        raise Invalid("invalid_field", message, field=f"{prefix}{closes_key}")
    return opens_at, closes_at


def _specialty_windows(value):
    """每个专业的申报时间: {specialty: {submit_opens_at, submit_closes_at,
    receive_opens_at, receive_closes_at}} — each pair both or neither, at least one."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or len(value) > 500:
        raise Invalid("invalid_field", "各专业时间应为 {专业: {时间…}} 对象", field="specialty_windows")
    cleaned = {}
    for specialty, window in value.items():
        prefix = f"specialty_windows.{specialty}."
        if not isinstance(specialty, str) or not specialty.strip() or len(specialty) > 64:
            raise Invalid("invalid_field", "专业名称应为不超过 64 字的文本", field="specialty_windows")
        if not isinstance(window, dict) or set(window) - set(WINDOW_KEYS):
            raise Invalid("invalid_field", f"专业时间只能有 {'、'.join(WINDOW_KEYS)}", field=prefix.rstrip("."))
        entry = {}
        for opens_key, closes_key, message in PAIRS:
            opens_at, closes_at = _pair(window, opens_key, closes_key, message, prefix)
            if opens_at is not None:
                entry[opens_key], entry[closes_key] = iso(opens_at), iso(closes_at)
        if not entry:
            raise Invalid("invalid_field", "专业时间至少设置提交或接收材料时间之一", field=prefix.rstrip("."))
        cleaned[specialty.strip()] = entry
    return cleaned


def windows(settings, specialty):
    """The windows that apply to an application of ``specialty``: the specialty's own
    where the committee set one, else the committee's. {key: datetime or None}."""
    if settings is None:
        return dict.fromkeys(WINDOW_KEYS)
    found = {key: getattr(settings, key, None) for key in WINDOW_KEYS}
    own = (getattr(settings, "specialty_windows", None) or {}).get(specialty) or {}
    for opens_key, closes_key, _ in PAIRS:
        if own.get(opens_key) and own.get(closes_key):
            found[opens_key], found[closes_key] = parse(own[opens_key]), parse(own[closes_key])
    return found


def put_settings(session, organizations, actor, committee_id, data):
    """Platform admins set any committee's settings; committee staff their own."""
    if actor.get("role") == "committee_staff":
        if actor.get("org_id") != committee_id:
            raise Forbidden("forbidden", "只能设置本评审委员会的参数")
    elif actor.get("role") != "platform_admin":
        raise Forbidden("forbidden", "当前角色无权设置评审委员会参数")
    committee = organizations([committee_id]).get(committee_id)
    if committee is None or committee.get("kind") != "committee":
        raise NotFound("committee_not_found", "评审委员会不存在")
    opens_at, closes_at = _pair(data, *PAIRS[0], required=True)
    receive_opens_at, receive_closes_at = _pair(data, *PAIRS[1])
    specialty_windows = _specialty_windows(data.get("specialty_windows"))
    department_ids = data.get("receiving_department_ids") or []
    if not isinstance(department_ids, list) or not all(isinstance(i, str) for i in department_ids):
        raise Invalid("invalid_field", "材料接收部门应为部门编号列表", field="receiving_department_ids")
    if department_ids:
        found = organizations(department_ids)
        for department_id in department_ids:
            if found.get(department_id, {}).get("kind") != "department":
                raise Invalid("invalid_field", f"材料接收部门不存在：{department_id}",
                              field="receiving_department_ids")
    node_days = data.get("node_days") or {}
    if not isinstance(node_days, dict):
        raise Invalid("invalid_field", "各审核环节时限应为对象", field="node_days")
    for node, days in node_days.items():
        if node not in NODES or isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise Invalid("invalid_field", "各审核环节时限：节点为 unit/department/committee，天数为正整数",
                          field=f"node_days.{node}")
    settings = session.get(CommitteeSettings, committee_id) or CommitteeSettings(committee_id=committee_id)
    settings.submit_opens_at = opens_at
    settings.submit_closes_at = closes_at
    settings.max_submissions = _whole(data, "max_submissions", 1)
    settings.fee_fen = _whole(data, "fee_fen", 0)
    settings.receiving_department_ids = list(department_ids)
    settings.meeting_quorum = _whole(data, "meeting_quorum", 1, required=False)
    settings.publicity_min_days = _whole(data, "publicity_min_days", 0, default=5)
    settings.node_days = dict(node_days)
    settings.receive_opens_at, settings.receive_closes_at = receive_opens_at, receive_closes_at
    settings.specialty_windows = specialty_windows
    session.add(settings)
    session.flush()
    answer = settings_dict(settings)
    # review keeps a copy of these (read on every decision): tell it with the change.
    add_event(session, OutboxEvent, "committee_settings_changed",
              {"committee_id": committee_id, "settings": answer,
               "changed_at": datetime.now(timezone.utc).isoformat()})
    session.commit()
    SHOWN_SETTINGS.drop(committee_id)
    return answer


def get_settings(session, committee_id):
    """The committee's settings, or None while it has set none."""
    settings = session.get(CommitteeSettings, committee_id)
    return settings_dict(settings) if settings is not None else None
