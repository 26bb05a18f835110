"""继续教育 records in the applications service (worker_factory, SQLite): the
rules are checked before the scan is sent to documents, a record exists only
once its scan was stored, and each applicant sees only their own."""
import pytest
from nameko.exceptions import UnknownService, deserialize, serialize
from sqlalchemy import func, select

from services.applications.models import ContinuingEducation
from tests.unit.applications.conftest import ADMIN, applicant
from zc_common.errors import Forbidden, Invalid, NotFound, TooLarge, Unavailable, UnsupportedType

OWNER, OTHER = applicant(1), applicant(2)
GOOD = {"year": 2025, "course": "急诊医学新进展", "organizer": "自治区医学会", "hours": 24}


@pytest.fixture
def ce(service):
    counter = iter(range(1, 1000))

    def stored(**kwargs):
        n = next(counter)
        return {"id": f"file-{n}", "name": kwargs["filename"], "size": 3, "content_type": "application/pdf",
                "sha256": f"{n:064d}"}
    service.documents.store_private_file.side_effect = stored
    return service


def rows(service):
    return service.db.scalar(select(func.count()).select_from(ContinuingEducation))


def add(service, actor=OWNER, **fields):
    return service.add_ce_record(actor, {**GOOD, **fields}, "证书.pdf", "JVBERi0=")


def test_a_record_is_stored_after_its_scan_and_listed_with_hours_per_year(ce):
    first = add(ce)
    assert first["certificate"] == {"file_id": "file-1", "name": "证书.pdf", "sha256": f"{1:064d}"}
    call = ce.documents.store_private_file.call_args.kwargs
    assert call == {"kind": "ce_certificate", "owner_ref": OWNER["id"], "filename": "证书.pdf",
                    "content_b64": "JVBERi0="}
    add(ce, hours=6, organizer=None, course="  临床科研方法  ")
    add(ce, year=2024, hours=30)
    listing = ce.list_ce_records(OWNER)
    assert [r["year"] for r in listing["records"]] == [2025, 2025, 2024]
    second = next(r for r in listing["records"] if r["hours"] == 6)  # same year, same (pinned) moment
    assert second["course"] == "临床科研方法" and second["organizer"] is None
    assert listing["hours_by_year"] == {"2024": 30, "2025": 30} and listing["total"] == 60
    assert ce.ce_summary_internal(OWNER["id"]) == listing
    assert ce.list_ce_records(OTHER) == {"records": [], "hours_by_year": {}, "total": 0}


@pytest.mark.parametrize("fields, field", [
    ({"year": 1949}, "year"), ({"year": 2027}, "year"), ({"year": True}, "year"), ({"year": "二〇二五"}, "year"),
    ({"hours": 0}, "hours"), ({"hours": 1001}, "hours"), ({"hours": 2.5}, "hours"),
    ({"course": " "}, "course"), ({"course": "课" * 201}, "course"), ({"course": 5}, "course"),
    ({"organizer": "办" * 201}, "organizer"),
])
def test_bad_fields_are_refused_before_the_scan_is_sent(ce, fields, field):
    with pytest.raises(Invalid) as caught:
        add(ce, **fields)
    assert caught.value.code == "invalid_field" and caught.value.extra.get("field") == field
    assert ce.documents.store_private_file.call_count == 0 and rows(ce) == 0


def test_the_current_year_follows_the_platform_clock(ce, fake_now):
    fake_now("2027-01-01T00:30:00+08:00")
    assert add(ce, year=2027)["year"] == 2027


@pytest.mark.parametrize("error", [
    UnsupportedType("unsupported_file_type", "只能上传 JPEG、PNG 或 PDF 文件"),
    TooLarge("file_too_large", "文件不能超过 2 MB"),
])
def test_a_refused_scan_leaves_no_record(ce, error):
    # As nameko hands back a remote domain error: rebuilt as the same category.
    ce.documents.store_private_file.side_effect = deserialize(serialize(error))
    with pytest.raises(type(error)):
        add(ce)
    assert rows(ce) == 0


def test_documents_down_is_503_and_leaves_no_record(ce):
    ce.documents.store_private_file.side_effect = UnknownService("documents")
    with pytest.raises(Unavailable):
        add(ce)
    assert rows(ce) == 0


@pytest.mark.parametrize("actor", [ADMIN, {**OWNER, "role": "unit_admin", "org_id": "u" * 32}, None])
def test_only_applicants_keep_records(ce, actor):
    for attempt in (lambda: add(ce, actor=actor), lambda: ce.list_ce_records(actor),
                    lambda: ce.delete_ce_record(actor, "x")):
        with pytest.raises(Forbidden):
            attempt()
    assert rows(ce) == 0


def test_someone_elses_record_does_not_exist(ce):
    record = add(ce)
    for attempt in (lambda: ce.delete_ce_record(OTHER, record["id"]),
                    lambda: ce.read_ce_certificate(OTHER, record["id"]),
                    lambda: ce.delete_ce_record(OWNER, "missing"),
                    lambda: ce.read_ce_certificate(OWNER, None)):
        with pytest.raises(NotFound) as caught:
            attempt()
        assert caught.value.code == "record_not_found"
    assert rows(ce) == 1 and ce.documents.read_private_file.call_count == 0


def test_the_owner_reads_the_scan_and_deletes_the_record(ce):
    record = add(ce)
    ce.documents.read_private_file.return_value = {"name": "证书.pdf", "content_type": "application/pdf",
                                                   "content_b64": "JVBERi0="}
    assert ce.read_ce_certificate(OWNER, record["id"])["content_b64"] == "JVBERi0="
    assert ce.documents.read_private_file.call_args.kwargs == {"file_id": "file-1"}
    assert ce.delete_ce_record(OWNER, record["id"]) == {"id": record["id"], "deleted": True}
    assert rows(ce) == 0 and ce.ce_summary_internal(OWNER["id"])["total"] == 0
    assert ce.documents.delete_private_file.call_args.kwargs == {"file_id": "file-1"}


def test_a_scan_that_cannot_be_deleted_now_does_not_keep_the_record(ce):
    record = add(ce)
    ce.documents.delete_private_file.side_effect = ConnectionError("documents down")
    assert ce.delete_ce_record(OWNER, record["id"])["deleted"] is True
    assert rows(ce) == 0


def test_the_summary_for_documents_tolerates_no_applicant(ce):
    add(ce)
    assert ce.ce_summary_internal(None) == {"records": [], "hours_by_year": {}, "total": 0}
