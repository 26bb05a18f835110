"""找回用户名和密码: a code by SMS to the registered phone (ID number + name + phone
must match) or by email to the registered address, then a new password; and the
forgotten username, shown masked. Every entry point is throttled per address."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select

from services.accounts import audit, notifications, passwords, sessions, throttling, validators
from services.accounts.models import RecoveryCode, User
from zc_common.clock import iso, now
from zc_common.errors import Conflict, Invalid, NotFound, TooManyAttempts

CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
MAX_REQUESTS_PER_ADDRESS = 10   # recovery requests of any kind in the throttling window
MAX_CODES_PER_ACCOUNT = 3


def spend_request(db, address):
    """Count one recovery request against the caller's address: refused with 429
    once the window's allowance is used."""
    at = now()
    keys = [("recovery_address", address)]
    throttling.check_limit(db, keys, at, message="找回操作过于频繁", limit=MAX_REQUESTS_PER_ADDRESS)
    throttling.record_attempts(db, keys, False, at)
    db.commit()


def check_code_allowance(db, user):
    """No more than a few codes per account in the window (no SMS bombing)."""
    throttling.check_limit(db, [("recovery_account", user.id)], now(), message="验证码发送过于频繁",
                            limit=MAX_CODES_PER_ACCOUNT)


def new_code_wait(db, user):
    """Seconds until this account may be sent a fresh code (the way past a used-up one)."""
    try:
        check_code_allowance(db, user)
    except TooManyAttempts as refused:
        return refused.extra["retry_after"]
    return 1


def code_hash(recovery_id, code):
    return hmac.new(sessions._secret().encode(), f"{recovery_id}:{code}".encode(), hashlib.sha256).hexdigest()


def mask(text, keep_start=3, keep_end=2):
    if not text:
        return text
    if len(text) <= keep_start + keep_end:
        return text[0] + "*" * (len(text) - 1)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_email(address):
    local, _, domain = address.partition("@")
    return f"{local[:2]}{'*' * max(1, len(local) - 2)}@{domain}"


def applicant_by_identity(db, data):
    """The applicant whose ID number, name and registered phone all match."""
    id_number = validators.id_number(data.get("id_number"))
    name = validators.required_text(data.get("name"), "name", "姓名", 64)
    phone = validators.mobile(data.get("phone"))
    user = db.scalar(select(User).where(User.id_number == id_number))
    if user is None or validators.person_name_key(user.name) != validators.person_name_key(name) or user.phone != phone:
        raise NotFound("no_matching_account", "身份证号、姓名与注册手机号不一致，未找到账号（可使用“账号申诉”）")
    return user


def send_code(db, user, channel, recipient, address):
    """A fresh 6-digit code (earlier unused ones die), queued in the outbox."""
    at = now()
    for old in db.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                     RecoveryCode.used_at.is_(None))):
        old.used_at = at
    code = f"{secrets.randbelow(10**6):06d}"
    row = RecoveryCode(user_id=user.id, channel=channel, code_hash="", created_at=at, expires_at=at + CODE_LIFETIME)
    db.add(row)
    db.flush()
    row.code_hash = code_hash(row.id, code)
    notifications.queue(db, channel, recipient, "找回密码验证码",
                        f"您正在找回职称申报平台账号密码，验证码为 {code}，10分钟内有效。如非本人操作请忽略。",
                        user.id, kind="recovery_code",
                        inbox_body="已向您发送找回密码验证码（验证码只经短信/邮件发送）。如非本人操作，请尽快修改密码。")
    throttling.record_attempts(db, [("recovery_account", user.id)], False, at)
    audit.record(db, "recovery_code_sent", user=user, address=address, channel=channel)
    db.commit()
    return {"recovery_id": row.id, "channel": channel,
            "sent_to": mask(recipient) if channel == "sms" else mask_email(recipient),
            "expires_at": iso(row.expires_at)}


def start_by_sms(db, data, address=None):
    spend_request(db, address)
    user = applicant_by_identity(db, data)
    check_code_allowance(db, user)
    return send_code(db, user, "sms", user.phone, address)


def start_by_email(db, email, address=None):
    spend_request(db, address)
    email = validators.email(email)
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        raise NotFound("no_matching_account", "该邮箱未绑定任何账号")
    check_code_allowance(db, user)
    return send_code(db, user, "email", user.email, address)


def reset_password(db, recovery_id, code, new_password, address=None):
    spend_request(db, address)
    row = db.get(RecoveryCode, recovery_id or "")
    if row is None:
        raise NotFound("recovery_not_found", "找回请求不存在，请重新获取验证码")
    if row.used_at is not None:
        raise Conflict("code_used", "验证码已使用或已失效，请重新获取")
    if row.expires_at <= now():
        raise Conflict("code_expired", "验证码已过期，请重新获取")
    user = db.get(User, row.user_id)
    if row.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttempts("too_many_attempts", "验证码错误次数过多，请重新获取",
                              retry_after=new_code_wait(db, user))
    if not hmac.compare_digest(row.code_hash, code_hash(row.id, (code or "").strip())):
        row.attempts += 1
        audit.record(db, "recovery_code_failed", user=user, address=address)
        db.commit()
        left = MAX_CODE_ATTEMPTS - row.attempts
        raise Invalid("wrong_code", f"验证码不正确（还可尝试{left}次）" if left else "验证码不正确，请重新获取",
                      params={"left": str(left)} if left else None,
                      field="code")
    validators.password(new_password, user.username, user.id_number, field="new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now()
    user.must_change_password = False  # the owner chose this one
    row.used_at = now()
    sessions.revoke_all(db, user.id, "password_reset")
    audit.record(db, "password_reset", user=user, address=address, via=row.channel)
    db.commit()
    return {"username": user.username}


def recover_username(db, data, address=None):
    spend_request(db, address)
    user = applicant_by_identity(db, data)
    audit.record(db, "username_recovered", user=user, address=address)
    db.commit()
    return {"username_masked": mask(user.username)}
