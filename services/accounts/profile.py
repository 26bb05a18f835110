"""A person's own account: contact details and password.

The phone and email are the ways back into an account (recovery codes go there),
so changing either needs the current password in the same request, and an
administrator acting as the user (模拟用户) may not change them at all: a stolen
session or a curious administrator must not be able to take the account over."""
from services.accounts import audit, events, passwords, schemas, sessions, throttling, validators
from services.accounts.models import User
from services.accounts.registration import email_taken
from zc_common.clock import now
from zc_common.errors import Conflict, Forbidden, Invalid


def changes_recovery_channel(data):
    # A phone of None means "leave it"; an email of None clears it (also a change).
    return data.get("phone") is not None or "email" in data


def confirm_password(db, user, password, field, address=None):
    """The current password, checked under the account's back-off so a live session
    cannot be used to guess it."""
    at = now()
    key = ("reauth_user", user.id)
    throttling.check_backoff(db, [(*key, throttling.ACCOUNT)], at, message="密码错误次数过多")
    if not passwords.verify(user.password_hash, password or ""):
        throttling.record_attempts(db, [key], False, at)
        audit.record(db, "reauth_failure", user=user, address=address, field=field)
        db.commit()
        raise Invalid("wrong_password", "当前密码不正确" if field == "current_password" else "原密码不正确",
                      field=field)
    throttling.record_attempts(db, [key], True, at)


def update_profile(db, actor, data, address=None):
    user = db.get(User, actor["id"])
    if changes_recovery_channel(data):
        if actor.get("impersonated_by"):
            raise Forbidden("impersonation_forbidden", "模拟用户期间不能修改手机号或邮箱（找回账号的途径）")
        if not data.get("current_password"):
            raise Invalid("current_password_required", "修改手机号或邮箱须输入当前密码", field="current_password")
        confirm_password(db, user, data["current_password"], "current_password", address)
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
    if "phone" in changed:  # the actor carries the phone: gateways drop their copies
        events.user_changed(db, user.id, "phone_changed")
    db.commit()
    return {**schemas.user_brief(user), "region_code": actor["region_code"]}


def change_password(db, token, old_password, new_password, address=None):
    """Needs the current password; other sessions of the account end. Also how the
    owner of an administrator-issued password replaces it."""
    row = sessions.session_of(db, token)
    user = db.get(User, row.user_id)
    impersonator = db.get(User, row.impersonator_id) if row.impersonator_id else None
    confirm_password(db, user, old_password, "old_password", address)
    validators.password(new_password, user.username, user.id_number, field="new_password")
    if user.must_change_password and new_password == old_password:
        raise Invalid("same_password", "新密码不能与管理员发放的临时密码相同", field="new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now()
    user.must_change_password = False
    sessions.revoke_all(db, user.id, "password_changed", keep_session_id=row.id)
    audit.record(db, "password_changed", user=user, actor=schemas.actor(user, row.region_code, impersonator),
                 address=address)
    db.commit()
    return {"ok": True, "user": schemas.actor(user, row.region_code, impersonator)}
