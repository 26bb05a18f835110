"""Departments, committees and their staff (set up by the platform administrator),
and base-unit information kept by each unit's administrator."""
from sqlalchemy import select

from services.accounts import audit, events, passwords, schemas, validators
from services.accounts.models import Appeal, Organization, OrgChange, User
from services.accounts.regions import region_code
from services.accounts.registration import commit_or_conflict, find_unit_by_name, username_taken
from zc_common.clock import now
from zc_common.errors import Conflict, Invalid, NotFound

MAX_RECOMMENDING_UNITS = 2
STAFF_ROLE = {"department": "department_staff", "committee": "committee_staff"}


def create_organization(db, actor, data):
    kind = data.get("kind")
    if kind not in STAFF_ROLE:
        raise Invalid("invalid_field", "机构类型应为 department（部门）或 committee（评审委员会）", field="kind")
    name = validators.required_text(data.get("name"), "name", "机构名称", 200)
    region = region_code(data.get("region_code"))
    contact = data.get("contact") or {}
    person = validators.required_text(contact.get("person"), "contact.person", "联系人", 64)
    phone = validators.contact_phone(contact.get("phone"), field="contact.phone")
    address = (contact.get("address") or "").strip() or None
    parent_id = data.get("parent_id")
    if parent_id:
        if kind != "department":
            raise Invalid("invalid_field", "只有部门可以设置上级（转报）部门", field="parent_id")
        parent = db.get(Organization, parent_id)
        if parent is None or parent.kind != "department":
            raise Invalid("unknown_parent", "上级部门不存在", field="parent_id")
    duplicate = db.scalar(select(Organization.id).where(
        Organization.kind == kind, Organization.region_code == region, Organization.name == name))
    if duplicate is not None:
        raise Conflict("organization_exists", "该地区已有同名机构")
    org = Organization(kind=kind, name=name, region_code=region, parent_id=parent_id or None,
                       contact_person=person, contact_phone=phone, address=address,
                       recommending_unit_ids=[])
    db.add(org)
    db.flush()
    audit.record(db, "organization_created", actor=actor, username=actor.get("username"),
                 organization_id=org.id, org_kind=kind, name=name)
    events.organization_changed(db, org)
    db.commit()
    return schemas.organization(org)


def add_staff(db, actor, org_id, data):
    org = db.get(Organization, org_id)
    if org is None:
        raise NotFound("organization_not_found", "机构不存在")
    if org.kind not in STAFF_ROLE:
        raise Conflict("not_staff_organization", "基层单位的账号由单位注册产生，不能在此添加工作人员")
    username = validators.username(data.get("username"))
    name = validators.required_text(data.get("name"), "name", "姓名", 64)
    phone = validators.mobile(data.get("phone"))
    password = validators.password(data.get("password"), username)
    if username_taken(db, username):
        raise Conflict("username_taken", "用户名已被使用")
    user = User(username=username, password_hash=passwords.hash_password(password), name=name,
                role=STAFF_ROLE[org.kind], phone=phone, org_id=org.id, region_code=org.region_code,
                password_changed_at=now())
    db.add(user)
    db.flush()
    audit.record(db, "staff_created", user=user, actor=actor, organization_id=org.id)
    commit_or_conflict(db, "username_taken", "用户名已被使用")
    return {"user_id": user.id, "username": user.username}


def visible_unit(db, actor, unit_id):
    """A unit its own administrator (or a platform administrator) may see; 404 otherwise."""
    org = db.get(Organization, unit_id)
    allowed = actor["role"] == "platform_admin" or (actor["role"] == "unit_admin" and actor["org_id"] == unit_id)
    if org is None or org.kind != "unit" or not allowed:
        raise NotFound("unit_not_found", "单位不存在")
    return org


def departments_by_id(db, ids):
    if not ids:
        return []
    found = {d.id: d for d in db.scalars(select(Organization).where(Organization.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def unit_view(db, org):
    history = db.scalars(select(OrgChange).where(OrgChange.org_id == org.id)
                         .order_by(OrgChange.at, OrgChange.id)).all()
    appeals = db.scalars(select(Appeal).where(Appeal.org_id == org.id, Appeal.kind == "credit_code")
                         .order_by(Appeal.created_at.desc())).all()
    return schemas.unit(org, departments_by_id(db, list(org.recommending_unit_ids or [])), history, appeals)


def get_unit(db, actor, unit_id):
    return unit_view(db, visible_unit(db, actor, unit_id))


def recommending_units(db, ids):
    """At most two, each an existing department (推荐单位), no repeats."""
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid("invalid_field", "推荐单位应为部门编号列表", field="recommending_unit_ids")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_RECOMMENDING_UNITS:
        raise Invalid("too_many_recommending_units", "推荐单位最多选择两个", field="recommending_unit_ids")
    departments = departments_by_id(db, ids)
    if len(departments) != len(ids) or any(d.kind != "department" for d in departments):
        raise Invalid("unknown_recommending_unit", "推荐单位必须是已有的主管部门", field="recommending_unit_ids")
    return ids


def update_unit(db, actor, unit_id, data):
    """完善单位信息 / 变更推荐单位. Only the fields given change."""
    org = visible_unit(db, actor, unit_id)
    changes = {}
    if data.get("name") is not None:
        name = validators.required_text(data["name"], "name", "单位名称", 200)
        if find_unit_by_name(db, name, exclude_id=org.id) is not None:
            raise Conflict("unit_exists", "同名单位已注册")
        changes["name"] = name
        changes["unit_name_key"] = validators.name_key(name)
    if data.get("legal_person") is not None:
        changes["legal_person"] = validators.required_text(data["legal_person"], "legal_person", "法人代表", 64)
    if data.get("address") is not None:
        changes["address"] = validators.required_text(data["address"], "address", "单位地址", 300)
    if data.get("contact_person") is not None:
        changes["contact_person"] = validators.required_text(data["contact_person"], "contact_person", "联系人", 64)
    if data.get("contact_phone") is not None:
        changes["contact_phone"] = validators.contact_phone(data["contact_phone"])
    if data.get("recommending_unit_ids") is not None:
        changes["recommending_unit_ids"] = recommending_units(db, data["recommending_unit_ids"])
    if "name" in changes and changes["name"] != org.name:
        # 变更单位名称: the old name is kept, with who changed it and when.
        db.add(OrgChange(org_id=org.id, field="name", old_value=org.name, new_value=changes["name"],
                             by_user_id=actor.get("id"), by_name=actor.get("name") or actor.get("username")))
    for field, value in changes.items():
        setattr(org, field, value)
    audit.record(db, "unit_updated", actor=actor, username=actor.get("username"), unit_id=org.id,
                 fields=sorted(k for k in changes if k != "unit_name_key"))
    events.organization_changed(db, org)
    commit_or_conflict(db, "unit_exists", "同名单位已注册")
    return unit_view(db, org)


def search_units(db, region=None, q=None, limit=50):
    query = select(Organization).where(Organization.kind == "unit")
    if region:
        query = query.where(Organization.region_code == region)
    if q and q.strip():
        query = query.where(Organization.unit_name_key.contains(validators.name_key(q), autoescape=True))
    rows = db.scalars(query.order_by(Organization.name).limit(limit)).all()
    return [{"id": o.id, "name": o.name, "region_code": o.region_code} for o in rows]


def list_organizations(db, kind=None, region=None):
    query = select(Organization)
    if kind:
        query = query.where(Organization.kind == kind)
    if region:
        query = query.where(Organization.region_code == region)
    return [schemas.organization(o) for o in db.scalars(query.order_by(Organization.region_code, Organization.name))]


def departments(db, region=None):
    return [{"id": o["id"], "name": o["name"], "region_code": o["region_code"], "parent_id": o["parent_id"]}
            for o in list_organizations(db, "department", region)]


def committees(db, region=None):
    query = select(Organization).where(Organization.kind == "committee")
    if region:
        query = query.where(Organization.region_code == region)
    return [schemas.committee_entry(o) for o in db.scalars(query.order_by(Organization.region_code, Organization.name))]


def get_organizations(db, ids):
    rows = db.scalars(select(Organization).where(Organization.id.in_(list(ids or [])))).all()
    return {o.id: schemas.organization(o) for o in rows}


def get_users(db, ids):
    rows = db.scalars(select(User).where(User.id.in_(list(ids or [])))).all()
    return {u.id: schemas.user_brief(u) for u in rows}
