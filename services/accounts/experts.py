"""Experts' logins: a committee secretary creates the account of an expert of the
committee's pool (role ``expert``, no organisation — what an expert may see is
decided by review, which owns the pool and the panels). The password is issued
by the secretary, so the expert must replace it at first login. And the facts
review's screening (回避) needs from what accounts owns: applicants' ID numbers,
units' credit codes and regions."""
from sqlalchemy import select

from services.accounts import audit, passwords, validators
from services.accounts.models import Organization, User
from services.accounts.registration import commit_or_conflict
from zc_common.clock import now
from zc_common.errors import Conflict

ROLE = "expert"


def checked_profile(data):
    """What review stores of an expert, checked by the rules accounts owns."""
    code = (data.get("unit_credit_code") or "").strip()
    return {
        "name": validators.required_text(data.get("name"), "name", "姓名", 64),
        "phone": validators.mobile(data.get("phone")),
        "id_number": validators.id_number(data.get("id_number")),
        "unit_credit_code": validators.credit_code(code, field="unit_credit_code") if code else None,
    }


def create_account(db, actor, data):
    """The expert's account, or the existing expert account of that username (a
    retried request, or an expert another committee already knows): its password
    is never touched then."""
    profile = checked_profile(data)
    username = validators.username(data.get("username"))
    existing = db.scalar(select(User).where(User.username == username))
    if existing is not None:
        if existing.role != ROLE:
            raise Conflict("username_taken", "用户名已被使用")
        return {"user_id": existing.id, "username": existing.username, "created": False,
                **profile, "name": existing.name}
    password = validators.password(data.get("password"), username, profile["id_number"])
    user = User(username=username, password_hash=passwords.hash_password(password), name=profile["name"],
                role=ROLE, phone=profile["phone"], org_id=None, region_code=actor.get("region_code") or "650000",
                password_changed_at=now(), must_change_password=True)
    db.add(user)
    db.flush()
    audit.record(db, "expert_created", user=user, actor=actor, organization_id=actor.get("org_id"))
    commit_or_conflict(db, "username_taken", "用户名已被使用")
    return {"user_id": user.id, "username": user.username, "created": True, **profile}


def screening_facts(db, applicant_ids=(), unit_ids=(), id_numbers=()):
    """applicants: id → ID number; units: id → credit code and region; and the
    applicant accounts holding the given ID numbers (id number → user id)."""
    applicants = {u.id: {"id_number": u.id_number, "name": u.name}
                  for u in db.scalars(select(User).where(User.id.in_(list(applicant_ids or []))))}
    units = {o.id: {"credit_code": o.credit_code, "region_code": o.region_code, "name": o.name}
             for o in db.scalars(select(Organization).where(Organization.id.in_(list(unit_ids or []))))}
    holders = {u.id_number: u.id for u in db.scalars(
        select(User).where(User.id_number.in_(list(id_numbers or [])), User.role == "applicant"))}
    return {"applicants": applicants, "units": units, "applicant_accounts": holders}
