"""The committee's end of the journey: meetings with votes, publicity (公示) with
public objections (异议), and the approval document (批文).

Like decisions, every status change is asked of applications with a request id
stored first (on the result / objection row) and recorded done only after it
succeeded; ``retry_transitions`` finishes what an outage left half-way.

Recording a meeting, opening its publicity and approving it take an optional
idempotency key, stored with the row the request makes: a retry with the key
answers from that meeting again (finishing what is pending) instead of making a
second meeting or refusing with 409."""
import math
import uuid
from datetime import timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.review import rules
from services.review.models import (
    Approval,
    IdempotencyKey,
    Meeting,
    MeetingResult,
    Objection,
    ObjectionAttempt,
    Publicity,
    utcnow,
)
from services.review.remote import domain_error, log, notify
from zc_common import idempotency
from zc_common.clock import PLATFORM_TZ, iso
from zc_common.clock import now as platform_now
from zc_common.errors import Conflict, Invalid, NotFound, TooManyAttempts

OBJECTIONS_PER_PUBLICITY_HOUR = 5   # from one client address
OBJECTIONS_PER_HOUR = 30


def committee_by(actor, committee_name=""):
    return {"user_id": actor["id"], "name": actor.get("name"), "org_id": actor.get("org_id"),
            "org_name": committee_name, "node": "committee", "impersonated_by": actor.get("impersonated_by")}


def own_meeting(session, actor, meeting_id):
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee_id != actor.get("org_id"):
        raise NotFound("meeting_not_found", "未找到该评审会议")
    return meeting


# -- meetings ------------------------------------------------------------------

def _known(session, actor, key, operation, target):
    return idempotency.recall(session, IdempotencyKey, actor["id"], key, operation, target)


def _commit_keyed(session, actor, key, operation, target, meeting_id):
    """Commit the caller's change with its key; the key's earlier row instead when
    a twin carrying the same key committed first (None: the failure was not ours)."""
    idempotency.remember(session, IdempotencyKey, actor["id"], key, operation, target, meeting_id=meeting_id)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        known = _known(session, actor, key, operation, target)
        if known is None:
            raise
        return known
    return None


def meeting_again(deps, meeting_id):
    """A retried meeting: results whose status change is pending are tried again."""
    session = deps.session
    meeting = session.get(Meeting, meeting_id)
    for row in session.scalars(select(MeetingResult).where(MeetingResult.meeting_id == meeting.id,
                                                           MeetingResult.transitioned.is_(False))).all():
        apply_result(deps, meeting, row)
    return meeting_view(session, meeting)


def record_meeting(deps, actor, year, held_on, results, idempotency_key=None):
    session = deps.session
    committee_id = actor.get("org_id")
    key = idempotency.check_key(idempotency_key)
    known = _known(session, actor, key, "record_meeting", committee_id)
    if known is not None:
        return meeting_again(deps, known.meeting_id)
    if not results:
        raise Invalid("invalid_field", "会议结果不能为空", field="results")
    seen = set()
    for index, result in enumerate(results):
        rules.check_result(result, index)
        if result["application_id"] in seen:
            raise Invalid("duplicate_result", "同一申请书在一次会议中只能表决一次",
                          field=f"results.{index}.application_id")
        seen.add(result["application_id"])
    settings = deps.settings(committee_id)
    quorum = settings.get("meeting_quorum")
    found = deps.applications.get_applications_internal([r["application_id"] for r in results]) or {}
    applications = []
    for index, result in enumerate(results):
        application = found.get(result["application_id"])
        if application is None or (application.get("committee") or {}).get("id") != committee_id:
            raise NotFound("application_not_found", "未找到该申请书", field=f"results.{index}.application_id")
        if application.get("status") != "ready_for_meeting":
            raise Conflict("not_ready_for_meeting",
                           f"申请书 {application.get('number')} 当前状态不能上会（需已缴费待评审）",
                           application_id=application["id"])
        # How the kind concludes comes with the application (applications owns kinds):
        # votes for 评审 / 特殊人才认定, the committee's confirmation for the others.
        kind = application.get("kind") or {}
        confirming = rules.is_confirmation(result)
        if kind.get("meeting", True) and confirming:
            raise Invalid("votes_required",
                          f"申请书 {application.get('number')} 的申报类型「{kind.get('name', '评审')}」须经会议表决，"
                          "不能直接认定", field=f"results.{index}")
        if not kind.get("meeting", True) and not confirming:
            raise Invalid("confirmation_required",
                          f"申请书 {application.get('number')} 的申报类型「{kind.get('name')}」由评审委员会认定，"
                          "不经会议表决", field=f"results.{index}")
        applications.append(application)
    committee_name = (applications[0].get("committee") or {}).get("name") or ""
    meeting = Meeting(committee_id=committee_id, committee_name=committee_name, year=int(year),
                      held_on=rules.parse_held_on(held_on), recorded_by=committee_by(actor, committee_name))
    session.add(meeting)
    session.flush()
    rows = []
    for result, application in zip(results, applications):
        common = dict(
            meeting_id=meeting.id, application_id=application["id"], number=application.get("number") or "",
            applicant=application.get("applicant") or {}, unit=application.get("unit") or {},
            qualification=application.get("qualification") or {}, kind=application.get("kind"),
            request_id=uuid.uuid4().hex)
        if rules.is_confirmation(result):
            row = MeetingResult(**common, conclusion="confirm", passed=result["confirmed"],
                                reason=(result.get("reason") or "").strip() or None)
        else:
            row = MeetingResult(
                **common, conclusion="meeting",
                experts_present=result["experts_present"], votes_for=result["votes_for"],
                votes_against=result["votes_against"], votes_abstain=result["votes_abstain"],
                passed=rules.meeting_passed(result["experts_present"], result["votes_for"], quorum))
        session.add(row)
        rows.append(row)
    twin = _commit_keyed(session, actor, key, "record_meeting", committee_id, meeting.id)
    if twin is not None:
        return meeting_again(deps, twin.meeting_id)
    for row in rows:
        apply_result(deps, meeting, row)
    return meeting_view(session, meeting)


def apply_result(deps, meeting, row):
    if row.conclusion == "confirm":
        action, status = ("confirm", "passed") if row.passed else ("refuse_confirmation", "failed")
    else:
        action, status = ("meeting_passed", "passed") if row.passed else ("meeting_failed", "failed")
    if transition(deps, row.request_id, row.application_id, action, status, meeting.recorded_by,
                  opinion=row.reason):
        row.transitioned = True
        deps.session.commit()


def transition(deps, request_id, application_id, action, to_status, by, opinion=None):
    """True when applications moved the status; False when it should be retried."""
    try:
        deps.applications.transition(request_id, application_id, action, to_status, by, opinion=opinion)
        return True
    except Exception as exc:
        known = domain_error(exc)
        log.warning("review: %s of %s not applied (%s)", action, application_id, known or "unavailable")
        return False


def meeting_view(session, meeting):
    results = session.scalars(select(MeetingResult).where(MeetingResult.meeting_id == meeting.id)).all()
    publicity = session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id))
    approval = session.scalar(select(Approval).where(Approval.meeting_id == meeting.id))
    return {
        "id": meeting.id, "committee_id": meeting.committee_id, "year": meeting.year,
        "held_on": meeting.held_on.isoformat(), "mode": meeting.mode or "paper",
        "results": [{"application_id": r.application_id, "number": r.number,
                     "name": (r.applicant or {}).get("name"), "kind": kind_ref(r.kind),
                     "conclusion": r.conclusion or "meeting", "reason": r.reason,
                     "experts_present": r.experts_present,
                     "votes_for": r.votes_for, "votes_against": r.votes_against, "votes_abstain": r.votes_abstain,
                     "votes_needed": (rules.votes_needed(r.experts_present)
                                      if r.experts_present is not None else None),
                     "passed": r.passed and not r.overturned, "overturned": r.overturned,
                     "approved": r.approved, "status_applied": r.transitioned} for r in results],
        "publicity": publicity_view(publicity) if publicity else None,
        "approval": ({"id": approval.id, "document_no": approval.document_no,
                      "approved_at": iso(approval.approved_at)} if approval else None),
    }


def kind_ref(kind):
    """{key, name} of the result's kind (a result recorded before kinds: 评审)."""
    kind = kind or {"key": "review", "name": "评审"}
    return {"key": kind.get("key"), "name": kind.get("name")}


def list_meetings(session, actor, year=None):
    query = select(Meeting).where(Meeting.committee_id == actor.get("org_id"))
    if year:
        query = query.where(Meeting.year == int(year))
    return [meeting_view(session, m) for m in session.scalars(query.order_by(Meeting.created_at.desc())).all()]


# -- publicity --------------------------------------------------------------------

def publicity_view(publicity):
    moment = platform_now()
    return {"id": publicity.id, "meeting_id": publicity.meeting_id, "starts_at": iso(publicity.starts_at),
            "ends_at": iso(publicity.ends_at), "open": publicity.starts_at <= moment <= publicity.ends_at,
            "ended": moment > publicity.ends_at}


def open_publicity(deps, actor, meeting_id, starts_at, ends_at, idempotency_key=None):
    session = deps.session
    key = idempotency.check_key(idempotency_key)
    if _known(session, actor, key, "publicity", meeting_id) is not None:
        return publicity_view(session.scalar(select(Publicity).where(Publicity.meeting_id == meeting_id)))
    meeting = own_meeting(session, actor, meeting_id)
    if session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id)) is not None:
        raise Conflict("publicity_exists", "该会议结果已公示")
    settings = deps.settings(meeting.committee_id)
    starts, ends = rules.parse_moment(starts_at, "starts_at"), rules.parse_moment(ends_at, "ends_at")
    rules.check_publicity_window(starts, ends, settings.get("publicity_min_days"), platform_now(), meeting.held_on)
    publicity = Publicity(meeting_id=meeting.id, committee_id=meeting.committee_id, starts_at=starts, ends_at=ends)
    session.add(publicity)
    try:
        twin = _commit_keyed(session, actor, key, "publicity", meeting.id, meeting.id)
    except IntegrityError:
        raise Conflict("publicity_exists", "该会议结果已公示") from None
    if twin is not None:
        publicity = session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id))
    return publicity_view(publicity)


def public_list(session):
    moment = platform_now()
    rows = session.execute(
        select(Publicity, Meeting, MeetingResult)
        .join(Meeting, Meeting.id == Publicity.meeting_id)
        .join(MeetingResult, MeetingResult.meeting_id == Meeting.id)
        .where(Publicity.starts_at <= moment, Publicity.ends_at >= moment,
               MeetingResult.passed.is_(True), MeetingResult.overturned.is_(False))
        .order_by(Publicity.ends_at, MeetingResult.number)).all()
    return [{"publicity_id": p.id, "application_number": r.number, "name": (r.applicant or {}).get("name"),
             "unit": (r.unit or {}).get("name"), "title": (r.qualification or {}).get("title"),
             "level": (r.qualification or {}).get("level"), "committee": m.committee_name,
             "starts_at": iso(p.starts_at), "ends_at": iso(p.ends_at)} for p, m, r in rows]


def object_to(session, publicity_id, application_number, reason, contact, client):
    """A public objection. Every attempt from an address counts towards its limit,
    so numbers cannot be probed faster than the limit allows."""
    client = (client or "unknown")[:64]
    since = utcnow() - timedelta(hours=1)
    recent = select(func.count()).select_from(ObjectionAttempt).where(
        ObjectionAttempt.client == client, ObjectionAttempt.at >= since)
    for scope, limit in ((ObjectionAttempt.client == client, OBJECTIONS_PER_HOUR),
                         (ObjectionAttempt.publicity_id == publicity_id, OBJECTIONS_PER_PUBLICITY_HOUR)):
        count = session.scalar(recent.where(scope))
        if count >= limit:
            # Free again when enough of the counted attempts have left the hour.
            freed_by = session.scalar(select(ObjectionAttempt.at).where(
                ObjectionAttempt.client == client, ObjectionAttempt.at >= since, scope)
                .order_by(ObjectionAttempt.at).offset(count - limit).limit(1))
            seconds = max(1, math.ceil((freed_by + timedelta(hours=1) - utcnow()).total_seconds()))
            raise TooManyAttempts("too_many_objections",
                                  f"提交异议过于频繁，请{math.ceil(seconds / 60)}分钟后再试", retry_after=seconds)
    session.add(ObjectionAttempt(client=client, publicity_id=publicity_id))
    session.commit()
    publicity = session.get(Publicity, publicity_id)
    if publicity is None:
        raise NotFound("publicity_not_found", "未找到该公示")
    moment = platform_now()
    if not publicity.starts_at <= moment <= publicity.ends_at:
        raise Conflict("publicity_closed", "不在公示期内，无法提出异议")
    result = session.scalar(select(MeetingResult).where(
        MeetingResult.meeting_id == publicity.meeting_id, MeetingResult.number == application_number.strip().upper(),
        MeetingResult.passed.is_(True)))
    if result is None:
        raise Invalid("unknown_application_number", "该公示中没有此申请编号", field="application_number")
    objection = Objection(publicity_id=publicity.id, committee_id=publicity.committee_id,
                          application_id=result.application_id, application_number=result.number,
                          reason=reason, contact=contact, client=client)
    session.add(objection)
    session.commit()
    return {"id": objection.id, "publicity_id": publicity.id, "application_number": result.number,
            "created_at": iso(objection.created_at)}


def objection_view(o):
    return {"id": o.id, "publicity_id": o.publicity_id, "application_id": o.application_id,
            "application_number": o.application_number, "reason": o.reason, "contact": o.contact,
            "created_at": iso(o.created_at), "resolved": o.resolved, "upheld": o.upheld, "note": o.note,
            "resolved_at": iso(o.resolved_at)}


def list_objections(session, actor, resolved=None):
    query = select(Objection).where(Objection.committee_id == actor.get("org_id"))
    if resolved is not None:
        query = query.where(Objection.resolved.is_(bool(resolved)))
    return [objection_view(o) for o in session.scalars(query.order_by(Objection.created_at)).all()]


def resolve_objection(deps, actor, objection_id, upheld, note):
    """Dismiss, or uphold: the result is overturned and the application fails."""
    session = deps.session
    objection = session.get(Objection, objection_id)
    if objection is None or objection.committee_id != actor.get("org_id"):
        raise NotFound("objection_not_found", "未找到该异议")
    by = committee_by(actor)
    request_id = uuid.uuid4().hex if upheld else None
    claimed = session.execute(update(Objection).where(Objection.id == objection.id, Objection.resolved.is_(False))
                              .values(resolved=True, upheld=bool(upheld), note=note, resolved_by=by,
                                      resolved_at=utcnow(), request_id=request_id))
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict("already_resolved", "该异议已处理")
    session.commit()
    session.refresh(objection)
    if upheld:
        overturn(deps, objection)
    return objection_view(objection)


def overturn(deps, objection):
    session = deps.session
    publicity = session.get(Publicity, objection.publicity_id)
    result = session.scalar(select(MeetingResult).where(MeetingResult.meeting_id == publicity.meeting_id,
                                                        MeetingResult.application_id == objection.application_id))
    if result is None or result.overturned or result.approved:
        return  # an approved result is not overturned: its certificate is revoked (revoke_certificate)
    if transition(deps, objection.request_id, objection.application_id, "result_overturned", "failed",
                  objection.resolved_by, opinion=objection.note):
        result.overturned = True
        session.commit()


# -- revocation after approval (issue #15) --------------------------------------------

def revoke_certificate(deps, actor, application_id, reason):
    """An objection upheld after approval: the certificate is revoked (documents marks
    it, and every check shows it revoked), and the objection is kept, upheld, among
    the meeting's objections. Idempotent: revoking again answers the same."""
    session = deps.session
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", "撤销证书时必须填写撤销原因（成立的异议内容）", field="reason")
    result = session.scalar(select(MeetingResult).join(Meeting, Meeting.id == MeetingResult.meeting_id).where(
        MeetingResult.application_id == application_id, MeetingResult.approved.is_(True),
        Meeting.committee_id == actor.get("org_id")))
    if result is None:
        raise NotFound("approved_result_not_found", "本委员会没有该申请书已批准的评审结果")
    meeting = session.get(Meeting, result.meeting_id)
    by = committee_by(actor, meeting.committee_name)
    revoked = deps.documents.revoke_certificate(application_id, reason, by)
    publicity = session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id))
    already = session.scalar(select(Objection).where(Objection.application_id == application_id,
                                                     Objection.upheld.is_(True),
                                                     Objection.contact == REVOKED_BY_COMMITTEE))
    if already is None and publicity is not None:
        session.add(Objection(publicity_id=publicity.id, committee_id=meeting.committee_id,
                              application_id=application_id, application_number=result.number, reason=reason,
                              contact=REVOKED_BY_COMMITTEE, client="", resolved=True, upheld=True,
                              note="批准后异议成立，撤销证书", resolved_by=by, resolved_at=utcnow()))
        session.commit()
        applicant_id = (result.applicant or {}).get("id")
        if applicant_id:
            notify(deps.notices, user_ids=[applicant_id], kind="certificate_revoked",
                   subject=f"职称证书已撤销：{revoked.get('no')}",
                   body=f"您的职称证书（编号{revoked.get('no')}）因异议成立已被撤销。原因：{reason}")
    return revoked


REVOKED_BY_COMMITTEE = "评审委员会（批准后异议成立）"


# -- approval ------------------------------------------------------------------------

def approve(deps, actor, meeting_id, document_no, idempotency_key=None):
    session = deps.session
    key = idempotency.check_key(idempotency_key)
    if _known(session, actor, key, "approval", meeting_id) is not None:
        return approval_again(deps, actor, meeting_id)
    meeting = own_meeting(session, actor, meeting_id)
    publicity = session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id))
    if publicity is None:
        raise Conflict("publicity_required", "会议结果尚未公示，不能发布批文")
    if platform_now() <= publicity.ends_at:
        # A person reads this: the platform's local time, not a raw ISO timestamp.
        ends = publicity.ends_at if publicity.ends_at.tzinfo else publicity.ends_at.replace(tzinfo=timezone.utc)
        ends_text = ends.astimezone(PLATFORM_TZ).strftime("%Y-%m-%d %H:%M")
        raise Conflict("publicity_not_ended", f"公示期至 {ends_text} 结束，公示结束后方可发布批文",
                       params={"ends_at": ends_text})
    unresolved = session.scalar(select(func.count()).select_from(Objection).where(
        Objection.publicity_id == publicity.id, Objection.resolved.is_(False)))
    if unresolved:
        raise Conflict("objections_unresolved", f"尚有{unresolved}条异议未处理", params={"n": str(unresolved)})
    results = session.scalars(select(MeetingResult).where(MeetingResult.meeting_id == meeting.id)).all()
    pending = [r for r in results if not r.transitioned] + [
        r for r in results if r.passed and not r.overturned and upheld_against(session, publicity, r)]
    if pending:
        raise Conflict("results_pending", "部分评审结果的状态变更尚未完成，请稍后再试")
    if session.scalar(select(Approval).where(Approval.meeting_id == meeting.id)) is not None:
        raise Conflict("already_approved", "该会议已发布批文")
    document_no = document_no.strip()
    if session.scalar(select(Approval).where(Approval.committee_id == meeting.committee_id,
                                             Approval.year == meeting.year,
                                             Approval.document_no == document_no)) is not None:
        raise Conflict("document_no_taken", f"批文号「{document_no}」在本年度已使用")
    approval = Approval(meeting_id=meeting.id, committee_id=meeting.committee_id, year=meeting.year,
                        document_no=document_no, approved_by=committee_by(actor, meeting.committee_name))
    session.add(approval)
    for result in results:
        if result.passed and not result.overturned:
            result.approve_request_id = uuid.uuid4().hex
    try:
        twin = _commit_keyed(session, actor, key, "approval", meeting.id, meeting.id)
    except IntegrityError:
        raise Conflict("document_no_taken", f"批文号「{document_no}」在本年度已使用") from None
    if twin is not None:
        return approval_again(deps, actor, meeting.id)
    finish_approval(deps, meeting, approval)
    return approval_view(session, approval)


def approval_again(deps, actor, meeting_id):
    """A retried approval: finish what is pending (statuses, certificates), answer it."""
    session = deps.session
    meeting = own_meeting(session, actor, meeting_id)
    approval = session.scalar(select(Approval).where(Approval.meeting_id == meeting.id))
    finish_approval(deps, meeting, approval)
    return approval_view(session, approval)


def upheld_against(session, publicity, result):
    return session.scalar(select(func.count()).select_from(Objection).where(
        Objection.publicity_id == publicity.id, Objection.application_id == result.application_id,
        Objection.upheld.is_(True))) > 0


def finish_approval(deps, meeting, approval):
    """Move every passed result to approved, then have documents issue certificates
    (once all moved). Safe to call again: request ids are stored."""
    session = deps.session
    results = session.scalars(select(MeetingResult).where(MeetingResult.meeting_id == meeting.id,
                                                          MeetingResult.approve_request_id.is_not(None))).all()
    for result in results:
        if not result.approved and transition(deps, result.approve_request_id, result.application_id, "approve",
                                              "approved", approval.approved_by, opinion=approval.document_no):
            result.approved = True
            session.commit()  # the applicant hears of it from the status-change event
    if approval.certificates_issued or not all(r.approved for r in results):
        return
    try:
        certificates = deps.documents.issue_certificates(approval_payload(deps, meeting, approval, results))
    except Exception:  # noqa: BLE001 — retried by the timer
        log.warning("review: issuing certificates for %s failed; will retry", approval.document_no, exc_info=True)
        return
    approval.certificates_issued = True
    approval.certificates = certificates
    session.commit()


def approval_payload(deps, meeting, approval, results):
    """The shape documents.issue_certificates takes (docs/internal-rpc.md)."""
    committee = deps.orgs.get(meeting.committee_id) or {}
    return {"approval_id": approval.id, "document_no": approval.document_no, "year": approval.year,
            "approved_on": approval.approved_at.astimezone(rules.PLATFORM_TZ).date().isoformat(),
            "committee": {"id": meeting.committee_id, "name": meeting.committee_name or committee.get("name"),
                          "region_code": committee.get("region_code")},
            "applications": [{"application_id": r.application_id, "number": r.number,
                              "applicant_id": (r.applicant or {}).get("id"), "name": (r.applicant or {}).get("name"),
                              "title": (r.qualification or {}).get("title"),
                              "level": (r.qualification or {}).get("level"),
                              "series": (r.qualification or {}).get("series"),
                              "specialty": (r.qualification or {}).get("specialty"),
                              "kind": kind_ref(r.kind),
                              "directed_note": (r.qualification or {}).get("directed_note"),
                              "unit_name": (r.unit or {}).get("name")} for r in results]}


def approval_view(session, approval):
    results = session.scalars(select(MeetingResult).where(MeetingResult.meeting_id == approval.meeting_id)).all()
    return {"id": approval.id, "meeting_id": approval.meeting_id, "document_no": approval.document_no,
            "year": approval.year, "approved_at": iso(approval.approved_at),
            "approved": [r.application_id for r in results if r.approved],
            "certificates_issued": approval.certificates_issued, "certificates": approval.certificates or []}


def retry_transitions(deps):
    """Finish what an outage left half-way: meeting results, upheld objections,
    approvals and their certificates."""
    session = deps.session
    for row in session.scalars(select(MeetingResult).where(MeetingResult.transitioned.is_(False))).all():
        apply_result(deps, session.get(Meeting, row.meeting_id), row)
    for objection in session.scalars(select(Objection).where(Objection.upheld.is_(True))).all():
        overturn(deps, objection)
    for approval in session.scalars(select(Approval).where(Approval.certificates_issued.is_(False))).all():
        finish_approval(deps, session.get(Meeting, approval.meeting_id), approval)


# -- the applicant's view of the result (查看评审结果) ----------------------------------

def result_for_applicant(session, application_id):
    """The latest meeting or confirmation result of an application, as its applicant
    may see it: the meeting's date, how many experts were present and the counts for,
    against and abstaining (never who voted), passed or not, the publicity window,
    the approval document's number and the certificate. None before any result.
    The caller (the gateway) has checked the application is the asker's own."""
    row = session.execute(
        select(MeetingResult, Meeting).join(Meeting, Meeting.id == MeetingResult.meeting_id)
        .where(MeetingResult.application_id == application_id)
        .order_by(Meeting.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    result, meeting = row
    publicity = session.scalar(select(Publicity).where(Publicity.meeting_id == meeting.id))
    approval = session.scalar(select(Approval).where(Approval.meeting_id == meeting.id))
    certificate = None
    if approval is not None and result.approved:
        certificate = next((c for c in approval.certificates or [] if c.get("application_id") == application_id),
                           None)
    confirming = (result.conclusion or "meeting") == "confirm"
    return {
        "application_id": application_id,
        "kind": kind_ref(result.kind),
        "conclusion": result.conclusion or "meeting",
        "committee": meeting.committee_name,
        "held_on": meeting.held_on.isoformat(),
        "experts_present": None if confirming else result.experts_present,
        "votes_for": None if confirming else result.votes_for,
        "votes_against": None if confirming else result.votes_against,
        "votes_abstain": None if confirming else result.votes_abstain,
        "votes_needed": None if confirming else rules.votes_needed(result.experts_present),
        "reason": result.reason,
        "passed": bool(result.passed and not result.overturned),
        "overturned": result.overturned,
        "publicity": ({"starts_at": iso(publicity.starts_at), "ends_at": iso(publicity.ends_at),
                       **{k: v for k, v in publicity_view(publicity).items() if k in ("open", "ended")}}
                      if publicity else None),
        "approval": ({"document_no": approval.document_no, "approved_at": iso(approval.approved_at)}
                     if approval and result.approved else None),
        "certificate": ({"no": certificate.get("no"), "pdf_url": f"/api/v1/certificates/{certificate.get('no')}.pdf"}
                        if certificate else None),
    }
