"""Certificate issuing and the public check, on a SQLite session and an in-memory bucket."""
import pytest
from sqlalchemy import func, select

from services.documents import issuing
from services.documents.models import Base, Certificate, VerificationAttempt
from tests.unit.dbutil import session_for
from tests.unit.documents.memory_bucket import MemoryBucket
from tests.unit.documents.test_certificates import APPROVAL
from zc_common.errors import NotFound, TooManyAttempts


@pytest.fixture
def db():
    return session_for(Base)


def issue(db, bucket, approval=APPROVAL, item=None):
    renders = []

    def render(cert):
        renders.append(cert.no)
        return b"%PDF-1.4 rendered"
    cert = issuing.issue_one(db, bucket, approval, int(approval["year"]),
                             item or approval["applications"][0], render)
    return cert, renders


def item(n):
    return {"application_id": f"a{n}", "applicant_id": f"u{n}", "name": f"持证人{n}",
            "title": "高级工程师", "level": "副高"}


def test_numbers_run_per_region_and_year(db):
    bucket = MemoryBucket()
    first, _ = issue(db, bucket, item=item(1))
    second, _ = issue(db, bucket, item=item(2))
    other_region = {**APPROVAL, "committee": {**APPROVAL["committee"], "region_code": "650100"}}
    third, _ = issue(db, bucket, other_region, item=item(3))
    assert (first.no, second.no, third.no) == ("6500002026000001", "6500002026000002", "6501002026000001")
    assert bucket.get(first.object_key) == b"%PDF-1.4 rendered"


def test_issuing_again_returns_the_same_certificate_without_rendering(db):
    bucket = MemoryBucket()
    first, renders = issue(db, bucket)
    again, renders_again = issue(db, bucket)
    assert again.no == first.no and len(renders) == 1 and renders_again == []
    assert db.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_failed_store_leaves_no_row(db):
    bucket = MemoryBucket()
    bucket.fail_puts = True
    with pytest.raises(ConnectionError):
        issue(db, bucket)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Certificate)) == 0
    assert bucket.objects == {}


def test_verify_needs_the_right_name(db):
    cert, _ = issue(db, MemoryBucket())
    assert issuing.verify(db, cert.no, " 张三 ", "10.0.0.1").no == cert.no
    with pytest.raises(NotFound) as caught:
        issuing.verify(db, cert.no, "李四", "10.0.0.1")
    assert caught.value.code == "certificate_not_found"
    with pytest.raises(NotFound):
        issuing.verify(db, "6500002026999999", "张三", "10.0.0.1")


def test_guessing_is_cut_off_per_client_address(db):
    cert, _ = issue(db, MemoryBucket())
    for n in range(issuing.VERIFY_MAX_FAILURES):
        with pytest.raises(NotFound):
            issuing.verify(db, f"65000020269{n:05d}", "张三", "10.0.0.9")
    with pytest.raises(TooManyAttempts) as caught:
        issuing.verify(db, cert.no, "张三", "10.0.0.9")  # even a right guess now
    assert caught.value.code == "too_many_attempts"
    window = issuing.VERIFY_WINDOW.total_seconds()
    assert window - 60 < caught.value.extra["retry_after"] <= window  # for the Retry-After header
    # Another address is not affected.
    assert issuing.verify(db, cert.no, "张三", "10.0.0.10").no == cert.no
    refused = db.scalar(select(func.count()).select_from(VerificationAttempt)
                        .where(VerificationAttempt.client == "10.0.0.9"))
    assert refused == issuing.VERIFY_MAX_FAILURES  # a refused lookup is not even looked up


@pytest.mark.parametrize("typed", ["阿不都·热合曼", "阿不都•热合曼", "阿不都.热合曼", "阿不都・热合曼", "阿不都‧热合曼",
                                   "阿不都 热合曼", "阿不都．热合曼", "阿不都\u3000•\u3000热合曼", "阿不都热合曼"])
def test_a_uyghur_name_matches_however_its_middle_dot_is_typed(db, typed):
    approval = {**APPROVAL, "applications": [{**item(7), "name": "阿不都·热合曼"}]}
    cert, _ = issue(db, MemoryBucket(), approval)
    assert issuing.verify(db, cert.no, typed, "10.0.0.20").no == cert.no
    with pytest.raises(NotFound):
        issuing.verify(db, cert.no, "阿不都·热依木", "10.0.0.21")
    with pytest.raises(NotFound):
        issuing.verify(db, cert.no, "··", "10.0.0.22")   # nothing but separators is no name
