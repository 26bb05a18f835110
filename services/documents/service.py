"""The documents service: attachment files, the 评审表 PDF, certificates and
private files. A thin door: rules live in ``rules``, storage in ``attachments``
and ``issuing``, rendering in ``review_form``/``certificates``/``pdf``."""
import logging

from nameko.timer import timer
from sqlalchemy import select

from services.documents import (
    attachments,
    certificates,
    evidence,
    files,
    issuing,
    proof,
    receipts,
    review_form,
    rules,
    schemas,
    signing,
)
from services.documents.calls import Sent
from services.documents.models import Base, Certificate, EvidenceCheckRun, PrivateFile  # noqa: F401
from services.documents.pdf import render_off_loop
from services.documents.storage import ObjectStore
from zc_common.clock import iso, now
from zc_common.db import Database
from zc_common.errors import DomainError, Forbidden, NotFound
from zc_common.health import Health, database, object_store
from zc_common.logs import WorkerLog
from zc_common.metrics import Metrics
from zc_common.page_changes import PageTables
from zc_common.remote import calling  # also: remote domain errors arrive as themselves
from zc_common.rpc import EventDispatcher, RpcProxy, event_handler, rpc

log = logging.getLogger(__name__)


class DocumentsService(Health):
    name = "documents"

    # The attachment list shows on an applicant's application page (zc_common/page_changes.py).
    db = Database("documents", pages=PageTables(by_application={"attachments": "application_id"}))
    worker_log = WorkerLog()   # one line per RPC/event, with its request id (zc_common.logs)
    metrics = Metrics()
    bucket = ObjectStore()
    signing_keys = signing.SigningKeys()
    health_checks = {"database": database, "object_store": object_store}
    applications = RpcProxy("applications")
    review = RpcProxy("review")
    dispatch = EventDispatcher()

    # Renders only this process's PDFs; tests and the bench read it.
    renders = {"review_form": 0, "certificate": 0}

    @rpc
    def ping(self):
        return "ok"

    # -- helpers ---------------------------------------------------------------

    def _application(self, application_id):
        return self.applications.get_application_internal(application_id)

    def _readable(self, actor, application_id):
        application = self._application(application_id)
        rules.ensure_may_read(actor, application,
                              lambda org_id: self.review.has_reached(application_id, org_id),
                              lambda: self.review.expert_may_read(application_id, actor["id"]))
        return application

    def _changeable(self, actor, application_id):
        application = self._application(application_id)
        rules.ensure_may_change_files(actor, application)
        return application

    # -- attachments -----------------------------------------------------------

    @event_handler("applications", "application_deleted")
    def on_application_deleted(self, payload):
        """删除 of a draft never submitted: its attachment files go with it."""
        attachments.delete_all(self.db, self.bucket, payload["application_id"])

    @rpc(expected_exceptions=DomainError)
    def store_staged_attachment(self, actor, application_id, section, filename, staged):
        """The gateway has put the upload at ``staged["key"]``: checked and recorded
        there, or removed and refused."""
        key, attachment_id = attachments.staged_key(staged, application_id)
        with attachments.kept_or_discarded(self.db, self.bucket, key, attachment_id):
            application, content = self._changeable_with(actor, application_id, key)
            rules.ensure_section(application, section)
            row = attachments.store_staged(self.db, self.bucket, actor, application_id, section,
                                           filename, key, attachment_id, content)
        return schemas.receipt(row)

    @rpc(expected_exceptions=DomainError)
    def replace_staged_attachment(self, actor, application_id, attachment_id, filename, staged):
        key, _ = attachments.staged_key(staged, application_id, attachment_id)
        with attachments.kept_or_discarded(self.db, self.bucket, key, attachment_id):
            application, content = self._changeable_with(actor, application_id, key)
            row = attachments.replace_staged(self.db, self.bucket, application, attachment_id,
                                             filename, key, content)
        return schemas.receipt(row)

    def _changeable_with(self, actor, application_id, key):
        """The application (checked: its files may change) and the staged bytes,
        read from the bucket while applications answers."""
        application_call = Sent(self.applications.get_application_internal, application_id)
        content = attachments.staged_content(self.bucket, key)
        application = application_call.answer()
        rules.ensure_may_change_files(actor, application)
        return application, content

    @rpc(expected_exceptions=DomainError)
    def discard_staged_attachment(self, key):
        """The gateway never heard back about an upload it staged: remove the object
        unless a row holds it."""
        key, attachment_id = attachments.staged_key({"key": key})
        return {"key": key, "discarded": attachments.discard_staged(self.db, self.bucket, key, attachment_id)}

    @rpc(expected_exceptions=DomainError)
    def delete_attachment(self, actor, application_id, attachment_id):
        application = self._changeable(actor, application_id)
        kept = attachments.delete(self.db, self.bucket, application, attachment_id)
        # A submitted file is taken off the application, not destroyed (issue #15).
        return {"id": attachment_id, "deleted": True, "kept_as_evidence": kept is not None}

    @rpc(expected_exceptions=DomainError)
    def attachment_object(self, actor, application_id, attachment_id, display=False):
        """Which object the gateway streams (the bytes never cross RPC)."""
        self._readable(actor, application_id)
        row = attachments.find(self.db, application_id, attachment_id, detached=True)
        key, content_type = attachments.object_of(row, display)
        return schemas.object_source(key, row.name, content_type, sha256=row.sha256)

    @rpc(expected_exceptions=DomainError)
    def list_attachments(self, application_id, actor=None, verify=False):
        """Internal callers pass no actor; the gateway passes the caller's.
        ``verify`` (applications' submit): each file is first checked against the
        object store (one HEAD each) and a damaged one refused by name
        (``evidence_damaged``) — folded into the list submit asks for anyway, so
        the check costs no RPC of its own."""
        if actor is not None:
            self._readable(actor, application_id)
        rows = attachments.listed(self.db, application_id)
        if verify:
            evidence.ensure_intact(self.bucket, rows)
        return [schemas.receipt(r) for r in rows]

    @rpc(expected_exceptions=DomainError)
    def attachment_receipt_object(self, actor, application_id, attachment_id):
        """The file's 附件存证回执 (signed PDF): rendered and signed once per state of
        the file, then streamed from the bucket like the 评审表."""
        application = self._readable(actor, application_id)
        row = attachments.find(self.db, application_id, attachment_id, detached=True)
        sealed = evidence.is_sealed(row, application)
        # receipts.LAYOUT in the key: a receipt drawn by an older layout is drawn again
        state = f"{receipts.LAYOUT}-{row.sha256[:16]}-{int(sealed)}-{int(row.detached_at is not None)}"
        key = f"receipts/{application_id}/{row.id}/{state}.pdf"
        filename = f"附件存证回执-{row.name.rsplit('.', 1)[0]}.pdf"
        etag = self.bucket.etag(key)
        if etag is not None:
            return schemas.object_source(key, filename, "application/pdf", etag=etag, cached=True)
        html = receipts.render_html(application, row, sealed, now().strftime("%Y-%m-%d %H:%M"))
        pdf = signing.sign_off_loop(render_off_loop(html), receipts.reason(row))
        etag = self.bucket.put(key, pdf, "application/pdf")
        prefix = f"receipts/{application_id}/{row.id}/"
        self.bucket.remove_quietly(*[k for k in self.bucket.keys(prefix) if k != key])
        return schemas.object_source(key, filename, "application/pdf", etag=etag, cached=False)

    # -- the nightly evidence check ---------------------------------------------------

    @timer(interval=600)
    def nightly_evidence_check(self):
        """Once a platform day, at night: every file of every live application is
        read back and re-hashed; damage goes to the platform admins as a notice.
        The day's row decides which replica runs it."""
        moment = now()
        if moment.hour not in evidence.NIGHT_HOURS:
            return
        day = moment.date().isoformat()
        if not evidence.claim_day(self.db, day, moment):
            return
        self._evidence_check(day, moment)

    @rpc(expected_exceptions=DomainError)
    def run_evidence_check(self, actor):
        """The platform admin runs the check now (also what the tests call)."""
        if (actor or {}).get("role") != "platform_admin":
            raise Forbidden("forbidden", "仅平台管理员可进行此操作")
        moment = now()
        return self._evidence_check(f"manual-{moment.strftime('%Y%m%d-%H%M%S-%f')}", moment)

    @rpc(expected_exceptions=DomainError)
    def evidence_check_runs(self, actor, limit=10):
        if (actor or {}).get("role") != "platform_admin":
            raise Forbidden("forbidden", "仅平台管理员可进行此操作")
        rows = self.db.scalars(select(EvidenceCheckRun).order_by(EvidenceCheckRun.started_at.desc())
                               .limit(max(1, min(int(limit), 100)))).all()
        return [evidence.run_view(r) for r in rows]

    def _evidence_check(self, day, moment):
        run = evidence.run_check(self.db, self.bucket, calling(self.applications.get_applications_internal),
                                 day, moment)
        notice = evidence.admin_notice(run)
        if notice is not None:
            try:
                self.dispatch("notice_requested", notice)
            except Exception:  # noqa: BLE001 — the run is recorded; the admin page shows it
                log.warning("documents: the evidence notice could not be sent", exc_info=True)
        return evidence.run_view(run)

    @rpc(expected_exceptions=DomainError)
    def check_evidence(self, application_id):
        """Before review moves an application on (every forward): its files stand
        in the object store as their receipts say, or ``evidence_damaged`` names them."""
        rows = attachments.listed(self.db, application_id)
        evidence.ensure_intact(self.bucket, rows)
        return {"application_id": application_id, "checked": len(rows)}

    @rpc(expected_exceptions=DomainError)
    def attachment_history(self, actor, application_id):
        """Every file the application ever carried, when it was stored and when (if
        ever) it was taken off; submitted files are never gone."""
        application = self._readable(actor, application_id)
        submitted = evidence.last_submitted_at(application)
        return [{**schemas.receipt(r), "detached_at": iso(r.detached_at),
                 "submitted": submitted is not None and r.stored_at <= submitted}
                for r in attachments.history(self.db, application_id)]

    @rpc(expected_exceptions=DomainError)
    def count_attachments(self, application_id):
        return attachments.counted(self.db, application_id)

    # -- 评审表 -----------------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def review_form_object(self, actor, application_id):
        """The 评审表 PDF's object and its ETag: the stored render while nothing it
        shows has changed (one HEAD to the store), else a new render stored first."""
        application, files, ce = self._form_inputs(actor, application_id)
        prefix = f"review-forms/{application_id}/"
        key = prefix + review_form.cache_key(application, files, ce) + ".pdf"
        kind = "正式评审表" if rules.is_formal(application) else "评审表-测试表"
        filename = f"{kind}-{application.get('number') or application_id}.pdf"
        etag = self.bucket.etag(key)
        if etag is not None:
            return schemas.object_source(key, filename, "application/pdf", etag=etag, cached=True)
        review = self.review.review_view(application)
        html = review_form.render_html(application, files, review, now().strftime("%Y-%m-%d %H:%M"), ce)
        pdf = render_off_loop(html)
        type(self).renders["review_form"] += 1
        etag = self.bucket.put(key, pdf, "application/pdf")
        # Older renders of this application are stale now.
        self.bucket.remove_quietly(*[k for k in self.bucket.keys(prefix) if k != key])
        return schemas.object_source(key, filename, "application/pdf", etag=etag, cached=False)

    def _form_inputs(self, actor, application_id):
        """What the form shows: the application (checked readable), its attachment
        receipts and the applicant's 继续教育 records (applications keeps them apart
        from the application; None when it hands back nothing usable). The reads go
        out together: an applicant may read only their own form, so for one the
        records can be asked for before the application says whose it is."""
        application_call = Sent(self.applications.get_application_internal, application_id)
        own = actor.get("id") if actor.get("role") == "applicant" else None
        ce_call = Sent(self.applications.ce_summary_internal, own) if own else None
        files = [schemas.receipt(r) for r in attachments.listed(self.db, application_id)]
        application = application_call.answer()
        rules.ensure_may_read(actor, application,
                              lambda org_id: self.review.has_reached(application_id, org_id),
                              lambda: self.review.expert_may_read(application_id, actor["id"]))
        applicant_id = (application.get("applicant") or {}).get("id")
        if ce_call is not None and applicant_id == own:
            summary = ce_call.answer()
        elif applicant_id:
            summary = calling(self.applications.ce_summary_internal)(applicant_id)
        else:
            summary = None
        return application, files, (summary if isinstance(summary, dict) else None)

    @rpc
    def render_counts(self):
        return dict(self.renders)

    # -- certificates ------------------------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def issue_certificates(self, approval):
        year = certificates.check_approval(approval)
        return [certificates.holder_view(
                    issuing.issue_one(self.db, self.bucket, approval, year, item, self._render_certificate))
                for item in approval["applications"]]

    @rpc(expected_exceptions=DomainError)
    def list_certificates(self, actor):
        rows = self.db.scalars(select(Certificate).where(Certificate.applicant_id == actor["id"])
                               .order_by(Certificate.issued_at.desc())).all()
        return [{**certificates.holder_view(c), **proof.registered(c)} for c in rows]

    @rpc(expected_exceptions=DomainError)
    def certificate_object(self, actor, no):
        """The certificate PDF's object, for the holder and staff of the committee
        that issued it."""
        cert = self.db.get(Certificate, no)
        if cert is None or not (cert.applicant_id == actor.get("id")
                                or (actor.get("org_id") and actor.get("org_id") == cert.committee_id)):
            raise NotFound("certificate_not_found", "证书不存在")
        etag = self.bucket.etag(cert.object_key)
        # Lost (restored database, new bucket), or issued before certificates were
        # signed: draw and sign it again — once; later downloads stream the stored file.
        if etag is None or cert.pdf_sha256 is None:
            pdf = self._render_certificate(cert)
            etag = self.bucket.put(cert.object_key, pdf, "application/pdf")
            cert.pdf_sha256 = files.sha256(pdf)
            self.db.commit()
        return schemas.object_source(cert.object_key, f"职称证书-{cert.no}.pdf", "application/pdf", etag=etag)

    def _render_certificate(self, cert):
        """The certificate's PDF, signed by the platform — once, at issue time: the
        download streams the stored bytes. The QR carries the signed fields."""
        type(self).renders["certificate"] += 1
        cert.qr_payload = signing.sign_fields(signing.qr_fields(certificates.public_view(cert)))
        url = certificates.verification_url(cert.no, cert.name, qr=cert.qr_payload)
        return signing.sign_off_loop(render_off_loop(certificates.render_html(cert, url)),
                                     signing.certificate_reason(cert.no))

    @rpc(expected_exceptions=DomainError)
    def verify_certificate(self, no, name, client):
        return proof.registered(issuing.verify(self.db, no, name, client))

    @rpc(expected_exceptions=DomainError)
    def check_certificate_qr(self, payload):
        """The public check of a QR payload: its signature, then the register."""
        return proof.check_qr(self.db, payload)

    @rpc(expected_exceptions=DomainError)
    def check_certificate_pdf(self, filename, content_b64):
        """The public check of an uploaded certificate PDF (pyHanko validation against
        the platform's certificate), then the register."""
        report = signing.check_off_loop(schemas.decode_b64(content_b64))
        return proof.check_pdf(self.db, report)

    @rpc(expected_exceptions=DomainError)
    def revoke_certificate(self, application_id, reason, by):
        """Review's call when an objection is upheld after approval: the certificate
        shows as revoked in every check from now on (idempotent)."""
        cert = self.db.scalars(select(Certificate).where(Certificate.application_id == application_id)).first()
        if cert is None:
            raise NotFound("certificate_not_found", "该申请书尚未颁发证书")
        if cert.revoked_at is None:
            cert.revoked_at, cert.revoked_reason = now(), str(reason)[:2000]
            self.db.commit()
        return proof.registered(cert)

    @rpc
    def certificate_signing_key(self):
        """The public half of the platform's certificate signature, for offline checks."""
        return signing.public_info()

    # -- private files (appeal scans) -------------------------------------------

    @rpc(expected_exceptions=DomainError)
    def store_private_file(self, kind, owner_ref, filename, content_b64):
        content = schemas.decode_b64(content_b64)
        rules.ensure_private_kind(kind, owner_ref)
        row = attachments.store_private(self.db, self.bucket, kind, owner_ref, filename, content)
        return schemas.private_receipt(row)

    @rpc(expected_exceptions=DomainError)
    def delete_private_file(self, file_id):
        """Forget a private file (idempotent): the row first, then the object, so a
        failure can leave at worst an unreferenced object, never a dangling row."""
        row = self.db.get(PrivateFile, file_id)
        if row is None:
            return {"id": file_id, "deleted": False}
        self.db.delete(row)
        self.db.commit()
        self.bucket.remove_quietly(row.object_key)
        return {"id": file_id, "deleted": True}

    @rpc(expected_exceptions=DomainError)
    def read_private_file(self, file_id):
        row = self.db.get(PrivateFile, file_id)
        if row is None:
            raise NotFound("file_not_found", "文件不存在")
        return schemas.file_body(row.name, row.content_type, self.bucket.get(row.object_key))
