"""The documents service through worker_factory: applications and review (other
bounded contexts) are mocked, the database is SQLite, the bucket in memory."""
import base64
import io
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
from zc_common.errors import Conflict, Invalid, NotFound, UnsupportedType

OWNER = {"id": "u1", "role": "applicant", "org_id": None}
STRANGER = {"id": "u2", "role": "applicant", "org_id": None}
REVIEWER = {"id": "s1", "role": "department_staff", "org_id": "dept1"}


def b64(content):
    return base64.b64encode(content).decode()


@pytest.fixture
def service():
    svc = worker_factory(DocumentsService, db=session_for(Base), bucket=MemoryBucket())
    svc.app = application(status="draft")
    svc.applications.get_application_internal.side_effect = lambda _id: with_status_info(svc.app)
    svc.review.has_reached.return_value = False
    return svc


def rows(service):
    return service.db.scalar(select(func.count()).select_from(Attachment))


def store(service, content, actor=OWNER, section="work", name="scan.pdf"):
    return service.store_attachment(actor, service.app["id"], section, name, b64(content))


def test_the_owner_stores_and_reads_back_byte_for_byte(service):
    content = images.pdf()
    receipt = store(service, content)
    assert receipt["content_type"] == "application/pdf" and receipt["size"] == len(content)
    assert receipt["stored_at"].endswith("+08:00") and len(receipt["sha256"]) == 64
    back = service.read_attachment(OWNER, service.app["id"], receipt["id"])
    assert base64.b64decode(back["content_b64"]) == content
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
    kept = service.read_attachment(OWNER, service.app["id"], receipt["id"])
    assert base64.b64decode(kept["content_b64"]) == original
    shown = service.read_attachment(OWNER, service.app["id"], receipt["id"], display=True)
    with Image.open(io.BytesIO(base64.b64decode(shown["content_b64"]))) as image:
        assert image.size == (20, 40)


def test_who_may_read(service):
    receipt = store(service, images.pdf())
    app_id = service.app["id"]
    with pytest.raises(NotFound):
        service.read_attachment(STRANGER, app_id, receipt["id"])
    service.review.has_reached.assert_not_called()  # an applicant is never a reviewer
    with pytest.raises(NotFound):
        service.read_attachment(REVIEWER, app_id, receipt["id"])
    service.review.has_reached.return_value = True
    assert service.read_attachment(REVIEWER, app_id, receipt["id"])["name"] == "scan.pdf"
    service.review.has_reached.assert_called_with(app_id, "dept1")
    with pytest.raises(NotFound):
        service.read_attachment(OWNER, "other-application", receipt["id"])


def test_replace_and_delete_only_while_editable(service):
    app_id = service.app["id"]
    receipt = store(service, images.pdf())
    replaced = service.replace_attachment(OWNER, app_id, receipt["id"], "new.png", b64(images.png()))
    assert replaced["id"] == receipt["id"] and replaced["sha256"] != receipt["sha256"]
    assert len(service.bucket.objects) == 1  # the old bytes are gone
    service.app["status"] = "submitted"
    with pytest.raises(Conflict):
        service.replace_attachment(OWNER, app_id, receipt["id"], "x.pdf", b64(images.pdf()))
    with pytest.raises(Conflict):
        service.delete_attachment(OWNER, app_id, receipt["id"])
    assert service.read_attachment(OWNER, app_id, receipt["id"])["name"] == "new.png"
    service.app["status"] = "returned"
    service.delete_attachment(OWNER, app_id, receipt["id"])
    assert rows(service) == 0 and service.bucket.objects == {}


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
