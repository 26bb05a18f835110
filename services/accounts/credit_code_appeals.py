"""变更统一社会信用代码: a unit asks, through the appeals a platform administrator
handles, for its credit code to be changed (new code, reason, optionally a scan of
the licence). Approving changes the code and keeps the old one in the unit's
history (OrgChange, beside its names); either way the unit is told."""
from sqlalchemy import select

from services.accounts import audit, events, notifications, validators
from services.accounts.models import Appeal, Organization, OrgChange, User, new_id
from services.accounts.organizations import visible_unit
from services.accounts.registration import commit_or_conflict
from services.accounts.schemas import credit_code_appeal, require_role
from zc_common.clock import now
from zc_common.errors import Conflict, Invalid

KIND = "credit_code"
TAKEN = ("credit_code_taken", "该统一社会信用代码已被其他单位使用")


def code_taken(db, code, org_id):
    return db.scalar(select(Organization.id).where(Organization.credit_code == code,
                                                   Organization.id != org_id)) is not None


def pending_of(db, org_id):
    return db.scalar(select(Appeal.id).where(Appeal.org_id == org_id, Appeal.kind == KIND,
                                             Appeal.status == "pending"))


def validated(db, org, data):
    """The new code and the reason; refusals before anything is stored."""
    code = validators.credit_code(data.get("credit_code"))
    reason = validators.required_text(data.get("reason"), "reason", "变更理由", 500)
    if code == org.credit_code:
        raise Invalid("credit_code_unchanged", "新的统一社会信用代码与本单位现有的相同", field="credit_code")
    if code_taken(db, code, org.id):
        raise Conflict(*TAKEN)
    if pending_of(db, org.id):
        raise Conflict("appeal_pending", "本单位已有待处理的统一社会信用代码变更申诉，请等待处理结果")
    return code, reason


def submit(db, documents, actor, unit_id, data, filename=None, content_b64=None):
    """Only the unit's own administrator asks (another unit's → 404)."""
    require_role(actor, "unit_admin")
    org = visible_unit(db, actor, unit_id)
    code, reason = validated(db, org, data)
    appeal_id = new_id()
    scan = {}
    if content_b64:
        stored = documents.store_private_file(kind="appeal", owner_ref=f"appeal:{appeal_id}",
                                              filename=filename or "licence", content_b64=content_b64)
        scan = {"scan_file_id": stored["id"], "scan_name": stored.get("name") or filename or "licence"}
    appeal = Appeal(id=appeal_id, kind=KIND, user_id=actor["id"], org_id=org.id, claimed_name=org.name,
                    credit_code=code, old_credit_code=org.credit_code, reason=reason, created_at=now(), **scan)
    db.add(appeal)
    audit.record(db, "appeal_submitted", actor=actor, username=actor.get("username"), appeal_id=appeal_id,
                 unit_id=org.id, appeal_kind=KIND)
    notice = f"{org.name}申请将统一社会信用代码由 {org.credit_code} 变更为 {code}，请在“申诉处理”中审核。"
    notifications.queue_all(db, [{"roles": ("platform_admin",), "subject": "单位统一社会信用代码变更申诉",
                                  "body": notice, "kind": "appeal_submitted"}])
    db.commit()
    return credit_code_appeal(appeal)


def decide(db, actor, appeal, approve, note):
    """Approve: the code changes and the old one goes into the unit's history.
    Reject: a reason is required. The unit's administrator is told either way."""
    org = db.get(Organization, appeal.org_id)
    user = db.get(User, appeal.user_id)
    if approve:
        if code_taken(db, appeal.credit_code, org.id):
            raise Conflict(*TAKEN)
        if org.credit_code != appeal.credit_code:
            db.add(OrgChange(org_id=org.id, field="credit_code", old_value=org.credit_code,
                             new_value=appeal.credit_code, by_user_id=actor.get("id"),
                             by_name=actor.get("name") or actor.get("username")))
            org.credit_code = appeal.credit_code
            events.organization_changed(db, org)
        appeal.status = "approved"
        message = f"本单位统一社会信用代码变更申诉已通过，统一社会信用代码已变更为 {appeal.credit_code}。"
    else:
        if not note:
            raise Invalid("note_required", "驳回申诉须填写理由", field="note")
        appeal.status = "rejected"
        message = f"本单位统一社会信用代码变更申诉未通过：{note}"
    appeal.note = note
    appeal.decided_by = actor["id"]
    appeal.decided_at = now()
    notifications.queue_all(db, [{"user_ids": (appeal.user_id,), "subject": "统一社会信用代码变更申诉结果",
                                  "body": message, "kind": "appeal_decision"}])
    audit.record(db, "appeal_decided", user=user, actor=actor, appeal_id=appeal.id, approved=bool(approve),
                 appeal_kind=KIND, unit_id=org.id)
    commit_or_conflict(db, *TAKEN)
