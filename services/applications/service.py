"""The applications service: the catalog, committee settings, the applicant's
dossier, and the one writer of an application's status. Thin door: the rules
live in catalog.py, dossier.py, status.py, validation.py and rules.py."""
import logging

from nameko.timer import timer
from sqlalchemy import select

from services.applications import (
    catalog,
    continuing_education,
    dossier,
    eligibility,
    kinds,
    notices,
    questions,
    statistics,
    status,
    vocabulary,
)
from services.applications.models import Application, IdempotencyKey, OutboxEvent, ProcessedEvent
from zc_common import idempotency
from zc_common.db import Database
from zc_common.errors import Conflict, DomainError, Forbidden, NotFound
from zc_common.health import Health
from zc_common.logs import WorkerLog, current_request_id
from zc_common.metrics import Metrics
from zc_common.outbox import ProcessRelay, first_time, handle_each, unbatched
from zc_common.outbox_sender import OutboxDispatcher
from zc_common.page_changes import PageTables
from zc_common.remote import calling
from zc_common.rpc import RpcProxy, event_handler, rpc

log = logging.getLogger(__name__)
EDITABLE = vocabulary.keys_where("editable")

_outbox = ProcessRelay(OutboxEvent)
STATUS_CHANGES_TOGETHER = {"application_status_changed": "application_statuses_changed"}

# The kinds file is read and checked when the service starts: a bad file stops the
# start with its reason (kinds.KindsFileError) instead of failing applicants later.
kinds.load()
# 申报条件: read and checked now, so a rules file that does not parse stops start-up
# with its file and line (eligibility.RulesError) instead of failing a submit later.
eligibility.loaded()


def _admin(actor):
    if (actor or {}).get("role") != "platform_admin":
        raise Forbidden("forbidden", "只有平台管理员可以维护资格目录")


class ApplicationsService(Health):
    name = "applications"

    # What shows on an applicant's application page (zc_common/page_changes.py).
    db = Database("applications", pages=PageTables(
        by_application={"applications": "id", "transitions": "application_id",
                        "eligibility_exceptions": "application_id"},
        shared=("committee_settings", "qualifications")))
    worker_log = WorkerLog()   # one line per RPC/event, with its request id (zc_common.logs)
    metrics = Metrics(outbox=OutboxEvent)
    # A deadline's submits reach review in batches: one message, one commit of review's
    # and one notice event for many (zc_common/outbox_sender.py).
    dispatch = OutboxDispatcher(OutboxEvent, batched={"application_submitted": "applications_submitted"})
    accounts = RpcProxy("accounts")
    review = RpcProxy("review")
    documents = RpcProxy("documents")

    def _organizations(self, ids):
        return calling(self.accounts.get_organizations)(ids)

    def _published(self, result):
        """Send what the just-committed transaction queued. The change is already
        committed, so a failure here must not fail the call: the timer retries."""
        _outbox.after_commit(self.db, self.dispatch)
        return result

    @rpc
    def ping(self):
        return "ok"

    # -- catalog ---------------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def create_qualification(self, actor, data):
        _admin(actor)
        return catalog.create_qualification(self.db, self._organizations, data)

    @rpc(expected_exceptions=DomainError)
    def set_qualification_conditions(self, actor, qualification_id, conditions):
        _admin(actor)
        return catalog.set_conditions(self.db, qualification_id, conditions)

    @rpc(expected_exceptions=DomainError)
    def set_qualification_kinds(self, actor, qualification_id, kind_keys):
        _admin(actor)
        return catalog.set_kinds(self.db, qualification_id, kind_keys)

    @rpc(expected_exceptions=DomainError)
    def list_qualifications(self, region_code=None, kind=None):
        return catalog.list_qualifications(self.db, region_code, kind)

    @rpc
    def list_kinds(self):
        """The application kinds and their policy (kinds.json), in its order."""
        return [kinds.public(kind) for kind in kinds.all_kinds()]

    @rpc(expected_exceptions=DomainError)
    def put_committee_settings(self, actor, committee_id, data):
        return self._published(catalog.put_settings(self.db, self._organizations, actor, committee_id, data))

    @rpc(expected_exceptions=DomainError)
    def get_committee_settings(self, committee_id):
        return catalog.get_settings(self.db, committee_id)

    # -- notices (通知公告, 纸质材料报送要求) -------------------------------------

    @rpc(expected_exceptions=DomainError)
    def create_notice(self, actor, data):
        return notices.create(self.db, self._organizations, actor, data)

    @rpc(expected_exceptions=DomainError)
    def update_notice(self, actor, notice_id, data):
        return notices.update(self.db, self._organizations, actor, notice_id, data)

    @rpc(expected_exceptions=DomainError)
    def delete_notice(self, actor, notice_id):
        return notices.delete(self.db, actor, notice_id)

    @rpc(expected_exceptions=DomainError)
    def list_notices(self, kind=None, region_code=None, committee_id=None, page=1, page_size=20):
        return notices.list_public(self.db, kind, region_code, committee_id, page, page_size)

    @rpc(expected_exceptions=DomainError)
    def get_notice(self, notice_id):
        return notices.get_public(self.db, notice_id)

    @rpc
    def list_statuses(self):
        """The status vocabulary (names and flags), in life-cycle order."""
        return vocabulary.vocabulary()

    # -- the applicant's dossier ----------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def create_application(self, actor, data):
        return dossier.create(self.db, self._organizations, actor, data)

    @rpc(expected_exceptions=DomainError)
    def list_applications(self, actor):
        return dossier.list_own(self.db, actor)

    @rpc(expected_exceptions=DomainError)
    def get_application(self, actor, application_id):
        return dossier.view(self.db, dossier.own(self.db, actor, application_id))

    @rpc(expected_exceptions=DomainError)
    def save_section(self, actor, application_id, key, data):
        return dossier.save_section(self.db, actor, application_id, key, data)

    @rpc(expected_exceptions=DomainError)
    def change_qualification(self, actor, application_id, qualification_id, idempotency_key=None):
        return self._published(dossier.change_qualification(
            self.db, self._organizations, actor, application_id, qualification_id, idempotency_key))

    @rpc(expected_exceptions=DomainError)
    def unit_applications(self, actor, status=None, year=None, name=None, number=None, page=1, page_size=20):
        return dossier.unit_list(self.db, actor, status, year, name, number, page, page_size)

    @rpc(expected_exceptions=DomainError)
    def record_paper(self, actor, application_id, received):
        return dossier.record_paper(self.db, actor, application_id, received)

    @rpc(expected_exceptions=DomainError)
    def report_route_step(self, actor, application_id, data):
        return self._published(dossier.report_route_step(self.db, actor, application_id, data))

    @rpc(expected_exceptions=DomainError)
    def delete_application(self, actor, application_id):
        return self._published(dossier.delete(self.db, actor, application_id))

    @rpc(expected_exceptions=DomainError)
    def submit(self, actor, application_id, idempotency_key=None):
        """The answer carries the attachments it counted (documents' list), so the
        gateway need not ask documents again to build API.md's application."""
        listed = {}

        def count_attachments(app_id):
            listed["items"] = calling(self.documents.list_attachments)(app_id, verify=True) or []
            return dossier.counts_by_section(listed["items"])
        answer = self._published(dossier.submit(self.db, actor, application_id, count_attachments, idempotency_key,
                                                listed=lambda: listed.get("items")))
        return {**answer, "attachments": listed["items"]} if "items" in listed else answer

    @rpc(expected_exceptions=DomainError)
    def withdraw(self, actor, application_id, idempotency_key=None):
        """The answer carries review's route, comments and opinions (review builds
        them when it closes the unit's task), so the gateway need not ask again."""
        claimed = {}

        def claim_withdraw(app_id, submission_no=None):
            # review builds its view of the application as it is once withdrawn
            application = {**dossier.get_internal(self.db, app_id), "status": "draft",
                           "status_info": vocabulary.status_info("draft")}
            claimed["answer"] = calling(self.review.claim_withdraw)(app_id, submission_no=submission_no,
                                                                    application=application) or {}
            return claimed["answer"]
        answer = self._published(dossier.withdraw(self.db, actor, application_id, claim_withdraw, idempotency_key))
        view = (claimed.get("answer") or {}).get("view")
        if not view:
            return answer
        return {**answer, **{k: view[k] for k in ("route", "comments", "opinions", "status_info", "can_withdraw")
                             if k in view}}

    # -- 在线问答 ------------------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def ask_question(self, actor, data):
        return self._published(questions.ask(self.db, self._organizations, actor, data))

    @rpc(expected_exceptions=DomainError)
    def list_questions(self, actor, state=None):
        return questions.list_for(self.db, actor, state)

    @rpc(expected_exceptions=DomainError)
    def get_question(self, actor, question_id):
        return questions.get(self.db, actor, question_id)

    @rpc(expected_exceptions=DomainError)
    def answer_question(self, actor, question_id, data):
        return self._published(questions.answer(self.db, actor, question_id, data))

    @rpc(expected_exceptions=DomainError)
    def publish_question(self, actor, question_id, published):
        return questions.publish(self.db, actor, question_id, published)

    @rpc(expected_exceptions=DomainError)
    def attach_question_scan(self, actor, question_id, filename, content_b64):
        return questions.attach_scan(self.db, actor, question_id, filename, content_b64,
                                     calling(self.documents.store_private_file))

    @rpc(expected_exceptions=DomainError)
    def read_question_scan(self, actor, question_id):
        return questions.scan(self.db, actor, question_id, calling(self.documents.read_private_file))

    @rpc(expected_exceptions=DomainError)
    def faq(self, org_id):
        return questions.faq(self.db, org_id)

    # -- 申报条件自查 and what changed since a return ----------------------------------

    @rpc(expected_exceptions=DomainError)
    def eligibility(self, actor, application_id):
        """The applicant's checklist: documents counts the attachments (a read,
        not a decision)."""
        app = dossier.own(self.db, actor, application_id)
        items = calling(self.documents.list_attachments)(app.id) or []
        return dossier.checklist(self.db, app, dossier.counts_by_section(items))

    @rpc(expected_exceptions=DomainError)
    def eligibility_internal(self, application_id, attachment_counts):
        """The same checklist for review's 办理 (review checked the reviewer may see it)."""
        app = self.db.get(Application, application_id) if isinstance(application_id, str) else None
        if app is None:
            raise NotFound("application_not_found", "申请书不存在")
        return dossier.checklist(self.db, app, attachment_counts or {})

    @rpc(expected_exceptions=DomainError)
    def committee_eligibility(self, actor, number):
        """For the committee: an application of theirs by number, with its checklist."""
        app = dossier.for_committee(self.db, actor, number)
        items = calling(self.documents.list_attachments)(app.id) or []
        return {"application": {"id": app.id, "number": app.number, "status": app.status,
                                "applicant": {"id": app.applicant_id, "name": app.applicant_name},
                                "unit": {"id": app.unit_id, "name": app.unit_name},
                                "qualification": dossier.view(self.db, app)["qualification"]},
                "checklist": dossier.checklist(self.db, app, dossier.counts_by_section(items))}

    @rpc(expected_exceptions=DomainError)
    def allow_eligibility_exception(self, actor, application_id, reason):
        return dossier.allow_exception(self.db, actor, application_id, reason)

    @rpc(expected_exceptions=DomainError)
    def changes(self, actor, application_id):
        """The applicant's own: what they changed since the last submission."""
        app = dossier.own(self.db, actor, application_id)
        items = calling(self.documents.list_attachments)(app.id) or [] if app.status in EDITABLE else None
        return dossier.changes(self.db, app, items)

    @rpc(expected_exceptions=DomainError)
    def changes_internal(self, application_id):
        """For review (which checked the reviewer may see it)."""
        app = self.db.get(Application, application_id) if isinstance(application_id, str) else None
        if app is None:
            raise NotFound("application_not_found", "申请书不存在")
        items = calling(self.documents.list_attachments)(app.id) or [] if app.status in EDITABLE else None
        return dossier.changes(self.db, app, items)

    @rpc(expected_exceptions=DomainError)
    def statistics(self, actor, year, application_ids=None, committee_id=None):
        """统计 for the caller's scope (a department's: the ids review says reached it)."""
        return statistics.compute(self.db, actor, year, application_ids, committee_id)

    # -- 继续教育 records (the applicant's own, apart from any application) ---------

    @rpc(expected_exceptions=DomainError)
    def add_ce_record(self, actor, data, filename, content_b64):
        return continuing_education.add(self.db, actor, data, filename, content_b64,
                                        calling(self.documents.store_private_file))

    @rpc(expected_exceptions=DomainError)
    def list_ce_records(self, actor):
        return continuing_education.list_own(self.db, actor)

    @rpc(expected_exceptions=DomainError)
    def delete_ce_record(self, actor, record_id):
        return continuing_education.delete(self.db, actor, record_id,
                                           calling(self.documents.delete_private_file))

    @rpc(expected_exceptions=DomainError)
    def read_ce_certificate(self, actor, record_id):
        return continuing_education.certificate(self.db, actor, record_id,
                                                calling(self.documents.read_private_file))

    @rpc(expected_exceptions=DomainError)
    def ce_summary_internal(self, applicant_id):
        return continuing_education.summary(self.db, applicant_id)

    # -- for other services ---------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def get_application_internal(self, application_id):
        return dossier.get_internal(self.db, application_id)

    @rpc(expected_exceptions=DomainError)
    def get_applications_internal(self, application_ids):
        rows = self.db.scalars(select(Application).where(Application.id.in_(list(application_ids)))).all()
        return {app.id: dossier.view(self.db, app) for app in rows}

    @rpc(expected_exceptions=DomainError)
    def transition(self, request_id, application_id, action, to_status, by, opinion=None):
        """Answers what review needs — the status and version now — not the whole
        application (building that cost more than the move itself)."""
        status.transition(self.db, request_id, application_id, action, to_status, by, opinion)
        app = self.db.get(Application, application_id, populate_existing=True)
        return self._published({"application_id": app.id, "status": app.status, "version": app.version})

    @event_handler("payments", "fee_paid")
    def on_fee_paid(self, payload):
        """Fee paid → ready for the meeting. The inbox row makes redelivery harmless."""
        self._fees_paid([(current_request_id(), payload)])

    @event_handler("payments", "fees_paid")
    def on_fees_paid(self, payload):
        """Several fee_paid at once (payments' batch sender, zc_common.outbox.batched),
        each handled as ``on_fee_paid`` would, under the request that booked it."""
        self._fees_paid(list(unbatched(payload)))

    def _fees_paid(self, items):
        """All in one transaction (status.fees_paid). Should that fail whole — a twin
        batch committed the same move meanwhile, a row the database refused — each
        event is handled again in a transaction of its own: one that fails is logged
        and the others go on."""
        try:
            status.fees_paid(self.db, items)
        except Exception:  # noqa: BLE001 — retried one by one below, where a failure is logged
            self.db.rollback()
            log.warning("fee_paid batch of %d failed whole; handling each alone", len(items), exc_info=True)
            handle_each(self.db, items, self._fee_paid, "fee_paid")
        # The applications' status changes as one message (review's on_statuses_changed).
        _outbox.after_commit(self.db, self.dispatch, together=STATUS_CHANGES_TOGETHER)

    def _fee_paid(self, payload):
        if not first_time(self.db, ProcessedEvent, payload.get("event_id"), "fee_paid"):
            return
        try:
            status.transition(self.db, status.fee_paid_request_id(payload), payload["application_id"], "fee_paid",
                              "ready_for_meeting", status.FEE_PAID_BY, opinion=f"缴费单号 {payload.get('order_no')}")
        except NotFound as exc:  # no such application: nothing was written but the inbox row, kept
            log.warning("fee_paid for %s ignored: %s", payload.get("application_id"), exc)
        except Conflict as exc:  # e.g. already moved on (rolled back): record it as handled, change nothing
            log.warning("fee_paid for %s ignored: %s", payload.get("application_id"), exc)
            first_time(self.db, ProcessedEvent, payload.get("event_id"), "fee_paid")
        self.db.commit()  # the inbox row, when the transition itself was a repeat

    @timer(interval=3600)
    def forget_idempotency_keys(self):
        """Answers kept for retries expire after ``idempotency.KEEP`` (24 h)."""
        idempotency.forget_expired(self.db, IdempotencyKey)

    @timer(interval=1)
    def relay_outbox(self):
        """Retry what could not be published right after its commit (broker down, crash)."""
        _outbox.run(self.db, self.dispatch)
