"""The audit log of security events (logins, logouts, password changes, recovery,
appeal decisions, impersonation, staff 停用/启用). A record made while an administrator is acting as
someone else carries ``impersonated_by``."""
from sqlalchemy import func, select

from services.accounts.models import AuditEvent
from zc_common.clock import iso

KINDS = (
    "login_success", "login_failure", "login_throttled", "logout", "region_switched",
    "password_changed", "password_reset", "recovery_code_sent", "recovery_code_failed",
    "username_recovered", "appeal_submitted", "appeal_decided", "impersonation_started",
    "applicant_registered", "unit_registered", "staff_created", "organization_created",
    "unit_updated", "profile_updated", "staff_disabled", "staff_enabled",
)


def record(db, kind, user=None, actor=None, address=None, username=None, **detail):
    """Add an audit row in the caller's transaction. ``user``: whom it concerns (a
    User row); ``actor``: who did it (an actor dict), when not the user themself."""
    db.add(AuditEvent(
        kind=kind,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else username,
        actor_id=(actor or {}).get("id") or (user.id if user is not None else None),
        impersonated_by=(actor or {}).get("impersonated_by"),
        address=address,
        detail={k: v for k, v in detail.items() if v is not None},
    ))


def page(db, user=None, kind=None, page_no=1, page_size=50):
    """Newest first; ``user`` matches a username or a user id."""
    query = select(AuditEvent)
    if user:
        query = query.where((AuditEvent.username == user) | (AuditEvent.user_id == user))
    if kind:
        query = query.where(AuditEvent.kind == kind)
    total = db.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.scalars(query.order_by(AuditEvent.id.desc())
                      .offset((page_no - 1) * page_size).limit(page_size)).all()
    return {"items": [view(row) for row in rows], "total": total, "page": page_no, "page_size": page_size}


def view(row):
    return {"id": row.id, "at": iso(row.at), "kind": row.kind, "user_id": row.user_id,
            "username": row.username, "actor_id": row.actor_id,
            "impersonated_by": row.impersonated_by, "address": row.address, "detail": row.detail}
