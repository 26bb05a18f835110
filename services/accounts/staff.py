"""The staff of a department or committee as the platform administrator manages
them: the list, and 停用/启用. Disabling revokes every open session at once, so a
token already handed out stops working on its next request."""
from sqlalchemy import select

from services.accounts import audit, events, sessions
from services.accounts.models import Organization, User
from zc_common.clock import iso
from zc_common.errors import Invalid, NotFound


def _organization(db, org_id):
    org = db.get(Organization, org_id or "")
    if org is None:
        raise NotFound("organization_not_found", "机构不存在")
    return org


def view(user):
    return {"user_id": user.id, "username": user.username, "name": user.name, "phone": user.phone,
            "role": user.role, "created_at": iso(user.created_at), "disabled": bool(user.disabled)}


def list_staff(db, org_id):
    """Everyone whose account belongs to the organisation, oldest first."""
    org = _organization(db, org_id)
    rows = db.scalars(select(User).where(User.org_id == org.id).order_by(User.created_at, User.id))
    return [view(u) for u in rows]


def set_disabled(db, actor, org_id, user_id, disabled):
    if not isinstance(disabled, bool):
        raise Invalid("invalid_field", "disabled 应为 true 或 false", field="disabled")
    org = _organization(db, org_id)
    user = db.get(User, user_id or "")
    if user is None or user.org_id != org.id:
        raise NotFound("user_not_found", "该机构下没有此工作人员")
    changed = bool(user.disabled) != disabled
    user.disabled = disabled
    if disabled:
        sessions.revoke_all(db, user.id, "account_disabled")
    else:
        events.user_changed(db, user.id, "account_enabled")
    audit.record(db, "staff_disabled" if disabled else "staff_enabled", user=user, actor=actor,
                 organization_id=org.id, changed=changed)
    db.commit()
    return view(user)
