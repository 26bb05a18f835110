"""The one writer of an application's status: checks the life cycle, records the
transition (who, when, from, to, opinion), bumps the version and queues the
events in the same transaction (transactional outbox)."""
import hashlib
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from services.applications import catalog, kinds, rules, vocabulary
from services.applications.models import Application, OutboxEvent, ProcessedEvent, Transition
from zc_common.clock import now
from zc_common.errors import BadRequest, Conflict, NotFound
from zc_common.logs import publishing_as
from zc_common.outbox import add_event, fresh_events

log = logging.getLogger(__name__)


def applicant_by(actor):
    """The ``by`` of a transition made by the applicant themself."""
    return {"user_id": actor.get("id"), "name": actor.get("name"), "org_id": None,
            "org_name": None, "node": "applicant", "impersonated_by": actor.get("impersonated_by")}


def event_payload(app, **extra):
    return {"application_id": app.id, "number": app.number, "applicant_id": app.applicant_id,
            "unit_id": app.unit_id, "committee_id": app.committee_id,
            "qualification_id": app.qualification_id, "year": app.year, "status": app.status,
            "status_info": vocabulary.status_info(app.status, app.kind),
            # the kind's policy travels with every event: payments and review act on
            # it (fee order or not, votes or confirmation) without asking back
            "kind": kinds.ref(app.kind), **extra}


def round_summary(session, app):
    """What review copies when a submission opens a round (its case: number,
    people, organisations, title), carried by ``application_submitted`` so review
    need not call back for it while the deadline's submits pour in."""
    # as the view that answers the submit shows it (read in the last seconds)
    qualification = catalog.shown_qualification(session, app.qualification_id)
    return {"id": app.id, "number": app.number, "year": app.year,
            "applicant": {"id": app.applicant_id, "name": app.applicant_name},
            "unit": {"id": app.unit_id, "name": app.unit_name},
            "kind": kinds.ref(app.kind),
            "committee": {"id": app.committee_id, "name": qualification.committee_name if qualification else ""},
            "qualification": {"title": qualification.title if qualification else "",
                              "level": qualification.level if qualification else "",
                              "specialty": qualification.specialty if qualification else ""}}


def apply(session, app, action, by, opinion=None, request_id=None):
    """Move ``app`` by ``action`` (caller holds the row and commits). Conflict
    ``bad_transition`` when the life cycle does not allow it."""
    from_status = app.status
    to_status = rules.LIFE_CYCLE[action][1]
    if not rules.allowed_transition(action, from_status, to_status):
        raise Conflict("bad_transition",
                       f"申请书当前状态为「{vocabulary.name(from_status)}」，不能进行此操作")
    policy = kinds.ref(app.kind)
    refused = rules.action_fits_kind(action, policy["conclusion"], policy["fee"])
    if refused:
        raise Conflict("wrong_kind", refused)
    by = by or {}
    moment = now()
    app.status = to_status
    app.version += 1
    app.updated_at = moment
    if action == "submit":
        app.submissions_used += 1
    record = Transition(
        request_id=request_id, application_id=app.id, action=action, from_status=from_status,
        to_status=to_status, opinion=opinion, by_user_id=by.get("user_id"), by_name=by.get("name"),
        org_id=by.get("org_id"), org_name=by.get("org_name"), node=by.get("node"),
        impersonated_by=by.get("impersonated_by"), at=moment)
    session.add(record)
    common = {"action": action, "opinion": opinion, "node": by.get("node"), "org_id": by.get("org_id")}
    if action == "submit":
        # The deadline's hottest write: one event, not two. ``application_submitted``
        # stands for the status change too (review's handler keeps its copy and tells
        # the applicant), so each submit costs one outbox row, one publish and one
        # handler in review instead of two of each.
        add_event(session, OutboxEvent, rules.ACTION_EVENTS[action], event_payload(
            app, from_status=from_status, submission_no=app.submissions_used,
            application=round_summary(session, app), **common))
        return record
    named = rules.ACTION_EVENTS.get(action)
    if named:
        add_event(session, OutboxEvent, named, event_payload(app, **common))
    add_event(session, OutboxEvent, "application_status_changed",
              event_payload(app, from_status=from_status, **common))
    if action == "pass_formal_review" and not policy["fee"]:
        # No fee order will ever come for this kind: ready for the committee now.
        waived = {"user_id": None, "name": "免缴评审费", "org_id": None, "org_name": None,
                  "node": "applications", "impersonated_by": None}
        apply(session, app, "fee_waived", waived, opinion=f"{policy['name']}不收取评审费",
              request_id=_derived("fee_waived", request_id))
    return record


def _derived(prefix, request_id):
    """A request id for a step taken on behalf of another request (≤ 64 characters)."""
    if not request_id:
        return None
    return f"{prefix}:{hashlib.sha1(request_id.encode()).hexdigest()}"


def locked(session, application_id):
    """The application row, locked for this transaction (PostgreSQL ``FOR UPDATE``;
    SQLite serialises writers anyway)."""
    app = session.scalars(select(Application).where(Application.id == application_id)
                          .with_for_update()).first()
    if app is None:
        raise NotFound("application_not_found", "申请书不存在")
    return app


def _seen(session, request_id):
    return session.scalars(select(Transition).where(Transition.request_id == request_id)).first()


def transition(session, request_id, application_id, action, to_status, by, opinion=None):
    """The RPC ``transition``: idempotent by ``request_id`` — a repeat changes
    nothing and answers as the first call did. Returns the application id; the
    caller commits nothing more (this commits)."""
    if not isinstance(request_id, str) or not request_id or len(request_id) > 64:
        raise BadRequest("bad_request_id", "request_id 应为 1–64 个字符")
    if _seen(session, request_id) is not None:
        return application_id
    if action not in rules.EXTERNAL_ACTIONS:
        raise BadRequest("unknown_action", f"未知的操作：{action}")
    app = locked(session, application_id)
    if _seen(session, request_id) is not None:  # a twin committed while we waited for the lock
        session.rollback()
        return application_id
    if not rules.allowed_transition(action, app.status, to_status):
        session.rollback()
        raise Conflict("bad_transition",
                       f"申请书当前状态为「{vocabulary.name(app.status)}」，"
                       f"不能执行「{action}」到「{to_status}」")
    try:
        apply(session, app, action, by, opinion=opinion, request_id=request_id)
    except Conflict:
        session.rollback()
        raise
    try:
        session.commit()
    except IntegrityError:  # the same request_id raced us on another application row
        session.rollback()
        if _seen(session, request_id) is None:
            raise
    return application_id


FEE_PAID_BY = {"user_id": None, "name": "缴费", "org_id": None, "org_name": None,
               "node": "payments", "impersonated_by": None}


def fee_paid_request_id(payload):
    """The transition's request id for a paid order: the same payment announced twice
    (two events) moves the application once."""
    return f"fee_paid:{payload.get('order_no') or payload.get('event_id')}"


def fees_paid(session, items):
    """Several ``fee_paid`` events (``[(request_id, payload)]``, payments' batch) in one
    transaction, committed here: one inbox statement for all their ids, one locked read
    of all the applications they name, one read of the transitions already made for
    their orders, then each application moved as ``transition`` would move it (its
    events queued under the request that booked its payment), and the new rows
    inserted together at the commit. An event seen before (or twice in the batch)
    changes nothing; one naming no application, or one not waiting for its fee, is
    logged, recorded as handled and changes nothing. Any other failure raises, with
    nothing written (the caller rolls back)."""
    keep = fresh_events(session, ProcessedEvent, [item for _, item in items], "fee_paid")
    todo = [pair for pair, kept in zip(items, keep) if kept]
    wanted = {item.get("application_id") for _, item in todo}
    wanted = sorted(app_id for app_id in wanted if isinstance(app_id, str))
    apps = {}
    if wanted:
        # Locked in one order whatever the batch's: two batches never wait on each other in a circle.
        # Without the dossier's documents (template, sections: the bulk of a row, each a
        # JSON to decode), which a paid fee neither reads nor changes.
        apps = {app.id: app for app in session.scalars(
            select(Application).options(defer(Application.template), defer(Application.sections))
            .where(Application.id.in_(wanted)).order_by(Application.id).with_for_update())}
    request_ids = [fee_paid_request_id(item) for _, item in todo]
    seen = set(session.scalars(select(Transition.request_id).where(Transition.request_id.in_(request_ids))))
    for (context, item), request_id in zip(todo, request_ids):
        app = apps.get(item.get("application_id"))
        if request_id in seen:
            continue  # the same payment announced before: already moved
        if app is None:
            log.warning("fee_paid for %s ignored: no such application", item.get("application_id"))
            continue
        try:
            with publishing_as(context):
                apply(session, app, "fee_paid", FEE_PAID_BY, opinion=f"缴费单号 {item.get('order_no')}",
                      request_id=request_id)
        except Conflict as exc:  # e.g. already moved on: nothing was changed (apply checks first)
            log.warning("fee_paid for %s ignored: %s", app.id, exc)
            continue
        seen.add(request_id)
    session.commit()
