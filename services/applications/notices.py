"""Notices on the portal: 通知公告 (``announcement``) and 纸质材料报送要求
(``paper_materials``). A platform admin writes any notice; committee staff only
their own committee's, which always carries the committee's region. Everyone may
read what is published. ``organizations`` is ``accounts.get_organizations``."""
import csv
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select

from services.applications.models import Notice
from zc_common.clock import iso, now, parse
from zc_common.errors import Forbidden, Invalid, NotFound

KINDS = {"announcement": "通知公告", "paper_materials": "纸质材料报送要求"}
TITLE_MAX = 100
BODY_MAX = 20000
PAGE_SIZE_MAX = 100
SUMMARY_CHARS = 120
REGIONS_CSV = Path(__file__).resolve().parents[2] / "reference" / "regions.csv"


@lru_cache(maxsize=1)
def region_codes():
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle))


# -- views -------------------------------------------------------------------------

def notice_dict(notice, audit=False):
    """The notice as the API shows it; ``audit`` adds who impersonated and who last
    edited (for the writers, not for the public)."""
    view = {
        "id": notice.id, "kind": notice.kind, "kind_name": KINDS.get(notice.kind, notice.kind),
        "title": notice.title, "body": notice.body, "region_code": notice.region_code,
        "committee": ({"id": notice.committee_id, "name": notice.committee_name}
                      if notice.committee_id else None),
        "pinned": bool(notice.pinned), "published_at": iso(notice.published_at),
        "author": {"id": notice.author_id, "name": notice.author_name},
        "created_at": iso(notice.created_at), "updated_at": iso(notice.updated_at),
    }
    if audit:
        view["impersonated_by"] = notice.impersonated_by
        view["updated_by"] = notice.updated_by
    return view


def _summary(notice):
    text = " ".join((notice.body or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


# -- who may write -------------------------------------------------------------------

def _writer(actor):
    """Refuse anyone but a platform admin or committee staff (403)."""
    role = (actor or {}).get("role")
    if role not in ("platform_admin", "committee_staff"):
        raise Forbidden("forbidden", "只有平台管理员和评审委员会工作人员可以发布通知")
    if role == "committee_staff" and not actor.get("org_id"):
        raise Forbidden("forbidden", "当前账号未关联评审委员会")
    return role


def _editable(session, actor, notice_id):
    """The notice, if this actor may change it. A notice of another committee (or a
    platform-wide one) is not shown to committee staff as existing at all: 404."""
    _writer(actor)
    notice = session.get(Notice, notice_id) if isinstance(notice_id, str) else None
    if notice is None or (actor["role"] == "committee_staff" and notice.committee_id != actor["org_id"]):
        raise NotFound("notice_not_found", "通知不存在")
    return notice


# -- validation (everything checked before anything is written) -----------------------

def _text(data, key, limit, name):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Invalid("invalid_field", f"{name}应为文本", field=key)
    if not value or not value.strip():
        raise Invalid("invalid_field", f"{name}必填", field=key)
    value = value.strip()
    if len(value) > limit:
        raise Invalid("invalid_field", f"{name}不能超过 {limit} 字", field=key)
    return value


def _committee(organizations, committee_id, field="committee_id"):
    org = organizations([committee_id]).get(committee_id) if isinstance(committee_id, str) else None
    if org is None or org.get("kind") != "committee":
        raise Invalid("invalid_field", "评审委员会不存在", field=field)
    return org


def _checked(organizations, actor, data):
    """The notice's fields from ``data``, checked; raises before any write."""
    if not isinstance(data, dict):
        raise Invalid("invalid_field", "请求内容应为对象", field=None)
    kind = data.get("kind")
    if kind not in KINDS:
        raise Invalid("invalid_field", "通知类型只能是 announcement（通知公告）或 paper_materials（纸质材料报送要求）",
                      field="kind")
    fields = {"kind": kind, "title": _text(data, "title", TITLE_MAX, "标题"),
              "body": _text(data, "body", BODY_MAX, "正文")}
    pinned = data.get("pinned", False)
    if pinned is None:
        pinned = False
    if not isinstance(pinned, bool):
        raise Invalid("invalid_field", "置顶应为是或否", field="pinned")
    fields["pinned"] = pinned
    published_at = data.get("published_at")
    if published_at in (None, ""):
        fields["published_at"] = now()
    else:
        try:
            fields["published_at"] = parse(published_at)
        except (TypeError, ValueError):
            raise Invalid("invalid_field", "发布时间格式应为 ISO 8601", field="published_at") from None

    committee_id = data.get("committee_id") or None
    if actor["role"] == "committee_staff":
        # Staff write for their own committee only; naming another one is refused.
        if committee_id is not None and committee_id != actor["org_id"]:
            raise Forbidden("forbidden", "只能发布本评审委员会的通知")
        org = organizations([actor["org_id"]]).get(actor["org_id"])
        if org is None or org.get("kind") != "committee":
            raise Forbidden("forbidden", "当前账号未关联评审委员会")
        committee_id = actor["org_id"]
    elif committee_id is not None:
        org = _committee(organizations, committee_id)
    else:
        org = None
    if org is not None:
        # A committee's notice is always in the committee's region.
        fields.update(committee_id=org["id"], committee_name=org["name"], region_code=org["region_code"])
    else:
        region = data.get("region_code")
        if region not in region_codes():
            raise Invalid("unknown_region", "地区代码不存在（应为自治区本级或14个地州之一）", field="region_code")
        fields.update(committee_id=None, committee_name=None, region_code=region)
    return fields


def _person(actor):
    return {"id": actor.get("id"), "name": actor.get("name")}


# -- writing ----------------------------------------------------------------------------

def create(session, organizations, actor, data):
    _writer(actor)
    fields = _checked(organizations, actor, data)
    moment = now()
    notice = Notice(**fields, author_id=actor["id"], author_name=actor.get("name") or actor.get("username") or "",
                    impersonated_by=actor.get("impersonated_by"), created_at=moment, updated_at=moment)
    session.add(notice)
    session.commit()
    return notice_dict(notice, audit=True)


def update(session, organizations, actor, notice_id, data):
    """Replace the notice's content (the same body as creating). The author stays;
    the last editor and any impersonation of that edit are recorded."""
    notice = _editable(session, actor, notice_id)
    fields = _checked(organizations, actor, data)
    for key, value in fields.items():
        setattr(notice, key, value)
    notice.updated_by = _person(actor)
    if actor.get("impersonated_by"):
        notice.impersonated_by = actor["impersonated_by"]
    notice.updated_at = now()
    session.commit()
    return notice_dict(notice, audit=True)


def delete(session, actor, notice_id):
    notice = _editable(session, actor, notice_id)
    session.delete(notice)
    session.commit()
    return {"id": notice_id}


# -- reading (public) -----------------------------------------------------------------

def _whole(value, key, default, minimum, maximum):
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise Invalid("invalid_field", f"应为 {minimum} 到 {maximum} 之间的整数", field=key)
    return value


def list_public(session, kind=None, region_code=None, committee_id=None, page=1, page_size=20):
    """Published notices (published_at not in the future), pinned first, newest first."""
    if kind not in (None, "") and kind not in KINDS:
        raise Invalid("invalid_field", "通知类型只能是 announcement 或 paper_materials", field="kind")
    if region_code not in (None, "") and region_code not in region_codes():
        raise Invalid("unknown_region", "地区代码不存在（应为自治区本级或14个地州之一）", field="region_code")
    page = _whole(page, "page", 1, 1, 100000)
    page_size = _whole(page_size, "page_size", 20, 1, PAGE_SIZE_MAX)
    where = [Notice.published_at <= now()]
    if kind:
        where.append(Notice.kind == kind)
    if region_code:
        where.append(Notice.region_code == region_code)
    if committee_id:
        where.append(Notice.committee_id == committee_id)
    total = session.scalar(select(func.count()).select_from(Notice).where(*where))
    rows = session.scalars(
        select(Notice).where(*where)
        .order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id)
        .offset((page - 1) * page_size).limit(page_size)).all()
    items = []
    for notice in rows:
        item = notice_dict(notice)
        del item["body"]
        item["summary"] = _summary(notice)
        items.append(item)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


def get_public(session, notice_id):
    notice = session.scalars(select(Notice).where(
        Notice.id == str(notice_id), Notice.published_at <= now())).first()
    if notice is None:
        raise NotFound("notice_not_found", "通知不存在")
    return notice_dict(notice)
