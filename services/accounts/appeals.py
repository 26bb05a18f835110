"""账号申诉: a person (ID-card scan) or a unit (business licence) who can no longer
recover an account asks a platform administrator, giving new contact details. The
scan is kept by the documents service as a private file; approving updates the
contact details, resets the password and tells the account holder."""
from sqlalchemy import select

from services.accounts import (
    audit,
    credit_code_appeals,
    notifications,
    passwords,
    sessions,
    throttling,
    validators,
)
from services.accounts.models import Appeal, Organization, User, new_id
from services.accounts.registration import email_taken
from zc_common.clock import iso, now
from zc_common.errors import Conflict, Invalid, NotFound

MAX_APPEALS_PER_ADDRESS = 5


def account_of(db, kind, data):
    """The account an appeal is about: the applicant with that ID number, or the
    administrator of the unit with that credit code."""
    if kind == "applicant":
        number = validators.id_number(data.get("id_number"))
        user = db.scalar(select(User).where(User.id_number == number))
        return user, {"id_number": number}
    if kind == "unit":
        code = validators.credit_code(data.get("credit_code"))
        unit = db.scalar(select(Organization).where(Organization.credit_code == code))
        user = (db.scalar(select(User).where(User.org_id == unit.id, User.role == "unit_admin"))
                if unit is not None else None)
        return user, {"credit_code": code}
    raise Invalid("invalid_field", "申诉类型应为 applicant（个人）或 unit（单位）", field="kind")


def validated(db, data):
    kind = data.get("kind")
    user, identity = account_of(db, kind, data)
    name = validators.required_text(data.get("name"), "name", "姓名或单位名称", 200)
    phone = validators.mobile(data.get("phone"))
    email = validators.email(data["email"]) if data.get("email") else None
    if user is None:
        raise NotFound("no_matching_account", "未找到该身份证号或统一社会信用代码注册的账号")
    return user, {"kind": kind, "claimed_name": name, "new_phone": phone, "new_email": email, **identity}


def submit(db, documents, data, filename, content_b64, address=None):
    """Checks the form, stores the scan with the documents service, records the appeal."""
    at = now()
    keys = [("appeal_address", address)]
    throttling.check_limit(db, keys, at, message="申诉提交过于频繁", limit=MAX_APPEALS_PER_ADDRESS)
    throttling.record_attempts(db, keys, False, at)
    db.commit()
    user, fields = validated(db, data)
    appeal_id = new_id()
    stored = documents.store_private_file(kind="appeal", owner_ref=f"appeal:{appeal_id}",
                                          filename=filename or "scan", content_b64=content_b64)
    appeal = Appeal(id=appeal_id, user_id=user.id, scan_file_id=stored["id"],
                    scan_name=stored.get("name") or filename or "scan", **fields)
    db.add(appeal)
    audit.record(db, "appeal_submitted", user=user, address=address, appeal_id=appeal_id)
    db.commit()
    return {"id": appeal.id, "status": appeal.status, "created_at": iso(appeal.created_at)}


def name_mismatch(appeal, user):
    """The name the appellant gave is not the account's registered name (a person's
    name, or the unit's name for a unit's administrator), once both are normalised.
    A credit-code appeal is made from the unit's own account: nothing to compare."""
    if appeal.kind == credit_code_appeals.KIND:
        return False
    return user is not None and validators.person_name_key(appeal.claimed_name) != validators.person_name_key(user.name)


def unit_of(db, appeal):
    """The unit a credit-code appeal is about, as the administrator sees it."""
    org = db.get(Organization, appeal.org_id) if appeal.org_id else None
    return ({"id": org.id, "name": org.name, "code": org.code, "credit_code": org.credit_code}
            if org is not None else None)


def view(appeal, user=None, unit=None):
    return {
        "id": appeal.id, "kind": appeal.kind, "status": appeal.status,
        "claimed_name": appeal.claimed_name, "id_number": appeal.id_number, "credit_code": appeal.credit_code,
        "new_phone": appeal.new_phone, "new_email": appeal.new_email,
        "scan": {"id": appeal.scan_file_id, "name": appeal.scan_name} if appeal.scan_file_id else None,
        # credit_code appeals: the unit, its code when it asked (credit_code is the new one), and why
        "unit": unit, "old_credit_code": appeal.old_credit_code, "reason": appeal.reason,
        "account": ({"id": user.id, "username": user.username, "name": user.name, "role": user.role}
                    if user is not None else None),
        # Shown as a warning to the administrator; approving then needs confirmation.
        "name_mismatch": name_mismatch(appeal, user),
        "note": appeal.note, "decided_by": appeal.decided_by, "decided_at": iso(appeal.decided_at),
        "created_at": iso(appeal.created_at),
    }


def list_appeals(db, status=None):
    query = select(Appeal, User).join(User, User.id == Appeal.user_id)
    if status:
        query = query.where(Appeal.status == status)
    return [view(appeal, user, unit_of(db, appeal))
            for appeal, user in db.execute(query.order_by(Appeal.created_at.desc()))]


def get(db, appeal_id):
    appeal = db.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("appeal_not_found", "申诉不存在")
    return appeal


def scan(db, documents, appeal_id):
    appeal = get(db, appeal_id)
    if not appeal.scan_file_id:
        raise NotFound("scan_not_found", "该申诉未附扫描件")
    return documents.read_private_file(appeal.scan_file_id)


def decide(db, actor, appeal_id, approve, note=None, new_password=None, confirm_name_mismatch=False):
    """Approving resets the password to one the administrator knows, so its owner
    must replace it at the next login (``must_change_password``)."""
    appeal = get(db, appeal_id)
    if appeal.status != "pending":
        raise Conflict("appeal_decided", "该申诉已处理")
    user = db.get(User, appeal.user_id)
    note = (note or "").strip() or None
    if appeal.kind == credit_code_appeals.KIND:
        credit_code_appeals.decide(db, actor, appeal, approve, note)
        return view(appeal, user, unit_of(db, appeal))
    result = {}
    if approve and name_mismatch(appeal, user) and confirm_name_mismatch is not True:
        raise Conflict("name_mismatch",
                       f"申诉填写的名称“{appeal.claimed_name}”与账号登记的“{user.name}”不一致，请核实扫描件后确认再通过",
                       claimed_name=appeal.claimed_name, registered_name=user.name)
    if approve:
        if new_password:
            password = validators.password(new_password, user.username, user.id_number, field="new_password")
        else:
            password = passwords.temporary_password()
            result["temporary_password"] = password
        if appeal.new_email and email_taken(db, appeal.new_email, exclude_user_id=user.id):
            raise Conflict("email_taken", "申诉中的新邮箱已绑定其他账号")
        user.phone = appeal.new_phone
        if appeal.new_email:
            user.email = appeal.new_email
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = now()
        user.must_change_password = True
        sessions.revoke_all(db, user.id, "password_issued")
        appeal.status = "approved"
        message = (f"您的账号申诉已通过。用户名：{user.username}，"
                   + (f"临时密码：{password}，" if "temporary_password" in result else "密码已由管理员重置，")
                   + "登录后须先修改密码。")
    else:
        if not note:
            raise Invalid("note_required", "驳回申诉须填写理由", field="note")
        appeal.status = "rejected"
        message = f"您的账号申诉未通过：{note}"
    appeal.note = note
    appeal.decided_by = actor["id"]
    appeal.decided_at = now()
    notifications.queue(db, "sms", appeal.new_phone, "账号申诉结果", message, user.id, kind="appeal_decision")
    audit.record(db, "appeal_decided", user=user, actor=actor, appeal_id=appeal.id, approved=bool(approve),
                 name_mismatch_confirmed=bool(approve) and name_mismatch(appeal, user))
    db.commit()
    return {**view(appeal, user), **result, "username": user.username}


