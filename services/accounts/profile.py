"""A person's own account: contact details and password."""
from services.accounts import audit, passwords, schemas, sessions, validators
from services.accounts.models import User
from services.accounts.registration import email_taken
from zc_common.clock import now
from zc_common.errors import Conflict, Invalid


def update_profile(db, actor, data, address=None):
    user = db.get(User, actor["id"])
    changed = []
    if data.get("phone") is not None:
        user.phone = validators.mobile(data["phone"])
        changed.append("phone")
    if "email" in data:
        email = validators.email(data["email"]) if data["email"] else None
        if email and email_taken(db, email, exclude_user_id=user.id):
            raise Conflict("email_taken", "该邮箱已绑定其他账号")
        user.email = email
        changed.append("email")
    audit.record(db, "profile_updated", user=user, actor=actor, address=address, fields=changed)
    db.commit()
    return {**schemas.user_brief(user), "region_code": actor["region_code"]}


def change_password(db, token, old_password, new_password, address=None):
    """Needs the current password; other sessions of the account end."""
    row = sessions.session_of(db, token)
    user = db.get(User, row.user_id)
    impersonator = db.get(User, row.impersonator_id) if row.impersonator_id else None
    if not passwords.verify(user.password_hash, old_password or ""):
        raise Invalid("wrong_password", "原密码不正确", field="old_password")
    validators.password(new_password, user.username, user.id_number, field="new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now()
    sessions.revoke_all(db, user.id, keep_session_id=row.id)
    audit.record(db, "password_changed", user=user, actor=schemas.actor(user, row.region_code, impersonator),
                 address=address)
    db.commit()
    return {"ok": True}
