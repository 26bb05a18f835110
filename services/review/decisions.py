"""The reviewers' decisions: comment, return, forward — and the round's first task
when an application is submitted.

Status has one writer (applications). A decision is written on the task row
(state ``deciding`` with a fresh ``request_id``) and committed *before* applications
is asked to move the status; the task is marked done only once that call succeeded.
The claim is a conditional UPDATE (``… WHERE state = 'open'``), so of two staff of one
organisation acting at once exactly one wins; the other gets 409.

Completing is claimed the same way (``… WHERE state = 'deciding'``): the same
person's retries, a double click or the retry timer may all reach ``finish`` at
once, and only one of them opens the next task; the others answer the outcome
it stored on the task. A request sent with an idempotency key stores the key
with the claim, so its retry answers that outcome even after the task moved on."""
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from services.review import copies, routing, rules
from services.review.models import Comment, IdempotencyKey, ReviewCase, Task, Visit, utcnow
from services.review.remote import domain_error, log, notify
from zc_common import idempotency
from zc_common.clock import now as clock_now
from zc_common.db import insert_unless_present
from zc_common.errors import Conflict, Invalid, NotFound, Unavailable
from zc_common.outbox import fresh_events

WAITING = ("open", "deciding")
NODE_ROLE = {"unit": "unit_admin", "department": "department_staff", "committee": "committee_staff"}
NODE_ZH = {"unit": "基层单位", "department": "主管部门", "committee": "评审委员会"}


@dataclass
class Deps:
    """What one worker call works with. Organisations and committee settings come
    from review's event-fed copies (``copies``; the owner is asked only on a miss
    or a stale copy), memoised for the call."""
    session: Any
    accounts: Any
    applications: Any
    documents: Any = None
    notices: Any = None   # remote.Notices: where notices go
    memo: dict = field(default_factory=dict)

    @property
    def orgs(self):
        if "orgs" not in self.memo:
            self.memo["orgs"] = routing.Orgs(copies.org_lookup(self.session, self.accounts.get_organizations))
        return self.memo["orgs"]

    def settings(self, committee_id):
        key = ("settings", committee_id)
        if key not in self.memo:
            self.memo[key] = copies.settings_for(self.session, self.applications.get_committee_settings,
                                                 committee_id)
        return self.memo[key]


# -- reading ------------------------------------------------------------------

def case_for(session, application_id):
    return session.get(ReviewCase, application_id)


def locked_case(session, application_id, create=False):
    """The case row under a row lock, read afresh. Whatever changes a case's round
    or status holds this lock first and its tasks' after, so two such changes wait
    for each other instead of deadlocking. ``create``: make the row (empty) when it
    is missing — the submission event and a withdraw can each be the first to meet
    an application, and of the two inserts the later one does nothing."""
    if create:
        insert_unless_present(session, ReviewCase, application_id=application_id)
    return session.get(ReviewCase, application_id, with_for_update=True, populate_existing=True)


def waiting_task(session, application_id):
    return session.scalars(
        select(Task).where(Task.application_id == application_id, Task.state.in_(WAITING))
        .order_by(Task.round.desc(), Task.position.desc()).limit(1)).first()


def has_reached(session, application_id, org_id):
    return org_id is not None and session.get(Visit, (org_id, application_id)) is not None


def require_reached(session, actor, application_id):
    """An organisation the application never reached sees nothing: 404."""
    if not has_reached(session, application_id, actor.get("org_id")):
        raise NotFound("application_not_found", "未找到该申请书")


def my_turn(session, actor, application_id):
    require_reached(session, actor, application_id)
    task = waiting_task(session, application_id)
    if task is None or task.org_id != actor.get("org_id") or NODE_ROLE[task.node] != actor.get("role"):
        raise Conflict("not_your_turn", "该申请书当前不在本单位审核环节")
    return task


def require_complete_unit(deps, task):
    """A base unit whose information is incomplete cannot review — read from accounts
    at decision time, so a unit that emptied a field since is stopped too."""
    if task.node == "unit" and not (deps.orgs.get(task.org_id) or {}).get("complete"):
        raise Conflict("unit_incomplete", "本单位信息不完整，请先完善单位信息后再审核")


def by_of(actor, task):
    return {"user_id": actor["id"], "name": actor.get("name"), "org_id": task.org_id,
            "org_name": task.org_name, "node": task.node,
            "impersonated_by": actor.get("impersonated_by")}


# -- submission: the round's first task ------------------------------------------

def fetch_for_round(deps, payload):
    """What a new round needs, gathered before any write: on SQLite an open write
    transaction held across an RPC stalls every other worker of the process. The
    event carries the application's summary; an event queued by an older release
    does not, and then applications is asked."""
    application = payload.get("application") or deps.applications.get_application_internal(
        payload["application_id"])
    deps.settings(application["committee"]["id"])
    deps.orgs.get(application["unit"]["id"])
    return application


def open_round(deps, payload, application):
    """On ``application_submitted``: the round's task at the base unit. Returns the
    new task and its case (the caller announces the arrival), or None when this
    submission was withdrawn already or is known."""
    session = deps.session
    case = locked_case(session, payload["application_id"], create=True)
    opened = round_in(deps, case, payload, application)
    # Committed also when there was nothing to open, so the event is remembered as
    # handled (first_time's row) and a second delivery tells the applicant nothing.
    session.commit()
    return opened


def round_in(deps, case, payload, application):
    """The round's task at the base unit, in the caller's transaction, on ``case``
    locked by the caller; None when this submission was withdrawn already or is known."""
    session = deps.session
    round_no = int(payload.get("submission_no") or 0)
    if round_no and (round_no <= case.withdrawn_round or round_no <= case.round):
        return None
    settings = deps.settings(application["committee"]["id"])
    unit = deps.orgs.get(application["unit"]["id"]) or {}
    # The deadline's common case: the first submission. No round was ever opened, so
    # there is no task to supersede and no visit to update or look for.
    first = case.round == 0
    copy_application(case, application)
    case.round = round_no or case.round + 1
    if first:
        case.status = payload.get("status") or "submitted"
    else:
        set_status(session, case, payload.get("status") or "submitted")
        # A new round supersedes anything left waiting from an earlier one.
        session.execute(update(Task).where(Task.application_id == case.application_id, Task.state.in_(WAITING))
                        .values(state="cancelled"))
    task = arrive(session, case, case.round, 1, "unit", unit or {"id": application["unit"]["id"]},
                  settings.get("node_days"), visited=False if first else None)
    return task, case


def open_rounds(deps, payloads, inbox, handler):
    """``open_round`` for several submissions (a batch of ``applications_submitted``)
    in one transaction: under a deadline's stream one INSERT and one locking SELECT of
    their cases, one flush of their tasks, one commit, one page-change message and one
    notice event stand for many. Each event is recorded in ``inbox`` (the handler's
    ProcessedEvent) within it; the ones recorded before are skipped. Returns the
    notices to send after the commit. Anything failing raises, the transaction rolled
    back and nothing of the batch kept: the caller then opens each alone."""
    session = deps.session
    fetched = [(payload, fetch_for_round(deps, payload)) for payload in payloads]
    try:
        keep = fresh_events(session, inbox, [payload for payload, _ in fetched], handler)
        todo = [pair for pair, kept in zip(fetched, keep) if kept]  # the others: handled before
        cases = locked_cases(session, [payload["application_id"] for payload, _ in todo])
        notices = []
        for payload, application in todo:
            opened = round_in(deps, cases[payload["application_id"]], payload, application)
            notices.append(status_notice(payload))
            if opened is not None:
                notices.append(arrival_notice(*opened))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return notices


def locked_cases(session, application_ids):
    """``locked_case(create=True)`` for several applications: their rows made where
    missing by one INSERT, then locked and read afresh by one SELECT, in id order (as
    any two lockers of several cases must, not to deadlock)."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    insert_unless_present(session, ReviewCase, rows=[{"application_id": i} for i in ids])
    found = session.scalars(select(ReviewCase).where(ReviewCase.application_id.in_(ids))
                            .order_by(ReviewCase.application_id).with_for_update()
                            .execution_options(populate_existing=True)).all()
    return {case.application_id: case for case in found}


def copy_application(case, application):
    qualification = application.get("qualification") or {}
    case.number = application.get("number") or ""
    case.year = int(application.get("year") or 0)
    case.applicant_id = (application.get("applicant") or {}).get("id") or ""
    case.applicant_name = (application.get("applicant") or {}).get("name") or ""
    case.unit_id = (application.get("unit") or {}).get("id") or ""
    case.unit_name = (application.get("unit") or {}).get("name") or ""
    case.committee_id = (application.get("committee") or {}).get("id") or ""
    case.committee_name = (application.get("committee") or {}).get("name") or ""
    case.title = qualification.get("title") or ""
    case.level = qualification.get("level") or ""
    case.kind = application.get("kind") or case.kind
    case.specialty = qualification.get("specialty") or case.specialty or ""


def set_status(session, case, status):
    """The copy of the status lives on the case and on each visit (the query filters
    by organisation and status in one index)."""
    if case.status != status:
        case.status = status
        session.execute(update(Visit).where(Visit.application_id == case.application_id).values(status=status))


def arrive(session, case, round_no, position, node, org, node_days, visited=None):
    """The task at ``org``, and the organisation's visit the first time the
    application reaches it (``visited``: False when the caller knows it never has)."""
    application_id = case.application_id
    now = utcnow()
    task = Task(application_id=application_id, round=round_no, position=position, node=node,
                org_id=org["id"], org_name=org.get("name") or "", state="open", arrived_at=now,
                due_at=rules.due_at(now, node_days, node))
    session.add(task)
    if visited is False or session.get(Visit, (org["id"], application_id)) is None:
        session.add(Visit(org_id=org["id"], application_id=application_id, first_arrived_at=now,
                          status=case.status, year=case.year))
    return task


def arrival_notice(task, case):
    return {"org_ids": [task.org_id], "kind": "review_task", "subject": f"待审核申请书：{case.number}",
            "body": f"{case.applicant_name}的申请书（{case.title}，编号{case.number}）已到达本单位，请及时审核。"}


# A return's SMS carries the reviewer's reason, cut to keep the message within a few
# SMS segments (70 characters each); the inbox copy carries it whole.
SMS_REASON_CHARS = 60


def sms_excerpt(text, limit=SMS_REASON_CHARS):
    """``text`` on one line, at most ``limit`` characters (an ellipsis marks a cut)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def status_notice(payload):
    """The applicant's notice of a status change; the status's name travels with
    the event (applications owns the vocabulary). A return says why (the reviewer's
    退回意见): cut for the SMS, whole in the inbox."""
    name = (payload.get("status_info") or {}).get("name") or payload.get("status")
    body = f"您的申请书 {payload.get('number') or ''} 状态已变更为「{name}」。"
    notice = {"user_ids": [payload.get("applicant_id")], "kind": "application_status",
              "subject": f"申请书状态变更：{name}", "body": body}
    reason = " ".join((payload.get("opinion") or "").split())
    if payload.get("action") == "return" and reason:
        short = sms_excerpt(reason)
        notice["body"] = f"{body}退回意见：{short}" + ("（全文见平台站内信）" if short != reason else "")
        notice["inbox_body"] = f"{body}退回意见：{reason}"
    return notice


def notify_arrival(notices, task, case):
    notify(notices, **arrival_notice(task, case))


def claim_withdraw(session, application_id, submission_no=None):
    """Withdraw (收回) only while the base unit has not acted: close the unit's task
    of that submission. Claiming a named submission already withdrawn succeeds
    again (racing withdraws of one submission: applications' row lock lets one of
    them through); a submission other than the one under review is refused."""
    case = locked_case(session, application_id, create=bool(submission_no))
    if submission_no and case.round < int(submission_no):
        # The submission event has not reached us yet: make sure it opens nothing.
        case.withdrawn_round = max(case.withdrawn_round or 0, int(submission_no))
        set_status(session, case, "draft")
        session.commit()
        return {"application_id": application_id, "withdrawn": True}
    if case is None:
        raise Conflict("cannot_withdraw", "该申请书未在审核中，无法收回")
    round_no = int(submission_no) if submission_no else case.round
    if round_no != case.round:
        raise Conflict("cannot_withdraw", "该次提交已不在审核中，无法收回")
    unit_task = (Task.application_id == application_id, Task.round == round_no, Task.position == 1)
    # Opened (办理) or commented counts as acting: only an untouched task closes.
    closed = session.execute(update(Task).where(*unit_task, Task.state == "open", Task.opened_at.is_(None))
                             .values(state="withdrawn", acted_at=utcnow()))
    if closed.rowcount != 1:
        session.rollback()
        already = submission_no and session.scalars(
            select(Task.id).where(*unit_task, Task.state == "withdrawn")).first()
        if not already:
            raise Conflict("cannot_withdraw", "基层单位已开始处理，无法收回")
        return {"application_id": application_id, "withdrawn": True}
    set_status(session, case, "draft")
    session.commit()
    return {"application_id": application_id, "withdrawn": True}


def mark_opened(session, task):
    """The node's staff opened the task (办理): from now on the applicant cannot
    withdraw. Only the first opening writes."""
    if task is None or task.state != "open" or task.opened_at is not None:
        return
    session.execute(update(Task).where(Task.id == task.id, Task.state == "open", Task.opened_at.is_(None))
                    .values(opened_at=utcnow()))
    session.commit()


def close_waiting(session, application_id, state):
    """The application left review without a decision here (withdrawn): close its task."""
    case = locked_case(session, application_id)
    session.execute(update(Task).where(Task.application_id == application_id, Task.state == "open")
                    .values(state=state, acted_at=utcnow()))
    if case is not None and state == "withdrawn":
        set_status(session, case, "draft")
    session.commit()


# -- decisions --------------------------------------------------------------------

def add_comment(deps, actor, application_id, section, text):
    session = deps.session
    task = my_turn(session, actor, application_id)
    if task.state != "open":
        raise Conflict("task_busy", "本单位其他工作人员正在处理该申请书")
    require_complete_unit(deps, task)
    application = deps.applications.get_application_internal(application_id)
    sections = {s.get("key") for s in ((application.get("template") or {}).get("sections") or [])}
    if sections and section not in sections:
        raise Invalid("unknown_section", "申请书中没有该栏目", field="section")
    # A comment is acting on the task: marked in the same transaction, on the row a
    # racing withdraw claims, so one of the two wins and the other is refused.
    touched = session.execute(update(Task).where(Task.id == task.id, Task.state == "open")
                              .values(opened_at=func.coalesce(Task.opened_at, utcnow())))
    if touched.rowcount != 1:
        session.rollback()
        raise Conflict("task_busy", "该申请书已不在本单位待审核")
    comment = Comment(application_id=application_id, round=task.round, node=task.node, org_id=task.org_id,
                      org_name=task.org_name, section=section, text=text, by_user_id=actor["id"],
                      by_name=actor.get("name") or "")
    session.add(comment)
    session.commit()
    return comment_view(comment)


def decide(deps, actor, application_id, action, opinion, recommending_unit_id=None, idempotency_key=None):
    """Return or forward. Validates, claims the task, asks applications to move the
    status, then completes the task. Returns the decision's outcome."""
    session = deps.session
    key = idempotency.check_key(idempotency_key)
    known = idempotency.recall(session, IdempotencyKey, actor["id"], key, action, application_id)
    if known is not None:
        return resume(deps, known.task_id)
    opinion = (opinion or "").strip()
    task = my_turn(session, actor, application_id)
    if task.state == "deciding":
        if (task.decided_by or {}).get("user_id") == actor["id"] and task.action == action:
            return finish(deps, task)  # the same person's retry: same request id
        raise Conflict("task_busy", "本单位其他工作人员正在处理该申请书")
    if action == "return" and not opinion:
        raise Invalid("opinion_required", "退回时必须填写退回意见", field="opinion")
    require_complete_unit(deps, task)
    if action == "forward" and task.node == "unit" and not opinion:
        raise Invalid("opinion_required", "基层单位上报时必须填写推荐意见", field="opinion")
    if action == "forward":
        require_intact_evidence(deps, application_id)
    case = case_for(session, application_id)
    values = {"action": action, "opinion": opinion, "decided_by": by_of(actor, task), "decided_at": utcnow(),
              "request_id": uuid.uuid4().hex, "state": "deciding"}
    if action == "forward":
        values.update(plan_forward(deps, task, case, recommending_unit_id))
    claimed = session.execute(update(Task).where(Task.id == task.id, Task.state == "open").values(**values))
    if claimed.rowcount != 1:
        session.rollback()
        known = idempotency.recall(session, IdempotencyKey, actor["id"], key, action, application_id)
        if known is not None:  # a twin carrying this key claimed it
            return resume(deps, known.task_id)
        raise Conflict("task_busy", "本单位其他工作人员已处理该申请书")
    idempotency.remember(session, IdempotencyKey, actor["id"], key, action, application_id, task_id=task.id)
    try:
        session.commit()
    except IntegrityError:  # the key was sent at once with another decision
        session.rollback()
        known = idempotency.recall(session, IdempotencyKey, actor["id"], key, action, application_id)
        if known is None:
            raise
        return resume(deps, known.task_id)
    session.refresh(task)
    return finish(deps, task)


def require_intact_evidence(deps, application_id):
    """Issue #15: an application whose files are missing or altered in the object
    store is not moved on; documents names them (``evidence_damaged``). One HEAD per
    file on documents' side — the decision's third synchronous RPC at most (with the
    gateway's and applications' transition), never a re-hash. A return is never
    stopped: sending damaged material back to the applicant is the remedy."""
    if deps.documents is not None:
        deps.documents.check_evidence(application_id)


def resume(deps, task_id):
    """A retry of a decision already claimed under its key: the stored outcome, or
    finish it (applications did not answer the first time)."""
    task = deps.session.get(Task, task_id, populate_existing=True)
    if task is not None and task.state == "done" and task.outcome is not None:
        return task.outcome
    if task is not None and task.state == "deciding":
        return finish(deps, task)
    raise Conflict("not_your_turn", "该申请书当前不在本单位审核环节")


def plan_forward(deps, task, case, recommending_unit_id):
    """Where this forward goes; the refusals a forward can meet (unit incomplete,
    no recommending unit, a broken chain) all happen here, before anything changes."""
    orgs = deps.orgs
    if task.node == "committee":
        return {"next_node": "passed", "next_org_id": None}
    settings = deps.settings(case.committee_id)
    receiving = settings.get("receiving_department_ids") or []
    current = orgs.get(task.org_id) or {"id": task.org_id}
    chosen = None
    if task.node == "unit":
        chosen = routing.pick_recommending_unit(current, recommending_unit_id)
    node, org = routing.next_stop(task.node, current, receiving, orgs, chosen)
    if node == "committee":
        # The committee receives material only within its receiving window (the
        # specialty's own where set): from the settings copy, no extra call.
        refused = rules.receiving_refusal(settings, case.specialty, clock_now())
        if refused:
            raise Conflict("window_closed", refused)
        org = {"id": case.committee_id}
    return {"next_node": node, "next_org_id": org["id"], "recommending_unit_id": chosen}


def transition_for(task):
    if task.action == "return":
        return "return", "returned"
    if task.next_node == "passed":
        return "pass_formal_review", "formal_review_passed"
    return "forward", "submitted"


def finish(deps, task):
    """Ask applications to move the status (idempotent by the task's request id);
    only when that succeeded is the task done and the next one opened."""
    session = deps.session
    action, to_status = transition_for(task)
    try:
        result = deps.applications.transition(task.request_id, task.application_id, action, to_status,
                                              task.decided_by, opinion=task.opinion)
    except Exception as exc:
        known = domain_error(exc)
        if known is None:
            log.warning("review: transition %s of %s pending", task.request_id, task.application_id,
                        exc_info=True)
            raise Unavailable("transition_pending", "状态变更暂未完成，系统将自动重试") from None
        # Refused: nothing moved, so the task is open again for a new decision, and
        # a retry with the refused request's key decides anew.
        session.execute(update(Task).where(Task.id == task.id, Task.state == "deciding").values(
            state="open", action=None, opinion=None, request_id=None, decided_by=None, decided_at=None,
            next_node=None, next_org_id=None, recommending_unit_id=None))
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.task_id == task.id))
        session.commit()
        raise known from None
    return complete(deps, task, (result or {}).get("status") or to_status)


def complete(deps, task, status):
    """Mark the task done and open the next one — once: of twins finishing the same
    decision, the one whose conditional UPDATE wins does it; the others answer the
    outcome it stored."""
    session = deps.session
    case = locked_case(session, task.application_id)
    done = session.execute(update(Task).where(Task.id == task.id, Task.state == "deciding")
                           .values(state="done", acted_at=utcnow()))
    if done.rowcount != 1:
        session.rollback()
        finished = session.get(Task, task.id, populate_existing=True)
        if finished is not None and finished.state == "done" and finished.outcome is not None:
            return finished.outcome
        raise Conflict("task_busy", "本单位其他工作人员已处理该申请书")
    set_status(session, case, status)
    following = None
    if task.action == "forward" and task.node == "unit":
        case.recommending_unit_id = task.recommending_unit_id
    if task.action == "forward" and task.next_node in ("department", "committee"):
        orgs = deps.orgs
        org = orgs.get(task.next_org_id) or {"id": task.next_org_id}
        node_days = deps.settings(case.committee_id).get("node_days")
        following = arrive(session, case, task.round, task.position + 1, task.next_node,
                           org, node_days)
    outcome = {"application_id": task.application_id, "status": status, "action": task.action,
               "next": ({"node": following.node, "org_id": following.org_id, "name": following.org_name}
                        if following else None)}
    session.execute(update(Task).where(Task.id == task.id).values(outcome=outcome))
    session.commit()
    if following is not None:
        notify_arrival(deps.notices, following, case)
    return outcome


def retry_pending(deps, older_than):
    """Decisions stuck in ``deciding`` (applications did not answer): finish them with
    their stored request id. Called by a timer."""
    stuck = deps.session.scalars(select(Task).where(Task.state == "deciding", Task.decided_at < older_than)).all()
    finished = 0
    for task in stuck:
        try:
            finish(deps, task)
            finished += 1
        except Exception:  # noqa: BLE001 — next tick tries again
            deps.session.rollback()
    return finished


def comment_view(comment):
    from zc_common.clock import iso
    return {"id": comment.id, "section": comment.section, "text": comment.text, "by_org": comment.org_name,
            "org_id": comment.org_id, "node": comment.node, "by": comment.by_name, "round": comment.round,
            "at": iso(comment.at)}
