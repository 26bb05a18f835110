"""What crosses RPC: the actor (who is calling), users, organisations and units."""
from datetime import date

from zc_common.clock import iso
from zc_common.errors import Forbidden

ROLES = ("applicant", "unit_admin", "department_staff", "committee_staff", "platform_admin", "expert")

UNIT_REQUIRED = {
    "legal_person": "法人代表",
    "address": "单位地址",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
}


def actor(user, region_code, impersonator=None):
    """The dict ``authenticate`` returns and every service receives as ``actor``."""
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "region_code": region_code,
        "org_id": user.org_id,
        "impersonated_by": ({"id": impersonator.id, "username": impersonator.username}
                            if impersonator is not None else None),
        # A unit administrator's account may not apply for a title (split in 2019).
        "can_apply": user.role == "applicant",
        # An administrator issued the password (appeal): the gateway lets the account
        # do nothing but read /me, log out and change it until the owner does.
        "must_change_password": bool(user.must_change_password),
        # The registration's identity, which applications prefills the form's 基本信息
        # from and checks the form against (#14 item 6) with no call back to accounts.
        "phone": user.phone,
        **identity_of(user.id_number),
    }


def identity_of(id_number):
    """Birth date (ISO) and gender as an 18-digit 身份证号 (GB 11643) encodes them:
    digits 7–14 the birth date, the 17th odd for 男 and even for 女. Both None for
    an account without one (staff, or a number that does not read)."""
    number = id_number or ""
    unknown = {"birth_date": None, "gender": None}
    if len(number) != 18 or not number[:17].isdigit():
        return unknown
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14])).isoformat()
    except ValueError:
        return unknown
    return {"birth_date": born, "gender": "男" if int(number[16]) % 2 else "女"}


def user_brief(user):
    return {"id": user.id, "username": user.username, "name": user.name, "role": user.role,
            "phone": user.phone, "email": user.email, "org_id": user.org_id}


def missing_unit_info(org):
    missing = [field for field in UNIT_REQUIRED if not getattr(org, field)]
    if not org.recommending_unit_ids:
        missing.append("recommending_unit_ids")
    return missing


def is_complete(org):
    return org.kind == "unit" and not missing_unit_info(org)


def organization(org):
    """The shape of ``get_organizations`` (docs/internal-rpc.md)."""
    return {
        "id": org.id,
        "kind": org.kind,
        "name": org.name,
        "region_code": org.region_code,
        "parent_id": org.parent_id,
        "contact": {"person": org.contact_person, "phone": org.contact_phone, "address": org.address},
        "complete": is_complete(org),
        "recommending_unit_ids": list(org.recommending_unit_ids or []),
        "created_at": iso(org.created_at),
        # a unit's 单位编号 and 统一社会信用代码 (shown on its applicants' applications)
        "code": org.code,
        "credit_code": org.credit_code if org.kind == "unit" else None,
    }


def credit_code_appeal(appeal):
    """A unit's request to change its credit code, as the unit sees it."""
    return {"id": appeal.id, "status": appeal.status, "credit_code": appeal.credit_code,
            "old_credit_code": appeal.old_credit_code, "reason": appeal.reason,
            "has_scan": appeal.scan_file_id is not None, "note": appeal.note,
            "created_at": iso(appeal.created_at), "decided_at": iso(appeal.decided_at)}


def unit(org, recommending=(), history=(), credit_code_appeals=()):
    """A base unit as its administrator sees it (with what is still missing, the
    names and credit codes it had, and its credit-code appeals, newest first)."""
    return {
        **organization(org),
        "credit_code": org.credit_code,
        "legal_person": org.legal_person,
        "address": org.address,
        "contact_person": org.contact_person,
        "contact_phone": org.contact_phone,
        "recommending_units": [{"id": d.id, "name": d.name, "region_code": d.region_code} for d in recommending],
        "missing": missing_unit_info(org),
        "name_history": [{"old_name": h.old_value, "new_name": h.new_value, "by": h.by_name, "at": iso(h.at)}
                         for h in history if h.field == "name"],
        "credit_code_history": [{"old_code": h.old_value, "new_code": h.new_value, "by": h.by_name, "at": iso(h.at)}
                                for h in history if h.field == "credit_code"],
        "credit_code_appeals": [credit_code_appeal(a) for a in credit_code_appeals],
    }


def committee_entry(org):
    """A line of the public committee directory."""
    return {"id": org.id, "name": org.name, "region_code": org.region_code, "address": org.address,
            "contact_person": org.contact_person, "phone": org.contact_phone}


def require_role(actor, *roles):
    """The owner checks too, not only the gateway: an RPC caller must hold a role."""
    if not actor or actor.get("role") not in roles:
        raise Forbidden("forbidden", "当前角色无权进行此操作")
    return actor
