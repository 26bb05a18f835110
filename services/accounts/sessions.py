"""Logins: signed tokens naming a stored session (so logout and expiry bite at once),
back-off after repeated failures (throttling.py), and the actor a token stands for."""
import os
from datetime import timedelta
from functools import lru_cache

import jwt
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from services.accounts import audit, devices, events, passwords, schemas, throttling
from services.accounts.models import Session, User
from services.accounts.regions import DEFAULT_REGION, region_code
from zc_common.clock import iso, now
from zc_common.config import secret_key
from zc_common.errors import Conflict, Forbidden, NotFound, TooManyAttempts, Unauthorized


def session_lifetime():
    return timedelta(hours=float(os.environ.get("ZC_SESSION_HOURS", "8")))


@lru_cache(maxsize=1)
def _secret():
    return secret_key()


def issue(db, user, region, address=None, impersonator=None):
    """A new session for ``user`` and the token that names it."""
    started = now()
    row = Session(user_id=user.id, region_code=region, address=address, created_at=started,
                  expires_at=started + session_lifetime(),
                  impersonator_id=impersonator.id if impersonator is not None else None)
    db.add(row)
    db.flush()
    token = jwt.encode({"sid": row.id, "sub": user.id, "iat": int(started.timestamp()),
                        "exp": int(row.expires_at.timestamp())}, _secret(), algorithm="HS256")
    return token, row


def _claims(token):
    try:
        return jwt.decode(token or "", _secret(), algorithms=["HS256"], options={"verify_exp": False})
    except (jwt.InvalidTokenError, UnicodeError) as exc:  # UnicodeError: a header byte that was not UTF-8
        raise Unauthorized("not_logged_in", "登录凭证无效，请重新登录") from exc


def _check_live(row):
    if row is None or row.revoked_at is not None:
        raise Unauthorized("not_logged_in", "已退出登录，请重新登录")
    if row.expires_at <= now():
        raise Unauthorized("session_expired", "登录已过期，请重新登录")
    return row


def session_of(db, token):
    """The live session a token names, or Unauthorized. Expiry is judged against the
    stored session with the platform clock."""
    return _check_live(db.get(Session, _claims(token).get("sid") or ""))


_IMPERSONATOR = aliased(User)
# Built once, so SQLAlchemy's compiled-statement cache serves every request.
_SESSION_WITH_USERS = (
    select(Session, User, _IMPERSONATOR)
    .join(User, User.id == Session.user_id)
    .outerjoin(_IMPERSONATOR, _IMPERSONATOR.id == Session.impersonator_id)
    .where(Session.id == bindparam("sid"))
)


def authenticate(db, token):
    """Every authenticated request passes here: one query for session, user and
    impersonator together."""
    found = db.execute(_SESSION_WITH_USERS, {"sid": _claims(token).get("sid") or ""}).first()
    row, user, admin = found if found is not None else (None, None, None)
    _check_live(row)
    if user.disabled:
        # Disabling revokes sessions too; this guards a session issued concurrently.
        raise Unauthorized("not_logged_in", "账号已停用，请联系平台管理员")
    return schemas.actor(user, row.region_code, admin)


# -- login, logout, region, impersonation ---------------------------------------------------

def login(db, username, password, region=None, address=None, device=None):
    """Back-off is counted separately per account, per address and per device
    (throttling.py). A device that logged in to this account before skips the
    account's back-off, so failures from elsewhere cannot keep the owner out; its
    own failures still count, and the address and device back-offs still apply."""
    region = region_code(region, default=DEFAULT_REGION)
    username = (username or "").strip()
    device_key = devices.device_hash(device)
    at = now()
    user = db.scalar(select(User).where(User.username == username)) if username else None
    known = devices.is_known(db, user.id if user else None, device_key)
    account_key = ("login_user", username)
    # Per device *and* account: what a known device skips is that account's back-off,
    # so that is what its own failures must hold back (a stolen device cookie cannot
    # guess fast), while one person's typos on a shared computer cost others nothing.
    pair_key = ("login_device", f"{device_key}:{username}" if device_key else None)
    other_keys = [("login_address", address), pair_key]
    checks = [("login_address", address, throttling.ADDRESS), (*pair_key, throttling.DEVICE)]
    account_waiting = throttling.backoff_wait(db, *account_key, throttling.ACCOUNT, at).total_seconds() > 0
    if not known:
        checks.append((*account_key, throttling.ACCOUNT))
    try:
        throttling.check_backoff(db, checks, at, message="登录失败次数过多")
    except TooManyAttempts:
        audit.record(db, "login_throttled", username=username, address=address)
        db.commit()
        raise
    if not passwords.verify(user.password_hash if user else None, password or ""):
        throttling.record_attempts(db, [account_key, *other_keys], False, at)
        audit.record(db, "login_failure", user=user, username=username, address=address, known_device=known)
        db.commit()
        raise Unauthorized("bad_credentials", "用户名或密码错误")
    if user.disabled:
        # Only someone who knows the password learns the account is disabled.
        audit.record(db, "login_failure", user=user, address=address, reason="account_disabled")
        db.commit()
        raise Unauthorized("bad_credentials", "账号已停用，请联系平台管理员")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    # A success ends the account's run of failures only when it went through the
    # account's back-off: a known device getting past someone else's guessing must
    # not hand the guesser a fresh set of free tries. An address's failures are never
    # cleared by one account's success (a guesser could log in to its own account).
    successes = [pair_key] + ([] if known and account_waiting else [account_key])
    throttling.record_attempts(db, successes, True, at)
    devices.remember(db, user.id, device_key, at)
    token, row = issue(db, user, region, address)
    audit.record(db, "login_success", user=user, address=address, region_code=region, known_device=known)
    db.commit()
    return {"token": token, "expires_at": iso(row.expires_at), "user": schemas.actor(user, region)}


def logout(db, token, address=None):
    row = session_of(db, token)
    row.revoked_at = now()
    events.session_changed(db, row, "logout")
    user = db.get(User, row.user_id)
    impersonator = db.get(User, row.impersonator_id) if row.impersonator_id else None
    audit.record(db, "logout", user=user, actor=schemas.actor(user, row.region_code, impersonator),
                 address=address)
    db.commit()
    return {"ok": True}


def switch_region(db, token, region):
    row = session_of(db, token)
    row.region_code = region_code(region)
    events.session_changed(db, row, "region_switched")
    user = db.get(User, row.user_id)
    impersonator = db.get(User, row.impersonator_id) if row.impersonator_id else None
    current = schemas.actor(user, row.region_code, impersonator)
    audit.record(db, "region_switched", user=user, actor=current, region_code=row.region_code)
    db.commit()
    return current


def revoke_all(db, user_id, reason, keep_session_id=None):
    """End the user's sessions (but ``keep_session_id``) and tell every gateway to
    forget all it holds for the user — the kept session's actor changed too."""
    at = now()
    for row in db.scalars(select(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))):
        if row.id != keep_session_id:
            row.revoked_at = at
    events.user_changed(db, user_id, reason)


def impersonate(db, actor, username, address=None):
    """模拟用户: a platform administrator gets a session acting as someone else."""
    if actor.get("impersonated_by"):
        raise Forbidden("forbidden", "模拟用户期间不能再模拟其他用户")
    admin = db.get(User, actor["id"])
    target = db.scalar(select(User).where(User.username == (username or "").strip()))
    if target is None:
        raise NotFound("user_not_found", "用户不存在")
    if target.role == "platform_admin":
        raise Forbidden("forbidden", "不能模拟平台管理员")
    if target.disabled:
        # Its session would be refused on the first request anyway (authenticate).
        raise Conflict("account_disabled", "该账号已停用，不能模拟")
    token, row = issue(db, target, actor.get("region_code") or DEFAULT_REGION, address, impersonator=admin)
    acting = schemas.actor(target, row.region_code, admin)
    audit.record(db, "impersonation_started", user=target, actor=acting, address=address)
    db.commit()
    return {"token": token, "expires_at": iso(row.expires_at), "user": acting}
