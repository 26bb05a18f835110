"""The documents service through worker_factory: applications and review (other
bounded contexts) are mocked, the database is SQLite, the bucket in memory. An
upload arrives as the gateway sends it: the bytes already in the bucket under a
staged key, the RPC naming the key."""
import base64
import io
import time
import uuid
from unittest import mock

import pytest
from nameko.exceptions import deserialize
from nameko.testing.services import worker_factory
from PIL import Image
from sqlalchemy import func, select

from services.documents.models import Attachment, Base, PrivateFile
from services.documents.service import DocumentsService
from tests.unit.dbutil import session_for
from tests.unit.documents import images
from tests.unit.documents.memory_bucket import MemoryBucket
from tests.unit.documents.sample import application, with_status_info
from zc_common.errors import BadRequest, Conflict, Invalid, NotFound, TooLarge, UnsupportedType

OWNER = {"id": "u1", "role": "applicant", "org_id": None}
STRANGER = {"id": "u2", "role": "applicant", "org_id": None}
REVIEWER = {"id": "s1", "role": "department_staff", "org_id": "dept1"}


def b64(content):
    return base64.b64encode(content).decode()


class Answered:
    """A reply to ``call_async``: the mocked method runs when the answer is asked for."""

    def __init__(self, method, args):
        self.method, self.args = method, args

    def result(self):
        return self.method(*self.args)


def also_async(method):
    method.call_async.side_effect = lambda *args: Answered(method, args)
    method.deadline = time.time() + 60


@pytest.fixture
def service():
    svc = worker_factory(DocumentsService, db=session_for(Base), bucket=MemoryBucket())
    svc.app = application(status="draft")
    svc.applications.get_application_internal.side_effect = lambda _id: with_status_info(svc.app)
    also_async(svc.applications.get_application_internal)
    also_async(svc.applications.ce_summary_internal)
    svc.review.has_reached.return_value = False
    return svc


def rows(service):
    return service.db.scalar(select(func.count()).select_from(Attachment))


def staged(service, content, attachment_id=None, application_id=None):
    """What the gateway does before its RPC: the bytes under a fresh key of the layout."""
    key = (f"attachments/{application_id or service.app['id']}/{attachment_id or uuid.uuid4().hex}/"
           f"{uuid.uuid4().hex}")
    service.bucket.put(key, content)
    return {"key": key, "size": len(content)}


def store(service, content, actor=OWNER, section="work", name="scan.pdf"):
    return service.store_staged_attachment(actor, service.app["id"], section, name, staged(service, content))


def replace(service, attachment_id, content, name, actor=OWNER):
    return service.replace_staged_attachment(actor, service.app["id"], attachment_id, name,
                                             staged(service, content, attachment_id))


def read(service, actor, application_id, attachment_id, display=False):
    """The object the gateway would stream: (source, bytes)."""
    source = service.attachment_object(actor, application_id, attachment_id, display=display)
    return source, service.bucket.get(source["key"])


def test_the_owner_stores_and_reads_back_byte_for_byte(service):
    content = images.pdf()
    receipt = store(service, content)
    assert receipt["content_type"] == "application/pdf" and receipt["size"] == len(content)
    assert receipt["stored_at"].endswith("+08:00") and len(receipt["sha256"]) == 64
    source, back = read(service, OWNER, service.app["id"], receipt["id"])
    assert back == content and source["sha256"] == receipt["sha256"]
    assert source["content_type"] == "application/pdf" and source["name"] == "scan.pdf"
    assert service.count_attachments(service.app["id"]) == {"work": 1}
    assert [a["id"] for a in service.list_attachments(service.app["id"])] == [receipt["id"]]


@pytest.mark.parametrize("actor, status, section, content, error, code", [
    (STRANGER, "draft", "work", images.pdf(), NotFound, "not_found"),
    (REVIEWER, "draft", "work", images.pdf(), NotFound, "not_found"),
    (OWNER, "submitted", "work", images.pdf(), Conflict, "not_editable"),
    (OWNER, "formal_review_passed", "work", images.pdf(), Conflict, "not_editable"),
    (OWNER, "draft", "nope", images.pdf(), Invalid, "unknown_section"),
    (OWNER, "draft", "work", b"plain text, named .pdf", UnsupportedType, "unsupported_file_type"),
])
def test_refused_uploads_store_nothing(service, actor, status, section, content, error, code):
    service.app["status"] = status
    with pytest.raises(error) as caught:
        store(service, content, actor=actor, section=section)
    assert caught.value.code == code
    assert rows(service) == 0 and service.bucket.objects == {}


def test_a_returned_application_takes_files_again(service):
    service.app["status"] = "returned"
    assert store(service, images.png())["content_type"] == "image/png"


def test_a_failed_commit_removes_the_objects_just_written(service):
    with mock.patch.object(service.db, "commit", side_effect=RuntimeError("database down")):
        with pytest.raises(RuntimeError):
            store(service, images.jpeg(orientation=6))
    assert service.bucket.objects == {}
    assert rows(service) == 0


def test_a_rotated_photo_keeps_its_original_and_shows_upright(service):
    original = images.jpeg(width=40, height=20, orientation=6)
    receipt = store(service, original, name="photo.jpg")
    _, kept = read(service, OWNER, service.app["id"], receipt["id"])
    assert kept == original
    source, shown = read(service, OWNER, service.app["id"], receipt["id"], display=True)
    assert source["content_type"] == "image/jpeg"
    with Image.open(io.BytesIO(shown)) as image:
        assert image.size == (20, 40)


def test_who_may_read(service):
    receipt = store(service, images.pdf())
    app_id = service.app["id"]
    with pytest.raises(NotFound):
        service.attachment_object(STRANGER, app_id, receipt["id"])
    service.review.has_reached.assert_not_called()  # an applicant is never a reviewer
    with pytest.raises(NotFound):
        service.attachment_object(REVIEWER, app_id, receipt["id"])
    service.review.has_reached.return_value = True
    assert service.attachment_object(REVIEWER, app_id, receipt["id"])["name"] == "scan.pdf"
    service.review.has_reached.assert_called_with(app_id, "dept1")
    with pytest.raises(NotFound):
        service.attachment_object(OWNER, "other-application", receipt["id"])


def test_replace_and_delete_only_while_editable(service):
    app_id = service.app["id"]
    receipt = store(service, images.pdf())
    replaced = replace(service, receipt["id"], images.png(), "new.png")
    assert replaced["id"] == receipt["id"] and replaced["sha256"] != receipt["sha256"]
    assert len(service.bucket.objects) == 1  # the old bytes are gone
    with pytest.raises(UnsupportedType):
        replace(service, receipt["id"], b"not a pdf", "x.pdf")
    assert len(service.bucket.objects) == 1  # the refused bytes are gone too, the kept ones stay
    service.app["status"] = "submitted"
    with pytest.raises(Conflict):
        replace(service, receipt["id"], images.pdf(), "x.pdf")
    assert len(service.bucket.objects) == 1
    with pytest.raises(Conflict):
        service.delete_attachment(OWNER, app_id, receipt["id"])
    source, back = read(service, OWNER, app_id, receipt["id"])
    assert source["name"] == "new.png" and back == images.png()
    service.app["status"] = "returned"
    service.delete_attachment(OWNER, app_id, receipt["id"])
    assert rows(service) == 0 and service.bucket.objects == {}


def test_a_staged_key_outside_the_application_is_refused_and_left_alone(service):
    other = staged(service, images.pdf(), application_id="someone-elses-application")
    certificate = "certificates/2026/650000202600000001.pdf"
    service.bucket.put(certificate, b"%PDF-1.4 certificate")
    for bad in (other, {"key": certificate}, {"key": None}, "not a dict"):
        with pytest.raises(BadRequest) as caught:
            service.store_staged_attachment(OWNER, service.app["id"], "work", "x.pdf", bad)
        assert caught.value.code == "bad_staged_file"
    assert set(service.bucket.objects) == {other["key"], certificate}
    with pytest.raises(BadRequest):  # a replacement must name its own attachment
        service.replace_staged_attachment(OWNER, service.app["id"], uuid.uuid4().hex, "x.pdf",
                                          staged(service, images.pdf()))
    assert rows(service) == 0


def test_an_oversized_or_missing_staged_object_is_refused_and_removed(service):
    too_big = staged(service, images.pdf() + b"0" * (2 * 1024 * 1024))
    with pytest.raises(TooLarge):
        service.store_staged_attachment(OWNER, service.app["id"], "work", "big.pdf", too_big)
    assert service.bucket.objects == {}
    gone = staged(service, images.pdf())
    service.bucket.remove(gone["key"])
    with pytest.raises(BadRequest):
        service.store_staged_attachment(OWNER, service.app["id"], "work", "x.pdf", gone)
    assert rows(service) == 0


def test_the_same_upload_delivered_twice_is_recorded_once(service):
    upload = staged(service, images.pdf())
    first = service.store_staged_attachment(OWNER, service.app["id"], "work", "scan.pdf", upload)
    again = service.store_staged_attachment(OWNER, service.app["id"], "work", "scan.pdf", upload)
    assert again == first and rows(service) == 1
    assert service.bucket.get(upload["key"]) == images.pdf()


def test_a_staged_upload_nobody_heard_back_about_is_discarded_unless_recorded(service):
    recorded = staged(service, images.pdf())
    store_receipt = service.store_staged_attachment(OWNER, service.app["id"], "work", "a.pdf", recorded)
    orphan = staged(service, images.pdf())
    assert service.discard_staged_attachment(orphan["key"])["discarded"] is True
    assert service.discard_staged_attachment(recorded["key"])["discarded"] is False
    assert set(service.bucket.objects) == {recorded["key"]}
    with pytest.raises(BadRequest):
        service.discard_staged_attachment("certificates/2026/x.pdf")
    assert service.attachment_object(OWNER, service.app["id"], store_receipt["id"])["key"] == recorded["key"]


def test_the_review_form_is_rendered_once_and_then_named_from_the_bucket(service):
    with mock.patch("services.documents.service.render_off_loop", return_value=b"%PDF-1.4 form") as render:
        first = service.review_form_object(OWNER, service.app["id"])
        second = service.review_form_object(OWNER, service.app["id"])
        assert render.call_count == 1
        assert first["cached"] is False and second["cached"] is True and first["key"] == second["key"]
        assert service.bucket.get(first["key"]) == b"%PDF-1.4 form"
        assert first["etag"] == second["etag"] == service.bucket.etag(first["key"])  # the gateway keeps by it
        assert first["content_type"] == "application/pdf" and first["name"].endswith(".pdf")
        # the owner's 继续教育 records were asked for alongside the application
        service.applications.ce_summary_internal.assert_called_with(OWNER["id"])
        store(service, images.png())  # what the form shows changed: a new render replaces the old
        third = service.review_form_object(OWNER, service.app["id"])
        assert third["cached"] is False and render.call_count == 2
        assert service.bucket.keys(f"review-forms/{service.app['id']}/") == [third["key"]]
        with pytest.raises(NotFound):
            service.review_form_object(STRANGER, service.app["id"])
        # a reviewer the application has reached: the applicant's records, asked for once known
        service.review.has_reached.return_value = True
        service.applications.ce_summary_internal.reset_mock()
        assert service.review_form_object(REVIEWER, service.app["id"])["key"] == third["key"]
        service.applications.ce_summary_internal.assert_called_once_with(service.app["applicant"]["id"])


def test_private_files(service):
    receipt = service.store_private_file("appeal", "appeal-1", "身份证.png", b64(images.png()))
    back = service.read_private_file(receipt["id"])
    assert base64.b64decode(back["content_b64"]) == images.png()
    assert back["name"] == "身份证.png" and back["content_type"] == "image/png"
    with pytest.raises(UnsupportedType):
        service.store_private_file("appeal", "appeal-1", "x.pdf", b64(b"not a pdf"))
    with pytest.raises(Invalid):
        service.store_private_file("../etc", "appeal-1", "x.png", b64(images.png()))
    with pytest.raises(NotFound):
        service.read_private_file("missing")
    assert service.db.scalar(select(func.count()).select_from(PrivateFile)) == 1


def test_domain_errors_of_other_services_come_back_as_themselves():
    error = deserialize({"exc_type": "NotFound", "exc_path": "zc_common.errors.NotFound",
                         "exc_args": ["application_not_found", "申请书不存在", {}], "value": "x"})
    assert isinstance(error, NotFound) and error.code == "application_not_found"
    error = deserialize({"exc_type": "Invalid", "exc_path": "zc_common.errors.Invalid",
                         "exc_args": ["invalid_field", "不对", {"field": "name"}], "value": "x"})
    assert isinstance(error, Invalid) and error.field == "name"
