"""The review service: the formal-review route, reviewers' tasks and decisions, and
the committee's meetings, publicity, objections and approvals. A thin door: the
rules live in routing / rules / decisions / views / committee / reminders."""
import eventlet
from nameko.timer import timer
from sqlalchemy import select

from services.review import committee, copies, decisions, experts, panels, reminders, statistics, views, voting
from services.review.decisions import Deps
from services.review.models import IdempotencyKey, ProcessedEvent, ReviewCase
from services.review.remote import Notices, domain_error, log, notify, notify_all
from zc_common import idempotency
from zc_common.clock import now
from zc_common.db import Database
from zc_common.errors import DomainError, Forbidden
from zc_common.health import Health
from zc_common.logs import WorkerLog, publishing_as
from zc_common.metrics import Metrics
from zc_common.outbox import first_time, fresh_events, handle_each, unbatched
from zc_common.page_changes import PageTables
from zc_common.rpc import EventDispatcher, RpcProxy, event_handler, rpc

REVIEWERS = ("unit_admin", "department_staff", "committee_staff")


def reviewer(actor):
    if (actor or {}).get("role") not in REVIEWERS or not actor.get("org_id"):
        raise Forbidden("forbidden", "仅审核单位工作人员可进行此操作")
    return actor


def committee_staff(actor):
    if (actor or {}).get("role") != "committee_staff" or not actor.get("org_id"):
        raise Forbidden("forbidden", "仅评审委员会工作人员可进行此操作")
    return actor


class ReviewService(Health):
    name = "review"

    # What shows on an applicant's application page: the route, comments, opinions and
    # whether it can be withdrawn (views.review_view; zc_common/page_changes.py).
    db = Database("review", pages=PageTables(
        by_application={"review_cases": "application_id", "review_tasks": "application_id",
                        "review_comments": "application_id", "review_visits": "application_id"},
        shared=("review_org_copies", "review_settings_copies")))
    worker_log = WorkerLog()   # one line per RPC/event, with its request id (zc_common.logs)
    metrics = Metrics()
    accounts = RpcProxy("accounts")
    applications = RpcProxy("applications")
    documents = RpcProxy("documents")
    dispatch = EventDispatcher()

    @property
    def notices(self):
        return Notices(self.dispatch)

    @property
    def deps(self):
        return Deps(self.db, self.accounts, self.applications, self.documents, notices=self.notices)

    @rpc
    def ping(self):
        return "ok"

    # -- for the other services (docs/internal-rpc.md) -------------------------
    @rpc(expected_exceptions=DomainError)
    def review_view(self, application):
        return views.review_view(self.deps, application)

    @rpc(expected_exceptions=DomainError)
    def has_reached(self, application_id, org_id):
        return decisions.has_reached(self.db, application_id, org_id)

    @rpc(expected_exceptions=DomainError)
    def claim_withdraw(self, application_id, submission_no=None, application=None):
        claimed = decisions.claim_withdraw(self.db, application_id, submission_no)
        if application is not None:
            # The route as it stands after the withdrawal (applications sends the
            # application as it will be), so applications' answer carries it and the
            # gateway need not ask review again.
            claimed = {**claimed, "view": views.review_view(self.deps, application)}
        return claimed

    # -- reviewers ---------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def list_tasks(self, actor, page=1, page_size=20):
        return views.task_list(self.db, reviewer(actor), page, page_size, views.place_finder(self.deps))

    @rpc(expected_exceptions=DomainError)
    def unit_places(self, actor, application_ids):
        """{application_id: place of the node holding it} for the caller's unit's
        submitted applications among ``application_ids`` (申请书查询 at the unit lists
        applications' rows; review knows where each one is)."""
        return views.unit_places(self.db, reviewer(actor), application_ids, views.place_finder(self.deps))

    @rpc(expected_exceptions=DomainError)
    def query_applications(self, actor, status=None, year=None, name=None, number=None, page=1, page_size=20):
        return views.query(self.db, reviewer(actor), status, year, name, number, page, page_size,
                           views.place_finder(self.deps))

    @rpc(expected_exceptions=DomainError)
    def application_detail(self, actor, application_id):
        return views.detail(self.deps, reviewer(actor), application_id)

    @rpc(expected_exceptions=DomainError)
    def application_eligibility(self, actor, application_id):
        """申报条件自查 as the applicant sees it, for an organisation it has reached."""
        decisions.require_reached(self.db, reviewer(actor), application_id)
        listed = self.documents.list_attachments(application_id) or []
        counts = {}
        for item in listed:
            counts[item["section"]] = counts.get(item["section"], 0) + 1
        return self.applications.eligibility_internal(application_id, counts)

    @rpc(expected_exceptions=DomainError)
    def application_changes(self, actor, application_id):
        """What changed since the version returned, for an organisation it has
        reached; anyone else: 404, as for the detail."""
        decisions.require_reached(self.db, reviewer(actor), application_id)
        return self.applications.changes_internal(application_id)

    # -- 统计 and exports ------------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def node_statistics(self, actor, year=None, committee_id=None):
        return statistics.node_times(self.db, actor, year, committee_id)

    @rpc(expected_exceptions=DomainError)
    def export_applications(self, actor, status=None, year=None, name=None, number=None, org_id=None):
        return statistics.export_rows(self.db, actor, status, year, name, number, org_id)

    @rpc(expected_exceptions=DomainError)
    def add_comment(self, actor, application_id, section, text):
        return decisions.add_comment(self.deps, reviewer(actor), application_id, section, text)

    @rpc(expected_exceptions=DomainError)
    def return_application(self, actor, application_id, opinion, idempotency_key=None):
        return decisions.decide(self.deps, reviewer(actor), application_id, "return", opinion,
                                idempotency_key=idempotency_key)

    @rpc(expected_exceptions=DomainError)
    def forward_application(self, actor, application_id, opinion, recommending_unit_id=None,
                            idempotency_key=None):
        return decisions.decide(self.deps, reviewer(actor), application_id, "forward", opinion,
                                recommending_unit_id, idempotency_key)

    # -- committee results -----------------------------------------------------------
    @rpc(expected_exceptions=DomainError)
    def record_meeting(self, actor, year, held_on, results, idempotency_key=None):
        return committee.record_meeting(self.deps, committee_staff(actor), year, held_on, results, idempotency_key)

    @rpc(expected_exceptions=DomainError)
    def application_result(self, application_id):
        """查看评审结果 for the applicant (the gateway checks the application is theirs)."""
        return committee.result_for_applicant(self.db, application_id)

    @rpc(expected_exceptions=DomainError)
    def list_meetings(self, actor, year=None):
        return committee.list_meetings(self.db, committee_staff(actor), year)

    @rpc(expected_exceptions=DomainError)
    def open_publicity(self, actor, meeting_id, starts_at, ends_at, idempotency_key=None):
        return committee.open_publicity(self.deps, committee_staff(actor), meeting_id, starts_at, ends_at,
                                        idempotency_key)

    @rpc(expected_exceptions=DomainError)
    def public_publicity(self):
        return committee.public_list(self.db)

    @rpc(expected_exceptions=DomainError)
    def submit_objection(self, publicity_id, application_number, reason, contact, client):
        return committee.object_to(self.db, publicity_id, application_number, reason, contact, client)

    @rpc(expected_exceptions=DomainError)
    def list_objections(self, actor, resolved=None):
        return committee.list_objections(self.db, committee_staff(actor), resolved)

    @rpc(expected_exceptions=DomainError)
    def resolve_objection(self, actor, objection_id, upheld, note):
        return committee.resolve_objection(self.deps, committee_staff(actor), objection_id, upheld, note)

    @rpc(expected_exceptions=DomainError)
    def revoke_certificate(self, actor, application_id, reason):
        return committee.revoke_certificate(self.deps, committee_staff(actor), application_id, reason)

    @rpc(expected_exceptions=DomainError)
    def approve_meeting(self, actor, meeting_id, document_no, idempotency_key=None):
        return committee.approve(self.deps, committee_staff(actor), meeting_id, document_no, idempotency_key)

    # -- the expert pool, panels and votes (experts / panels / voting) ------------------
    @rpc(expected_exceptions=DomainError)
    def add_expert(self, actor, data):
        return experts.add_expert(self.deps, committee_staff(actor), data)

    @rpc(expected_exceptions=DomainError)
    def list_experts(self, actor):
        return experts.list_pool(self.deps, committee_staff(actor))

    @rpc(expected_exceptions=DomainError)
    def admit_expert(self, actor, expert_id, data):
        return experts.readmit(self.deps, committee_staff(actor), expert_id, data)

    @rpc(expected_exceptions=DomainError)
    def remove_expert(self, actor, expert_id, data):
        return experts.remove(self.deps, committee_staff(actor), expert_id, data)

    @rpc(expected_exceptions=DomainError)
    def set_expert_relations(self, actor, expert_id, relations):
        return experts.update_relations(self.deps, committee_staff(actor), expert_id, relations)

    @rpc(expected_exceptions=DomainError)
    def expert_history(self, actor, expert_id):
        """参评记录: the committee sees its own panels, the platform admin all."""
        if (actor or {}).get("role") == "platform_admin":
            return experts.history(self.db, expert_id)
        actor = committee_staff(actor)
        experts.known_expert(self.deps, actor, expert_id)
        return experts.history(self.db, expert_id, actor["org_id"])

    @rpc(expected_exceptions=DomainError)
    def all_experts(self, actor):
        if (actor or {}).get("role") != "platform_admin":
            raise Forbidden("forbidden", "仅平台管理员可进行此操作")
        return experts.list_all(self.db)

    @rpc(expected_exceptions=DomainError)
    def draw_panel(self, actor, data):
        return panels.create_panel(self.deps, committee_staff(actor), data)

    @rpc(expected_exceptions=DomainError)
    def list_panels(self, actor):
        return panels.list_panels(self.db, committee_staff(actor))

    @rpc(expected_exceptions=DomainError)
    def panel_detail(self, actor, panel_id):
        return panels.panel_view(self.db, panels.own_panel(self.db, committee_staff(actor), panel_id))

    @rpc(expected_exceptions=DomainError)
    def close_panel(self, actor, panel_id):
        return voting.close(self.deps, committee_staff(actor), panel_id)

    @rpc(expected_exceptions=DomainError)
    def my_panels(self, actor):
        return voting.my_panels(self.db, voting.expert_only(actor))

    @rpc(expected_exceptions=DomainError)
    def my_panel(self, actor, panel_id):
        return voting.expert_panel(self.db, voting.expert_only(actor), panel_id)

    @rpc(expected_exceptions=DomainError)
    def declare(self, actor, panel_id, confirm, conflicts=None):
        return voting.declare(self.db, voting.expert_only(actor), panel_id, confirm, conflicts)

    @rpc(expected_exceptions=DomainError)
    def decline_panel(self, actor, panel_id, reason):
        return voting.decline(self.deps, voting.expert_only(actor), panel_id, reason)

    @rpc(expected_exceptions=DomainError)
    def declare_conflict(self, actor, panel_id, application_id, reason):
        return voting.declare_conflict(self.db, voting.expert_only(actor), panel_id, application_id, reason)

    @rpc(expected_exceptions=DomainError)
    def cast_vote(self, actor, panel_id, application_id, choice, score=None, comment=""):
        return voting.cast(self.db, voting.expert_only(actor), panel_id, application_id, choice, score, comment)

    @rpc(expected_exceptions=DomainError)
    def my_history(self, actor):
        return experts.history(self.db, voting.expert_only(actor)["id"])

    @rpc(expected_exceptions=DomainError)
    def expert_may_read(self, application_id, expert_id):
        """documents asks before showing an expert an application's files."""
        return voting.may_read(self.db, application_id, expert_id)

    # -- events from applications -------------------------------------------------------
    @event_handler("applications", "application_submitted", requeue_on_error=True)
    def on_application_submitted(self, payload):
        self._open_round(payload)

    @event_handler("applications", "applications_submitted", requeue_on_error=True)
    def on_applications_submitted(self, payload):
        """Several submissions at once (applications' batching sender,
        zc_common/outbox_sender.py): their rounds opened in one transaction and their
        notices sent as one event. Should the batch fail as a whole, each is opened
        alone, as if it had come by itself."""
        items = list(unbatched(payload))
        try:
            notices = decisions.open_rounds(self.deps, [item for _, item in items], ProcessedEvent,
                                            "application_submitted")
        except Exception:  # noqa: BLE001 — rolled back; one at a time says which one fails
            log.warning("review: opening %d rounds together failed; one at a time", len(items), exc_info=True)
            for request_id, item in items:
                with publishing_as(request_id):
                    self._open_round(item)
            return
        if notices:
            notify_all(self.notices, notices)

    def _open_round(self, payload):
        try:
            deps = self.deps  # one memo: the round is opened from what was fetched
            application = decisions.fetch_for_round(deps, payload)
            if not first_time(self.db, ProcessedEvent, payload.get("event_id"), "application_submitted"):
                return
            opened = decisions.open_round(deps, payload, application)
        except Exception as exc:
            self.db.rollback()
            if domain_error(exc) is not None:  # a refusal will not change on redelivery
                log.error("review: cannot open the round of %s: %s", payload.get("application_id"), exc)
                return
            # Without this task the application would wait nowhere: back off, requeue.
            log.warning("review: opening the round of %s failed; requeued", payload.get("application_id"),
                        exc_info=True)
            eventlet.sleep(2)
            raise
        # The submit's event stands for its status change too (applications' status.apply):
        # the applicant's notice and the unit's go to accounts as one event.
        notices = [decisions.status_notice(payload)]
        if opened is not None:
            notices.append(decisions.arrival_notice(*opened))
        notify_all(self.notices, notices)

    @event_handler("applications", "application_withdrawn")
    def on_application_withdrawn(self, payload):
        if first_time(self.db, ProcessedEvent, payload.get("event_id"), "application_withdrawn"):
            decisions.close_waiting(self.db, payload["application_id"], "withdrawn")

    @event_handler("applications", "application_status_changed")
    def on_status_changed(self, payload):
        """Every status change: keep the copy current and tell the applicant."""
        if not first_time(self.db, ProcessedEvent, payload.get("event_id"), "application_status_changed"):
            return
        case = self.db.get(ReviewCase, payload["application_id"])
        if case is not None and payload.get("status"):
            decisions.set_status(self.db, case, payload["status"])
        self.db.commit()
        status = payload.get("status")
        if status == payload.get("from_status"):
            return  # a forward between nodes: the status itself did not change
        notify(self.notices, **decisions.status_notice(payload))

    @event_handler("applications", "application_statuses_changed")
    def on_statuses_changed(self, payload):
        """Several status changes at once (applications moves a fees_paid batch's
        applications in one transaction and announces them in one message,
        zc_common.outbox.batched): handled as ``on_status_changed`` would handle each,
        in one transaction — one inbox statement, the cases read in one query — and
        the applicants' notices sent as one event. Should that fail, each is handled
        alone, under the request that changed it."""
        items = list(unbatched(payload))
        try:
            notices = self._statuses_changed([item for _, item in items])
        except Exception:  # noqa: BLE001 — retried one by one below, where a failure is logged
            self.db.rollback()
            log.warning("status changes: a batch of %d failed whole; handling each alone", len(items), exc_info=True)
            handle_each(self.db, items, self.on_status_changed, "status change")
            return
        if notices:
            notify_all(self.notices, notices)

    def _statuses_changed(self, items):
        keep = fresh_events(self.db, ProcessedEvent, items, "application_status_changed")
        todo = [item for item, kept in zip(items, keep) if kept]
        ids = sorted({item["application_id"] for item in todo if isinstance(item.get("application_id"), str)})
        cases = {case.application_id: case for case in self.db.scalars(
            select(ReviewCase).where(ReviewCase.application_id.in_(ids)))} if ids else {}
        for item in todo:  # in the order they changed
            case = cases.get(item.get("application_id"))
            if case is not None and item.get("status"):
                decisions.set_status(self.db, case, item["status"])
        self.db.commit()
        # a forward between nodes: the status itself did not change
        return [decisions.status_notice(item) for item in todo if item.get("status") != item.get("from_status")]

    # -- copies of what decisions read (services/review/copies.py) ------------------------
    # The upsert is idempotent and ordered by ``changed_at``: a redelivered or late
    # event changes nothing, so no inbox row is needed.
    @event_handler("accounts", "organization_changed")
    def on_organization_changed(self, payload):
        copies.store_org(self.db, payload["organization"], payload.get("changed_at"))
        self.db.commit()
        # After the commit: a read in between would otherwise remember the old copy.
        copies.ORGS.drop(payload["organization"]["id"])

    @event_handler("applications", "committee_settings_changed")
    def on_committee_settings_changed(self, payload):
        copies.store_settings(self.db, payload["committee_id"], payload.get("settings"), payload.get("changed_at"))
        self.db.commit()
        copies.SETTINGS.drop(payload["committee_id"])

    # -- timers ------------------------------------------------------------------------
    @timer(interval=3600)
    def remind_overdue(self):
        """Checked hourly (a restart does not skip a day); each overdue task is
        reminded at most once a day (``reminders.REMIND_EVERY``)."""
        reminders.send_reminders(self.db, self.notices, now())

    @timer(interval=3600)
    def forget_idempotency_keys(self):
        """Keys kept for retries expire after ``idempotency.KEEP`` (24 h)."""
        idempotency.forget_expired(self.db, IdempotencyKey)

    @timer(interval=60)
    def retry_pending(self):
        from datetime import timedelta
        decisions.retry_pending(self.deps, now() - timedelta(minutes=1))
        committee.retry_transitions(self.deps)
